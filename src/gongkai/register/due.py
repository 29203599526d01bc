"""The answer deadlines of the register's open applications (待办): each from its own recorded events.

An application is open while it has no 答复日期. Its deadline is computed by `deadline.compute_deadline` from
what the register holds: receipt date and channel, extension, correction asked and received, the consultation
period, fee notice and payment. A consultation still going on (started, not ended) pauses the clock up to
today. The list is for the disclosure officer's morning: what is overdue, what is due soon.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from gongkai.register.calendar import WorkingCalendar, default_calendar
from gongkai.register.db import Application, Register
from gongkai.register.deadline import Deadline, Status, compute_deadline
from gongkai.register.store import agency_id as agency_of


@dataclass(frozen=True, slots=True)
class OpenApplication:
    number: str
    received: date
    applicant: str
    deadline: Deadline
    working_days_left: int | None  # None while the clock waits for the applicant; negative when overdue

    @property
    def overdue(self) -> bool:
        return self.working_days_left is not None and self.working_days_left < 0

    def to_dict(self) -> dict[str, object]:
        return {"number": self.number, "received": self.received.isoformat(), "applicant": self.applicant,
                "overdue": self.overdue, "working_days_left": self.working_days_left, **self.deadline.to_dict()}


def _consultations(row: Application, today: date) -> list[tuple[date, date]]:
    if row.consultation_started is None:
        return []
    return [(row.consultation_started, row.consultation_ended or max(row.consultation_started, today))]


def _deadline(row: Application, today: date, calendar: WorkingCalendar) -> Deadline:
    return compute_deadline(
        row.received, channel=row.channel, extension=row.extended, correction_asked=row.correction_asked,
        correction_received=row.correction_received, consultations=_consultations(row, today),
        fee_notice=row.fee_notice, fee_paid=row.fee_paid, calendar=calendar)


def _days_left(deadline: Deadline, today: date, calendar: WorkingCalendar) -> int | None:
    """Working days from today to the due date (0: due today); negative: working days overdue."""
    if deadline.status is not Status.DUE or deadline.due is None:
        return None
    if deadline.due >= today:
        return calendar.count_working_days(today, deadline.due) - (1 if calendar.is_working_day(today) else 0)
    return -calendar.count_working_days(deadline.due, today) + (1 if calendar.is_working_day(deadline.due) else 0)


def application_deadline(row: Application, today: date, calendar: WorkingCalendar | None = None
                         ) -> tuple[Deadline, int | None]:
    """One application's answer deadline from its recorded events, and the working days left from `today`
    (None while the clock waits for the applicant; negative when overdue)."""
    calendar = calendar or default_calendar()
    deadline = _deadline(row, today, calendar)
    return deadline, _days_left(deadline, today, calendar)


def open_applications(reg: Register, agency: str, today: date | None = None,
                      calendar: WorkingCalendar | None = None) -> Iterator[OpenApplication]:
    """The agency's open applications with their deadlines, the soonest due first (waiting ones last)."""
    today = today or date.today()
    calendar = calendar or default_calendar()
    with reg.sessions() as session:
        agency_id = agency_of(session, agency)
        rows = session.scalars(select(Application).where(
            Application.agency_id == agency_id, Application.withdrawn_at.is_(None),
            Application.answered.is_(None)).order_by(Application.received, Application.number)).all()
    found = []
    for row in rows:
        deadline = _deadline(row, today, calendar)
        found.append(OpenApplication(row.number, row.received, row.applicant, deadline,
                                     _days_left(deadline, today, calendar)))
    yield from sorted(found, key=lambda a: (a.working_days_left is None, a.working_days_left or 0, a.received))
