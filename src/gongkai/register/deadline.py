"""The answer clock of disclosure on application (依申请公开) as a pure function, with an explaining trace.

The model, rule by rule (where the regulation leaves room, the choice is stated):

- Regulation: received on or after 2019-05-15 → the 2019 regulation (国务院令第711号, 第三十三条): 20 working
  days, one extension of at most 20. Received 2008-05-01 … 2019-05-14 → the 2007 regulation (国务院令第492号,
  第二十四条): 15 + 15. Earlier there was no regulation: ValueError.
- Counting: the day of receipt is not counted; day 1 is the first working day after it. The receipt date is an
  input (第三十一条 decides it per channel; the channel is only recorded).
- Correction (补正, 第三十条): the ask should come within 7 working days of receipt (a warning otherwise; the 2007
  regulation set no such limit). The clock restarts: day 1 is the first working day after the corrected
  application arrives. The applicant's correction period is set by the agency's notice (合理的补正期限); we take
  ``correction_period`` working days after the ask (default 15, a common choice, not a rule). Asked but not
  received: status ``awaiting_correction``, no due date, and no correction by the correction due date means
  the application is abandoned (视为放弃申请).
- Consultation (征求意见, 第三十二条、第三十四条): the working days of each given period (both ends included) that
  fall within the running clock are not counted, so they move the due date by as many working days. Days of a
  period outside the running clock change nothing.
- Fee (国办函〔2020〕109号): payment is due within 20 working days of the notice (day 1 = the first working day
  after it). The clock still runs on the day of the notice, pauses from the next day up to and including the
  day of payment, and resumes the day after payment. Notice but no payment: status ``awaiting_payment``; not
  paid by the payment due date means the application is abandoned.
- Extension (延长): counted on from the original due date, through any later pauses.
- Provisional: a result is provisional when a year between receipt and the last date computed is covered by
  no holiday source (its notice is not out yet, or nobody added it to holidays.toml).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from gongkai.register.calendar import DayKind, WorkingCalendar, default_calendar, weekday_name

REGULATION_2019_FROM = date(2019, 5, 15)  # 国务院令第711号 in force
REGULATION_2007_FROM = date(2008, 5, 1)  # 国务院令第492号 in force
FEE_RULES_FROM = date(2021, 1, 1)  # 国办函〔2020〕109号 in force
CORRECTION_ASK_LIMIT = 7  # 第三十条: ask within 7 working days of receipt
DEFAULT_CORRECTION_PERIOD = 15  # the agency sets it; 15 working days is a common choice
PAYMENT_PERIOD = 20  # 109号: pay within 20 working days of the notice

_ONE_DAY = timedelta(days=1)


class Channel(StrEnum):
    """How the application came in (第三十一条); recorded only, the receipt date is given."""

    IN_PERSON = "当面"
    POST = "邮寄"
    ONLINE = "网络"
    FAX = "传真"

    @classmethod
    def parse(cls, text: str) -> Channel:
        """A channel from its Chinese value or English name ('online', 'in_person', 'in-person', …)."""
        key = text.strip()
        for channel in cls:
            if key == channel.value or key.lower().replace("-", "_") == channel.name.lower():
                return channel
        choices = ", ".join(f"{c.value}/{c.name.lower()}" for c in cls)
        raise ValueError(f"unknown channel {text!r}; expected one of {choices}")


_RECEIPT_RULES = {  # 第三十一条
    Channel.IN_PERSON: ("当面提交的，以提交之日为收到申请之日", "in person: the day it is handed in"),
    Channel.POST: ("以邮寄方式提交的，以行政机关签收之日为收到申请之日", "by post: the day the agency signs for it"),
    Channel.ONLINE: ("通过互联网渠道提交的，以双方确认之日为收到申请之日", "online: the day both sides confirm"),
    Channel.FAX: ("以传真方式提交的，以双方确认之日为收到申请之日", "by fax: the day both sides confirm"),
}


class Status(StrEnum):
    DUE = "due"  # the due date is known
    AWAITING_CORRECTION = "awaiting_correction"  # 补正 asked, not received: the clock has not restarted
    AWAITING_PAYMENT = "awaiting_payment"  # fee notice sent, not paid: the clock is paused


class StepKind(StrEnum):
    RECEIPT = "receipt"
    REGULATION = "regulation"
    CORRECTION = "correction"  # the ask and the applicant's correction due date
    RESTART = "restart"  # the clock restarts on the corrected application
    COUNT = "count"  # working days counted
    HOLIDAY = "holiday"  # holiday skipped
    MAKEUP = "makeup"  # make-up working day (调休上班) counted
    PAUSE = "pause"  # working days not counted: consultation or fee
    FEE = "fee"  # the fee notice and the payment due date
    BASE_DUE = "base_due"  # the due date before the extension
    EXTENSION = "extension"
    DUE = "due"
    ABANDON = "abandon"  # when the application counts as abandoned
    PROVISIONAL = "provisional"
    NOTE = "note"  # an input that changes nothing
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the explanation: what happened on a date or over a date range."""

    kind: StepKind
    start: date | None
    end: date | None
    zh: str
    en: str
    source: str | None = None  # holiday source of a holiday or make-up step

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "start": _iso(self.start), "end": _iso(self.end),
                "zh": self.zh, "en": self.en, "source": self.source}


