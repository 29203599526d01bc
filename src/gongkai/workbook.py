"""The fill-in workbook's contract, shared by its writer and its reader: sheet names and the 「_keys」 sheet.

The hidden 「_keys」 sheet has one row per thing placed: (name, reference[, kind]). Names:
`format` → the format id; `table.三` → the table's grid, header rows included ('表三 依申请公开!A3:J30');
`section.3` → the prose cell of a section ('正文!B4'; its heading sits in column A of that row);
`meta.agency` / `meta.year` / `meta.published` / `meta.kind` → the metadata inputs; a cell key → its
input or formula cell.
"""

from __future__ import annotations

from gongkai.formats import Format, TableSpec
from gongkai.labels import SECTION_NUMERALS

INFO_SHEET = "基本信息"
PROSE_SHEET = "正文"
KEYS_SHEET = "_keys"

KEY_FORMAT = "format"
KEY_TABLE = "table."
KEY_SECTION = "section."
KEY_META = "meta."


def table_sheet(spec: TableSpec) -> str:
    """The sheet of a table: 表三 依申请公开."""
    return f"{spec.name} {spec.short_title}"


def table_key(spec: TableSpec) -> str:
    """table.三: the name of a table's grid in 「_keys」 (the numeral keeps older workbooks readable)."""
    return KEY_TABLE + SECTION_NUMERALS[spec.number - 1]


def table_of_key(fmt: Format, name: str) -> TableSpec | None:
    """The table a 「_keys」 name such as table.三 places."""
    return next((t for t in fmt.tables if table_key(t) == name), None)
