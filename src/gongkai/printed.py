"""How numbers, page numbers and list numbering are printed in reports: one pattern each, for every reader
and for reading a cell's value (gongkai.extract.values). Patterns apply to text after labels.normalize_text
(NFKC: full-width digits and punctuation become ASCII)."""

from __future__ import annotations

import re

from gongkai.labels import normalize_text

UNITS = "万元|万|元|件|个|条|项|篇|次|人次|宗|份"  # units typed into number cells
NUMBER = re.compile(rf"^(?P<sign>[+\-−﹣]?)\s*(?P<digits>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<frac>\.\d+)?"
                    rf"\s*(?P<unit>{UNITS})?$")
NONE_WORDS = frozenset({"无", "0件", "没有", "暂无"})  # read as 0
PLACEHOLDERS = frozenset({"-", "—", "——", "/", "\\", "–", "…", "...", "*", "×"})  # a cell left unfilled

_NUMBERS = re.compile(rf"^[\s+\-−﹣]*\d[\d,.\s]*(?:{UNITS})*$")
# − 3 −, —3—, 第3页, 第 3 页 共 12 页, 3/12, or a bare 3
PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]*\s*(?:\d{1,3}|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d+\s*页)?)\s*[-—–]*"
                         r"|\d{1,3}\s*/\s*\d{1,3})\s*$")
# A label's own list numbering: （三） 三、 3、 3.
LIST_NUMBERING = re.compile(r"^\s*(?:\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}\s*[、.]"
                            r"|\d{1,2}\s*[、.])")


def numeric(text: str) -> bool:
    """Text made of numbers (one or several, with separators, signs and units): a value, not a label."""
    return bool(_NUMBERS.match(normalize_text(text)))


def value_word(text: str) -> bool:
    """One printed cell value: a number, 无, or a placeholder dash."""
    text = normalize_text(text).strip()
    return bool(NUMBER.match(text)) or text in NONE_WORDS or (bool(text) and set(text) <= {"-", "—", "/"})


def page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(normalize_text(text)))


def list_numbered(text: str) -> bool:
    return bool(LIST_NUMBERING.match(normalize_text(text)))
