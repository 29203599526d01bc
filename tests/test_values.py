from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.extract.values import read_value


@pytest.mark.parametrize(("raw", "value", "note", "unit"), [
    ("0", 0, None, None),
    ("无", 0, "none_word", None),
    ("", None, "blank", None),
    ("   ", None, "blank", None),
    ("2500 万", 2500, "unit", "万"),
    ("251000元", 251000, "unit", "元"),
    ("-3", -3, "signed", None),
    ("+1036", 1036, "signed", None),
    ("96171.6", 96171.6, None, None),
    ("１２３", 123, None, None),  # full-width digits
    ("－５", -5, "signed", None),
    ("1,036", 1036, None, None),
    ("—", None, "placeholder", None),
    ("/", None, "placeholder", None),
    ("见附件", None, "unreadable", None),
    ("12 3", None, "unreadable", None),
])
def test_read_value(raw: str, value, note, unit) -> None:
    reading = read_value(raw)
    assert (reading.value, reading.note, reading.unit) == (value, note, unit)
    assert type(reading.value) is type(value)


@given(st.integers(min_value=-10**9, max_value=10**9))
def test_integers_round_trip(n: int) -> None:
    assert read_value(str(n)).value == n
    assert read_value(str(n).translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))).value == n


@given(st.text())
def test_never_raises(text: str) -> None:
    read_value(text)
