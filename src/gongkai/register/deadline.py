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

from gongkai.i18n import Message, language, using
from gongkai.register.calendar import DayKind, WorkingCalendar, default_calendar, weekday

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
        raise ValueError(Message("deadline.input.unknown_channel", text=text, choices=choices))

    @property
    def receipt_rule(self) -> Message:
        """第三十一条: the day an application that came in this way counts as received."""
        return Message(f"deadline.receipt_rule.{self.name.lower()}")


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
    message: Message  # rendered when shown, in either language
    source: str | None = None  # holiday source of a holiday or make-up step

    def text(self, lang: str | None = None) -> str:
        """The step in `lang` (default: the current language)."""
        return self.message.render(lang)

    @property
    def zh(self) -> str:
        return self.message.render("zh")

    @property
    def en(self) -> str:
        return self.message.render("en")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "start": _iso(self.start), "end": _iso(self.end),
                "zh": self.zh, "en": self.en, "source": self.source}


@dataclass(frozen=True, slots=True)
class Rule:
    """The clock of one regulation."""

    name: str  # "2019" or "2007"
    days: int
    extension: int

    @property
    def title(self) -> Message:
        return Message(f"deadline.regulation.{self.name}.title")

    @property
    def article(self) -> Message:
        """The article that sets the clock (第三十三条 in 2019)."""
        return Message(f"deadline.regulation.{self.name}.article")


RULE_2019 = Rule("2019", 20, 20)
RULE_2007 = Rule("2007", 15, 15)


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
            "warnings": [s.message.texts() for s in self.warnings],
            "trace": [s.to_dict() for s in self.trace],
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def parse_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD), with a ValueError that names the text."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(Message("deadline.input.not_a_date", text=text)) from None


def parse_period(text: str) -> tuple[date, date]:
    """A consultation period 'START:END' (ISO dates, both included)."""
    start, sep, end = text.partition(":")
    if not sep:
        raise ValueError(Message("deadline.input.not_a_period", text=text))
    first, last = parse_date(start), parse_date(end)
    if last < first:
        raise ValueError(Message("deadline.input.period_order", text=text))
    return first, last


def rule_for(received: date) -> Rule:
    if received >= REGULATION_2019_FROM:
        return RULE_2019
    if received >= REGULATION_2007_FROM:
        return RULE_2007
    raise ValueError(Message("deadline.input.no_regulation", received=received))


# -- the trace ------------------------------------------------------------------------------------


class _Trace:
    def __init__(self) -> None:
        self.steps: list[Step] = []

    def add(self, kind: StepKind, start: date | None, end: date | None, msg_id: str, source: str | None = None,
            **params: Any) -> None:
        self.steps.append(Step(kind, start, end, Message(msg_id, **params), source))

    def warn(self, day: date | None, msg_id: str, **params: Any) -> None:
        self.add(StepKind.WARNING, day, day, "deadline.step.warning", text=Message(msg_id, **params))


def _working_days(first: int, last: int) -> Message:
    if first == last:
        return Message("deadline.step.working_day", first=first)
    return Message("deadline.step.working_days", first=first, last=last)


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
            days_counted = _working_days(self.counted + 1, self.counted + days)
            self.trace.add(StepKind.COUNT, first, last, "deadline.step.count", days=days_counted)
            _notice_steps(self.cal, first, last, self.counted, self.trace)
        self.counted += days
        self.cursor = last

    def _pause(self, pause: _Pause) -> None:
        first = max(pause.start, self.cursor + _ONE_DAY)
        paused = self.cal.count_working_days(first, pause.end)
        self.trace.add(StepKind.PAUSE, first, pause.end, f"deadline.step.{pause.kind}_pause", days=paused)
        self.cursor = pause.end

    def _note_skipped(self, pause: _Pause) -> None:
        if pause.end <= self.origin:
            why = "before_start"
        elif pause.start > self.cursor:
            why = "after_due"
        else:
            why = "overlap"
        self.trace.add(StepKind.NOTE, pause.start, pause.end, "deadline.step.skipped",
                       what=Message(f"deadline.pause.{pause.kind}"), why=Message(f"deadline.skipped.{why}"))
        if pause.kind == "fee" and pause.start > self.cursor:
            self.trace.warn(pause.start - _ONE_DAY, "deadline.warning.fee_after_due")


