"""The reads the pages and the API share, each limited to the agencies of the person asking.

An application's JSON has the import file's column names as its fields (`register.tabular.APPLICATIONS`: 编号,
收到日期, 渠道, 申请人类型, …, 答复日期, 办理结果), plus 申请人 and 联系方式 (whom the letters address), its `id`,
`version`, its answer deadline `答复期限` (ISO date) and `剩余工作日` (working days left; negative: overdue; null
while the clock waits for the applicant). So a row of an import CSV posted as a JSON object is a valid request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from gongkai.i18n import Message
from gongkai.register.db import Application, AuditEntry, Case, Document, Register, YearlyCount
from gongkai.register.deadline import Deadline
from gongkai.register.store import NotFound
from gongkai.register.tabular import APPLICATIONS, CASES, DOCUMENTS, Column, Sheet

DEADLINE_FIELD, DAYS_LEFT_FIELD = "答复期限", "剩余工作日"
READ_ONLY = frozenset({"id", "version", DEADLINE_FIELD, DAYS_LEFT_FIELD})
PAGE_SIZE = 50


def column(sheet: Sheet, header: str) -> Column:
    return next(c for c in sheet.columns if c.header == header)


# ── deadlines ─────────────────────────────────────────────────────────────────────────────────────────────────

_EVENT_FIELDS = ("received", "channel", "extended", "correction_asked", "correction_received",
                 "consultation_started", "consultation_ended", "fee_notice", "fee_paid")


@lru_cache(maxsize=8192)
def _deadline_of(events: tuple, today: date) -> tuple[Deadline, int | None]:
    """The deadline of the event columns `events` (in the order of _EVENT_FIELDS): many open applications share
    them (received the same day, nothing else recorded), so each is computed once."""
    from types import SimpleNamespace

    from gongkai.register.due import application_deadline

    return application_deadline(SimpleNamespace(**dict(zip(_EVENT_FIELDS, events, strict=True))), today)


def events_deadline(events: tuple, today: date) -> tuple[Deadline, int | None]:
    """The deadline of an application's event columns, given as a tuple in the order of EVENT_COLUMNS."""
    return _deadline_of(tuple(events), today)


def deadline(row: Any, today: date) -> tuple[Deadline, int | None]:
    """The answer deadline of an application (a record or a row with its event columns) and working days left."""
    return _deadline_of(tuple(getattr(row, name) for name in _EVENT_FIELDS), today)


# ── applications as JSON ──────────────────────────────────────────────────────────────────────────────────────


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def application_json(row: Any, today: date) -> dict[str, Any]:
    """An application as the API gives it (see the module docstring)."""
    values = {c.key: getattr(row, c.key) for c in Application.__table__.columns}
    exported = APPLICATIONS.exported(values)
    out: dict[str, Any] = {"id": row.id, "version": row.version}
    for col in APPLICATIONS.columns:
        value = exported.get(col.field)
        out[col.header] = _iso(col.write(value)) if value is not None else None
    due, days = (None, None) if row.answered else deadline(row, today)
    out[DEADLINE_FIELD] = _iso(due.due) if due else None
    out[DAYS_LEFT_FIELD] = days
    return out


# ── finding records ───────────────────────────────────────────────────────────────────────────────────────────


def record_in(session: Session, model: type, record_id: int, agencies: Iterable[int]) -> Any:
    """A record of one of `agencies`, not withdrawn; NotFound (404) otherwise, whoever's it is."""
    record = session.get(model, record_id)
    if record is None or record.withdrawn_at is not None or record.agency_id not in set(agencies):
        raise NotFound(Message("web.error.not_found"))
    return record


def application(reg: Register, record_id: int, agencies: Iterable[int]) -> Application:
    with reg.sessions() as session:
        return record_in(session, Application, record_id, agencies)


@dataclass(frozen=True)
class Filters:
    """The filters of the application list."""

    q: str = ""  # 编号, 申请人 or 申请内容 containing it
    status: str = ""  # open, answered
    year: int | None = None  # received in
    applicant: str = ""  # a key of table 三's columns
    outcome: str = ""  # a key of table 三's result rows

    def where(self, query: Select) -> Select:
        a = Application
        if self.q:
            pattern = f"%{self.q}%"
            query = query.where(or_(a.number.like(pattern), a.subject.like(pattern), a.applicant_name.like(pattern)))
        if self.status == "open":  # answered_year: in the counting index, unlike answered itself
            query = query.where(a.answered_year.is_(None))
        elif self.status == "answered":
            query = query.where(a.answered_year.is_not(None))
        if self.year:
            query = query.where(a.received_year == self.year)
        if self.applicant:
            query = query.where(a.applicant == self.applicant)
        if self.outcome:
            query = query.where(a.outcome == self.outcome)
        return query


def applications(reg: Register, agency: int, filters: Filters, page: int = 1,
                 size: int = PAGE_SIZE) -> tuple[list[Application], int]:
    """One page of an agency's applications, the latest registered first (by id: the primary key orders a
    register of any size at once), and how many match in all."""
    base = filters.where(select(Application).where(Application.agency_id == agency,
                                                   Application.withdrawn_at.is_(None)))
    with reg.sessions() as session:
        total = session.scalar(base.with_only_columns(func.count()).order_by(None))
        rows = session.scalars(base.order_by(Application.id.desc())
                               .offset((max(page, 1) - 1) * size).limit(size)).all()
    return list(rows), total or 0


