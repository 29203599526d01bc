"""A letter's text from an application's data and its template: which letters an application has, the values
of the placeholders, and the filled-in paragraphs.

Values come from the register (the application's columns, its agency), from the answer clock of
gongkai.register.deadline (the applicant's correction and payment due dates, the answer deadline before and
after an extension) and from the fee of gongkai.register.fee. Dates are written as official documents write
them (2026年3月16日). A placeholder the register has nothing for is left as a blank line to fill in by hand
(通用.toml `blank`) and reported in `Letter.missing`, so the officer knows what to complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from gongkai.errors import InputError
from gongkai.i18n import Message
from gongkai.letters.templates import ANSWER, ANSWER_BODY, COMMON, Template, Templates, fill

CORRECTION, EXTENSION, THIRD_PARTY, OTHER_AGENCY, FEE = "补正告知书", "延期答复告知书", "征求第三方意见函", \
    "征求其他机关意见函", "收费通知书"
KINDS = (CORRECTION, EXTENSION, THIRD_PARTY, OTHER_AGENCY, FEE, ANSWER)
# Other names a person may type for a kind: the short Chinese one of the issue, and English ids.
ALIASES = {"征求意见函": THIRD_PARTY, "correction": CORRECTION, "extension": EXTENSION,
           "consultation": THIRD_PARTY, "third_party": THIRD_PARTY, "other_agency": OTHER_AGENCY, "fee": FEE,
           "answer": ANSWER}
# The event each letter is sent on: its date is the letter's date.
EVENT_DATES = {CORRECTION: "correction_asked", THIRD_PARTY: "consultation_started",
               OTHER_AGENCY: "consultation_started", FEE: "fee_notice", ANSWER: "answered"}
# What is said when a letter's event is not in the register.
NO_EVENT = {CORRECTION: "letters.no_event.correction", EXTENSION: "letters.no_event.extension",
            THIRD_PARTY: "letters.no_event.consultation", OTHER_AGENCY: "letters.no_event.consultation",
            FEE: "letters.no_event.fee"}
NATURAL_PERSON = "natural_person"


class LetterError(Exception):
    """A letter that cannot be written for this application (exit code 2 on the command line)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Options:
    """What the register does not hold and a letter may need, given by the officer."""

    day: date | None = None  # the letter's date; default: the date of its event, else today
    recipient: str | None = None  # whom a 征求意见函 goes to
    fee_applications: int | None = None  # 按件: the applicant's applications this month (gongkai.register.fee)
    fee_pages: int | None = None  # 按量: the pages provided
    details: Mapping[str, str] = field(default_factory=dict)  # any other placeholder: {不予公开理由: …}


@dataclass(frozen=True)
class Letter:
    """A letter ready to be laid out: title, salutation, paragraphs, the closing, and what was left blank."""

    kind: str
    title: str
    article: str  # the article of the regulation the letter rests on (第三十六条第（四）项, …)
    salutation: str
    paragraphs: tuple[str, ...]
    signature: str
    date: str
    seal: str = ""
    note: str = ""
    missing: tuple[str, ...] = ()  # placeholders the register had nothing for: left blank

    def text(self) -> str:
        """The whole letter as plain text, line by line."""
        lines = [self.title, self.salutation, *self.paragraphs, self.signature, self.date]
        return "\n".join(line for line in [*lines, self.note] if line)


def kind_of(text: str) -> str:
    """The kind a typed name stands for (KINDS, ALIASES); LetterError when none."""
    name = text.strip()
    if name in KINDS:
        return name
    if name in ALIASES or name.lower() in ALIASES:
        return ALIASES.get(name) or ALIASES[name.lower()]
    raise LetterError(Message("letters.unknown_kind", kind=text, kinds="、".join(KINDS)))


def kinds_for(application: Any) -> list[str]:
    """The letters an application's events call for, in the order they are sent."""
    found = []
    if application.correction_asked:
        found.append(CORRECTION)
    if application.consultation_started:
        found += [THIRD_PARTY, OTHER_AGENCY]
    if application.fee_notice:
        found.append(FEE)
    if application.extended:
        found.append(EXTENSION)
    if application.outcome:
        found.append(ANSWER)
    return found


