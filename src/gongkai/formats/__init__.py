"""The official report formats, loaded from one declarative TOML file per format.

A new format is a new data file here (or in a folder named by $GONGKAI_FORMATS); nothing in the code
names a format's tables, rows, labels or the spelling of its cell keys.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from gongkai.model import Report

FORMATS_PATH_VARIABLE = "GONGKAI_FORMATS"  # folders of further format files, os.pathsep between them


@dataclass(frozen=True, slots=True)
class Label:
    """A row or column of an official table: its cell-key part, its official label and the spellings seen for it."""

    key: str
    label: str
    variants: tuple[str, ...] = ()
    group: str | None = None  # the label of the group heading this row or column sits under
    part: str | None = None  # table 三: the top-level row heading (三、本年度办理结果)
    role: str | None = None  # table 二: what a column counts (issued, published, repealed, in_force)
    additive: bool = True  # false: the cells of this row or column do not add up across agencies (a rate)

    @classmethod
    def load(cls, data: dict) -> Label:
        return cls(data["key"], data["label"], tuple(data.get("variants", ())),
                   data.get("group") or data.get("parent"), data.get("part"), data.get("role"),
                   data.get("additive", True))


@dataclass(frozen=True, slots=True)
class Block:
    """One block of table 二: an article of 第二十条 with its rows and columns."""

    article: str
    rows: tuple[Label, ...]
    columns: tuple[Label, ...]

    def column_of(self, role: str) -> Label | None:
        """The column that counts what the role names, where the block has one."""
        return next((c for c in self.columns if c.role == role), None)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One of the three official tables: its number, names, section, and the spelling of its cell keys."""

    number: int  # 2, 3, 4
    name: str  # 表二
    title: str  # 主动公开政府信息情况
    short_title: str  # 主动公开
    section: int  # the section it is printed under
    key_template: str  # proactive.{row}.{column}; {row} is table 四's group
    additive: bool = False  # its cells are counts or amounts that add up across agencies (gongkai rollup)
    _pieces: tuple[str, str, str] = field(init=False, repr=False, compare=False)  # the template around its fields

    def __post_init__(self) -> None:
        before, _, rest = self.key_template.partition("{row}")
        between, _, after = rest.partition("{column}")
        object.__setattr__(self, "_pieces", (before, between, after))

    def key(self, row: str, column: str) -> str:
        """The cell key of a row (table 四: a group) and a column; "*" stands for any."""
        before, between, after = self._pieces  # keys are spelt often: plain joins, not str.format
        return f"{before}{row}{between}{column}{after}"

    @property
    def prefix(self) -> str:
        """What every key of the table starts with (proactive., applications.; nothing for table 四)."""
        return self.key_template.partition("{row}")[0]

    def row_key(self, row: str) -> str:
        """The key naming a whole row (table 四: a group): proactive.rules, applications.new, review."""
        return self.prefix + row

    def split(self, key: str) -> tuple[str, str] | None:
        """(row, column) of a key spelt as this table spells them, else None."""
        m = _key_pattern(self.key_template).match(key)
        return (m["row"], m["column"]) if m else None


@cache
def _key_pattern(template: str) -> re.Pattern[str]:
    prefix, _, rest = template.partition("{row}")
    row = r"(?P<row>[^.]+)" if not prefix else r"(?P<row>.+)"  # table 三's rows have dots (withheld.…)
    return re.compile("^" + re.escape(prefix) + row + re.escape(rest).replace(r"\{column\}", r"(?P<column>[^.]+)")
                      + "$")


@dataclass(frozen=True, slots=True)
class Identity:
    """left == right for every binding of for_each; sum_over variables expand into sums."""

    check: str
    name: str
    for_each: dict[str, str]
    left: tuple[str, ...]
    right: tuple[str, ...]
    sum_over: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Bound:
    """left >= right for every binding (a plausibility rule, not an identity)."""

    check: str
    for_each: dict[str, str]
    left: str
    right: str


