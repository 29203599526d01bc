"""Reading one cell's text as a number, without guessing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gongkai.labels import normalize_text
from gongkai.model import Number
from gongkai.printed import NONE_WORDS, NUMBER, PLACEHOLDERS

_SPACE = re.compile(r"\s+")


@dataclass(slots=True, frozen=True)
class Reading:
    """What a cell's text says as a value: the number, or why there is none."""

    value: Number | None
    note: str | None = None  # none_word, blank, placeholder, unreadable, unit, signed
    unit: str | None = None


BLANK = Reading(None, "blank")


@lru_cache(maxsize=8192)
def read_value(raw: str) -> Reading:
    """无 is 0; blank is null; units and signs are kept as notes; anything else is unreadable."""
    text = _SPACE.sub(" ", normalize_text(raw)).strip()
    if not text:
        return BLANK
    if text.replace(" ", "") in NONE_WORDS:
        return Reading(0, "none_word")
    if text in PLACEHOLDERS:
        return Reading(None, "placeholder")
    m = NUMBER.match(text)
    if not m:
        return Reading(None, "unreadable")
    digits = m["digits"].replace(",", "")
    value: Number = float(digits + m["frac"]) if m["frac"] else int(digits)
    sign = m["sign"]
    if sign and sign != "+":
        value = -value
    note = "unit" if m["unit"] else ("signed" if sign else None)
    return Reading(value, note, m["unit"])

