"""What the checks across reports keep of each report: small enough to hold thousands of, and to pickle.

A report's digest is its metadata, the values of its format's cells (an array, NaN where a cell is missing or
blank), the sources of the cells that checks across years name, and the sentences of its prose.
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from gongkai.formats import Format, get_format, per_format, report_format
from gongkai.model import Number, Report, Source

# A sentence ends at a full stop, an exclamation or question mark, a semicolon, or the end of a line.
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")
_SPACE = re.compile(r"\s+")
MIN_SENTENCE = 8  # characters: shorter pieces (主要问题：, 无。) repeat in every report and say nothing


def sentences(text: str) -> list[str]:
    """The sentences of a section's prose, white space removed, the short ones left out."""
    out = []
    for piece in _SENTENCE_END.split(text):
        sentence = _SPACE.sub("", piece)
        if len(sentence) >= MIN_SENTENCE:
            out.append(sentence)
    return out


def sentence_hash(sentence: str) -> int:
    """A hash that is the same in every process (str's hash is salted per process; workers make digests)."""
    return int.from_bytes(hashlib.blake2b(sentence.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


@dataclass(slots=True)
class Prose:
    """A report's sentences, kept small: a hash and a section number each, the text compressed (read back only to
    quote a sentence)."""

    hashes: array = field(default_factory=lambda: array("q"))
    sections: bytes = b""
    text: bytes = b""

    @classmethod
    def of(cls, pairs: Iterable[tuple[int, str]]) -> Prose:
        pairs = list(pairs)
        return cls(array("q", (sentence_hash(s) for _, s in pairs)), bytes(n for n, _ in pairs),
                   zlib.compress("\n".join(s for _, s in pairs).encode("utf-8"), 1) if pairs else b"")

    def __len__(self) -> int:
        return len(self.hashes)

    def sentence(self, index: int) -> str:
        return zlib.decompress(self.text).decode("utf-8").split("\n")[index]


@cache
def _index(format_id: str) -> dict[str, int]:
    return {key: i for i, key in enumerate(get_format(format_id).cell_keys())}


@dataclass(slots=True)
class Digest:
    file: str
    agency: str | None
    signature: str | None
    year: int | None
    kind: str
    format_id: str  # the format whose cell keys `values` follows
    published: str | None
    values: array  # float per cell key of the format, NaN: missing or blank
    # (line, page) of each cell in `located` order, -1 for none: the cells checks across reports name, or all
    positions: array = field(default_factory=lambda: array("i"))
    all_located: bool = False  # every cell of the format is located (a government's report), not only those named
    prose: Prose = field(default_factory=Prose)

    @property
    def fmt(self) -> Format:
        return get_format(self.format_id)

    def value(self, key: str) -> Number | None:
        index = _index(self.format_id).get(key)
        if index is None:
            return None
        number = self.values[index]
        if math.isnan(number):
            return None
        return int(number) if number.is_integer() else number

    def source(self, key: str) -> Source:
        """Where the cell stood in the report (line, page where known), or the report alone."""
        index = _located(self.format_id, self.all_located).get(key)
        if index is None or 2 * index + 1 >= len(self.positions):
            return Source(self.file)
        line, page = self.positions[2 * index], self.positions[2 * index + 1]
        return Source(self.file, line=None if line < 0 else line, page=None if page < 0 else page)

    def set(self, key: str, value: Number | None) -> None:
        self.values[_index(self.format_id)[key]] = math.nan if value is None else value

    def cells(self) -> dict[str, Number | None]:
        """Every cell key of the format → its value (None: missing or blank)."""
        return {key: self.value(key) for key in _index(self.format_id)}


@cache
def _located(format_id: str, every: bool) -> dict[str, int]:
    """The cells whose positions a digest keeps, in order: every cell of the format, or those named."""
    fmt = get_format(format_id)
    keys = fmt.cell_keys() if every else sorted(named_keys(fmt))
    return {key: i for i, key in enumerate(keys)}


@per_format
def named_keys(fmt: Format) -> frozenset[str]:
    """The cells the checks across years name, whose sources a digest keeps: the terms of the format's carries
    between years and the totals watched for jumps."""
    from gongkai.checks.across import jump_keys

    keys = set(jump_keys(fmt))
    for entry in fmt.across_years:
        for binding in fmt.bindings(entry.for_each):
            keys.update(t.lstrip("-").format(**binding) for t in (*entry.this_year, *entry.last_year))
    return frozenset(keys)


def digest_of(report: Report) -> Digest:
    fmt = report_format(report)
    values = array("d", [math.nan]) * len(_index(fmt.id))
    for key, index in _index(fmt.id).items():
        cell = report.cells.get(key)
        if cell is not None and cell.value is not None:
            values[index] = cell.value
    every = report.meta.kind == "government"  # a region's own report: every cell is held against the sum
    positions = array("i")
    for key in _located(fmt.id, every):
        cell = report.cells.get(key)
        source = cell.source if cell is not None else None
        positions.extend((_or_minus(source and source.line), _or_minus(source and source.page)))
    prose = Prose.of((s.number, sentence) for s in report.sections for sentence in sentences(s.text))
    meta = report.meta
    return Digest(report.file, meta.agency, meta.signature, meta.year, meta.kind, fmt.id, meta.published, values,
                  positions, every, prose)


def _or_minus(number: int | None) -> int:
    return -1 if number is None else number


def empty_digest(file: str, agency: str, year: int | None, format_id: str) -> Digest:
    """A digest with no cells: what findings about a region without a report of its own are attached to."""
    return Digest(file, agency, None, year, "government", format_id, None,
                  array("d", [math.nan]) * len(_index(format_id)))
