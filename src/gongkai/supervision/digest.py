"""What the checks across reports keep of each report: small enough to hold thousands of, and to pickle.

A report's digest is its metadata, the values of its format's cells (an array, NaN where a cell is missing or
blank), the sources of the cells that checks across years name, and the sentences of its prose.
"""

from __future__ import annotations

import math
import re
from array import array
from dataclasses import dataclass, field
from functools import cache

from gongkai.formats import Format, get_format, report_format
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
    sources: dict[str, Source] = field(default_factory=dict)  # of the cells present
    prose: tuple[tuple[int, str], ...] = ()  # (section number, sentence)
    errors: bool = False  # the report's own checks found errors

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

    def set(self, key: str, value: Number | None) -> None:
        self.values[_index(self.format_id)[key]] = math.nan if value is None else value

    def cells(self) -> dict[str, Number | None]:
        """Every cell key of the format → its value (None: missing or blank)."""
        return {key: self.value(key) for key in _index(self.format_id)}


def digest_of(report: Report, errors: bool = False) -> Digest:
    fmt = report_format(report)
    values = array("d", [math.nan]) * len(_index(fmt.id))
    sources: dict[str, Source] = {}
    for key, index in _index(fmt.id).items():
        cell = report.cells.get(key)
        if cell is not None:
            sources[key] = cell.source
            if cell.value is not None:
                values[index] = cell.value
    prose = tuple((s.number, sentence) for s in report.sections for sentence in sentences(s.text))
    meta = report.meta
    return Digest(report.file, meta.agency, meta.signature, meta.year, meta.kind, fmt.id, meta.published, values,
                  sources, prose, errors)


def empty_digest(file: str, agency: str, year: int | None, format_id: str) -> Digest:
    """A digest with no cells: what findings about a region without a report of its own are attached to."""
    return Digest(file, agency, None, year, "government", format_id, None,
                  array("d", [math.nan]) * len(_index(format_id)))
