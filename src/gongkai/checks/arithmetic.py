"""Identities and bounds between cells, evaluated from the format's declarative description."""

from __future__ import annotations

from collections.abc import Iterator

from gongkai.checks.describe import describe, member
from gongkai.formats import Format
from gongkai.model import Finding, Number, Report


def _terms(templates: tuple[str, ...], binding: dict[str, str], fmt: Format,
           sum_over: dict[str, str]) -> list[str]:
    keys: list[str] = []
    for template in templates:
        used = {v: s for v, s in sum_over.items() if "{" + v + "}" in template}
        for extra in fmt.bindings(used) if used else [{}]:
            keys.append(template.format(**binding, **extra))
    return keys


_EXPANDED: dict[tuple[str, int], list[tuple[str, list[str], list[str]]]] = {}


def _expanded(fmt: Format, index: int) -> list[tuple[str, list[str], list[str]]]:
    """(binding label, left keys, right keys) for every binding of one identity; computed once."""
    cached = _EXPANDED.get((fmt.id, index))
    if cached is None:
        identity = fmt.identities[index]
        cached = []
        for binding in fmt.bindings(identity.for_each):
            label = " / ".join(member(identity.for_each[k], v) for k, v in binding.items())
            cached.append((label, _terms(identity.left, binding, fmt, identity.sum_over),
                           _terms(identity.right, binding, fmt, identity.sum_over)))
        _EXPANDED[(fmt.id, index)] = cached
    return cached


def expanded_identities(fmt: Format) -> list[tuple[list[str], list[str]]]:
    """(left keys, right keys) of every binding of every identity of the format."""
    return [(left, right) for index in range(len(fmt.identities)) for _, left, right in _expanded(fmt, index)]


def _total(report: Report, keys: list[str]) -> Number | None:
    values = [report.value(k) for k in keys]
    if any(v is None for v in values):
        return None
    return sum(values)  # type: ignore[arg-type]


def _expr(report: Report, keys: list[str]) -> str:
    return " + ".join(str(report.value(k)) for k in keys) if len(keys) <= 6 else f"Σ{len(keys)}"


def _close(a: Number, b: Number) -> bool:
    return abs(a - b) < 1e-6


def identity_findings(report: Report, fmt: Format) -> Iterator[Finding]:
    for index, identity in enumerate(fmt.identities):
        for label, left, right in _expanded(fmt, index):
            lv, rv = _total(report, left), _total(report, right)
            if lv is None or rv is None or _close(lv, rv):
                continue
            keys = left + right
            yield Finding(identity.check, {
                "name": identity.name, "binding": label, "left": lv, "right": rv,
                "left_expr": _expr(report, left), "right_expr": _expr(report, right),
                "diff": lv - rv}, keys, [report.cells[k].source for k in keys])


def bound_findings(report: Report, fmt: Format) -> Iterator[Finding]:
    for bound in fmt.bounds:
        for binding in fmt.bindings(bound.for_each):
            left, right = bound.left.format(**binding), bound.right.format(**binding)
            lv, rv = report.value(left), report.value(right)
            if lv is None or rv is None or lv >= rv:
                continue
            yield Finding(bound.check, {
                "binding": " / ".join(member(bound.for_each[k], v) for k, v in binding.items()),
                "left_label": describe(left), "left": lv, "right_label": describe(right), "right": rv},
                [left, right], [report.cells[left].source, report.cells[right].source])
