"""Changing the register: add, update and withdraw records, each change written to the audit log.

Rules, and why:

- Nothing is deleted. `withdraw` marks a record (withdrawn_at, withdrawn_reason), and the normal queries
  (`active`) leave it out; the audit log keeps who did what, when, with the values before and after.
- The consistency rules of a record (`RULES`) are one function per table, used by single changes here and
  by file imports (`gongkai.register.tabular`) alike, so a rule cannot differ between the two ways in.
- Concurrent writers lose nothing. An update changes only the fields it is given, atomically: it locks the
  record (SELECT … FOR UPDATE on PostgreSQL; on SQLite every writing transaction holds the database's write
  lock from BEGIN IMMEDIATE), reads it, checks the record as it will be, writes and commits. Two writers of
  different fields of one record therefore queue, and both changes stay. What a lock cannot protect is a person's
  edit made on a copy read earlier: such a caller passes `expected_version` (the version it showed), and a record
  changed since is a `ConflictError` (look again), never a silent overwrite. The version column
  (SQLAlchemy `version_id_col`) also guards every other ORM write: an UPDATE only applies to the version it read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gongkai.i18n import Join, Message, message_of
from gongkai.register.db import (
    Agency,
    AgencyKind,
    Application,
    AuditEntry,
    Base,
    Case,
    Document,
    Record,
    Region,
    Register,
    ReportText,
    YearlyCount,
    current_user,
    now,
)

if TYPE_CHECKING:
    from gongkai.register.outcomes import Vocabulary

# The Chinese name of each field: the column header of import files and the word in every message.
LABELS: dict[type[Record], dict[str, str]] = {
    Application: {
        "number": "编号", "received": "收到日期", "channel": "渠道", "applicant": "申请人类型",
        "applicant_name": "申请人", "contact": "联系方式", "subject": "申请内容",
        "correction_asked": "补正告知日期", "correction_received": "补正收到日期", "extended": "延期",
        "extension_reason": "延期", "consultation_started": "征求意见开始", "consultation_ended": "征求意见结束",
        "fee_notice": "收费通知日期", "fee_paid": "缴费日期", "fee": "收费", "answered": "答复日期",
        "outcome": "办理结果",
    },
    Case: {"number": "编号", "kind": "类型", "filed": "立案日期", "result": "结果", "closed": "审结日期",
           "application_id": "关联申请"},
    Document: {"kind": "类型", "number": "文号", "title": "标题", "issued": "发布日期", "repealed": "废止日期"},
    YearlyCount: {"year": "年度", "key": "项目", "value": "数量"},
    Agency: {"name": "机关名称", "kind": "机关类型", "parent_id": "上级机关", "region_id": "所在地区"},
    Region: {"name": "地区名称", "parent_id": "上级地区"},
    ReportText: {"year": "年度", "section": "部分", "text": "正文"},
}

@cache
def vocabularies() -> dict[type[Record], dict[str, Callable[[], Vocabulary]]]:
    """Fields whose values are keys of cell-keys.md, and the vocabulary that turns a label into its key.
    Imported when first asked for: the official formats they come from are not read by the commands that only
    read the register (`register deadlines` starts faster)."""
    from gongkai.register.outcomes import applicants, case_kinds, case_results, document_kinds, outcomes

    return {
        Application: {"applicant": applicants, "outcome": outcomes},
        Case: {"kind": case_kinds, "result": case_results},
        Document: {"kind": document_kinds},
    }

Problem = tuple[str, Message | str]  # (field, message)


class RegisterError(Exception):
    """A change the register refuses; the message is for the user (no traceback).

    Raised with a Message (`RegisterError(Message(id, …))`), so that `str(exc)` reads in the language current
    when it is shown."""


class NotFound(RegisterError):
    pass


class ConflictError(RegisterError):
    """The record was changed by someone else since it was read; look at it again before changing it."""


class RecordInvalid(RegisterError):
    """A record that breaks the rules; `problems` lists (field, message)."""

    def __init__(self, table: str, problems: list[Problem]) -> None:
        super().__init__(Message("register.record.invalid", table=table_name(table),
                                 problems=Join((message for _, message in problems), "common.semicolon")))
        self.table = table
        self.problems = problems

    def __reduce__(self) -> tuple[Any, ...]:  # rebuilt from its arguments (a worker process sends it back)
        return (type(self), (self.table, self.problems))


def table_name(table: str) -> Message:
    """A table of the register (applications, cases, …) in the words of the current language."""
    return Message(f"register.table.{table}")


# ── rules ─────────────────────────────────────────────────────────────────────────────────────────────────


def _label(model: type[Record], field: str) -> str:
    return LABELS[model].get(field, field)


def _order(model: type[Record], values: Mapping[str, Any], pairs: Iterable[tuple[str, str]]) -> list[Problem]:
    """`later` must not be before `earlier`, and needs `earlier` to be there at all."""
    out = []
    for earlier, later in pairs:
        first, last = values.get(earlier), values.get(later)
        if last is None:
            continue
        if first is None:
            out.append((later, Message("register.rule.needs_earlier", later=_label(model, later),
                                       earlier=_label(model, earlier))))
        elif last < first:
            out.append((later, Message("register.rule.before", later=_label(model, later), last=last,
                                       earlier=_label(model, earlier), first=first)))
    return out


@cache
def date_fields(model: type[Record]) -> tuple[str, ...]:
    """The date columns a person sets (not the withdrawal time)."""
    return tuple(c.key for c in model.__table__.columns if isinstance(c.type, Date))


# Applications and the cases about them exist since the regulation took effect (政府信息公开条例, 国务院令第492号,
# in force 2008-05-01); a date before it is a typing slip (1900-01-01 is Excel's day zero). Rules and normative
# documents still in force may be older, but none older than the People's Republic.
REGULATION_START = date(2008, 5, 1)
DOCUMENTS_START = date(1949, 10, 1)


def _in_time(model: type[Record], values: Mapping[str, Any], today: date) -> list[Problem]:
    """Every date between the earliest one the table can hold and today."""
    earliest, message = ((DOCUMENTS_START, "register.rule.too_early") if model is Document
                         else (REGULATION_START, "register.rule.before_regulation"))
    out = []
    for field in date_fields(model):
        value = values.get(field)
        if value is None:
            continue
        if value > today:
            out.append((field, Message("register.rule.future", label=_label(model, field), value=value, today=today)))
        elif value < earliest:
            out.append((field, Message(message, label=_label(model, field), value=value, earliest=earliest)))
    return out


def _required(model: type[Record], values: Mapping[str, Any], fields: Iterable[str]) -> list[Problem]:
    return [(field, Message("register.rule.empty", label=_label(model, field)))
            for field in fields if values.get(field) in (None, "")]


def _both_or_neither(model: type[Record], values: Mapping[str, Any], a: str, b: str) -> list[Problem]:
    if (values.get(a) is None) == (values.get(b) is None):
        return []
    given, missing = (a, b) if values.get(a) is not None else (b, a)
    return [(missing, Message("register.rule.given_but_empty", given=_label(model, given),
                              missing=_label(model, missing)))]


def application_problems(values: Mapping[str, Any], today: date) -> list[Problem]:
    """What is wrong with an application's values (already parsed: dates are dates, outcome a row key)."""
    model = Application
    out = _required(model, values, ("number", "received", "applicant"))
    if values.get("received") is None:
        return out
    out += _in_time(model, values, today)
    out += _both_or_neither(model, values, "answered", "outcome")
    out += _order(model, values, [("received", "answered"), ("received", "correction_asked"),
                                  ("correction_asked", "correction_received"), ("received", "consultation_started"),
                                  ("consultation_started", "consultation_ended"), ("received", "fee_notice"),
                                  ("fee_notice", "fee_paid")])
    fee = values.get("fee")
    if fee is not None and fee < 0:
        out.append(("fee", Message("register.rule.negative_fee", fee=fee)))
    return out