@dataclass(frozen=True, slots=True)
class Rule:
    """The clock of one regulation."""

    name: str  # "2019" or "2007"
    days: int
    extension: int
    article_zh: str
    article_en: str
    title_zh: str
    title_en: str


RULE_2019 = Rule("2019", 20, 20, "第三十三条", "art. 33",
                 "《中华人民共和国政府信息公开条例》（国务院令第711号，2019年5月15日起施行）",
                 "Regulation on Open Government Information (State Council Decree 711, from 2019-05-15)")
RULE_2007 = Rule("2007", 15, 15, "第二十四条", "art. 24",
                 "《中华人民共和国政府信息公开条例》（国务院令第492号，2008年5月1日起施行）",
                 "Regulation on Open Government Information (State Council Decree 492, 2008-05-01 to 2019-05-14)")


@dataclass(frozen=True)
class Deadline:
    """The answer deadline of one application and how it was reached."""

    received: date
    regulation: str  # "2019" or "2007"
    status: Status
    due: date | None  # None while awaiting a correction or a payment
    provisional: bool
    clock_start: date  # the day the counting starts after: receipt, or the corrected application
    working_days: int  # the answer period: base days, plus the extension if granted
    extended: bool
    channel: Channel | None
    correction_due: date | None  # the applicant's correction due date, when a correction was asked
    payment_due: date | None  # the applicant's payment due date, when a fee notice was sent
    trace: tuple[Step, ...]

    @property
    def warnings(self) -> list[Step]:
        return [s for s in self.trace if s.kind is StepKind.WARNING]

    def to_dict(self) -> dict[str, Any]:
        return {
            "received": _iso(self.received),
            "channel": self.channel.value if self.channel else None,
            "regulation": self.regulation,
            "status": self.status.value,
            "due": _iso(self.due),
            "provisional": self.provisional,
            "clock_start": _iso(self.clock_start),
            "working_days": self.working_days,
            "extended": self.extended,
            "correction_due": _iso(self.correction_due),
            "payment_due": _iso(self.payment_due),
            "warnings": [{"zh": s.zh, "en": s.en} for s in self.warnings],
            "trace": [s.to_dict() for s in self.trace],
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def parse_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD), with a ValueError that names the text."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date YYYY-MM-DD") from None


def parse_period(text: str) -> tuple[date, date]:
    """A consultation period 'START:END' (ISO dates, both included)."""
    start, sep, end = text.partition(":")
    if not sep:
        raise ValueError(f"{text!r} is not a period START:END (e.g. 2026-03-02:2026-03-13)")
    first, last = parse_date(start), parse_date(end)
    if last < first:
        raise ValueError(f"period {text!r} ends before it starts")
    return first, last