@dataclass(frozen=True, slots=True)
class AcrossYears:
    """Cells of a report against the same agency's report of the year before: the sum of `this_year`'s terms equals
    the sum of `last_year`'s, for every binding of for_each; a term starting with - is subtracted."""

    check: str
    name: str
    for_each: dict[str, str]
    this_year: tuple[str, ...]
    last_year: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Format:
    """One official report format, as its TOML file describes it: titles, sections, tables, labels, identities."""

    id: str
    document: str
    title: str
    report_title: str  # 政府信息公开工作年度报告: a report's title after its agency and year
    first_year: int
    last_year: int | None
    sections: tuple[Label, ...]
    tables: tuple[TableSpec, ...]
    table2: tuple[Block, ...]
    table2_header: str  # 信息内容: over the row labels of each block
    table3_columns: tuple[Label, ...]
    table3_rows: tuple[Label, ...]
    table3_corner: str
    table3_applicants: str  # 申请人情况: over the applicant columns
    table4_groups: tuple[Label, ...]
    table4_columns: tuple[Label, ...]
    sets: dict[str, tuple[str, ...]]
    identities: tuple[Identity, ...]
    bounds: tuple[Bound, ...]
    signed_columns: frozenset[str]
    decimal_columns: frozenset[str]
    across_years: tuple[AcrossYears, ...] = ()

    def table(self, number: int) -> TableSpec:
        return _tables_by_number(self)[number]

    def table_of(self, key: str) -> TableSpec | None:
        """The table a cell key belongs to (wildcard keys such as applications.*.total too)."""
        found = _table_of_key(self).get(key)
        if found is not None:
            return self.table(found)
        # Literal prefixes first: table 四's `{row}.{column}` would match any two-part key.
        ordered = sorted(self.tables, key=lambda t: t.key_template.startswith("{"))
        return next((t for t in ordered if t.split(key)), None)

    def table_keys(self, number: int) -> list[str]:
        """Every cell key of one table, in reading order."""
        return list(_keys(self)[number])

    def table2_keys(self) -> list[str]:
        return self.table_keys(2)

    def table3_keys(self) -> list[str]:
        return self.table_keys(3)

    def table4_keys(self) -> list[str]:
        return self.table_keys(4)

    def cell_keys(self) -> list[str]:
        return [k for t in self.tables for k in _keys(self)[t.number]]

    def block_keys(self, block: Block) -> list[str]:
        """The cell keys of one block of table 二."""
        spec = self.table(2)
        return [spec.key(r.key, c.key) for r in block.rows for c in block.columns]

    def additive_keys(self) -> list[str]:
        """The cell keys that add up across agencies (a region's cell is the sum of its agencies'), in table order:
        those of the tables marked additive, less the rows and columns marked `additive = false`."""
        return list(_additive(self))

    def totals(self) -> dict[str, tuple[str, ...]]:
        """Each total cell → the cells it is the sum of, from every identity `one key = sum over a set`.

        A key defined by two identities keeps the first; a definition that would make a cycle is skipped.
        """
        return _totals(self)

    def bindings(self, variables: dict[str, str]) -> list[dict[str, str]]:
        """Every assignment of the named sets to the variables, in order."""
        names = list(variables)
        values = [self.sets[variables[n]] for n in names]
        return [dict(zip(names, combo, strict=True)) for combo in product(*values)]


T = TypeVar("T")


def per_format(function: Callable[[Format], T]) -> Callable[[Format], T]:
    """Compute something from a format once: formats never change while gongkai runs."""
    results: dict[str, T] = {}

    def cached(fmt: Format) -> T:
        if fmt.id not in results:
            results[fmt.id] = function(fmt)
        return results[fmt.id]

    cached.__doc__ = function.__doc__
    return cached


@per_format
def _keys(fmt: Format) -> dict[int, tuple[str, ...]]:
    """The cell keys of each table of a format."""
    t3, t4 = fmt.table(3), fmt.table(4)
    return {
        2: tuple(key for block in fmt.table2 for key in fmt.block_keys(block)),
        3: tuple(t3.key(r.key, c.key) for r in fmt.table3_rows for c in fmt.table3_columns),
        4: tuple(t4.key(g.key, c.key) for g in fmt.table4_groups for c in fmt.table4_columns),
    }