def case_problems(values: Mapping[str, Any], today: date) -> list[Problem]:
    """A case is pending (尚未审结) without a closing date, or has a result and the date it was closed."""
    model = Case
    out = _required(model, values, ("number", "kind", "filed"))
    out += _in_time(model, values, today)
    closed, pending = values.get("closed"), values.get("result") in (None, "pending")
    if pending and closed is not None:
        out.append(("closed", Message("register.rule.closed_but_pending", closed=closed)))
    if not pending and closed is None:
        out.append(("closed", Message("register.rule.result_without_closed")))
    return out + _order(model, values, [("filed", "closed")])


def document_problems(values: Mapping[str, Any], today: date) -> list[Problem]:
    model = Document
    out = _required(model, values, ("kind", "number", "title", "issued"))
    out += _in_time(model, values, today)
    return out + _order(model, values, [("issued", "repealed")])


def _agency_problems(values: Mapping[str, Any], _today: date) -> list[Problem]:
    out = _required(Agency, values, ("name",))
    if values.get("kind") not in set(AgencyKind):
        out.append(("kind", Message("register.rule.agency_kind", value=values.get("kind"),
                                    kinds=", ".join(AgencyKind))))
    return out


def _count_problems(values: Mapping[str, Any], today: date) -> list[Problem]:
    out = []
    year = values.get("year")
    if isinstance(year, int) and not REGULATION_START.year <= year <= today.year:
        out.append(("year", Message("register.rule.year_out_of_range", year=year, first=REGULATION_START.year,
                                    last=today.year)))
    from gongkai.register.outcomes import yearly_count_keys

    if values.get("key") not in yearly_count_keys():
        out.append(("key", Message("register.rule.count_key", key=values.get("key"))))
    return out