def chinese_date(day: date | None) -> str | None:
    """2026年3月16日 (GB/T 9704: the year in full, month and day without leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else None


def _amount(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text.removesuffix(".00")


# ── the values of the placeholders ─────────────────────────────────────────────────────────────────────────


def _clock(application: Any, extension: bool) -> Any:
    """The answer clock of the application (gongkai.register.deadline), or None when it refuses the dates."""
    from gongkai.register.deadline import compute_deadline

    consultations = []
    if application.consultation_started and application.consultation_ended:
        consultations.append((application.consultation_started, application.consultation_ended))
    try:
        return compute_deadline(
            application.received, channel=application.channel, extension=extension,
            correction_asked=application.correction_asked, correction_received=application.correction_received,
            consultations=consultations, fee_notice=application.fee_notice, fee_paid=application.fee_paid)
    except ValueError:
        return None


def _deadlines(application: Any) -> dict[str, str | None]:
    """The due dates the answer clock gives: the applicant's correction and payment, the answer before and after
    an extension (blank when the clock cannot tell: dates it refuses, a wait for the applicant)."""
    base, extended = _clock(application, False), _clock(application, True)
    return {"答复期限": chinese_date(base.due) if base else None,
            "延期后答复期限": chinese_date(extended.due) if extended else None,
            "补正截止日期": chinese_date(base.correction_due) if base else None,
            "缴费截止日期": chinese_date(base.payment_due) if base else None}


def _fee(application: Any, options: Options, wording: Template) -> dict[str, str | None]:
    """收费方式, 收费金额 and 收费明细: computed by gongkai.register.fee when the officer gives the quantity (and
    then held against the amount recorded), else the amount recorded."""
    from gongkai.register.fee import fee_per_application, fee_per_page

    if options.fee_applications is None and options.fee_pages is None:
        return {"收费方式": None, "收费金额": _amount(application.fee), "收费明细": ""}
    if options.fee_applications is not None and options.fee_pages is not None:
        raise LetterError(Message("fee.input.one_method"))
    try:
        fee = (fee_per_application(options.fee_applications) if options.fee_applications is not None
               else fee_per_page(options.fee_pages))  # type: ignore[arg-type]
    except ValueError as exc:
        raise LetterError(exc.args[0] if isinstance(exc.args[0], Message) else Message(str(exc))) from None
    if application.fee is not None and Decimal(application.fee) != fee.amount:
        raise LetterError(Message("letters.fee_differs", recorded=_amount(application.fee), computed=fee.amount))
    unit = "件" if options.fee_applications is not None else "页"
    return {"收费方式": f"{fee.method.value}（{fee.quantity}{unit}）", "收费金额": _amount(fee.amount),
            "收费明细": _bands(fee, unit, wording)}


def _bands(fee: Any, unit: str, wording: Template) -> str:
    """The fee band by band, in the words of the template's [bands]."""
    words = wording.data.get("bands", {})
    if not isinstance(words, dict) or not all(isinstance(words.get(k), str) for k in ("all", "free", "paid")):
        raise InputError(wording.where, "letters.template.missing_key", key="bands")
    parts = []
    for band in fee.bands:
        span = f"{band.first}–{band.first + band.units - 1}" if band.units > 1 else str(band.first)
        text = words["free"] if band.unit_price == 0 else words["paid"]
        parts.append(text.format_map({"范围": span, "单位": unit, "单价": band.unit_price, "金额": band.amount}))
    return words["all"].format_map({"明细": "；".join(parts)})


def _outcome_label(key: str | None) -> str | None:
    from gongkai.register.outcomes import outcomes

    return outcomes().label(key) if key in outcomes().keys else key


def _letter_day(kind: str, application: Any, options: Options) -> date:
    """The letter's date: given, else its event's; an extension notice (no date of its own in the register) is
    dated today, or the last day of the answer period when that has passed (it must reach the applicant by then)."""
    if options.day:
        return options.day
    event = getattr(application, EVENT_DATES.get(kind, ""), None)
    if event:
        return event
    today = date.today()
    if kind == EXTENSION:
        base = _clock(application, False)
        return min(today, base.due) if base and base.due else today
    return today


def _values(kind: str, application: Any, agency: str, options: Options,
            wording: Template) -> dict[str, str | None]:
    natural = getattr(application, "applicant", None) == NATURAL_PERSON
    values: dict[str, str | None] = {
        "申请人": getattr(application, "applicant_name", None),
        "称谓": "您" if natural else "贵单位",
        "编号": application.number,
        "收到日期": chinese_date(application.received),
        "渠道": application.channel,
        "申请内容": application.subject,
        "联系方式": getattr(application, "contact", None),
        "机关": agency,
        "日期": chinese_date(_letter_day(kind, application, options)),
        "补正告知日期": chinese_date(application.correction_asked),
        "补正收到日期": chinese_date(application.correction_received),
        "延期理由": application.extension_reason,
        "征求意见开始日期": chinese_date(application.consultation_started),
        "收费通知日期": chinese_date(application.fee_notice),
        "缴费日期": chinese_date(application.fee_paid),
        "答复日期": chinese_date(application.answered),
        "办理结果": _outcome_label(application.outcome),
        "收件人": options.recipient,
    }
    values |= _deadlines(application)
    if kind == FEE:
        values |= _fee(application, options, wording)
    return values


