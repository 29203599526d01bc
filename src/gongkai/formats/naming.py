"""Human names of cell keys, rows, columns and named sets, from the format data (for messages)."""

from __future__ import annotations

from functools import cache

from gongkai.formats import Format, all_formats, table_of

APPLICANT = "applicant:"  # names of table 三's columns alone: applicant:natural_person → 自然人


def _table2_names(fmt: Format, names: dict[str, str]) -> None:
    spec = fmt.table(2)
    for block in fmt.table2:
        for r in block.rows:
            names[spec.row_key(r.key)] = r.label
            for c in block.columns:
                names[spec.key(r.key, c.key)] = f"{r.label}·{c.label}"


def _table3_names(fmt: Format, names: dict[str, str]) -> None:
    spec = fmt.table(3)
    for r in fmt.table3_rows:
        row = f"{r.group}{r.label}" if r.group else r.label
        names[spec.row_key(r.key)] = row
        for c in fmt.table3_columns:
            names[spec.key(r.key, c.key)] = f"{row}·{c.label}"
    for c in fmt.table3_columns:
        names[APPLICANT + c.key] = c.label


def _table4_names(fmt: Format, names: dict[str, str]) -> None:
    spec = fmt.table(4)
    for g in fmt.table4_groups:
        group = f"{g.group}·{g.label}" if g.group else g.label
        names[spec.row_key(g.key)] = group
        for c in fmt.table4_columns:
            names[spec.key(g.key, c.key)] = f"{group}·{c.label}"


@cache
def _names(format_id: str | None = None) -> dict[str, str]:
    """Labels by key; the given format's wording wins over the others'."""
    names: dict[str, str] = {}
    formats = sorted(all_formats().values(), key=lambda f: f.id == format_id)  # the preferred one last
    for fmt in formats:
        _table2_names(fmt, names)
        _table3_names(fmt, names)
        _table4_names(fmt, names)
    return names


def describe(key: str) -> str:
    """表三「（三）不予公开1.属于国家秘密·自然人」 for applications.withheld.state_secret.natural_person."""
    name = _names().get(key)
    table = table_of(key)
    return f"{table.name}「{name}」" if name and table else key


def name(key: str, format_id: str | None = None) -> str:
    """The bare label of a cell, row, column or group key."""
    return _names(format_id).get(key, key)


def table_name(key: str) -> str:
    """表二 / 表三 / 表四 for a cell key."""
    table = table_of(key)
    return table.name if table else key


@cache
def _set_kinds() -> dict[str, str]:
    """Which kind of key each named set of the formats holds: a column of table 三, a row of 二 or 三."""
    kinds: dict[str, str] = {}
    for fmt in all_formats().values():
        columns = {c.key for c in fmt.table3_columns}
        rows3 = {r.key for r in fmt.table3_rows}
        rows2 = {r.key for b in fmt.table2 for r in b.rows}
        for set_name, members in fmt.sets.items():
            if set(members) <= columns:
                kinds[set_name] = APPLICANT
            elif set(members) <= rows3:
                kinds[set_name] = fmt.table(3).prefix
            elif set(members) <= rows2:
                kinds[set_name] = fmt.table(2).prefix
    return kinds


def member(set_name: str, value: str) -> str:
    """The label of one member of a named set: natural_person in applicant_columns → 自然人."""
    return _names().get(_set_kinds().get(set_name, "") + value, value)


def listing(keys: list[str], limit: int = 6) -> str:
    shown = "、".join(f"「{_names().get(k, k)}」" for k in keys[:limit])
    return shown + (f" 等 {len(keys)} 个" if len(keys) > limit else "")