def _region_problems(values: Mapping[str, Any], _today: date) -> list[Problem]:
    return _required(Region, values, ("name",))


def _report_text_problems(values: Mapping[str, Any], _today: date) -> list[Problem]:
    out = _required(ReportText, values, ("year", "section"))
    if values.get("section") not in range(1, 7):
        out.append(("section", Message("register.rule.report_section", section=values.get("section"))))
    return out


RULES: dict[type[Record], Callable[[Mapping[str, Any], date], list[Problem]]] = {
    Application: application_problems, Case: case_problems, Document: document_problems,
    Agency: _agency_problems, YearlyCount: _count_problems, Region: _region_problems,
    ReportText: _report_text_problems,
}


def keyed(model: type[Record], values: dict[str, Any]) -> list[Problem]:
    """Replace labels in the controlled fields by their keys (in place); the problems of those that are unknown."""
    out = []
    for field, vocabulary in vocabularies().get(model, {}).items():
        value = values.get(field)
        if value is None:
            continue
        key = vocabulary().resolve(value)
        if key is None:
            out.append((field, vocabulary().unknown(value)))
        else:
            values[field] = key
    if model is Application and values.get("channel") is not None:
        from gongkai.register.deadline import Channel

        try:
            values["channel"] = Channel.parse(values["channel"]).value
        except ValueError as exc:
            out.append(("channel", message_of(exc)))
    return out


def check(model: type[Record], values: dict[str, Any], today: date | None = None) -> None:
    """Key the controlled fields and apply the table's rules; RecordInvalid listing every problem."""
    problems = keyed(model, values)
    problems += RULES[model](values, today or date.today())
    if problems:
        raise RecordInvalid(model.__tablename__, problems)


# ── queries ───────────────────────────────────────────────────────────────────────────────────────────────


def active(model: type[Record]) -> Select:
    """SELECT of the records not withdrawn: the register as it stands."""
    return select(model).where(model.withdrawn_at.is_(None))


def agency_id(session: Session, name: str) -> int:
    found = session.scalar(select(Agency.id).where(Agency.name == name, Agency.withdrawn_at.is_(None)))
    if found is None:
        raise NotFound(Message("register.agency.not_found", name=name))
    return found


def only_agency(reg: Register) -> str:
    """The agency of a register that holds exactly one (so that --agency may be left out)."""
    with reg.sessions() as session:
        names = list(session.scalars(select(Agency.name).where(Agency.withdrawn_at.is_(None)).order_by(Agency.name)
                                     .limit(6)))
    if len(names) == 1:
        return names[0]
    if not names:
        raise NotFound(Message("register.agency.none"))
    listed = "、".join(names[:5]) + ("…" if len(names) > 5 else "")
    raise RegisterError(Message("register.agency.several", names=listed))