def rule_for(received: date) -> Rule:
    if received >= REGULATION_2019_FROM:
        return RULE_2019
    if received >= REGULATION_2007_FROM:
        return RULE_2007
    raise ValueError(f"received {received}: before 2008-05-01 there was no disclosure regulation and no clock")


# -- the trace ------------------------------------------------------------------------------------


class _Trace:
    def __init__(self) -> None:
        self.steps: list[Step] = []

    def add(self, kind: StepKind, start: date | None, end: date | None, zh: str, en: str,
            source: str | None = None) -> None:
        self.steps.append(Step(kind, start, end, zh, en, source))

    def warn(self, day: date | None, zh: str, en: str) -> None:
        self.add(StepKind.WARNING, day, day, f"注意：{zh}", f"Warning: {en}")


def _days_zh(first: int, last: int) -> str:
    return f"第{first}个工作日" if first == last else f"第{first}–{last}个工作日"


def _days_en(first: int, last: int) -> str:
    return f"Working day {first}" if first == last else f"Working days {first}–{last}"


def _span(first: date, last: date) -> str:
    return f"{first}" if first == last else f"{first} – {last}"


@dataclass(slots=True)
class _Pause:
    start: date
    end: date
    kind: str  # "consultation" or "fee"


class _Clock:
    """Counts working days after a start date, skipping pauses, and writes what it does to the trace."""

    def __init__(self, calendar: WorkingCalendar, start: date, pauses: list[_Pause], trace: _Trace) -> None:
        self.cal = calendar
        self.cursor = start  # the last day already accounted for
        self.origin = start
        self.counted = 0
        self.pauses = sorted(pauses, key=lambda p: p.start)
        self.trace = trace

    def run(self, n: int) -> date:
        """Count n more working days; returns the day the n-th falls on."""
        remaining = n
        while self.pauses:
            pause = self.pauses[0]
            if pause.end <= self.cursor:
                self._note_skipped(self.pauses.pop(0))
                continue
            available = self.cal.count_working_days(self.cursor + _ONE_DAY, pause.start - _ONE_DAY)
            if available >= remaining:
                break  # the period ends before the pause
            if available:  # else the cursor stays: the pause may start before it
                self._count(pause.start - _ONE_DAY, available)
            remaining -= available
            self._pause(self.pauses.pop(0))
        end = self.cal.add_working_days(self.cursor, remaining)
        self._count(end, remaining)
        return end

    def leftover(self) -> None:
        """Note the pauses that start after the due date."""
        for pause in self.pauses:
            self._note_skipped(pause)
        self.pauses = []

    def _count(self, last: date, days: int) -> None:
        first = self.cursor + _ONE_DAY
        if days:
            a, b = self.counted + 1, self.counted + days
            self.trace.add(StepKind.COUNT, first, last, f"{_days_zh(a, b)}（周末、节假日不计）",
                           f"{_days_en(a, b)} (weekends and holidays not counted)")
            _notice_steps(self.cal, first, last, self.counted, self.trace)
        self.counted += days
        self.cursor = last

    def _pause(self, pause: _Pause) -> None:
        first = max(pause.start, self.cursor + _ONE_DAY)
        paused = self.cal.count_working_days(first, pause.end)
        if pause.kind == "fee":
            zh = f"收费通知次日至缴费之日：{paused}个工作日不计入答复期限"
            en = f"From the day after the fee notice to payment: {paused} working days"
        else:
            zh = f"征求意见期间：{paused}个工作日不计入答复期限"
            en = f"Consultation: {paused} working days"
        self.trace.add(StepKind.PAUSE, first, pause.end, zh, en + " not counted")
        self.cursor = pause.end

    def _note_skipped(self, pause: _Pause) -> None:
        what_zh, what_en = ("缴费等待期", "fee wait") if pause.kind == "fee" else ("征求意见期间", "consultation")
        if pause.end <= self.origin:
            why_zh, why_en = "在答复期限起算之前", "before the clock started"
        elif pause.start > self.cursor:
            why_zh, why_en = "在答复期限届满之后", "after the due date"
        else:
            why_zh, why_en = "与前一暂停期间重叠", "overlaps the pause before"
        self.trace.add(StepKind.NOTE, pause.start, pause.end,
                       f"{what_zh}{why_zh}，不影响答复期限",
                       f"The {what_en} is {why_en}: no effect on the deadline")
        if pause.kind == "fee" and pause.start > self.cursor:
            self.trace.warn(pause.start - _ONE_DAY, "收费通知在答复期限届满之后发出",
                            "the fee notice was sent after the answer was due")


