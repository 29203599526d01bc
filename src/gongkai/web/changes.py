"""Writing through the web: an application from its import-file fields, and the events of its timeline.

Every write goes through `register.store` (`create`, `update`): the same rules as a file import, and every change
in the audit log under the person's name. Values are parsed by the import file's own column parsers
(`register.tabular.APPLICATIONS`), so a date or a label accepted in a CSV is accepted here, and refused with the
same message.

The events of an application (the regulation allows one of each, see `register.db.Application`):
补正告知 and 补正收到 (第三十条), 延期 (第三十三条), 征求意见 and 意见回复 (第三十二条), 收费通知 and 缴费
(国办函〔2020〕109号), 答复 with its 办理结果. Each is a change of the application's columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from gongkai.i18n import Message, message_of
from gongkai.register import store
from gongkai.register.db import Application, Register
from gongkai.register.store import RecordInvalid
from gongkai.web.queries import READ_ONLY, column

NUMBER_ATTEMPTS = 5  # a generated 编号 taken by a concurrent writer: try the next one


@dataclass(frozen=True)
class EventKind:
    name: str  # the API's name of the event
    field: str | None  # the date column it sets (None: the extension, which has no date of its own)
    letters: tuple[str, ...] = ()  # the notices the agency sends on it (the kinds of gongkai.letters)


EVENTS: tuple[EventKind, ...] = (
    EventKind("correction_asked", "correction_asked", ("补正告知书",)),
    EventKind("correction_received", "correction_received"),
    EventKind("extension", None, ("延期答复告知书",)),
    EventKind("consultation_started", "consultation_started", ("征求第三方意见函", "征求其他机关意见函")),
    EventKind("consultation_ended", "consultation_ended"),
    EventKind("fee_notice", "fee_notice", ("收费通知书",)),
    EventKind("fee_paid", "fee_paid"),
    EventKind("answer", "answered", ("答复书",)),
)
LETTER_KINDS = frozenset(kind for event in EVENTS for kind in event.letters)
EVENT_BY_NAME = {kind.name: kind for kind in EVENTS}


def event_kind(name: str) -> EventKind:
    """An event by its API name or its Chinese label (补正告知, 延期, 答复, …)."""
    from gongkai.i18n import t

    found = EVENT_BY_NAME.get(name) or next((k for k in EVENTS if t(f"web.event.{k.name}", lang="zh") == name),
                                            None)
    if found is None:
        names = "、".join(t(f"web.event.{k.name}", lang="zh") for k in EVENTS)
        raise RecordInvalid("applications", [("事件", Message("web.error.unknown_event", name=name, names=names))])
    return found


# ── an application from its fields ────────────────────────────────────────────────────────────────────────────


def _parse(header: str, value: Any, problems: list) -> tuple[str, Any] | None:
    from gongkai.register.tabular import APPLICATIONS

    col = next((c for c in APPLICATIONS.columns if c.header == header), None)
    if col is None:
        problems.append((header, Message("web.error.unknown_field", field=header)))
        return None
    try:
        return col.field, col.parse(value if value is None or isinstance(value, str | int | float) else str(value))
    except ValueError as exc:
        problems.append((header, message_of(exc)))
        return None


def parse_application(data: Mapping[str, Any]) -> dict[str, Any]:
    """The model's values of an application given by its import-file fields; RecordInvalid lists every problem."""
    from gongkai.register.tabular import APPLICATIONS

    problems: list = []
    values: dict[str, Any] = {}
    for header, value in data.items():
        if header in READ_ONLY:
            continue
        parsed = _parse(header, value, problems)
        if parsed is not None:
            values[parsed[0]] = parsed[1]
    if problems:
        raise RecordInvalid("applications", problems)
    if "extension" in values:
        APPLICATIONS.finish(values)
    return values


def _next_number(reg: Register, agency: int, year: int, attempt: int) -> str:
    """A 编号 for an application registered without one: the year and a running number (2026-0001)."""
    with reg.sessions() as session:
        taken = session.scalar(select(func.count()).select_from(Application).where(
            Application.agency_id == agency, Application.received_year == year))
    return f"{year}-{(taken or 0) + 1 + attempt:04d}"


def add_application(reg: Register, agency: int, data: Mapping[str, Any], user: str,
                    today: date | None = None) -> int:
    """Register an application of an agency from its fields; its 编号 generated when none is given."""
    values = parse_application(data)
    values["agency_id"] = agency
    values.setdefault("applicant", None)
    values.setdefault("received", None)
    if values.get("number") or not isinstance(values.get("received"), date):
        return store.create(reg, Application, values, user=user, today=today)
    for attempt in range(NUMBER_ATTEMPTS):
        values["number"] = _next_number(reg, agency, values["received"].year, attempt)
        try:
            return store.create(reg, Application, values, user=user, today=today)
        except RecordInvalid as exc:
            if not any(field == "number" for field, _ in exc.problems) or attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


