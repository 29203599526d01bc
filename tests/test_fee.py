from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.register.fee import FeeMethod, fee_per_application, fee_per_page, render_fee


def _application_price(k: int) -> int:
    """The price of the k-th application of the month, straight from 国办函〔2020〕109号 第四条."""
    if k <= 10:
        return 0
    if k <= 30:
        return 100
    return 200 + 100 * ((k - 31) // 10)


def _page_price(k: int) -> int:
    """The price of the k-th page, 第五条."""
    return 0 if k <= 30 else 10 if k <= 100 else 20 if k <= 200 else 40


@pytest.mark.parametrize(("applications", "amount", "last_price"), [
    (0, 0, 0),
    (10, 0, 0),
    (11, 100, 100),
    (30, 2000, 100),
    (31, 2200, 200),
    (40, 4000, 200),
    (41, 4300, 300),
    (50, 7000, 300),
    (51, 7400, 400),
])
def test_per_application_band_edges(applications: int, amount: int, last_price: int) -> None:
    fee = fee_per_application(applications)
    assert (fee.method, fee.amount, fee.last_unit_price) == (FeeMethod.PER_APPLICATION, amount, last_price)


@pytest.mark.parametrize(("pages", "amount"), [
    (0, 0),
    (30, 0),
    (31, 10),
    (100, 700),
    (101, 720),
    (200, 2700),
    (201, 2740),
])
def test_per_page_band_edges(pages: int, amount: int) -> None:
    assert fee_per_page(pages).amount == amount


def test_breakdown_by_band() -> None:
    fee = fee_per_application(45)
    assert [(b.first, b.last, b.unit_price, b.units, b.amount) for b in fee.bands] == [
        (1, 10, 0, 10, 0), (11, 30, 100, 20, 2000), (31, 40, 200, 10, 2000), (41, 50, 300, 5, 1500)]
    pages = fee_per_page(250)
    assert [(b.first, b.last, b.units) for b in pages.bands] == [(1, 30, 30), (31, 100, 70), (101, 200, 100),
                                                                 (201, None, 50)]
    assert pages.amount == sum(b.amount for b in pages.bands) == 4700
    assert fee_per_page(0).bands == ()


def test_json_and_rendering() -> None:
    data = json.loads(json.dumps(fee_per_page(250).to_dict(), ensure_ascii=False))
    assert (data["method"], data["amount"], data["source"]) == ("按量", 4700, "国办函〔2020〕109号")
    assert data["bands"][-1] == {"first": 201, "last": None, "unit_price": 40, "units": 50, "amount": 2000}
    assert "共 5500 元" in render_fee(fee_per_application(45))
    assert "201+: 40 yuan/page × 50 = 2000 yuan" in render_fee(fee_per_page(250), "en")


@pytest.mark.parametrize("bad", [-1, 1.5, 3.0, "12", None, True])
def test_inputs_must_be_non_negative_whole_numbers(bad) -> None:
    with pytest.raises(ValueError, match="applications"):
        fee_per_application(bad)
    with pytest.raises(ValueError, match="pages"):
        fee_per_page(bad)


@given(st.integers(0, 500))
def test_per_application_is_the_sum_of_the_unit_prices(n: int) -> None:
    fee = fee_per_application(n)
    assert fee.amount == sum(_application_price(k) for k in range(1, n + 1))
    assert sum(b.units for b in fee.bands) == n


@given(st.integers(0, 1000))
def test_per_page_is_the_sum_of_the_unit_prices(n: int) -> None:
    assert fee_per_page(n).amount == sum(_page_price(k) for k in range(1, n + 1))


@given(st.integers(0, 2000), st.integers(0, 2000))
def test_monotonic_non_decreasing(a: int, b: int) -> None:
    a, b = min(a, b), max(a, b)
    assert fee_per_application(a).amount <= fee_per_application(b).amount
    assert fee_per_page(a).amount <= fee_per_page(b).amount