def _notice_steps(calendar: WorkingCalendar, first: date, last: date, counted_before: int, trace: _Trace) -> None:
    """The holidays skipped and the make-up working days counted in [first, last]."""
    for run in calendar.notice_runs(first, last):
        info = run.info
        if info.kind is DayKind.MAKEUP:
            n = counted_before + calendar.count_working_days(first, run.first)
            trace.add(StepKind.MAKEUP, run.first, run.last, f"{info.reason('zh')}，计为第{n}个工作日",
                      f"{info.reason('en')}: counted as working day {n}", info.source)
        else:
            trace.add(StepKind.HOLIDAY, run.first, run.last, f"{info.reason('zh')}放假，不计入",
                      f"{info.reason('en')}: holiday, not counted", info.source)


# -- the computation ------------------------------------------------------------------------------


def _check_inputs(received: date, correction_asked: date | None, correction_received: date | None,
                  correction_period: int, consultations: list[tuple[date, date]], fee_notice: date | None,
                  fee_paid: date | None) -> None:
    if correction_received and not correction_asked:
        raise ValueError("correction_received given without correction_asked")
    if correction_asked and correction_asked < received:
        raise ValueError(f"correction asked on {correction_asked}, before the application was received ({received})")
    if correction_asked and correction_received and correction_received < correction_asked:
        raise ValueError(f"correction received on {correction_received}, before it was asked ({correction_asked})")
    if correction_period < 1:
        raise ValueError(f"correction_period must be at least 1 working day, got {correction_period}")
    for start, end in consultations:
        if end < start:
            raise ValueError(f"consultation {start}:{end} ends before it starts")
        if start < received:
            raise ValueError(f"consultation {start}:{end} starts before the application was received ({received})")
    if fee_paid and not fee_notice:
        raise ValueError("fee_paid given without fee_notice")
    if fee_notice and fee_notice < received:
        raise ValueError(f"fee notice on {fee_notice}, before the application was received ({received})")
    if fee_notice and fee_paid and fee_paid < fee_notice:
        raise ValueError(f"fee paid on {fee_paid}, before the notice ({fee_notice})")


def _receipt_steps(received: date, channel: Channel | None, rule: Rule, trace: _Trace) -> None:
    how_zh, how_en = _RECEIPT_RULES[channel] if channel else ("", "")
    zh = f"收到申请（{weekday_name(received)}）；当日不计入，次日起算"
    en = f"Application received ({weekday_name(received, 'en')}); that day is not counted"
    if channel:
        zh += f"。{channel.value}：{how_zh}" + ("（第三十一条）" if rule is RULE_2019 else "")
        en += f". {how_en}" + (" (art. 31)" if rule is RULE_2019 else "")
    trace.add(StepKind.RECEIPT, received, received, zh, en)
    trace.add(StepKind.REGULATION, None, None,
              f"适用{rule.title_zh}{rule.article_zh}：{rule.days}个工作日内答复，经批准可延长不超过{rule.extension}个工作日",
              f"{rule.title_en}, {rule.article_en}: answer within {rule.days} working days, "
              f"one extension of at most {rule.extension}")


