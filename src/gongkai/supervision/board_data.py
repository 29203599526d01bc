"""What the supervising office's 汇总 and 对比 pages are made from: the reports a region's agencies submitted (their
flat cell data, computed at upload, with the findings of their check) turned into the `Checked` form that
`gongkai rollup` and `gongkai compare` take, so that the pages sum and compare with the commands' own code.

A report is summed when its state is one the office has accepted (已通过, 已发布; 已报送 too when asked); the
others, and the agencies that submitted nothing, are listed among the excluded with their state, beside the
reasons `gongkai rollup` gives (unreadable, another year or format, cells unread, errors). On the web pages the
review decides about errors: a version with errors is 检查未通过 until the office dismisses them, so the 汇总 passes
no findings, and the 对比's heat map counts those not dismissed.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from threading import Lock

from gongkai.i18n import Message
from gongkai.model import Finding
from gongkai.supervision.agencies import Aliases
from gongkai.supervision.compare import Comparison, compare
from gongkai.supervision.digest import Digest
from gongkai.supervision.regions import Regions
from gongkai.supervision.results import META_FIELDS, Checked
from gongkai.supervision.rollup import Entry, Rollup, rollup_tree

ACCEPTED = ("accepted", "published")  # 已通过, 已发布: summed by default
SUBMITTED = "submitted"  # 已报送: summed when the office asks for it


@dataclass(slots=True)
class Submitted:
    """One agency's latest submitted report of a year, as the register keeps it."""

    agency: str  # the register's name of the agency (the file may print it otherwise)
    year: int
    kind: str  # department, government
    state: str  # not_submitted, submitted, failed, returned, accepted, published (gongkai.register.submissions)
    flat: dict[str, object] = field(default_factory=dict)  # the flat cell data (`gongkai parse --flat`)
    findings: list = field(default_factory=list)  # Finding, or {"code": …, "params": …}
    file: str = ""  # the file it came in (its name as uploaded)
    id: int | None = None  # the stored version's id: what is read from it is kept (it never changes)


def _finding(found: object) -> Finding | None:
    from gongkai.checks.catalogue import rules

    if isinstance(found, Finding):
        return found
    if isinstance(found, dict) and found.get("code") in rules():
        return Finding(str(found["code"]), dict(found.get("params") or {}), list(found.get("cells") or []))
    return None  # a code this version's catalogue no longer has: nothing to count it as


_PARSED: OrderedDict[tuple, tuple[dict, Digest | None, str | None]] = OrderedDict()
_PARSED_LOCK = Lock()
PARSED_KEPT = 20_000  # digests kept (a few kB each): a stored version's flat data never changes


def _parsed(report: Submitted) -> tuple[dict, Digest | None, str | None]:
    """(meta, digest, error) of a report's flat data: made once per stored version (its id), the flat data being
    the one place flat data becomes a report (gongkai.serialized)."""
    from gongkai.errors import InputError
    from gongkai.serialized import report_from_flat
    from gongkai.supervision.digest import digest_of

    key = (report.id, report.agency, report.kind)
    if report.id is not None:
        with _PARSED_LOCK:
            if key in _PARSED:
                return _PARSED[key]
    try:
        parsed = report_from_flat({**report.flat, "meta.kind": report.kind}, report.file or report.agency)
    except InputError as exc:
        found: tuple[dict, Digest | None, str | None] = ({"agency": report.agency, "year": report.year}, None,
                                                          str(exc))
    else:
        parsed.meta.agency = report.agency
        found = ({k: getattr(parsed.meta, k) for k in META_FIELDS}, digest_of(parsed), None)
    if report.id is not None:
        with _PARSED_LOCK:
            _PARSED[key] = found
            while len(_PARSED) > PARSED_KEPT:
                _PARSED.popitem(last=False)
    return found


def checked_of(report: Submitted) -> Checked:
    """The report as the roll-up and the comparison take it, its agency named as the register names it."""
    meta, digest, error = _parsed(report)
    checked = Checked(report.file or report.agency, error, dict(meta), digest=digest)
    checked.add([f for f in map(_finding, report.findings) if f is not None])
    return checked


def state_reason(state: str) -> Message:
    """Why a report is not summed: its state (not_submitted: nothing was)."""
    return Message("summary.excluded.state", state=Message(f"collect.state.{state}"))  # the board's labels


def summed_states(include_submitted: bool) -> tuple[str, ...]:
    return (*ACCEPTED, SUBMITTED) if include_submitted else ACCEPTED


@dataclass(slots=True)
class Summary:
    """A region tree's roll-ups (each region's own departments and its child regions' sums)."""

    tree: dict[str, Rollup]
    regions: Regions
    year: int

    def of(self, region: str) -> Rollup:
        return self.tree[region]


def summarise(reports: Iterable[Submitted], regions: Regions, year: int, include_submitted: bool = False) -> Summary:
    """The roll-up of every region of `regions`, level by level, over the reports in a summed state; the others
    (an agency with nothing submitted comes with state not_submitted) among their region's excluded."""
    states = summed_states(include_submitted)
    summed: list[Checked] = []
    held: list[tuple[str, Entry]] = []
    for report in reports:
        if report.state in states:
            summed.append(checked_of(report))
        else:
            held.append((report.agency, Entry(report.file, report.agency, state_reason(report.state))))
    tree = rollup_tree(summed, regions, Aliases(), year)
    _place(tree, regions, held)
    return Summary(tree, regions, year)


def _place(tree: dict[str, Rollup], regions: Regions, held: list[tuple[str, Entry]]) -> None:
    """Each held-back report among the excluded of its agency's region (of the first root if in none)."""
    aliases = Aliases()
    roots = regions.roots()
    for agency, entry in held:
        region = regions.region_of(aliases.canonical(agency) or agency) or (roots[0] if roots else None)
        if region is not None:
            tree[region].excluded.append(entry)


def comparison(reports: Iterable[Submitted], include_submitted: bool = False) -> Comparison:
    """The indicators of the reports in a summed state, per agency and year, with the quartiles."""
    states = summed_states(include_submitted)
    return compare([checked_of(r) for r in reports if r.state in states])


def data_hash(comparison_: Comparison) -> str:
    """A fingerprint of what the charts draw: the same comparison draws the same charts (a cache key)."""
    rows = [(r.agency, r.year, sorted(r.values.items()), sorted(r.codes.items())) for r in comparison_.rows]
    text = json.dumps([rows, sorted((str(k), v) for k, v in comparison_.quartiles.items())], ensure_ascii=False,
                      default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
