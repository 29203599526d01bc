"""Where a cell key sits in the printed tables: the table's name, the row's and the column's labels, from the
format data (the office's sheets name cells as a person finds them on the page)."""

from __future__ import annotations

from functools import cache

from gongkai.formats import Format, all_formats


def _table2(fmt: Format, out: dict[str, tuple[str, str, str]]) -> None:
    spec = fmt.table(2)
    for block in fmt.table2:
        for r in block.rows:
            for c in block.columns:
                out[spec.key(r.key, c.key)] = (spec.name, r.label, c.label)


def _table3(fmt: Format, out: dict[str, tuple[str, str, str]]) -> None:
    spec = fmt.table(3)
    for r in fmt.table3_rows:
        row = " ".join(filter(None, (r.group, r.label)))
        for c in fmt.table3_columns:
            column = " ".join(filter(None, (c.group, c.label)))
            out[spec.key(r.key, c.key)] = (spec.name, row, column)


def _table4(fmt: Format, out: dict[str, tuple[str, str, str]]) -> None:
    spec = fmt.table(4)
    for g in fmt.table4_groups:
        group = " ".join(filter(None, (g.group, g.label)))
        for c in fmt.table4_columns:
            out[spec.key(g.key, c.key)] = (spec.name, group, c.label)


@cache
def _places(preferred: str | None) -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    for fmt in sorted(all_formats().values(), key=lambda f: f.id == preferred):  # the preferred wording last
        _table2(fmt, out)
        _table3(fmt, out)
        _table4(fmt, out)
    return out


def place(key: str, format_id: str | None = None) -> tuple[str, str, str]:
    """(表三, （三）不予公开 1.属于国家秘密, 自然人) for applications.withheld.state_secret.natural_person; blanks for a
    key no format has."""
    return _places(format_id).get(key, ("", "", ""))


def label(key: str, format_id: str | None = None) -> str:
    """表三 （三）不予公开 1.属于国家秘密 · 自然人: a cell named as a person finds it."""
    table, row, column = place(key, format_id)
    return f"{table} {row} · {column}" if table else key