def _notice_steps(calendar: WorkingCalendar, first: date, last: date, counted_before: int, trace: _Trace) -> None:
    """The holidays skipped and the make-up working days counted in [first, last]."""
    for run in calendar.notice_runs(first, last):
        info = run.info
        if info.kind is DayKind.MAKEUP:
            n = counted_before + calendar.count_working_days(first, run.first)
            trace.add(StepKind.MAKEUP, run.first, run.last, "deadline.step.makeup", info.source,
                      reason=info.reason_message(), day=n)
        else:
            trace.add(StepKind.HOLIDAY, run.first, run.last, "deadline.step.holiday", info.source,
                      reason=info.reason_message())


# -- the computation ------------------------------------------------------------------------------


def _check_inputs(received: date, correction_asked: date | None, correction_received: date | None,
                  correction_period: int, consultations: list[tuple[date, date]], fee_notice: date | None,
                  fee_paid: date | None) -> None:
    problem = (_correction_problem(received, correction_asked, correction_received, correction_period)
               or _consultation_problem(received, consultations)
               or _fee_problem(received, fee_notice, fee_paid))
    if problem:
        raise ValueError(problem)


def _correction_problem(received: date, asked: date | None, corrected: date | None, period: int) -> Message | None:
    if corrected and not asked:
        return Message("deadline.input.correction_received_alone")
    if asked and asked < received:
        return Message("deadline.input.correction_before_receipt", asked=asked, received=received)
    if asked and corrected and corrected < asked:
        return Message("deadline.input.correction_before_ask", corrected=corrected, asked=asked)
    if period < 1:
        return Message("deadline.input.correction_period", period=period)
    return None


def _consultation_problem(received: date, consultations: list[tuple[date, date]]) -> Message | None:
    for start, end in consultations:
        if end < start:
            return Message("deadline.input.consultation_order", start=start, end=end)
        if start < received:
            return Message("deadline.input.consultation_before_receipt", start=start, end=end, received=received)
    return None


def _fee_problem(received: date, notice: date | None, paid: date | None) -> Message | None:
    if paid and not notice:
        return Message("deadline.input.fee_paid_alone")
    if notice and notice < received:
        return Message("deadline.input.fee_notice_before_receipt", notice=notice, received=received)
    if notice and paid and paid < notice:
        return Message("deadline.input.fee_paid_before_notice", paid=paid, notice=notice)
    return None


def _receipt_steps(received: date, channel: Channel | None, rule: Rule, trace: _Trace) -> None:
    if channel:
        article = Message("deadline.article.31") if rule is RULE_2019 else ""
        trace.add(StepKind.RECEIPT, received, received, "deadline.step.receipt_channel", weekday=weekday(received),
                  how=channel.receipt_rule, article=article)
    else:
        trace.add(StepKind.RECEIPT, received, received, "deadline.step.receipt", weekday=weekday(received))
    trace.add(StepKind.REGULATION, None, None, "deadline.step.regulation", title=rule.title, article=rule.article,
              days=rule.days, extension=rule.extension)


def _correction_steps(cal: WorkingCalendar, received: date, asked: date, corrected: date | None,
                      period: int, rule: Rule, trace: _Trace) -> date:
    """The ask, its checks and the applicant's due date; returns that due date."""
    article = Message("deadline.article.30") if rule is RULE_2019 else ""
    trace.add(StepKind.CORRECTION, asked, asked, "deadline.step.correction_asked", article=article)
    limit = cal.add_working_days(received, CORRECTION_ASK_LIMIT)
    if rule is RULE_2019 and asked > limit:
        trace.warn(asked, "deadline.warning.correction_late_ask", days=CORRECTION_ASK_LIMIT, limit=limit)
    due = cal.add_working_days(asked, period)
    trace.add(StepKind.CORRECTION, due, due, "deadline.step.correction_due", period=period)
    if corrected and corrected > due:
        trace.warn(corrected, "deadline.warning.correction_late")
    return due


