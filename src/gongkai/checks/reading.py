"""What extraction noted while reading the tables: labels it did not know, rows it could not place.

Extraction records notes with the raw text and where it stood (gongkai.extract); each kind of note is
reported by exactly one check here.
"""

from __future__ import annotations

from typing import NamedTuple

from gongkai.checks.base import NoteCheck, register


class _Counted(NamedTuple):
    count: int
    expected: int


@register
class UnrecognisedLabel(NoteCheck):
    code, kind = "S210", "unrecognised_label"

    class Params(NamedTuple):
        table: str
        printed: str


@register
class SurplusCellResolved(NoteCheck):
    code, kind = "S211", "surplus_cell"
    Params = _Counted


@register
class DuplicateCell(NoteCheck):
    code, kind = "S212", "duplicate_cell"

    class Params(NamedTuple):
        key: str


@register
class LabelVariant(NoteCheck):
    code, kind = "S213", "label_variant"

    class Params(NamedTuple):
        printed: str
        official: str


@register
class HeaderUnrecognised(NoteCheck):
    code, kind = "S214", "header_unrecognised"

    class Params(NamedTuple):
        table: str
        found: str


@register
class TooFewValues(NoteCheck):
    code, kind = "S215", "too_few_values"
    Params = _Counted


@register
class AmbiguousValues(NoteCheck):
    code, kind = "S216", "ambiguous_values"
    Params = _Counted


@register
class BlockOfNoFormat(NoteCheck):
    code, kind = "S217", "block_of_no_format"

    class Params(NamedTuple):
        printed: str
        columns: str


@register
class GluedRead(NoteCheck):
    """Cells split from a run of glued digits (crawled page text) under the format's constraints."""

    code, kind = "S230", "glued_read"

    class Params(NamedTuple):
        table: str


@register
class GluedAmbiguous(NoteCheck):
    code, kind = "S231", "glued_ambiguous"

    class Params(NamedTuple):
        printed: str
        digits: str
        count: int
        readings: str


@register
class GluedUnsplit(NoteCheck):
    code, kind = "S232", "glued_unsplit"

    class Params(NamedTuple):
        printed: str
        digits: str
        count: str
        expected: int
