"""The identities and bounds between cells that the format data declares, as registered checks.

Each `check` code named by an identity (A101–A104) or a bound (W602) in a format file becomes one check
here: it evaluates that format's identities of its code on a report whose tables follow the format.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from gongkai.checks.base import Check, Context, add
from gongkai.formats import Format, all_formats, per_format
from gongkai.formats.naming import describe, member
from gongkai.model import Finding, Number, Report


def _terms(templates: tuple[str, ...], binding: dict[str, str], fmt: Format,
           sum_over: dict[str, str]) -> list[str]:
    keys: list[str] = []
    for template in templates:
        used = {v: s for v, s in sum_over.items() if "{" + v + "}" in template}
        for extra in fmt.bindings(used) if used else [{}]:
            keys.append(template.format(**binding, **extra))
    return keys


@per_format
def _expanded(fmt: Format) -> list[list[tuple[str, list[str], list[str]]]]:
    """For each identity of the format: (binding label, left keys, right keys) of every binding."""
    out = []
    for identity in fmt.identities:
        out.append([(" / ".join(member(identity.for_each[k], v) for k, v in binding.items()),
                     _terms(identity.left, binding, fmt, identity.sum_over),
                     _terms(identity.right, binding, fmt, identity.sum_over))
                    for binding in fmt.bindings(identity.for_each)])
    return out


def expanded_identities(fmt: Format) -> list[tuple[list[str], list[str]]]:
    """(left keys, right keys) of every binding of every identity of the format."""
    return [(left, right) for bindings in _expanded(fmt) for _, left, right in bindings]


def _total(report: Report, keys: list[str]) -> Number | None:
    values = [report.value(k) for k in keys]
    if any(v is None for v in values):
        return None
    return sum(values)  # type: ignore[arg-type]


def _expr(report: Report, keys: list[str]) -> str:
    return " + ".join(str(report.value(k)) for k in keys) if len(keys) <= 6 else f"Σ{len(keys)}"


class IdentityCheck(Check):
    """left == right for every binding of the format's identities that carry this code."""

    class Params(NamedTuple):
        name: str
        binding: str
        left: Number
        right: Number
        left_expr: str
        right_expr: str
        diff: Number

    def __init__(self, code: str) -> None:
        self.code = code  # type: ignore[misc]

    def run(self, context: Context) -> Iterator[Finding]:
        report, fmt = context.report, context.fmt
        for identity, bindings in zip(fmt.identities, _expanded(fmt), strict=True):
            if identity.check != self.code:
                continue
            for label, left, right in bindings:
                lv, rv = _total(report, left), _total(report, right)
                if lv is None or rv is None or abs(lv - rv) < 1e-6:
                    continue
                keys = left + right
                yield self.finding(self.Params(identity.name, label, lv, rv, _expr(report, left),
                                               _expr(report, right), lv - rv),
                                   keys, [report.cells[k].source for k in keys])


class BoundCheck(Check):
    """left >= right for every binding: a plausibility rule of table 二's wording, not an identity."""

    class Params(NamedTuple):
        binding: str
        left_label: str
        left: Number
        right_label: str
        right: Number

    def __init__(self, code: str) -> None:
        self.code = code  # type: ignore[misc]

    def run(self, context: Context) -> Iterator[Finding]:
        report = context.report
        for fmt in context.table2_formats:
            for bound in (b for b in fmt.bounds if b.check == self.code):
                for binding in fmt.bindings(bound.for_each):
                    left, right = bound.left.format(**binding), bound.right.format(**binding)
                    lv, rv = report.value(left), report.value(right)
                    if lv is None or rv is None or lv >= rv:
                        continue
                    label = " / ".join(member(bound.for_each[k], v) for k, v in binding.items())
                    yield self.finding(self.Params(label, describe(left), lv, describe(right), rv),
                                       [left, right], [report.cells[left].source, report.cells[right].source])


def _register_from_data() -> None:
    formats = all_formats().values()
    for code in sorted({i.check for f in formats for i in f.identities}):
        add(IdentityCheck(code))
    for code in sorted({b.check for f in formats for b in f.bounds}):
        add(BoundCheck(code))


_register_from_data()
