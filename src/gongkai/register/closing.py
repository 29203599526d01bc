"""Closing a year: its report frozen as version 1, corrections as new versions, and the link to the next year.

Design, and why:

- A published annual report does not change. `close_year` stores the year's report as it stands (the flat cell
  data as JSON, who, when: `db.Closing`) and the applications it carries forward (`db.CarriedForward`, their
  ids). Records of a closed year can still be edited or withdrawn (the audit log keeps every change), but the
  year's report stays as it was closed: `gongkai register report` of a closed year shows its latest version and
  warns, naming the cells, when the register now gives other numbers.
- A correction is explicit: `close_year(..., revise=True, reason=…)` stores version N+1 with its reason and the
  cells it changed (before → after) and the applications that came into or left the carried-forward set. It is
  refused when nothing changed, and a plain `close_year` of a closed year is refused (it says how to revise).
- Next year's 上年结转 must be the set the closing froze. When the register has changed since (an answer date
  moved across the year end, an application of the closed year added or withdrawn), the next year's report gets
  an **error** naming the applications and cells that differ, and that year cannot be closed until the earlier
  year is revised (or the change undone). An error, not a warning: two published reports would contradict each
  other (this year's 上年结转 ≠ last year's 结转下年度), which the State Council's notice counts as 内容不准确.
- Closing reads the register in one snapshot (SQLite: the write lock of BEGIN IMMEDIATE; PostgreSQL: REPEATABLE
  READ), so the frozen numbers and the frozen set agree with each other. Two people closing the same year at once
  cannot both store version N: the unique index on (agency, year, version) refuses the second.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, insert, literal, not_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gongkai.formats import get_format
from gongkai.formats.naming import describe
from gongkai.i18n import Join, Message
from gongkai.register.cells import CARRIED_FORWARD, CARRIED_OVER, row_union
from gongkai.register.db import Application, AuditEntry, CarriedForward, Closing, Register, current_user, now
from gongkai.register.store import RegisterError

SAMPLE = 10  # application numbers named in a message; the rest are counted


class ClosingError(RegisterError):
    """A closing the register refuses; the message says why and what to do."""


@dataclass(frozen=True)
class Notice:
    """Something a report made from the register must tell its reader, beyond the checks of any report.

    `error`: the report contradicts a closed year (it would not be published like this); `warning`: the report
    shown is a closed version and the register now differs from it."""

    severity: str  # error | warning
    message: Message  # rendered when shown
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class Difference:
    """Applications in one set and not the other: how many, and the first numbers of each."""

    added: int  # counted now, not in the frozen set
    removed: int  # in the frozen set, not counted now
    added_numbers: tuple[str, ...] = ()
    removed_numbers: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True)
class ClosingResult:
    year: int
    version: int
    carried_forward: int  # applications in the frozen set
    changes: list[dict[str, Any]] = field(default_factory=list)  # cells: {key, before, after}
    difference: Difference | None = None  # the carried-forward set against the version before


@contextmanager
def snapshot(reg: Register, *, write: bool = False) -> Iterator[Session]:
    """A session whose queries all see the register at one moment, so numbers counted by separate queries agree.

    SQLite holds one snapshot per transaction already (WAL; writers hold the write lock from BEGIN IMMEDIATE);
    PostgreSQL's default READ COMMITTED does not, so the transaction is made REPEATABLE READ."""
    with reg.writing() if write else reg.sessions() as session:
        if not reg.is_sqlite:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


def latest(session: Session, agency_id: int, year: int) -> Closing | None:
    """The newest version of a closed year, or None when the year is not closed."""
    return session.scalar(select(Closing).where(Closing.agency_id == agency_id, Closing.year == year)
                          .order_by(Closing.version.desc()).limit(1))


def frozen(closing: Closing) -> dict[str, Any]:
    """The flat cell data a closing froze."""
    return json.loads(closing.flat)


