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


def has_cjk(text: str) -> bool:
    """Some character of the text is a Chinese character (CJK Extension A and the Unified Ideographs). Not a regular
    expression: re compiles a class this wide into a table, which cost more than the rest of a module's import."""
    return any("\u3400" <= char <= "\u9fff" for char in text)


def normalize_text(text: str) -> str:
    """NFKC plus the radicals NFKC misses; keeps spacing."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_RADICALS)


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[.]|\([一二三四五六七八九十\d]+\)|\d+[.)])")
# Loosely: 三（一） as cell-keys.md prints it (a section numeral right before an item number), and separators.
_SECTION_BEFORE_ITEM = re.compile(r"^[一二三四五六七八九十]+(?=\()")
_SEPARATORS = re.compile(r"[\s\-_/·|:.,()\[\]【】]")


def _strip_numbering(label: str) -> str:
    """Remove leading list numbering from a normalised label: 一. / (三) / 1. / (2)."""
    previous = None
    while previous != label:
        previous = label
        stripped = _NUMBERING.sub("", label, count=1)
        label = stripped or label
    return label


@lru_cache(maxsize=8192)
def core(text: str, loose: bool = False) -> str:
    """The one form labels are compared in: NFKC, no white space, unified brackets and separators, quotes and
    colons dropped, list numbering removed.

    `loose` also drops a section numeral before an item number (三（一）予以公开) and every separator: for
    spellings people type into register files, where 予以-公开 and 三(一)予以公开 mean the same row.
    """
    label = _SPACE.sub("", normalize_text(text)).translate(_PUNCT)
    if loose:
        return _SEPARATORS.sub("", _strip_numbering(_SECTION_BEFORE_ITEM.sub("", label)))
    return _strip_numbering(label)


def one_edit_apart(a: str, b: str) -> bool:
    """At most one character replaced, added or dropped turns one text into the other (an OCR slip)."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return a[i + (len(a) >= len(b)):] == b[i + (len(b) >= len(a)):]