@per_format
def _additive(fmt: Format) -> tuple[str, ...]:
    t2, t3, t4 = fmt.table(2), fmt.table(3), fmt.table(4)
    pairs = [(t2, r, c) for block in fmt.table2 for r in block.rows for c in block.columns]
    pairs += [(t3, r, c) for r in fmt.table3_rows for c in fmt.table3_columns]
    pairs += [(t4, g, c) for g in fmt.table4_groups for c in fmt.table4_columns]
    return tuple(spec.key(r.key, c.key) for spec, r, c in pairs if spec.additive and r.additive and c.additive)


@per_format
def _tables_by_number(fmt: Format) -> dict[int, TableSpec]:
    return {t.number: t for t in fmt.tables}


@per_format
def _table_of_key(fmt: Format) -> dict[str, int]:
    return {key: number for number, keys in _keys(fmt).items() for key in keys}


@per_format
def _totals(fmt: Format) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for identity in fmt.identities:
        if len(identity.left) != 1 or len(identity.right) != 1 or not identity.sum_over:
            continue
        for binding in fmt.bindings(identity.for_each):
            left = identity.left[0].format(**binding)
            parts = tuple(identity.right[0].format(**binding, **inner) for inner in fmt.bindings(identity.sum_over))
            if left not in out and not _reaches(out, parts, left):
                out[left] = parts
    return out


def _reaches(totals: dict[str, tuple[str, ...]], start: tuple[str, ...], target: str) -> bool:
    stack, seen = list(start), set()
    while stack:
        key = stack.pop()
        if key == target:
            return True
        if key not in seen:
            seen.add(key)
            stack.extend(totals.get(key, ()))
    return False


def _labels(items: list[dict]) -> tuple[Label, ...]:
    return tuple(Label.load(item) for item in items)


def _section(item: dict) -> Label:
    return Label(str(item["number"]), item["heading"], tuple(item.get("variants", ())))


def _table_spec(item: dict) -> TableSpec:
    return TableSpec(item["number"], item["name"], item["title"], item["short_title"], item["section"], item["key"],
                     item.get("additive", False))


def _parse(data: dict) -> Format:
    return Format(
        id=data["id"],
        document=data["document"],
        title=data["title"],
        report_title=data["report_title"],
        first_year=data["first_year"],
        last_year=data.get("last_year"),
        sections=tuple(_section(s) for s in data["sections"]),
        tables=tuple(_table_spec(t) for t in data["tables"]),
        table2=tuple(Block(b["article"], _labels(b["rows"]), _labels(b["columns"]))
                     for b in data["table2"]),
        table2_header=data["table2_header"],
        table3_columns=_labels(data["table3"]["columns"]),
        table3_rows=_labels(data["table3"]["rows"]),
        table3_corner=data["table3"]["corner"],
        table3_applicants=data["table3"]["applicant_header"],
        table4_groups=_labels(data["table4"]["groups"]),
        table4_columns=_labels(data["table4"]["columns"]),
        sets={name: tuple(values) for name, values in data["sets"].items()},
        identities=tuple(
            Identity(i["check"], i["name"], i["for_each"], tuple(i["left"]), tuple(i["right"]),
                     i.get("sum_over", {}))
            for i in data.get("identities", ())),
        bounds=tuple(Bound(b["check"], b["for_each"], b["left"], b["right"])
                     for b in data.get("bounds", ())),
        signed_columns=frozenset(data.get("signed_columns", ())),
        decimal_columns=frozenset(data.get("decimal_columns", ())),
        across_years=tuple(AcrossYears(a["check"], a["name"], a["for_each"], tuple(a["this_year"]),
                                       tuple(a["last_year"])) for a in data.get("across_years", ())),
    )


def _format_files() -> Iterable[Path]:
    """Every format file: the package's own, then those of $GONGKAI_FORMATS."""
    yield from sorted(Path(__file__).parent.glob("*.toml"))
    for folder in filter(None, os.environ.get(FORMATS_PATH_VARIABLE, "").split(os.pathsep)):
        yield from sorted(Path(folder).glob("*.toml"))


@cache
def all_formats() -> dict[str, Format]:
    """Every known format, by id, oldest first."""
    from gongkai.toml_data import load_toml

    found = [_parse(load_toml(path)) for path in _format_files()]
    return {f.id: f for f in sorted(found, key=lambda f: f.first_year)}