# ── filling the templates ──────────────────────────────────────────────────────────────────────────────────


class _Filler:
    """Fills template texts from the values; collects the placeholders left blank, refuses unknown ones."""

    def __init__(self, values: Mapping[str, str | None], blank: str) -> None:
        self.values = dict(values)
        self.blank = blank
        self.missing: list[str] = []

    def __call__(self, template: Template, text: str, defaults: Mapping[str, str] | None = None) -> str:
        def value(name: str) -> str:
            if name not in self.values:
                raise InputError(template.where, "letters.template.unknown_placeholder", name=name,
                                 known="、".join(self.values))
            found = self.values[name]
            if found is None and defaults:
                found = defaults.get(name)
            if found is None:
                if name not in self.missing:
                    self.missing.append(name)
                return self.blank
            return found

        return fill(text, template.where, value)


def _answer_template(templates: Templates, application: Any, details: Mapping[str, str]) -> Template:
    """The outcome's template; or the one its [when_given] names for a detail the officer gave (本机关不掌握:
    another agency is responsible, 第三十六条第（五）项 instead of 第（四）项)."""
    if not application.outcome:
        raise LetterError(Message("letters.no_outcome", number=application.number))
    template = templates.get(f"{ANSWER}.{application.outcome}")
    variants = template.data.get("when_given", {})
    for detail, name in variants.items() if isinstance(variants, dict) else ():
        if details.get(detail):
            return templates.get(str(name))
    return template


def _event_problem(kind: str, application: Any) -> Message | None:
    """Why the application has no such letter (its event is not in the register), or None."""
    needed = {CORRECTION: application.correction_asked, EXTENSION: application.extended,
              THIRD_PARTY: application.consultation_started, OTHER_AGENCY: application.consultation_started,
              FEE: application.fee_notice or application.fee is not None}
    if kind in needed and not needed[kind]:
        return Message(NO_EVENT[kind], number=application.number)
    return None


def compose(kind: str, application: Any, agency: str, *, templates: Templates | None = None,
            options: Options | None = None) -> Letter:
    """The letter of one kind for an application, its wording from the templates (the package's by default)."""
    from gongkai.register.deadline import REGULATION_2019_FROM

    kind = kind_of(kind)
    options = options or Options()
    if application.received < REGULATION_2019_FROM:  # the templates cite the articles of the 2019 regulation
        raise LetterError(Message("letters.before_2019", number=application.number, received=application.received,
                                  since=REGULATION_2019_FROM))
    problem = _event_problem(kind, application)
    if problem is not None:
        raise LetterError(problem)
    templates = templates or Templates()
    common, main = templates.get(COMMON), templates.get(kind)
    outcome = _answer_template(templates, application, options.details) if kind == ANSWER else None
    values = _values(kind, application, agency, options, main) | {k: v for k, v in options.details.items() if v}
    filler = _Filler(values, common.text("blank", "＿＿＿＿"))
    for name in _detail_names(main, outcome):  # a detail the officer may give; blank when not given
        filler.values.setdefault(name, None)
    filler.values["文书名"] = main.text("name", "答复书")
    filler.values["救济"] = filler(common, common.text("remedy"))
    if outcome is not None:
        consulted = outcome.data.get("consulted", "") if application.consultation_started else ""
        filler.values["征求意见情况"] = filler(outcome, consulted)
    paragraphs = _paragraphs(main, outcome, filler)
    article = (outcome or main).text("article")
    return Letter(kind, main.text("title"), article, paragraphs[0], tuple(p for p in paragraphs[1:] if p),
                  filler(common, common.text("signature")), filler(common, common.text("date")),
                  filler(common, common.text("seal", "")), filler(common, common.text("note", "")),
                  tuple(filler.missing))


# Placeholders only an officer can fill (the register has no column for them): blank unless given.
DETAILS = ("不予公开理由", "禁止公开依据", "查询机构", "前次答复日期", "获取途径", "处理情况", "负责机关",
           "负责机关联系方式")


def _detail_names(*templates: Template | None) -> list[str]:
    names = list(DETAILS)
    for template in templates:
        if template is not None:
            names += list(template.defaults())
    return names


def _paragraphs(main: Template, outcome: Template | None, filler: _Filler) -> list[str]:
    out = []
    for text in main.paragraphs():
        if text.strip() == "{" + ANSWER_BODY + "}":
            if outcome is None:
                raise InputError(main.where, "letters.template.unknown_placeholder", name=ANSWER_BODY,
                                 known="、".join(filler.values))
            out += [filler(outcome, p, outcome.defaults()) for p in outcome.paragraphs()]
        else:
            out.append(filler(main, text, main.defaults()))
    return out
