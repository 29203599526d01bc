"""Correcting one field of a record by hand (`gongkai register edit`), read as an import reads it and checked by
the same rules.

The field is named by its column header in the import files (答复日期, 办理结果, …) or by its field name
(answered, outcome); the value is typed as it would be in a file (2026-03-16 or 2026年3月16日, an official label
or its key, 是/否 for 延期, 收费 in 元) and parsed by that column's own parser (gongkai.register.tabular), so a
value the import would refuse is refused here with the same words. The change goes through `store.update`: the
record as it will be is checked against `store.RULES`, and the audit log keeps the value before and after. An
empty value clears the field (where the rules allow it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from gongkai.i18n import Join, Message, message_of
from gongkai.labels import core
from gongkai.register import store
from gongkai.register.db import Application, Register
from gongkai.register.store import RecordInvalid, RegisterError


@dataclass(frozen=True)
class Edit:
    """What an edit changed: the record, the column as its header reads, and each field before and after."""

    kind: str
    number: str
    record_id: int
    header: str
    changes: tuple[tuple[str, Any, Any], ...]  # (field, before, after)
    version: int
    shown: tuple[tuple[str, str], ...]  # each change's (before, after) as the import files write them


def _shown(column: Any, field: str, value: Any) -> str:
    """A value as an export writes it: official labels for keys, ISO dates, plain amounts; '' for nothing."""
    from gongkai.register.store import audit_text

    if value is None:
        return ""
    if isinstance(value, bool):  # 延期
        return "是" if value else "否"
    if field == column.field:
        value = column.write(value)
    return audit_text(value) or ""


def _column(sheet: Any, field: str) -> Any:
    """The column of a sheet named by its header (any spelling the import accepts) or its field."""
    wanted = core(field)
    for column in sheet.columns:
        if core(column.header) == wanted or column.field == field.strip():
            return column
    headers = Join(column.header for column in sheet.columns)
    raise RecordInvalid(sheet.model.__tablename__, [(field, Message("register.edit.unknown_field", field=field,
                                                                    headers=headers))])


def _parsed(sheet: Any, column: Any, text: str) -> Any:
    try:
        return column.parse(text)
    except ValueError as exc:
        raise RecordInvalid(sheet.model.__tablename__, [(column.field, Message(
            "register.edit.bad_value", header=column.header, problem=message_of(exc)))]) from None


def _changes(reg: Register, sheet: Any, column: Any, value: Any, agency: str) -> dict[str, Any]:
    """The model's fields the column's value sets (延期 sets two; 关联申请 is an application's id)."""
    if column.field == "extension":
        extended, reason = value
        return {"extended": extended, "extension_reason": reason}
    if column.field == "application_number":
        linked = store.by_number(reg, Application, agency, value).id if value else None
        return {"application_id": linked}
    if column.field == "result" and value is None:
        return {"result": "pending"}
    return {column.field: value}


def edit(reg: Register, kind: str, agency: str, number: str, field: str, text: str, *, user: str | None = None,
         today: date | None = None) -> Edit:
    """Set one field (a column of the import files) of the record `number` of `kind` (applications, cases,
    documents) to the value typed in `text`; RegisterError (RecordInvalid, NotFound, …) when refused."""
    from gongkai.register.tabular import SHEETS

    if kind not in SHEETS:
        raise RegisterError(Message("register.edit.unknown_kind", kind=kind, kinds=Join(SHEETS)))
    sheet = SHEETS[kind]
    column = _column(sheet, field)
    changes = _changes(reg, sheet, column, _parsed(sheet, column, text), agency)
    record = store.by_number(reg, sheet.model, agency, number)
    before = {name: getattr(record, name) for name in changes}
    version = store.update(reg, sheet.model, record.id, changes, expected_version=record.version, user=user,
                           today=today)
    changed = tuple((name, before[name], changes[name]) for name in changes if before[name] != changes[name])
    shown = tuple((_shown(column, name, old), _shown(column, name, new)) for name, old, new in changed)
    return Edit(kind, number, record.id, column.header, changed, version, shown)