@cache
def known_keys(number: int) -> frozenset[str]:
    """The cell keys of one table in every known format."""
    return frozenset(k for f in all_formats().values() for k in f.table_keys(number))


@cache
def report_words() -> tuple[str, ...]:
    """Words only an annual report holds: the first section's heading, the table titles, 申请人情况."""
    words = {w for f in all_formats().values()
             for w in (f.sections[0].label, f.table3_applicants, *(t.title for t in f.tables))}
    return tuple(sorted(words))


def format_ids() -> list[str]:
    return list(all_formats())


def newest_format() -> Format:
    return list(all_formats().values())[-1]


def get_format(format_id: str) -> Format:
    formats = all_formats()
    if format_id not in formats:
        raise KeyError(f"unknown format {format_id!r}; known: {', '.join(formats)}")
    return formats[format_id]


def format_for_year(year: int | None) -> Format:
    """The format a report of this year should use (the newest one in force that year)."""
    formats = list(all_formats().values())
    if year is None:
        return formats[-1]
    current = [f for f in formats if f.first_year <= year]
    return current[-1] if current else formats[0]


def table3_format_of(keys, default: str | None = None) -> str | None:
    """The format whose table 三 these cell keys have the shape of.

    Decided by the keys only one format has (2021 splits （六）其他处理 into three rows, 2019
    keeps one); when none of those appear, or two formats' appear equally, the default.
    """
    formats = all_formats().values()
    present = set(keys)
    hits = {}
    for fmt in formats:
        others = set().union(*(set(o.table3_keys()) for o in formats if o is not fmt))
        hits[fmt.id] = len(present & (set(fmt.table3_keys()) - others))
    best = max(hits.values(), default=0)
    winners = [fid for fid, n in hits.items() if n == best]
    return winners[0] if best and len(winners) == 1 else default


def table2_wordings(keys: Iterable[str]) -> dict[str, frozenset[str]]:
    """For each row of table 二 these cell keys have, the formats with a block that has exactly the columns present
    for that row (a report may mix wordings block by block; formats may share a wording)."""
    spec = newest_format().table(2)
    columns: dict[str, set[str]] = {}
    for key in keys:
        split = spec.split(key)
        if split:
            columns.setdefault(split[0], set()).add(split[1])
    wordings = _table2_wordings()
    return {row: wordings.get((row, frozenset(present)), frozenset()) for row, present in columns.items()}


@cache
def _table2_wordings() -> dict[tuple[str, frozenset[str]], frozenset[str]]:
    """(row of table 二, its columns) → the formats that print that row under exactly those columns."""
    out: dict[tuple[str, frozenset[str]], set[str]] = {}
    for fmt in all_formats().values():
        for block in fmt.table2:
            columns = frozenset(c.key for c in block.columns)
            for row in block.rows:
                out.setdefault((row.key, columns), set()).add(fmt.id)
    return {key: frozenset(ids) for key, ids in out.items()}


def table2_formats_of(keys: Iterable[str]) -> list[str]:
    """The formats whose wording of table 二 these cell keys use, in any of their rows."""
    return sorted(set().union(*table2_wordings(keys).values()))


def newer(a: str, b: str) -> bool:
    """Whether format `a` came into force after format `b`."""
    return get_format(a).first_year > get_format(b).first_year


def report_format(report: Report) -> Format:
    """The format a report's table 三 follows, or the one its year requires."""
    meta = report.meta
    return all_formats().get(meta.table3_format or meta.template or "", format_for_year(meta.year))


@cache
def _numbers_of_known_keys() -> dict[str, int]:
    return {key: number for fmt in all_formats().values() for key, number in _table_of_key(fmt).items()}


def table_number(key: str) -> int | None:
    """The number of the table a cell key belongs to, in any known format (wildcard keys too)."""
    number = _numbers_of_known_keys().get(key)
    if number is not None:
        return number
    spec = table_of(key)
    return spec.number if spec else None


def table_of(key: str) -> TableSpec | None:
    """The table of a cell key in any format (the newest format's spelling decides wildcards)."""
    formats = list(all_formats().values())
    owner = next((f for f in formats if key in _table_of_key(f)), formats[-1])
    return owner.table_of(key)
