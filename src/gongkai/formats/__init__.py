"""The official report formats, loaded from one declarative TOML file per format.

A new format is a new data file here; nothing in the code names a format's rows or labels.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import product


@dataclass(frozen=True, slots=True)
class Label:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    group: str | None = None  # the label of the group heading this row or column sits under
    part: str | None = None  # table 三: the top-level row heading (三、本年度办理结果)

    @classmethod
    def load(cls, data: dict) -> Label:
        return cls(data["key"], data["label"], tuple(data.get("variants", ())),
                   data.get("group") or data.get("parent"), data.get("part"))


@dataclass(frozen=True, slots=True)
class Block:
    """One block of table 二: an article of 第二十条 with its rows and columns."""

    article: str
    rows: tuple[Label, ...]
    columns: tuple[Label, ...]

    def cell_keys(self) -> list[str]:
        return [f"proactive.{r.key}.{c.key}" for r in self.rows for c in self.columns]


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
class Format:
    id: str
    document: str
    title: str
    first_year: int
    last_year: int | None
    sections: tuple[Label, ...]
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

    def table3_keys(self) -> list[str]:
        return list(_keys(self)[3])

    def table4_keys(self) -> list[str]:
        return list(_keys(self)[4])

    def table2_keys(self) -> list[str]:
        return list(_keys(self)[2])

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


_KEYS: dict[str, dict[int, tuple[str, ...]]] = {}


def _keys(fmt: Format) -> dict[int, tuple[str, ...]]:
    """The cell keys of each table of a format, computed once (formats never change)."""
    if fmt.id not in _KEYS:
        _KEYS[fmt.id] = {
            2: tuple(key for block in fmt.table2 for key in block.cell_keys()),
            3: tuple(f"applications.{r.key}.{c.key}" for r in fmt.table3_rows for c in fmt.table3_columns),
            4: tuple(f"{g.key}.{c.key}" for g in fmt.table4_groups for c in fmt.table4_columns),
        }
    return _KEYS[fmt.id]


_TOTALS: dict[str, dict[str, tuple[str, ...]]] = {}


def _totals(fmt: Format) -> dict[str, tuple[str, ...]]:
    if fmt.id in _TOTALS:
        return _TOTALS[fmt.id]
    out: dict[str, tuple[str, ...]] = {}
    for identity in fmt.identities:
        if len(identity.left) != 1 or len(identity.right) != 1 or not identity.sum_over:
            continue
        for binding in fmt.bindings(identity.for_each):
            left = identity.left[0].format(**binding)
            parts = tuple(identity.right[0].format(**binding, **inner) for inner in fmt.bindings(identity.sum_over))
            if left not in out and not _reaches(out, parts, left):
                out[left] = parts
    _TOTALS[fmt.id] = out
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


def _parse(data: dict) -> Format:
    return Format(
        id=data["id"],
        document=data["document"],
        title=data["title"],
        first_year=data["first_year"],
        last_year=data.get("last_year"),
        sections=tuple(_section(s) for s in data["sections"]),
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
    )


@cache
def all_formats() -> dict[str, Format]:
    """Every format shipped in this package, by id, oldest first."""
    found = []
    for entry in resources.files(__package__).iterdir():
        if entry.name.endswith(".toml"):
            found.append(_parse(tomllib.loads(entry.read_text(encoding="utf-8"))))
    return {f.id: f for f in sorted(found, key=lambda f: f.first_year)}


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
    present = {k for k in keys if k.startswith("applications.")}
    formats = all_formats().values()
    hits = {}
    for fmt in formats:
        others = set().union(*(set(o.table3_keys()) for o in formats if o is not fmt))
        hits[fmt.id] = len(present & (set(fmt.table3_keys()) - others))
    best = max(hits.values(), default=0)
    winners = [fid for fid, n in hits.items() if n == best]
    return winners[0] if best and len(winners) == 1 else default


def newer(a: str, b: str) -> bool:
    """Whether format `a` came into force after format `b`."""
    return get_format(a).first_year > get_format(b).first_year
