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

from gongkai.i18n import Message, language, using

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
        raise ValueError(Message("fee.input.not_whole", name=name, value=value))
    if value < 0:
        raise ValueError(Message("fee.input.negative", name=name, value=value))
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


def _unit(method: FeeMethod, count: int) -> Message:
    """件/页, or application(s)/page(s) in English."""
    return Message(f"fee.unit.{'one' if count == 1 else 'many'}.{method.name.lower()}")


def _band_line(method: FeeMethod, band: FeeBand) -> Message:
    span = f"{band.first}–{band.last}" if band.last is not None else f"{band.first}+"
    price = (Message("fee.free") if band.unit_price == 0
             else Message("fee.price", price=band.unit_price, unit=_unit(method, 1)))
    return Message("fee.band", span=span, unit=_unit(method, 2), price=price, count=band.units, amount=band.amount)


def render_fee(fee: Fee, lang: str | None = None) -> str:
    """The amount and its breakdown by band as plain text lines, in `lang` ('zh' or 'en'; default: the current
    language)."""
    total = Message("fee.total", method=fee.method.value, source=SOURCE, quantity=fee.quantity,
                    unit=_unit(fee.method, fee.quantity), amount=fee.amount)
    with using(lang or language()):
        return "\n".join(str(line) for line in [total, *(_band_line(fee.method, band) for band in fee.bands)])