def _correction_steps(cal: WorkingCalendar, received: date, asked: date, corrected: date | None,
                      period: int, rule: Rule, trace: _Trace) -> date:
    """The ask, its checks and the applicant's due date; returns that due date."""
    article = "（第三十条）" if rule is RULE_2019 else ""
    trace.add(StepKind.CORRECTION, asked, asked, f"要求申请人补正{article}",
              "Correction asked" + (" (art. 30)" if rule is RULE_2019 else ""))
    limit = cal.add_working_days(received, CORRECTION_ASK_LIMIT)
    if rule is RULE_2019 and asked > limit:
        trace.warn(asked, f"补正告知应在收到申请之日起{CORRECTION_ASK_LIMIT}个工作日内（最迟{limit}）作出",
                   f"a correction must be asked within {CORRECTION_ASK_LIMIT} working days of receipt (by {limit})")
    due = cal.add_working_days(asked, period)
    trace.add(StepKind.CORRECTION, due, due,
              f"申请人补正期限（按告知后{period}个工作日计；以补正告知书载明的期限为准）",
              f"Applicant's correction due ({period} working days after the ask; "
              "the period in the agency's notice prevails)")
    if corrected and corrected > due:
        trace.warn(corrected, "补正晚于补正期限，行政机关可视为放弃申请",
                   "the correction came after its due date; the agency may treat the application as abandoned")
    return due


def _fee_steps(cal: WorkingCalendar, notice: date, paid: date | None, trace: _Trace) -> date:
    """The fee notice, the payment due date and its checks; returns the payment due date."""
    due = cal.add_working_days(notice, PAYMENT_PERIOD)
    trace.add(StepKind.FEE, notice, notice,
              f"发出收费通知；缴费期限{due}（通知后{PAYMENT_PERIOD}个工作日，国办函〔2020〕109号）",
              f"Fee notice sent; payment due {due} ({PAYMENT_PERIOD} working days, 国办函〔2020〕109号)")
    if notice < FEE_RULES_FROM:
        trace.warn(notice, "国办函〔2020〕109号自2021年1月1日起施行，此前的收费规则不同",
                   "国办函〔2020〕109号 applies from 2021-01-01; earlier fees followed other rules")
    if paid and paid > due:
        trace.warn(paid, "缴费晚于缴费期限，逾期未缴纳的视为放弃申请",
                   "payment came after its due date; an unpaid fee means the application is abandoned")
    return due


def _chronological(steps: list[Step], received: date) -> tuple[Step, ...]:
    """Steps in date order (stable: a count step comes before the holidays inside it); provisional notes last."""
    def key(step: Step) -> date:
        return date.max if step.kind is StepKind.PROVISIONAL else step.start or received
    return tuple(sorted(steps, key=key))


def _finish_provisional(cal: WorkingCalendar, received: date, last: date, trace: _Trace) -> bool:
    years = cal.uncovered_years(received, last)
    for year in years:
        trace.add(StepKind.PROVISIONAL, date(year, 1, 1), date(year, 12, 31),
                  f"{year}年的国务院节假日安排尚未收录，按周一至周五计算，结果为暂定",
                  f"No State Council holiday notice for {year} in the calendar: counted Mon–Fri, result provisional")
    return bool(years)