# ── events ────────────────────────────────────────────────────────────────────────────────────────────────────


def _event_values(kind: EventKind, data: Mapping[str, Any]) -> dict[str, Any]:
    """The columns an event sets, from {日期, 办理结果, 收费, 理由}."""
    from gongkai.register.tabular import APPLICATIONS, parse_date

    problems: list = []
    changes: dict[str, Any] = {}

    def parsed(header: str, parse: Any, value: Any) -> Any:
        try:
            return parse(value)
        except ValueError as exc:
            problems.append((header, message_of(exc)))
            return None

    if kind.field is not None:
        day = parsed("日期", parse_date, data.get("日期"))
        if day is None and not problems:
            problems.append(("日期", Message("register.rule.empty", label="日期")))
        changes[kind.field] = day
    if kind.name == "extension":
        changes["extended"] = True
        changes["extension_reason"] = (str(data.get("理由") or "").strip()) or None
    if kind.name == "answer":
        changes["outcome"] = parsed("办理结果", column(APPLICATIONS, "办理结果").parse, data.get("办理结果"))
        if changes["outcome"] is None and not problems:
            problems.append(("办理结果", Message("register.rule.empty", label="办理结果")))
    if kind.name == "fee_notice" and data.get("收费") not in (None, ""):
        changes["fee"] = parsed("收费", column(APPLICATIONS, "收费").parse, data.get("收费"))
    if problems:
        raise RecordInvalid("applications", problems)
    return changes


def record_event(reg: Register, record_id: int, data: Mapping[str, Any], user: str,
                 expected_version: int | None = None, today: date | None = None) -> int:
    """Record one event of an application (checked with the application's rules); its new version."""
    kind = event_kind(str(data.get("事件") or data.get("event") or ""))
    changes = _event_values(kind, data)
    return store.update(reg, Application, record_id, changes, expected_version=expected_version, user=user,
                        today=today)


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # received, or an EventKind name
    day: date | None
    detail: object  # 办理结果, 收费 (a Message), the extension's reason
    letters: tuple[str, ...]


def timeline(row: Application, extended_on: date | None) -> list[TimelineItem]:
    """The application's events in the order they happened (an extension on the day it was recorded)."""
    from gongkai.register.outcomes import outcomes

    items = [TimelineItem("received", row.received, row.channel, ())]
    details = {"answer": outcomes().label(row.outcome) if row.outcome else None,
               "fee_notice": Message("web.timeline.fee", fee=row.fee) if row.fee is not None else None,
               "extension": row.extension_reason}
    for kind in EVENTS:
        day = getattr(row, kind.field) if kind.field else (extended_on if row.extended else None)
        present = day is not None or (kind.name == "extension" and row.extended)
        if present:
            items.append(TimelineItem(kind.name, day, details.get(kind.name), kind.letters))
    last = row.answered or date.max  # an extension recorded after the answer still came before it

    return sorted(items, key=lambda item: (min(item.day or date.max, last), EVENTS_ORDER.get(item.kind, 0)))


EVENTS_ORDER = {"received": -1, **{kind.name: i for i, kind in enumerate(EVENTS)}}


# ── cases and documents ───────────────────────────────────────────────────────────────────────────────────────


def parse_record(sheet: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """The model's values of a case or document given by its import-file fields; RecordInvalid lists problems."""
    problems: list = []
    values: dict[str, Any] = {}
    by_header = {c.header: c for c in sheet.columns}
    for header, value in data.items():
        if header in READ_ONLY:
            continue
        col = by_header.get(header)
        if col is None:
            problems.append((header, Message("web.error.unknown_field", field=header)))
            continue
        try:
            values[col.field] = col.parse(value if value is None or isinstance(value, str | int | float)
                                          else str(value))
        except ValueError as exc:
            problems.append((header, message_of(exc)))
    if problems:
        raise RecordInvalid(sheet.model.__tablename__, problems)
    sheet.finish(values)
    return values


def add_record(reg: Register, sheet: Any, agency: int, data: Mapping[str, Any], user: str,
               today: date | None = None) -> int:
    """Add a case (its 关联申请 by the application's 编号 in the same agency) or a document."""
    values = parse_record(sheet, data)
    values["agency_id"] = agency
    linked = values.pop("application_number", None)
    if linked is not None:
        with reg.sessions() as session:
            values["application_id"] = store.active_numbers(session, Application, agency).get(linked)
        if values["application_id"] is None:
            raise RecordInvalid("cases", [("关联申请", Message("register.rule.linked_missing", number=linked))])
    return store.create(reg, sheet.model, values, user=user, today=today)
