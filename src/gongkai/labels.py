"""Normalising printed labels so that variants of the official wording compare equal."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SECTION_NUMERALS = "一二三四五六七八九十"  # the official numbering of sections: 一、… 六、

# CJK radicals that NFKC leaves alone but broken PDF text layers use for the full character.
_RADICALS = str.maketrans({"⺠": "民", "⻓": "长", "⻔": "门", "⾏": "行", "⼈": "人", "⺟": "母",
                           "⻅": "见", "⻚": "页", "⻋": "车", "⻢": "马", "⻛": "风", "⻄": "西"})
_SPACE = re.compile(r"\s+")
# After NFKC: unify list separators so 1、 / 1. / 1． compare equal; drop quotes and colons.
_PUNCT = str.maketrans({"、": ".", "，": ",", "：": ":", "“": "", "”": "", "\"": "",
                        "‘": "", "’": "", "「": "", "」": "", "《": "", "》": "", ";": ",",
                        "；": ","})


def normalize_text(text: str) -> str:
    """NFKC plus the radicals NFKC misses; keeps spacing."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_RADICALS)


def normalize_label(text: str) -> str:
    """The comparable form of a label: NFKC, no white space, unified brackets and separators."""
    return _SPACE.sub("", normalize_text(text)).translate(_PUNCT)


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[.]|\([一二三四五六七八九十\d]+\)|\d+[.)])")


def strip_numbering(label: str) -> str:
    """Remove leading list numbering from a normalised label: 一. / (三) / 1. / (2)."""
    previous = None
    while previous != label:
        previous = label
        stripped = _NUMBERING.sub("", label, count=1)
        label = stripped or label
    return label


@lru_cache(maxsize=8192)
def core(text: str) -> str:
    """The form printed labels are compared in: normalised (see normalize_label), list numbering removed."""
    return strip_numbering(normalize_label(text))


def one_edit_apart(a: str, b: str) -> bool:
    """At most one character replaced, added or dropped turns one text into the other (an OCR slip)."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return a[i + (len(a) >= len(b)):] == b[i + (len(b) >= len(a)):]