def _fee_steps(cal: WorkingCalendar, notice: date, paid: date | None, trace: _Trace) -> date:
    """The fee notice, the payment due date and its checks; returns the payment due date."""
    due = cal.add_working_days(notice, PAYMENT_PERIOD)
    trace.add(StepKind.FEE, notice, notice, "deadline.step.fee_notice", due=due, period=PAYMENT_PERIOD)
    if notice < FEE_RULES_FROM:
        trace.warn(notice, "deadline.warning.fee_rules")
    if paid and paid > due:
        trace.warn(paid, "deadline.warning.payment_late")
    return due


def _chronological(steps: list[Step], received: date) -> tuple[Step, ...]:
    """Steps in date order (stable: a count step comes before the holidays inside it); provisional notes last."""
    def key(step: Step) -> date:
        return date.max if step.kind is StepKind.PROVISIONAL else step.start or received
    return tuple(sorted(steps, key=key))


def _finish_provisional(cal: WorkingCalendar, received: date, last: date, trace: _Trace) -> bool:
    years = cal.uncovered_years(received, last)
    for year in years:
        trace.add(StepKind.PROVISIONAL, date(year, 1, 1), date(year, 12, 31), "deadline.step.provisional", year=year)
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
            trace.add(StepKind.ABANDON, correction_due, correction_due, "deadline.step.awaiting_correction",
                      due=correction_due)
            return result(Status.AWAITING_CORRECTION, None, received, correction_due)
        clock_start = correction_received
        trace.add(StepKind.RESTART, correction_received, correction_received, "deadline.step.restart")
    pauses = [_Pause(start, end, "consultation") for start, end in periods]
    if fee_notice:
        payment_due = _fee_steps(cal, fee_notice, fee_paid, trace)
        if fee_paid is None:
            trace.add(StepKind.ABANDON, payment_due, payment_due, "deadline.step.awaiting_payment", due=payment_due)
            return result(Status.AWAITING_PAYMENT, None, clock_start, payment_due)
        if fee_paid > fee_notice:
            pauses.append(_Pause(fee_notice + _ONE_DAY, fee_paid, "fee"))
    clock = _Clock(cal, clock_start, pauses, trace)
    due = clock.run(rule.days)
    if extension:
        trace.add(StepKind.BASE_DUE, due, due, "deadline.step.base_due", weekday=weekday(due))
        trace.add(StepKind.EXTENSION, due, due, "deadline.step.extension", days=rule.extension, article=rule.article)
        due = clock.run(rule.extension)
    clock.leftover()
    trace.add(StepKind.DUE, due, due, "deadline.step.due", weekday=weekday(due), days=days)
    return result(Status.DUE, due, clock_start, due)


# -- rendering ------------------------------------------------------------------------------------


def _headline(deadline: Deadline) -> Message:
    if deadline.status is Status.AWAITING_CORRECTION:
        text = Message("deadline.headline.awaiting_correction", due=deadline.correction_due)
    elif deadline.status is Status.AWAITING_PAYMENT:
        text = Message("deadline.headline.awaiting_payment", due=deadline.payment_due)
    else:
        assert deadline.due is not None
        text = Message("deadline.headline.due", due=deadline.due, weekday=weekday(deadline.due))
    if deadline.provisional:
        text = Message("deadline.headline.provisional", text=text)
    regulation = Message("deadline.regulation.name", year=deadline.regulation)
    return Message("deadline.headline.line", text=text, regulation=regulation)


def render_trace(deadline: Deadline, lang: str | None = None) -> str:
    """The deadline and its trace as plain text lines, in `lang` ('zh' or 'en'; default: the current language)."""
    with using(lang or language()):
        lines = [str(_headline(deadline))]
        for step in deadline.trace:
            when = _span(step.start, step.end or step.start) if step.start else ""
            mark = "!" if step.kind is StepKind.WARNING else " "
            lines.append(f"{mark} {when:<23}  {step.message}")
    return "\n".join(lines)