EVENT_COLUMNS = tuple(getattr(Application, name) for name in _EVENT_FIELDS)


def open_event_groups(reg: Register, agency: int) -> list[tuple[tuple, int]]:
    """The distinct event columns of an agency's open applications (no 答复日期), each with how many share them:
    a deadline is computed once per group, however many applications are open."""
    a = Application
    with reg.sessions() as session:
        rows = session.execute(select(*EVENT_COLUMNS, func.count()).where(
            a.agency_id == agency, a.withdrawn_at.is_(None), a.answered_year.is_(None)).group_by(*EVENT_COLUMNS))
        return [(tuple(row[:-1]), row[-1]) for row in rows]


def open_applications(reg: Register, agency: int, received: Iterable[date] | None = None) -> list[Any]:
    """The event columns of an agency's open applications (no 答复日期), only those received on `received` days
    when given."""
    a = Application
    query = select(a.id, a.number, a.applicant_name, a.subject, *EVENT_COLUMNS).where(
        a.agency_id == agency, a.withdrawn_at.is_(None), a.answered_year.is_(None))
    if received is not None:
        query = query.where(a.received.in_(sorted(set(received))))
    with reg.sessions() as session:
        return list(session.execute(query))


def records(reg: Register, model: type, agency: int, limit: int = 500) -> list[Any]:
    """An agency's cases or documents, the newest first."""
    newest = {Case: Case.filed, Document: Document.issued}[model]
    with reg.sessions() as session:
        return list(session.scalars(select(model).where(model.agency_id == agency, model.withdrawn_at.is_(None))
                                    .order_by(newest.desc(), model.id.desc()).limit(limit)))


def record_json(sheet: Sheet, row: Any, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A case or document with its import file's column names."""
    values = {c.key: getattr(row, c.key) for c in sheet.model.__table__.columns} | dict(extra or {})
    out: dict[str, Any] = {"id": row.id, "version": row.version}
    for col in sheet.columns:
        value = values.get(col.field)
        out[col.header] = _iso(col.write(value)) if value is not None else None
    return out


SHEET_OF = {Case: CASES, Document: DOCUMENTS, Application: APPLICATIONS}


def yearly_counts(reg: Register, agency: int, year: int) -> dict[str, Any]:
    """The table-二 counts entered for a year, key → value."""
    with reg.sessions() as session:
        rows = session.execute(select(YearlyCount.key, YearlyCount.value).where(
            YearlyCount.agency_id == agency, YearlyCount.year == year, YearlyCount.withdrawn_at.is_(None)))
        return {key: value for key, value in rows}


@dataclass(frozen=True)
class AuditFilters:
    table: str = ""
    user: str = ""
    action: str = ""
    record: int | None = None


def audit(reg: Register, agency: int | None, filters: AuditFilters, page: int = 1,
          size: int = PAGE_SIZE, *, tables: tuple[str, ...] = ()) -> tuple[list[AuditEntry], int]:
    """One page of an agency's audit entries (the newest first) and how many match; with no agency, those of
    `tables` (an admin's view of the agencies, regions and people), which must then be named: no agency and no
    tables is refused, never every agency's entries."""
    if agency is None and not tables:
        raise ValueError("audit: no agency and no tables would read every agency's entries")
    query = select(AuditEntry)
    if agency is not None:
        query = query.where(AuditEntry.agency_id == agency)
    if tables:
        query = query.where(AuditEntry.table_name.in_(tables))
    if filters.table:
        query = query.where(AuditEntry.table_name == filters.table)
    if filters.user:
        query = query.where(AuditEntry.user_name == filters.user)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.record is not None:
        query = query.where(AuditEntry.record_id == filters.record)
    with reg.sessions() as session:
        total = session.scalar(query.with_only_columns(func.count()))
        rows = session.scalars(query.order_by(AuditEntry.id.desc()).offset((max(page, 1) - 1) * size)
                               .limit(size)).all()
    return list(rows), total or 0


def _models() -> dict[str, type]:
    from gongkai.register.db import Record

    return {model.__tablename__: model for model in Record.__subclasses__()}


def field_label(table: str, field: str | None) -> str:
    """The Chinese name of a field in the audit log (编号, 收到日期, …), or the field itself."""
    from gongkai.register.store import LABELS

    model = _models().get(table)
    labels = LABELS.get(model, {}) if model else {}
    return labels.get(field or "", field or "")


def value_label(table: str, field: str | None, value: str | None) -> str:
    """A stored key shown as its official label (granted → 予以公开, natural_person → 自然人)."""
    from gongkai.register.store import vocabularies

    model = _models().get(table)
    vocabulary = vocabularies().get(model, {}).get(field or "") if model else None
    if value is None:
        return ""
    if vocabulary is not None and value in vocabulary().keys:
        return vocabulary().label(value)
    return value