def closed_when(closing: Closing) -> Message:
    return Message("register.closing.when", version=closing.version, who=closing.closed_by,
                   day=f"{closing.closed_at:%Y-%m-%d}")


def changed_cells(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The cells whose values differ between two flat reports (metadata aside), in report order."""
    keys = [k for k in dict.fromkeys([*before, *after]) if not k.startswith("meta.")]
    return [{"key": k, "before": before.get(k), "after": after.get(k)} for k in keys if before.get(k) != after.get(k)]


def cell_changes_text(changes: list[dict[str, Any]], limit: int = 8) -> Message | Join:
    """表三「（一）予以公开·自然人」 5 → 4; …"""
    shown = Join((Message("register.closing.change", cell=describe(c["key"]), before=shown_value(c["before"]),
                          after=shown_value(c["after"])) for c in changes[:limit]), "common.semicolon")
    if len(changes) > limit:
        return Message("register.closing.more_changes", changes=shown, count=len(changes) - limit)
    return shown


def shown_value(value: Any) -> Message | str:
    """A cell's value as printed: the number, or 'blank'."""
    return Message("common.blank") if value is None else str(value)


# ── the carried-forward set ─────────────────────────────────────────────────────────────────────────────────


def _numbers(session: Session, query) -> tuple[int, tuple[str, ...]]:
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    sample = tuple(session.scalars(query.order_by(Application.number).limit(SAMPLE))) if total else ()
    return total, sample


def set_difference(session: Session, closing_id: int, live: list[ColumnElement[bool]]) -> Difference:
    """The applications matching `live` (a row's condition now) against those a closing froze, in SQL."""
    in_frozen = exists().where(CarriedForward.closing_id == closing_id, CarriedForward.application_id == Application.id)
    added = select(Application.number).where(*live, not_(in_frozen))
    removed = (select(Application.number).join(CarriedForward, CarriedForward.application_id == Application.id)
               .where(CarriedForward.closing_id == closing_id, not_(and_(*live))))
    (n_added, first_added), (n_removed, first_removed) = _numbers(session, added), _numbers(session, removed)
    return Difference(n_added, n_removed, first_added, first_removed)


def difference_text(difference: Difference) -> Join:
    def part(count: int, numbers: tuple[str, ...], what: str) -> Message:
        if not numbers:
            return Message(f"register.closing.{what}", count=count)
        listed = "、".join(numbers) + ("…" if count > len(numbers) else "")
        return Message(f"register.closing.{what}_listed", count=count, numbers=listed)

    return Join((part(difference.added, difference.added_numbers, "added"),
                 part(difference.removed, difference.removed_numbers, "removed")), "common.semicolon")


def carried_over_notices(session: Session, format_id: str, agency_id: int, year: int,
                         flat: Mapping[str, Any]) -> list[Notice]:
    """Errors when a year's 上年结转 differs from what the closing of the year before froze: the cells of the
    report against the frozen 结转下年度 cells, and the applications counted now against the frozen set."""
    previous = latest(session, agency_id, year - 1)
    if previous is None:
        return []
    before = frozen(previous)
    spec = get_format(format_id).table(3)
    columns = [split[1] for k in before if (split := spec.split(k)) and split[0] == CARRIED_FORWARD]
    cells = [{"key": spec.key(CARRIED_OVER, c), "before": before[spec.key(CARRIED_FORWARD, c)],
              "after": flat.get(spec.key(CARRIED_OVER, c))} for c in columns]
    cells = [c for c in cells if c["before"] != c["after"]]
    remedy = Message("register.closing.remedy", year=year - 1)
    notices = []
    if cells:
        notices.append(Notice("error", Message("register.closing.carried_over_cells", year=year, previous=year - 1,
                                               when=closed_when(previous), changes=cell_changes_text(cells),
                                               remedy=remedy), tuple(c["key"] for c in cells)))
    live = row_union(format_id, CARRIED_OVER).where(agency_id, year)
    difference = set_difference(session, previous.id, live)
    if difference:
        notices.append(Notice("error", Message("register.closing.carried_over_set", year=year, previous=year - 1,
                                               when=closed_when(previous), difference=difference_text(difference),
                                               remedy=remedy)))
    return notices


def frozen_notice(closing: Closing, live: Mapping[str, Any]) -> Notice | None:
    """A warning when the register now gives other numbers than the closed version shown."""
    changes = changed_cells(frozen(closing), live)
    if not changes:
        return None
    return Notice("warning", Message("register.closing.register_differs", year=closing.year,
                                     when=closed_when(closing), count=len(changes),
                                     changes=cell_changes_text(changes), next=closing.version + 1),
                  tuple(c["key"] for c in changes))


# ── closing ─────────────────────────────────────────────────────────────────────────────────────────────────


def check_mode(previous: Closing | None, year: int, revise: bool, reason: str | None) -> None:
    """Close an open year, or revise a closed one with a reason; anything else is refused with the way out."""
    if previous is not None and not revise:
        raise ClosingError(Message("register.closing.already_closed", year=year, when=closed_when(previous)))
    if previous is None and revise:
        raise ClosingError(Message("register.closing.not_closed_yet", year=year))
    if revise and not (reason and reason.strip()):
        raise ClosingError(Message("register.closing.needs_reason"))


def store_closing(session: Session, agency_id: int, year: int, flat: Mapping[str, Any], format_id: str, *,
                  previous: Closing | None, reason: str | None, user: str | None) -> ClosingResult:
    """Write the next version of a year and its carried-forward set; refused when it would change nothing."""
    forward = row_union(format_id, CARRIED_FORWARD).where(agency_id, year)
    changes = changed_cells(frozen(previous), flat) if previous else []
    difference = set_difference(session, previous.id, forward) if previous else None
    if previous is not None and not changes and not difference:
        raise ClosingError(Message("register.closing.nothing_changed", year=year, when=closed_when(previous)))
    who, at = current_user(user), now()
    version = previous.version + 1 if previous else 1
    record = {"cells": changes, "carried_forward": _difference_record(difference)} if previous else None
    closing = Closing(agency_id=agency_id, year=year, version=version, flat=json.dumps(flat, ensure_ascii=False),
                      closed_by=who, closed_at=at, reason=reason.strip() if reason else None,
                      changes=json.dumps(record, ensure_ascii=False) if record else None)
    session.add(closing)
    session.flush()
    session.execute(insert(CarriedForward).from_select(
        ["closing_id", "application_id"], select(literal(closing.id), Application.id).where(*forward)))
    carried = session.scalar(select(func.count()).where(CarriedForward.closing_id == closing.id))
    summary = {"year": year, "version": version, "carried_forward": carried, "changed_cells": len(changes),
               "reason": closing.reason}
    session.add(AuditEntry(at=at, user_name=who, action="revise" if previous else "close", table_name="closings",
                           agency_id=agency_id,
                           record_id=closing.id, after=json.dumps(summary, ensure_ascii=False)))
    return ClosingResult(year, version, carried, changes, difference)


def _difference_record(difference: Difference | None) -> dict[str, Any] | None:
    if difference is None:
        return None
    return {"added": difference.added, "removed": difference.removed,
            "added_numbers": list(difference.added_numbers), "removed_numbers": list(difference.removed_numbers)}


def refused_together(exc: IntegrityError, year: int) -> ClosingError:
    """The unique version index refused a second closing made at the same moment as another."""
    return ClosingError(Message("register.closing.at_the_same_moment", year=year,
                                detail=str(exc.orig).splitlines()[0]))


def closing_history(session: Session, agency_id: int, year: int) -> list[Closing]:
    """Every version of a closed year, oldest first."""
    return list(session.scalars(select(Closing).where(Closing.agency_id == agency_id, Closing.year == year)
                                .order_by(Closing.version)))


def year_has_ended(year: int, today: date) -> None:
    if year >= today.year:
        raise ClosingError(Message("register.closing.year_not_ended", year=year, today=today))