def compute_deadline(
    received: date,
    *,
    channel: Channel | str | None = None,
    extension: bool = False,
    correction_asked: date | None = None,
    correction_received: date | None = None,
    correction_period: int = DEFAULT_CORRECTION_PERIOD,
    consultations: Iterable[tuple[date, date]] = (),
    fee_notice: date | None = None,
    fee_paid: date | None = None,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    """The answer deadline of an application received on ``received``; see the module docstring for the model."""
    cal = calendar or default_calendar()
    rule = rule_for(received)
    if isinstance(channel, str):
        channel = Channel.parse(channel)
    periods = list(consultations)
    _check_inputs(received, correction_asked, correction_received, correction_period, periods, fee_notice, fee_paid)
    trace = _Trace()
    _receipt_steps(received, channel, rule, trace)
    days = rule.days + (rule.extension if extension else 0)

    def result(status: Status, due: date | None, start: date, last: date) -> Deadline:
        provisional = _finish_provisional(cal, received, last, trace)
        return Deadline(received, rule.name, status, due, provisional, start, days, extension, channel,
                        correction_due, payment_due, _chronological(trace.steps, received))

    clock_start, correction_due, payment_due = received, None, None
    if correction_asked:
        correction_due = _correction_steps(cal, received, correction_asked, correction_received,
                                           correction_period, rule, trace)
        if correction_received is None:
            trace.add(StepKind.ABANDON, correction_due, correction_due,
                      f"答复期限待补正后重新起算；截至{correction_due}无正当理由未补正的，视为放弃申请",
                      f"The clock restarts when the correction arrives; no correction by {correction_due} "
                      "without good reason = application abandoned")
            return result(Status.AWAITING_CORRECTION, None, received, correction_due)
        clock_start = correction_received
        trace.add(StepKind.RESTART, correction_received, correction_received,
                  "收到补正后的申请；答复期限自次日重新起算",
                  "Corrected application received; the clock restarts the day after")
    pauses = [_Pause(start, end, "consultation") for start, end in periods]
    if fee_notice:
        payment_due = _fee_steps(cal, fee_notice, fee_paid, trace)
        if fee_paid is None:
            trace.add(StepKind.ABANDON, payment_due, payment_due,
                      f"答复期限自发出收费通知次日起暂停，缴费后恢复；截至{payment_due}未缴纳的，视为放弃申请",
                      f"The clock is paused from the day after the notice until payment; not paid by {payment_due} "
                      "= application abandoned")
            return result(Status.AWAITING_PAYMENT, None, clock_start, payment_due)
        if fee_paid > fee_notice:
            pauses.append(_Pause(fee_notice + _ONE_DAY, fee_paid, "fee"))
    clock = _Clock(cal, clock_start, pauses, trace)
    due = clock.run(rule.days)
    if extension:
        trace.add(StepKind.BASE_DUE, due, due, f"原答复期限届满日（{weekday_name(due)}）",
                  f"Original due date ({weekday_name(due, 'en')})")
        trace.add(StepKind.EXTENSION, due, due,
                  f"经批准延长答复期限{rule.extension}个工作日（{rule.article_zh}第二款）",
                  f"Extension of {rule.extension} working days approved ({rule.article_en}(2))")
        due = clock.run(rule.extension)
    clock.leftover()
    trace.add(StepKind.DUE, due, due, f"答复期限届满日（{weekday_name(due)}），共{days}个工作日",
              f"Answer due ({weekday_name(due, 'en')}), {days} working days in all")
    return result(Status.DUE, due, clock_start, due)


# -- rendering ------------------------------------------------------------------------------------


def _headline(deadline: Deadline, lang: str) -> str:
    zh = lang == "zh"
    if deadline.status is Status.AWAITING_CORRECTION:
        text = (f"尚无答复期限：等待补正（补正期限 {deadline.correction_due}）" if zh
                else f"No due date yet: awaiting the correction (due {deadline.correction_due})")
    elif deadline.status is Status.AWAITING_PAYMENT:
        text = (f"尚无答复期限：等待缴费（缴费期限 {deadline.payment_due}）" if zh
                else f"No due date yet: awaiting payment (due {deadline.payment_due})")
    else:
        assert deadline.due is not None
        text = (f"答复期限：{deadline.due}（{weekday_name(deadline.due)}）" if zh
                else f"Answer due: {deadline.due} ({weekday_name(deadline.due, 'en')})")
    if deadline.provisional:
        text += "  [暂定]" if zh else "  [provisional]"
    rule = f"{deadline.regulation}年条例" if zh else f"{deadline.regulation} regulation"
    return f"{text}  ({rule})"


def render_trace(deadline: Deadline, lang: str = "zh") -> str:
    """The deadline and its trace as plain text lines, in Chinese ('zh') or English ('en')."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    lines = [_headline(deadline, lang)]
    for step in deadline.trace:
        when = _span(step.start, step.end or step.start) if step.start else ""
        mark = "!" if step.kind is StepKind.WARNING else " "
        lines.append(f"{mark} {when:<23}  {step.text(lang)}")
    return "\n".join(lines)
