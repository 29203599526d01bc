"""The labels of every known format, indexed for recognising the tables' rows and columns in any wording."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from gongkai.extract.context import Extraction
from gongkai.extract.matching import LabelIndex, Match
from gongkai.formats import Format, Label, all_formats
from gongkai.labels import core, one_edit_apart
from gongkai.readers.document import TextCell

PARENTHETICAL = re.compile(r"\(.*?\)")


def _unique(labels: Iterable[Label]) -> list[Label]:
    seen: dict[tuple[str, str | None], Label] = {}
    for label in labels:
        seen.setdefault((label.key, label.group), label)
    return list(seen.values())


@dataclass(slots=True)
class LabelVocabulary:
    """The labels of every known format, for recognising any of their wordings."""

    formats: list[Format]
    t3_columns: LabelIndex = field(init=False)
    t3_rows_all: LabelIndex = field(init=False)
    t3_ungrouped: LabelIndex = field(init=False)
    t3_groups: dict[str, str] = field(init=False)  # group core → group label
    t3_by_group: dict[str, LabelIndex] = field(init=False)
    t3_parts: set[str] = field(init=False)
    t3_header_words: set[str] = field(init=False)
    t3_column_groups: set[str] = field(init=False)  # 法人或其他组织: a header over sub-columns
    t3_opening: set[str] = field(init=False)  # the first row label (一、本年新收…)
    t2_articles: set[str] = field(init=False)  # 第二十条第（一）项 …
    t2_headers: set[str] = field(init=False)  # 信息内容
    t4_columns: LabelIndex = field(init=False)
    t4_groups: LabelIndex = field(init=False)
    t4_parents: set[str] = field(init=False)
    t2_rows: LabelIndex = field(init=False)
    t2_columns: LabelIndex = field(init=False)

    def __post_init__(self) -> None:
        f = self.formats
        self._table3(f)
        self.t2_articles = {core(b.article) for fmt in f for b in fmt.table2}
        self.t2_headers = {core(fmt.table2_header) for fmt in f}
        self.t2_rows = LabelIndex([r for fmt in f for b in fmt.table2 for r in b.rows])
        self.t2_columns = LabelIndex([c for fmt in f for b in fmt.table2 for c in b.columns])
        self.t4_columns = LabelIndex(_unique(c for fmt in f for c in fmt.table4_columns))
        self.t4_groups = LabelIndex(_unique(g for fmt in f for g in fmt.table4_groups))
        self.t4_parents = {core(g.group) for fmt in f for g in fmt.table4_groups if g.group}

    def _table3(self, f: list[Format]) -> None:
        rows = _unique(r for fmt in f for r in fmt.table3_rows)
        self.t3_columns = LabelIndex(_unique(c for fmt in f for c in fmt.table3_columns))
        self.t3_rows_all = LabelIndex(rows)
        self.t3_ungrouped = LabelIndex([r for r in rows if r.group is None])
        self.t3_groups = {core(r.group): r.group for r in rows if r.group}
        self.t3_by_group = {g: LabelIndex([r for r in rows if r.group == label])
                            for g, label in self.t3_groups.items()}
        self.t3_parts = {core(r.part) for r in rows if r.part}
        self.t3_column_groups = {core(c.group) for fmt in f for c in fmt.table3_columns if c.group}
        self.t3_header_words = (self.t3_column_groups | {core(fmt.table3_corner) for fmt in f}
                                | {core(fmt.table3_applicants) for fmt in f})
        self.t3_opening = {core(fmt.table3_rows[0].label) for fmt in f}

    @property
    def newest(self) -> Format:
        """The format whose column order and keys stand in when a header cannot be read."""
        return self.formats[-1]


@cache
def vocabulary() -> LabelVocabulary:
    return LabelVocabulary(list(all_formats().values()))


@lru_cache(maxsize=8192)
def is_article(text: str) -> bool:
    """Does this normalised label name an article of table 二 (第二十条第（一）项…)?"""
    return any(article in text for article in vocabulary().t2_articles)


@lru_cache(maxsize=8192)
def is_table4_group_text(text: str) -> bool:
    voc = vocabulary()
    for word in [text, *text.split()]:
        label = PARENTHETICAL.sub("", core(word))
        if label in voc.t4_parents or voc.t4_groups.find(label, fuzzy=False):
            return True
    return False


def is_table4_group(cell: TextCell) -> bool:
    """A group label of table 四 (行政复议, 行政诉讼, 复议后起诉…), also inside a joined header."""
    return is_table4_group_text(cell.text)


def note_variant(ex: Extraction, match: Match, cell: TextCell, table: int, row: int, key: str) -> None:
    """A label in a non-official spelling is read, and said."""
    printed = cell.text.replace("\n", "")
    if cell.confidence is not None and one_edit_apart(printed, match.label.label):
        return  # read by OCR one character off the official wording: a misreading more likely than a misprint
    if (match.variant or not match.exact) and printed != match.label.label:  # matched with a cell beside it
        ex.note("label_variant", [key], [ex.source(cell, table, row)], printed=printed, official=match.label.label)
