"""Checks across years: a report against the same agency's report of the year before (its digest).

The carries between years are format data (`across_years` in the format files: 上年结转 against last year's 结转下年度,
现行有效件数 against last year's plus 制发 minus 废止); the copied prose and the jumps take their limits from the
catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from gongkai.checks.base import AcrossCheck, Related, add, register
from gongkai.checks.catalogue import rules
from gongkai.formats import AcrossYears, Format, all_formats, per_format
from gongkai.formats.naming import describe, member
from gongkai.model import Finding, Number, Source

SECTION_NAMES = "一二三四五六"


def _terms(templates: tuple[str, ...], binding: dict[str, str]) -> list[tuple[int, str]]:
    """(sign, key) of each term: a template starting with - is subtracted."""
    return [(-1, t[1:].format(**binding)) if t.startswith("-") else (1, t.format(**binding)) for t in templates]


def _total(digest: Any, terms: list[tuple[int, str]]) -> Number | None:
    values = [digest.value(key) for _, key in terms]
    if any(v is None for v in values):
        return None
    return sum(sign * v for (sign, _), v in zip(terms, values, strict=True))


def _expr(digest: Any, terms: list[tuple[int, str]]) -> str:
    text = ""
    for sign, key in terms:
        value = digest.value(key)
        text += (" − " if sign < 0 else " + " if text else "") + str(value)
    return text


def _sources(digest: Any, terms: list[tuple[int, str]]) -> list[Source]:
    return [digest.source(key) for _, key in terms]


class AcrossYearsCheck(AcrossCheck):
    """sum(this year's terms) == sum(last year's terms) for every binding of the format's `across_years` entries
    that carry this code; the format is this year's report's."""

    class Params(NamedTuple):
        name: str
        binding: str
        this_expr: str
        this_value: Number
        last_value: Number
        last_year: int
        previous_file: str
        diff: Number

    def __init__(self, code: str) -> None:
        self.code = code  # type: ignore[misc]

    def across(self, digest: Any, related: Related) -> Iterator[Finding]:
        previous = related.previous
        if previous is None:
            return
        for entry in (e for e in digest.fmt.across_years if e.check == self.code):
            yield from self._entry(entry, digest.fmt, digest, previous)

    def _entry(self, entry: AcrossYears, fmt: Format, digest: Any, previous: Any) -> Iterator[Finding]:
        for binding in fmt.bindings(entry.for_each):
            this, last = _terms(entry.this_year, binding), _terms(entry.last_year, binding)
            this_value, last_value = _total(digest, this), _total(previous, last)
            if this_value is None or last_value is None or abs(this_value - last_value) < 1e-6:
                continue
            label = " / ".join(member(entry.for_each[k], v) for k, v in binding.items())
            yield self.finding(
                self.Params(entry.name, label, _expr(digest, this), this_value, last_value, previous.year,
                            previous.file, this_value - last_value),
                [key for _, key in this] + [key for _, key in last],
                _sources(digest, this) + _sources(previous, last))


def _register_from_data() -> None:
    for code in sorted({a.check for f in all_formats().values() for a in f.across_years}):
        add(AcrossYearsCheck(code))


_register_from_data()


@register
class CopiedProse(AcrossCheck):
    """More than the catalogue's share of the prose's sentences are word for word last year's."""

    code = "Y803"

    class Params(NamedTuple):
        copied: int
        total: int
        share: float
        limit: float
        last_year: int
        previous_file: str
        section: str
        example: str
        previous_section: str

    def across(self, digest: Any, related: Related) -> Iterator[Finding]:
        previous = related.previous
        if previous is None or not digest.prose:
            return
        earlier = dict(zip(previous.prose.hashes, previous.prose.sections, strict=True))
        copied = [i for i, h in enumerate(digest.prose.hashes) if h in earlier]
        share, limit = len(copied) / len(digest.prose), rules()[self.code].limits["share"]
        if share <= limit:
            return
        first = copied[0]
        yield self.finding(
            self.Params(len(copied), len(digest.prose), round(share * 100, 1), round(limit * 100, 1), previous.year,
                        previous.file, SECTION_NAMES[digest.prose.sections[first] - 1], digest.prose.sentence(first),
                        SECTION_NAMES[earlier[digest.prose.hashes[first]] - 1]),
            where=[Source(digest.file), Source(previous.file)])


@per_format
def jump_keys(fmt: Format) -> tuple[str, ...]:
    """The cells whose jumps are worth a look: the additive cells no total of the format sums (row totals of table
    三, group totals of table 四, every cell of table 二), so that one jump is told once."""
    from gongkai.checks.arithmetic import expanded_identities

    parts = {key for left, right in expanded_identities(fmt) if len(left) == 1 < len(right) for key in right}
    return tuple(key for key in fmt.additive_keys() if key not in parts)


@register
class Jumped(AcrossCheck):
    code = "Y804"

    class Params(NamedTuple):
        label: str
        this_value: Number
        last_value: Number
        last_year: int
        previous_file: str
        factor: float

    def across(self, digest: Any, related: Related) -> Iterator[Finding]:
        previous = related.previous
        if previous is None:
            return
        limits = rules()[self.code].limits
        factor, minimum = limits["factor"], limits["minimum"]
        for key in jump_keys(digest.fmt):
            now, before = digest.value(key), previous.value(key)
            if now is None or before is None or max(now, before) < minimum:
                continue
            if max(now, before) > factor * max(min(now, before), 1):
                yield self.finding(self.Params(describe(key), now, before, previous.year, previous.file, factor),
                                   [key], _sources(digest, [(1, key)]) + _sources(previous, [(1, key)]))
