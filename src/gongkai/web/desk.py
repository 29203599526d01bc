"""The 工作台: what is due, what is overdue, the year so far, and what the year's report still lacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from gongkai.register.db import Application, Closing, Register, ReportText, YearlyCount
from gongkai.web import queries

DUE_SOON = 5  # working days: what the desk lists besides the overdue ones


@dataclass(frozen=True)
class Due:
    id: int
    number: str
    applicant_name: str | None
    subject: str | None
    received: date
    due: date | None
    days_left: int | None
    status: str


@dataclass(frozen=True)
class Missing:
    year: int
    counts_entered: int
    counts_expected: int
    prose_written: int
    closed: bool


def due_list(reg: Register, agency: int, today: date) -> tuple[list[Due], int]:
    """Open applications overdue or due within DUE_SOON working days (the soonest first), and how many open
    applications wait for the applicant (补正, 缴费). Deadlines are computed per group of applications with the
    same events (`queries.open_event_groups`); only the applications of the groups due soon are read."""
    groups = [(events, count, queries.events_deadline(events, today)) for events, count in
              queries.open_event_groups(reg, agency)]
    waiting = sum(count for _, count, (_, days) in groups if days is None)
    soon = {events: found for events, _, found in groups if found[1] is not None and found[1] <= DUE_SOON}
    out = []
    if soon:
        for row in queries.open_applications(reg, agency, received=(events[0] for events in soon)):
            found = soon.get(tuple(row[4:]))
            if found is not None:
                deadline, days = found
                out.append(Due(row.id, row.number, row.applicant_name, row.subject, row.received, deadline.due, days,
                               deadline.status.value))
    return sorted(out, key=lambda d: (d.days_left, d.received)), waiting


def year_counts(reg: Register, agency: int, year: int) -> dict[str, Any]:
    """This year so far: received, answered, still open, and the answers by outcome."""
    a = Application
    live = (a.agency_id == agency, a.withdrawn_at.is_(None))
    with reg.sessions() as session:
        received = session.scalar(select(func.count()).where(*live, a.received_year == year))
        still_open = session.scalar(select(func.count()).where(*live, a.answered_year.is_(None)))
        by_outcome = session.execute(select(a.outcome, func.count()).where(*live, a.answered_year == year)
                                     .group_by(a.outcome).order_by(func.count().desc())).all()
    answered = sum(n for _, n in by_outcome)
    from gongkai.register.outcomes import outcomes

    return {"received": received, "answered": answered, "open": still_open,
            "outcomes": [(outcomes().label(key) if key in outcomes().keys else key, n) for key, n in by_outcome]}


def missing(reg: Register, agency: int, year: int) -> Missing:
    """What the report of a year still lacks: table 二's yearly counts, the six sections' prose, its closing."""
    from gongkai.register.outcomes import yearly_count_keys
    from gongkai.register.report import format_id

    fmt_keys = {key for key in yearly_count_keys() if _in_format(key, format_id())}
    with reg.sessions() as session:
        entered = session.scalar(select(func.count(func.distinct(YearlyCount.key))).where(
            YearlyCount.agency_id == agency, YearlyCount.year == year, YearlyCount.withdrawn_at.is_(None),
            YearlyCount.key.in_(fmt_keys)))
        written = session.scalar(select(func.count()).where(
            ReportText.agency_id == agency, ReportText.year == year, ReportText.withdrawn_at.is_(None)))
        closed = session.scalar(select(func.count()).where(Closing.agency_id == agency, Closing.year == year))
    return Missing(year, entered or 0, len(fmt_keys), written or 0, bool(closed))


def _in_format(key: str, format_id: str) -> bool:
    from gongkai.formats import get_format

    return key in get_format(format_id).table2_keys()
