"""Chinese column headers for the exported dataset (`gongkai export --headers zh`): each cell key named by its
table, row and column labels from the format data (the newest format's wording where formats share a key), the
metadata by the office's words. Every header is unique: a label two keys would share gets its key appended."""

from __future__ import annotations

from collections import Counter
from functools import cache

from gongkai.i18n import t
from gongkai.supervision.cells import place

META = {"file": "office.column.file", "meta.year": "office.column.year", "meta.agency": "office.column.agency",
        "meta.template": "office.column.template", "meta.published": "office.column.published"}


def _label(column: str) -> str:
    if column in META:
        return t(META[column], lang="zh")
    table, row, name = place(column)
    return f"{table} {row} · {name}" if table else column


@cache
def chinese_headers(columns: tuple[str, ...]) -> dict[str, str]:
    """Column key → its Chinese header, unique over the columns."""
    labels = {c: _label(c) for c in columns}
    twice = {label for label, n in Counter(labels.values()).items() if n > 1}
    return {c: f"{label}（{c}）" if label in twice else label for c, label in labels.items()}
