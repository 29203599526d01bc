"""The information processing fee (信息处理费) of 国办函〔2020〕109号, charged progressively (超额累进).

Per application (按件, 第四条): the applications of one applicant in one calendar month: 1–10 free, 11–30 at
100 元 each, then bands of 10 each 100 元 dearer: 31–40 at 200, 41–50 at 300, …
Per page (按量, 第五条): ≤30 pages free, 31–100 at 10 元, 101–200 at 20 元, above 200 at 40 元 a page.
An agency picks one method per application, never both (第三条). Amounts are whole 元.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

SOURCE = "国办函〔2020〕109号"


class FeeMethod(StrEnum):
    PER_APPLICATION = "按件"
    PER_PAGE = "按量"


@dataclass(frozen=True, slots=True)
class FeeBand:
    """One price band and the part of the quantity that falls in it."""

    first: int  # first unit of the band, counted from 1
    last: int | None  # last unit; None: open-ended
    unit_price: int  # 元 per unit
    units: int  # units of the quantity in this band

    @property
    def amount(self) -> int:
        return self.units * self.unit_price

    def to_dict(self) -> dict[str, Any]:
        return {"first": self.first, "last": self.last, "unit_price": self.unit_price,
                "units": self.units, "amount": self.amount}


@dataclass(frozen=True, slots=True)
class Fee:
    method: FeeMethod
    quantity: int  # applications in the month, or pages
    amount: int  # 元, all bands together
    bands: tuple[FeeBand, ...]  # the bands the quantity reaches, free band included

    @property
    def last_unit_price(self) -> int:
        """The price of the last unit: what the quantity-th application of the month costs on its own."""
        return self.bands[-1].unit_price if self.bands else 0

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method.value, "quantity": self.quantity, "amount": self.amount,
                "last_unit_price": self.last_unit_price, "source": SOURCE,
                "bands": [band.to_dict() for band in self.bands]}


def _check_quantity(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def _application_bands() -> Iterator[tuple[int, int | None, int]]:
    yield 1, 10, 0
    yield 11, 30, 100
    first, price = 31, 200
    while True:  # from 31: every further 10 applications cost 100 元 more each
        yield first, first + 9, price
        first, price = first + 10, price + 100


def _page_bands() -> Iterator[tuple[int, int | None, int]]:
    yield 1, 30, 0
    yield 31, 100, 10
    yield 101, 200, 20
    yield 201, None, 40


def _progressive(method: FeeMethod, quantity: int, bands: Iterator[tuple[int, int | None, int]]) -> Fee:
    found = []
    for first, last, price in bands:
        if first > quantity:
            break
        units = (quantity if last is None else min(quantity, last)) - first + 1
        found.append(FeeBand(first, last, price, units))
    return Fee(method, quantity, sum(band.amount for band in found), tuple(found))


def fee_per_application(applications: int) -> Fee:
    """The fee for an applicant's ``applications`` applications in one calendar month (按件)."""
    return _progressive(FeeMethod.PER_APPLICATION, _check_quantity(applications, "applications"),
                        _application_bands())


def fee_per_page(pages: int) -> Fee:
    """The fee for ``pages`` pages of one application (按量)."""
    return _progressive(FeeMethod.PER_PAGE, _check_quantity(pages, "pages"), _page_bands())


def render_fee(fee: Fee, lang: str = "zh") -> str:
    """The amount and its breakdown by band as plain text lines, in Chinese ('zh') or English ('en')."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    zh = lang == "zh"
    unit = ("件" if fee.method is FeeMethod.PER_APPLICATION else "页") if zh else (
        "application" if fee.method is FeeMethod.PER_APPLICATION else "page")
    if zh:
        lines = [f"信息处理费（{fee.method.value}，{SOURCE}）：{fee.quantity}{unit}，共 {fee.amount} 元"]
    else:
        plural = "" if fee.quantity == 1 else "s"
        lines = [f"Information processing fee ({fee.method.value}, {SOURCE}): "
                 f"{fee.amount} yuan for {fee.quantity} {unit}{plural}"]
    for band in fee.bands:
        span = f"{band.first}–{band.last}" if band.last is not None else f"{band.first}+"
        if zh:
            price = "免费" if band.unit_price == 0 else f"{band.unit_price} 元/{unit}"
            lines.append(f"  第{span}{unit}：{price} × {band.units} = {band.amount} 元")
        else:
            price = "free" if band.unit_price == 0 else f"{band.unit_price} yuan/{unit}"
            lines.append(f"  {unit}s {span}: {price} × {band.units} = {band.amount} yuan")
    return "\n".join(lines)
