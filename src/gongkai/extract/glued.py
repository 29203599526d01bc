"""Splitting glued digit runs into cells: `3719402` → 37 | 19 | 402, using only what the format knows.

Crawled page text loses the separators between a row's cells. A run of digits is split into the row's cells
by every constraint the format gives: the number of cells, a row's 总计 equal to the sum of its parts, table
四's 总计 per group, and the identities that link rows (table 三: 一 + 二 = 三（七） + 四 per column,
（七） = the sum of the results). A run is read only where every reading that satisfies all constraints
agrees; otherwise its cells stay null and the candidate readings are reported. Nothing is guessed.

How the search is bounded (so that reading stays fast on any input):
- a cell holds at most MAX_DIGITS digits before its decimals (ten million and more is no count a report
  prints), so a part is one of at most MAX_DIGITS lengths;
- a group with a 总计 is searched from its end: the total is the group's last digits (a total whose digits
  disagree with the parts' by casting out nines is dropped at once), and the parts before it are split under
  the remaining sum, entering only states (position, cells left, sum left) whose sum lies between the least
  and the most the remaining digits can make, memoised;
- a run stops being searched once it has more than MAX_READINGS readings: it is then left unread;
- rows are tied together by arc consistency on each identity (sets of partial sums capped at MAX_SUMS), then,
  only when at most JOINT_BUDGET combinations remain, by trying every combination.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from math import prod

MAX_DIGITS = 7
MAX_READINGS = 64
MAX_SUMS = 4096
JOINT_BUDGET = 20_000
BOUNDARY = "|"  # a separator the text did keep (a space between two numbers): a cut must fall there

COUNT, SIGNED, DECIMAL = "count", "signed", "decimal"
_UNITS = "(?:万元|万|元)?"
_PART = {
    COUNT: re.compile(rf"(?:0|[1-9]\d{{0,{MAX_DIGITS - 1}}}){_UNITS}|无"),
    SIGNED: re.compile(rf"[+-]?(?:0|[1-9]\d{{0,{MAX_DIGITS - 1}}}){_UNITS}|无"),
    DECIMAL: re.compile(rf"(?:0|[1-9]\d{{0,{MAX_DIGITS + 1}}})(?:\.\d{{1,4}})?{_UNITS}|无"),
}


@lru_cache(maxsize=65536)
def part_value(text: str, kind: str) -> int | float | None:
    """The value of one candidate cell, or None when the text cannot be one cell of that kind."""
    if not _PART[kind].fullmatch(text):
        return None
    if text == "无":
        return 0
    digits = text.rstrip("万元")
    return float(digits) if "." in digits else int(digits)


@dataclass(frozen=True, slots=True)
class Group:
    """Consecutive cells of a run; with `total`, the last one is the sum of the others."""

    kinds: tuple[str, ...]
    total: bool = False


class TooMany(Exception):
    """A run has more readings than MAX_READINGS."""


Reading = tuple[str, ...]  # the cell texts of one way to split a run


@dataclass(slots=True)
class _Splitter:
    run: str
    memo: dict = field(default_factory=dict)
    sums: list[int] = field(default_factory=list)  # digit sums of run[:i]
    plain: bool = True  # digits and kept separators only

    def __post_init__(self) -> None:
        total, self.sums = 0, [0]
        for c in self.run:
            total += int(c) if c.isdigit() else 0
            self.sums.append(total)
        self.plain = all(c.isdigit() or c == BOUNDARY for c in self.run)

    def nines_agree(self, start: int, stop: int, total: int | float) -> bool:
        """Casting out nines: a number is congruent to its digit sum mod 9, however the digits are cut, so the
        cells before a total can sum to it only if their digits do. Cuts every wrong total but one in nine."""
        if isinstance(total, float) or not self.plain:
            return True  # 无, units, decimals: no shortcut
        return (self.sums[stop] - self.sums[start]) % 9 == total % 9

    def parts(self, start: int, end: int, kinds: tuple[str, ...]) -> list[Reading]:
        """Every split of run[start:end] into len(kinds) cells, with no sum to meet (table 二's rows)."""
        key = (start, end, kinds)
        if key not in self.memo:
            self.memo[key] = list(self._parts(start, end, kinds))
            if len(self.memo[key]) > MAX_READINGS:
                raise TooMany
        return self.memo[key]

    def _parts(self, start: int, end: int, kinds: tuple[str, ...]) -> Iterator[Reading]:
        run = self.run
        if start < end and run[start] == BOUNDARY:
            start += 1
        if not kinds:
            if start == end:
                yield ()
            return
        longest = MAX_DIGITS + 6 if kinds[0] == DECIMAL else MAX_DIGITS + 3  # digits, decimals, a unit
        for cut in range(start + 1, min(end, start + longest) + 1):
            text = run[start:cut]
            if BOUNDARY in text:
                break
            if (cut < end and len(kinds) == 1) or part_value(text, kinds[0]) is None:
                continue
            for rest in self.parts(cut, end, kinds[1:]):
                yield (text, *rest)

    def group(self, start: int, end: int, group: Group) -> list[Reading]:
        """Every split of run[start:end] into one group's cells."""
        if not group.total:
            return self.parts(start, end, group.kinds)
        out: list[Reading] = []
        for t in range(1, min(MAX_DIGITS, end - start) + 1):
            text = self.run[end - t:end]
            total = part_value(text, COUNT)
            if total is None or not self.nines_agree(start, end - t, total):
                continue
            stop = end - t
            if stop > start and self.run[stop - 1] == BOUNDARY:
                stop -= 1
            if not _may_sum(stop - start, len(group.kinds) - 1, total, t):
                continue
            out += [(*r, text) for r in _SumSplitter(self.run, start, stop, len(group.kinds) - 1, int(total)).all()]
            if len(out) > MAX_READINGS:
                raise TooMany
        return out

    def groups(self, start: int, groups: tuple[Group, ...]) -> list[Reading]:
        """Every split of run[start:] into the groups in order."""
        key = ("g", start, len(groups))
        if key in self.memo:
            return self.memo[key]
        out: list[Reading] = []
        if len(groups) == 1:
            out = self.group(start, len(self.run), groups[0])
        else:
            width = len(groups[0].kinds) * (MAX_DIGITS + 6)
            for end in range(start + len(groups[0].kinds), min(len(self.run), start + width) + 1):
                heads = self.group(start, end, groups[0])
                if heads:
                    out += [(*h, *t) for h in heads for t in self.groups(end, groups[1:])]
                if len(out) > MAX_READINGS:
                    raise TooMany
        self.memo[key] = out
        return out


class _SumSplitter:
    """The splits of run[start:end] into `count` counts summing to `total`: a search that only enters a
    state (position, cells left, sum left) whose sum lies between the least and the most the remaining
    digits can make (both computed once, bottom-up), so it walks few dead ends."""

    def __init__(self, run: str, start: int, end: int, count: int, total: int) -> None:
        self.run, self.start, self.end, self.count, self.total = run, start, end, count, total
        self.longest = len(str(total))
        self.memo: dict[tuple[int, int, int], list[Reading]] = {}
        self.steps = [[] for _ in range(start)] + [self._steps(i) for i in range(start, end + 1)]
        self.low, self.high = self._bounds()

    def _steps(self, i: int) -> list[tuple[str, int, int]]:
        """(text, value, next position) of every cell that can start at i: digits without a leading zero."""
        run, end, out = self.run, self.end, []
        if i < end and run[i] == "无":  # 无 written for a zero
            return [("无", 0, i + 2 if i + 1 < end and run[i + 1] == BOUNDARY else i + 1)]
        if i >= end or not run[i].isdigit():
            return out
        if run[i] == "0":
            return [("0", 0, i + 2 if i + 1 < end and run[i + 1] == BOUNDARY else i + 1)]
        for cut in range(i + 1, min(end, i + self.longest) + 1):
            if not run[cut - 1].isdigit():
                break
            value = int(run[i:cut])
            if value > self.total:
                break
            out.append((run[i:cut], value, cut + 1 if cut < end and run[cut] == BOUNDARY else cut))
        return out

    def _bounds(self) -> tuple[list[list[float]], list[list[float]]]:
        inf = float("inf")
        size, count = self.end + 2, self.count
        low = [[inf] * (count + 1) for _ in range(size)]
        high = [[-inf] * (count + 1) for _ in range(size)]
        low[self.end][0] = high[self.end][0] = 0
        width = self.longest + 1  # a cell and the separator after it
        for i in range(self.end - 1, self.start - 1, -1):
            low_i, high_i = low[i], high[i]
            fewest = max(1, -(-(self.end - i) // width))  # cells the rest needs at least
            most = min(count, self.end - i, count - (i - self.start) // width)
            for _, value, after in self.steps[i]:
                low_a, high_a = low[after], high[after]
                for j in range(fewest, most + 1):
                    lo, hi = value + low_a[j - 1], value + high_a[j - 1]
                    if lo < low_i[j]:
                        low_i[j] = lo
                    if hi > high_i[j]:
                        high_i[j] = hi
        return low, high

    def all(self) -> list[Reading]:
        start = self.start + 1 if self.start < self.end and self.run[self.start] == BOUNDARY else self.start
        return self._from(start, self.count, self.total)

    def _from(self, i: int, count: int, left: int) -> list[Reading]:
        if count == 0:
            return [()] if i == self.end and left == 0 else []
        key = (i, count, left)
        if key not in self.memo:
            out: list[Reading] = []
            for text, value, after in self.steps[i]:
                rest = left - value
                if self.low[after][count - 1] <= rest <= self.high[after][count - 1]:
                    out += [(text, *r) for r in self._from(after, count - 1, rest)]
            if len(out) > MAX_READINGS:
                raise TooMany
            self.memo[key] = out
        return self.memo[key]


def readings(run: str, groups: tuple[Group, ...]) -> list[Reading] | None:
    """Every way to split a run into the groups' cells (None: more than MAX_READINGS ways)."""
    found = _readings(run, groups)
    return None if found is None else list(found)


@lru_cache(maxsize=16384)
def _readings(run: str, groups: tuple[Group, ...]) -> tuple[Reading, ...] | None:
    if not run:
        return ()
    if run == "0" * len(run) and len(run) == sum(len(g.kinds) for g in groups):
        return (("0",) * len(run),)  # the commonest row of all
    try:
        return tuple(sorted(set(_Splitter(run).groups(0, groups))))
    except TooMany:
        return None


def _may_sum(chars: int, parts: int, budget: int | float, longest: int) -> bool:
    """Can `chars` characters make `parts` cells summing to `budget`? (False only when surely not.)"""
    if chars > parts * (longest + 1):  # +1: a kept separator between two cells
        return False
    widest = -(-chars // parts) - 1  # some cell has at least this many digits (a separator may take one)
    if widest >= 2 and 10 ** (widest - 1) > budget:
        return False
    return parts * 10 ** (chars - parts + 1) > budget


# ── tying runs together by the identities ──────────────────────────────────────────────────────────────────

@dataclass(slots=True)
class Run:
    """One glued run and the cell keys it holds, in order, with its candidate readings."""

    keys: tuple[str, ...]
    candidates: list[Reading] | None  # None: too many to list


Equation = tuple[tuple[str, ...], tuple[str, ...]]  # sum(left) == sum(right)


def _reachable(options: list[set]) -> set | None:
    """Every sum of one element from each set (None when there are more than MAX_SUMS)."""
    sums = {0}
    for option in options:
        sums = {a + b for a in sums for b in option}
        if len(sums) > MAX_SUMS:
            return None
    return sums


def settle(runs: list[Run], kinds: dict[str, str], equations: list[Equation]) -> None:
    """Drop every candidate reading that cannot take part in a solution of the equations (in place)."""
    if all(r.candidates is None or len(r.candidates) <= 1 for r in runs):
        return
    owner = {k: i for i, r in enumerate(runs) if r.candidates for k in r.keys}
    terms = _Terms(runs, kinds)
    for left, right in equations:
        if all(k in owner for k in left) and all(k in owner for k in right):
            terms.add(owner, left, right)
    changed = True
    while changed:
        changed = False
        for e in range(len(terms.equations)):
            changed |= _prune(runs, terms, e)
    _exhaust(runs, terms)


class _Terms:
    """The equations as terms per run, and each reading's part of each equation (computed once)."""

    def __init__(self, runs: list[Run], kinds: dict[str, str]) -> None:
        self.runs, self.kinds = runs, kinds
        self.equations: list[dict[int, list[tuple[str, int]]]] = []
        self.memo: dict[tuple[int, int, Reading], int | float] = {}
        self.values: dict[tuple[int, Reading], dict[str, int | float]] = {}

    def add(self, owner: dict[str, int], left: tuple[str, ...], right: tuple[str, ...]) -> None:
        by_run: dict[int, list[tuple[str, int]]] = {}
        for keys, sign in ((left, 1), (right, -1)):
            for k in keys:
                by_run.setdefault(owner[k], []).append((k, sign))
        # an equation within one run holds in each of its readings already; one without an open run settles nothing
        if len(by_run) > 1 and any(len(self.runs[i].candidates or ()) > 1 for i in by_run):
            self.equations.append(by_run)

    def cells(self, i: int, reading: Reading) -> dict[str, int | float]:
        key = (i, reading)
        if key not in self.values:
            run = self.runs[i]
            self.values[key] = {k: part_value(t, self.kinds[k]) or 0 for k, t in zip(run.keys, reading, strict=True)}
        return self.values[key]

    def part(self, e: int, i: int, reading: Reading) -> int | float:
        key = (e, i, reading)
        if key not in self.memo:
            cells = self.cells(i, reading)
            self.memo[key] = sum(sign * cells[k] for k, sign in self.equations[e][i])
        return self.memo[key]


def _prune(runs: list[Run], terms: _Terms, e: int) -> bool:
    involved = terms.equations[e]
    options = {i: {terms.part(e, i, c) for c in runs[i].candidates or ()} for i in involved}
    settled = sum(next(iter(o)) for o in options.values() if len(o) == 1)
    open_runs = [i for i in involved if len(options[i]) > 1]
    changed = False
    for i in open_runs:
        run = runs[i]
        others = _reachable([options[j] for j in open_runs if j != i])
        if others is None:
            continue
        kept = [c for c in run.candidates or () if -terms.part(e, i, c) - settled in others]
        if kept and len(kept) < len(run.candidates or ()):
            run.candidates, changed = kept, True
            options[i] = {terms.part(e, i, c) for c in kept}
    return changed


def _exhaust(runs: list[Run], terms: _Terms) -> None:
    """Try every combination of the runs still open, when there are few enough."""
    open_runs = [i for i, r in enumerate(runs) if r.candidates and len(r.candidates) > 1]
    if not open_runs or prod(len(runs[i].candidates or ()) for i in open_runs) > JOINT_BUDGET:
        return
    fixed = {e: sum(terms.part(e, i, runs[i].candidates[0]) for i in involved if i not in open_runs)
             for e, involved in enumerate(terms.equations)}
    alive: list[set[Reading]] = [set() for _ in open_runs]
    for combo in product(*(runs[i].candidates or () for i in open_runs)):
        if all(fixed[e] + sum(terms.part(e, i, r) for i, r in zip(open_runs, combo, strict=True) if i in involved) == 0
               for e, involved in enumerate(terms.equations)):
            for slot, reading in enumerate(combo):
                alive[slot].add(reading)
    for slot, i in enumerate(open_runs):
        if alive[slot]:
            runs[i].candidates = sorted(alive[slot])
