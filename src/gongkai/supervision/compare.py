"""The comparison (对比): per agency and year the indicators offices look at (indicators.toml), the region's
P25/P50/P75 of each per year, and the defect codes found per agency."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

from gongkai.checks.dates import publication_deadline
from gongkai.formats import get_format
from gongkai.model import Number
from gongkai.supervision.digest import Digest
from gongkai.supervision.results import Checked


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    label: dict[str, str]
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    meta: str | None = None

    @property
    def share(self) -> bool:
        return bool(self.denominator)


@cache
def indicators() -> tuple[Indicator, ...]:
    from gongkai.toml_data import load_toml

    data = load_toml(Path(__file__).with_name("indicators.toml"))
    return tuple(Indicator(i["id"], {"zh": i["zh"], "en": i["en"]}, tuple(i.get("numerator", ())),
                           tuple(i.get("denominator", ())), i.get("meta")) for i in data["indicator"])


@cache
def _matching(format_id: str, patterns: tuple[str, ...]) -> tuple[str, ...]:
    keys = get_format(format_id).cell_keys()
    return tuple(k for k in keys if any(fnmatchcase(k, p) for p in patterns))


def _sum(digest: Digest, patterns: tuple[str, ...]) -> Number | None:
    keys = _matching(digest.format_id, patterns)
    values = [digest.value(k) for k in keys]
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def is_late(digest: Digest) -> int | None:
    if digest.year is None or not digest.published:
        return None
    return int(date.fromisoformat(digest.published) > publication_deadline(digest.year, digest.kind))


def value(indicator: Indicator, digest: Digest) -> float | None:
    """The indicator for one report; a share of nothing (0 of 0) is None, not 0."""
    if indicator.meta == "late":
        return is_late(digest)
    numerator = _sum(digest, indicator.numerator)
    if not indicator.share or numerator is None:
        return numerator
    denominator = _sum(digest, indicator.denominator)
    return None if not denominator else numerator / denominator


@dataclass(slots=True)
class Row:
    agency: str
    year: int | None
    file: str
    values: dict[str, float | None]
    codes: Counter = field(default_factory=Counter)  # defect codes found in the report


@dataclass(slots=True)
class Comparison:
    rows: list[Row]
    quartiles: dict[tuple[int | None, str], tuple[float, float, float]]  # (year, indicator) → P25, P50, P75

    def years(self) -> list[int]:
        return sorted({r.year for r in self.rows if r.year is not None})


def quartiles(values: list[float]) -> tuple[float, float, float] | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0], values[0], values[0]
    p25, p50, p75 = statistics.quantiles(values, n=4, method="inclusive")
    return p25, p50, p75


def compare(results: list[Checked]) -> Comparison:
    rows = [Row(c.meta.get("agency") or "", c.meta.get("year"), c.path,
                {i.id: value(i, c.digest) for i in indicators()}, Counter(c.codes))
            for c in results if isinstance(c.digest, Digest)]
    rows.sort(key=lambda r: (r.agency, r.year or 0))
    out: dict[tuple[int | None, str], tuple[float, float, float]] = {}
    for year in {r.year for r in rows}:
        for indicator in indicators():
            found = quartiles([v for r in rows if r.year == year and (v := r.values[indicator.id]) is not None])
            if found is not None:
                out[(year, indicator.id)] = found
    return Comparison(rows, out)