def by_number(reg: Register, model: type[Record], agency: str, number: str) -> Record:
    """The record of an agency with a number (编号, 文号) that is not withdrawn; NotFound when there is none."""
    with reg.sessions() as session:
        owner = agency_id(session, agency)
        found = session.scalar(active(model).where(model.agency_id == owner, model.number == number))
    if found is None:
        raise NotFound(Message("register.record.no_number", table=table_name(model.__tablename__), number=number,
                               agency=agency))
    return found


def active_numbers(session: Session, model: type[Record], agency: int) -> dict[str, int]:
    """number → id of the records of one agency that are not withdrawn (for duplicate checks and links)."""
    rows = session.execute(select(model.number, model.id).where(model.agency_id == agency,
                                                                model.withdrawn_at.is_(None)))
    return {number: record_id for number, record_id in rows}


# ── audit ─────────────────────────────────────────────────────────────────────────────────────────────────


def audit_text(value: Any) -> str | None:
    """How a value is written into the audit log: ISO dates, plain decimals, true/false."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def audit_entry(user: str, action: str, model: type[Base], record_id: int | None, field: str | None = None,
                before: Any = None, after: Any = None, at: datetime | None = None, *,
                agency: int | None = None) -> AuditEntry:
    """One audit entry of a row of `model`'s table; `agency` is whose record it is (the web application shows each
    agency its own)."""
    return AuditEntry(at=at or now(), user_name=user, action=action, table_name=model.__tablename__,
                      record_id=record_id, field=field, before=audit_text(before), after=audit_text(after),
                      agency_id=agency)


@cache
def _stored_fields(model: type[Record]) -> tuple[str, ...]:
    """The fields a person sets: not the id, version, withdrawal or derived year columns."""
    years = (f"{name}_year" for name in getattr(model, "_years", ()))
    derived = {"id", "version", "withdrawn_at", "withdrawn_reason", *years}
    return tuple(c.key for c in model.__mapper__.column_attrs if c.key not in derived)


def id_ranges(ids: Iterable[int]) -> str:
    """1,2,3,5,7,8 → '1-3,5,7-8': the ids an import created, short however many there are."""
    if not isinstance(ids, Sequence) or any(later < earlier for earlier, later in pairwise(ids)):
        ids = sorted(ids)  # an import's ids come in order already: a million of them are not copied to be sorted
    runs: list[list[int]] = []
    for record_id in ids:
        if runs and record_id == runs[-1][1] + 1:
            runs[-1][1] = record_id
        else:
            runs.append([record_id, record_id])
    return ",".join(str(first) if first == last else f"{first}-{last}" for first, last in runs)


def audit_import(session: Session, model: type[Record], source: str, ids: list[int], user: str | None,
                 agency: int | None = None) -> None:
    """One audit entry for a whole imported file: its name, the row count and the ids created (as ranges).

    One entry per field of every row would multiply the rows written by twenty and the import time with it;
    the file itself and these ids say exactly what was created.
    """
    summary = {"file": source, "rows": len(ids), "ids": id_ranges(ids)}
    session.add(audit_entry(current_user(user), "import", model, None,
                            after=json.dumps(summary, ensure_ascii=False), agency=agency))


# ── changes ───────────────────────────────────────────────────────────────────────────────────────────────


def _flush(session: Session, model: type[Record]) -> None:
    """Flush, turning a constraint the database enforces into RecordInvalid. The rules and the duplicate check
    come first, so this is a writer that added the same number at the same moment (PostgreSQL)."""
    try:
        session.flush()
    except IntegrityError as exc:
        reason = str(exc.orig).splitlines()[0]
        raise RecordInvalid(model.__tablename__, [("", Message("register.rule.refused_by_database",
                                                               reason=reason))]) from None


def _duplicate(session: Session, model: type[Record], values: Mapping[str, Any], record_id: int | None) -> None:
    """Refuse a number another active record of the same agency already has (or an agency's or region's name)."""
    named = model in (Agency, Region)
    field = "number" if "number" in values else "name" if named else None
    if field is None:
        return
    query = active(model).where(getattr(model, field) == values[field])
    if not named:
        query = query.where(model.agency_id == values["agency_id"])
    if record_id is not None:
        query = query.where(model.id != record_id)
    if session.scalar(query.limit(1)) is not None:
        raise RecordInvalid(model.__tablename__, [(field, Message("register.rule.duplicate",
                                                                  label=_label(model, field), value=values[field]))])


Guard = Callable[[Session], None]  # a condition checked inside a change's transaction (raises to refuse it)


def create(reg: Register, model: type[Record], values: dict[str, Any], *, user: str | None = None,
           today: date | None = None, guard: Guard | None = None) -> int:
    """Add one record after checking it; every value it is created with goes into the audit log. `guard` checks
    what the record depends on elsewhere (its region still there) in the same transaction."""
    values = dict(values)
    check(model, values, today)
    with reg.writing() as session:
        if guard is not None:
            guard(session)
        return _create_in(session, model, values, current_user(user))


def _create_in(session: Session, model: type[Record], values: dict[str, Any], who: str) -> int:
    """Inside a writing transaction: add one checked record and the audit entries of its values."""
    _duplicate(session, model, values, None)
    record = model(**values)
    session.add(record)
    _flush(session, model)
    at = now()
    agency = record.id if model is Agency else getattr(record, "agency_id", None)
    session.add_all(audit_entry(who, "create", model, record.id, field, None, getattr(record, field), at,
                                agency=agency) for field in _stored_fields(model) if getattr(record, field) is not None)
    return record.id


def add_agency(reg: Register, name: str, kind: AgencyKind | str = AgencyKind.DEPARTMENT, parent: str | None = None,
               *, user: str | None = None) -> int:
    values: dict[str, Any] = {"name": name, "kind": str(kind)}
    if parent is not None:
        with reg.sessions() as session:
            values["parent_id"] = agency_id(session, parent)
    return create(reg, Agency, values, user=user)


def agency_for_import(session: Session, name: str, kind: AgencyKind | str | None, user: str | None) -> tuple[int, bool]:
    """Inside an import's transaction: the agency's id, creating it (kind given) when it is not there yet; and
    whether it was created. Created here, the agency and its audit entries go with the import: an import that
    fails leaves no agency behind."""
    found = session.scalar(select(Agency.id).where(Agency.name == name, Agency.withdrawn_at.is_(None)))
    if found is not None or kind is None:
        return agency_id(session, name), False
    values: dict[str, Any] = {"name": name, "kind": str(kind)}
    check(Agency, values)
    return _create_in(session, Agency, values, current_user(user)), True


def _with_agency(reg: Register, agency: str, values: dict[str, Any]) -> dict[str, Any]:
    with reg.sessions() as session:
        return {**values, "agency_id": agency_id(session, agency)}


def add_application(reg: Register, agency: str, *, user: str | None = None, today: date | None = None,
                    **values: Any) -> int:
    """Add an application (number, received, applicant, …; outcome and applicant as key or official label)."""
    return create(reg, Application, _with_agency(reg, agency, values), user=user, today=today)


def add_case(reg: Register, agency: str, *, result: str = "pending", application: str | None = None,
             user: str | None = None, today: date | None = None, **values: Any) -> int:
    """Add a review or litigation case, linked to the application with number `application` if given."""
    values = _with_agency(reg, agency, {**values, "result": result})
    if application is not None:
        with reg.sessions() as session:
            linked = active_numbers(session, Application, values["agency_id"]).get(application)
        if linked is None:
            raise RecordInvalid("cases", [("application_id", Message("register.rule.linked_missing",
                                                                     number=application))])
        values["application_id"] = linked
    return create(reg, Case, values, user=user, today=today)


def add_document(reg: Register, agency: str, *, user: str | None = None, today: date | None = None,
                 **values: Any) -> int:
    return create(reg, Document, _with_agency(reg, agency, values), user=user, today=today)


def set_yearly_count(reg: Register, agency: str, year: int, key: str, value: Decimal | int, *,
                     user: str | None = None) -> int:
    """Set one table-二 number of a year (add it, or update the one there); returns its record id."""
    values = _with_agency(reg, agency, {"year": year, "key": key, "value": Decimal(value)})
    with reg.sessions() as session:
        existing = session.scalar(active(YearlyCount).where(
            YearlyCount.agency_id == values["agency_id"], YearlyCount.year == year, YearlyCount.key == key))
    if existing is None:
        return create(reg, YearlyCount, values, user=user)
    update(reg, YearlyCount, existing.id, {"value": values["value"]}, user=user)
    return existing.id


def _load(session: Session, model: type[Record], record_id: int) -> Record:
    """The record as it is now, locked until the transaction ends (FOR UPDATE; SQLite: already locked)."""
    record = session.get(model, record_id, populate_existing=True, with_for_update=True)
    table = table_name(model.__tablename__)
    if record is None:
        raise NotFound(Message("register.record.not_found", table=table, id=record_id))
    if record.withdrawn_at is not None:
        raise NotFound(Message("register.record.withdrawn", table=table, id=record_id,
                               day=f"{record.withdrawn_at:%Y-%m-%d}"))
    return record


def _apply(session: Session, model: type[Record], record_id: int, changes: Mapping[str, Any],
           expected_version: int | None, who: str, today: date | None) -> int:
    """Inside the update's transaction: lock and read, check the merged record, write the changed fields and
    their audit entries."""
    record = _load(session, model, record_id)
    if expected_version is not None and record.version != expected_version:
        raise ConflictError(Message("register.record.conflict", table=table_name(model.__tablename__), id=record_id,
                                    current=record.version, expected=expected_version))
    merged = {field: getattr(record, field) for field in _stored_fields(model)} | dict(changes)
    check(model, merged, today)
    _duplicate(session, model, merged, record_id)
    at = now()
    for field in changes:
        before, after = getattr(record, field), merged[field]
        if before != after:
            setattr(record, field, after)
            session.add(audit_entry(who, "update", model, record_id, field, before, after, at,
                                    agency=getattr(record, "agency_id", None)))
    _flush(session, model)
    return record.version


def _stale(model: type[Record], record_id: int) -> ConflictError:
    return ConflictError(Message("register.record.stale", table=table_name(model.__tablename__), id=record_id))


def update(reg: Register, model: type[Record], record_id: int, changes: Mapping[str, Any], *,
           expected_version: int | None = None, user: str | None = None, today: date | None = None,
           guard: Guard | None = None) -> int:
    """Change some fields of a record; returns its new version. See the module docstring on concurrency.
    `guard` checks what the change depends on elsewhere (a region's place in the tree) in the same transaction."""
    unknown = set(changes) - set(_stored_fields(model))
    if unknown:
        raise RecordInvalid(model.__tablename__, [(f, Message("register.rule.not_a_field", field=f))
                                                  for f in sorted(unknown)])
    who = current_user(user)
    try:
        with reg.writing() as session:
            if guard is not None:
                guard(session)
            return _apply(session, model, record_id, changes, expected_version, who, today)
    except StaleDataError:
        raise _stale(model, record_id) from None


def withdraw(reg: Register, model: type[Record], record_id: int, reason: str, *, user: str | None = None,
             guard: Guard | None = None) -> None:
    """Take a record out of the register without deleting it; the reason and who did it are audited. `guard`
    checks, in the same transaction, what must hold first (an agency has no open applications)."""
    if not reason.strip():
        raise RecordInvalid(model.__tablename__, [("withdrawn_reason", Message("register.rule.withdrawal_reason"))])
    who = current_user(user)
    try:
        with reg.writing() as session:
            record = _load(session, model, record_id)
            if guard is not None:
                guard(session)
            at = now()
            record.withdrawn_at, record.withdrawn_reason = at, reason
            agency = getattr(record, "agency_id", None)
            session.add_all([audit_entry(who, "withdraw", model, record_id, "withdrawn_at", None, at, at,
                                         agency=agency),
                             audit_entry(who, "withdraw", model, record_id, "withdrawn_reason", None, reason, at,
                                         agency=agency)])
            session.flush()
    except StaleDataError:
        raise _stale(model, record_id) from None


def history(reg: Register, model: type[Record], record_id: int) -> list[AuditEntry]:
    """The audit entries of one record, oldest first."""
    with reg.sessions() as session:
        return list(session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == model.__tablename__, AuditEntry.record_id == record_id).order_by(AuditEntry.id)))
