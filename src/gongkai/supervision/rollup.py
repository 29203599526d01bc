"""The roll-up (汇总) of a region: the cell-by-cell sum of its agencies' reports of one year and one format.

Only the cells the format marks additive are summed (`additive` in the format files). A report is left out, with
the reason, when it could not be read, is of another year or another format, has a cell of the format unread
(missing, blank, not a number: nothing is guessed), or has errors (unless include_errors). Given a region tree
(regions.csv), each region's roll-up is the sum of its departments and of its child regions' roll-ups.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from gongkai.formats import get_format
from gongkai.i18n import Message
from gongkai.model import Number
from gongkai.supervision.agencies import Aliases
from gongkai.supervision.regions import Regions
from gongkai.supervision.results import Checked

UNREAD_LISTED = 5  # unread cells named in the reason; the rest counted


@dataclass(slots=True)
class Entry:
    """A report in the roll-up's lists: included, or excluded with the reason."""

    file: str
    agency: str
    reason: Message | None = None


@dataclass(slots=True)
class Rollup:
    region: str | None
    year: int | None
    format_id: str | None
    cells: dict[str, Number] = field(default_factory=dict)
    included: list[Entry] = field(default_factory=list)
    excluded: list[Entry] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # child regions summed in (a tree)

    def flat(self) -> dict[str, object]:
        """The flat cell data of the sum, as `gongkai parse --flat` gives a report's."""
        out: dict[str, object] = {"meta.year": self.year}
        if self.region:
            out["meta.agency"] = self.region
        out["meta.template"] = self.format_id
        out.update(self.cells)
        return {k: v for k, v in out.items() if v is not None}

    @property
    def summed(self) -> int:
        return len(self.included)


def choose(results: list[Checked]) -> tuple[int | None, str | None]:
    """The year and format most reports have: what a roll-up is of when not told."""
    counts = Counter((c.meta.get("year"), c.digest.format_id) for c in results
                     if c.error is None and c.digest is not None and c.meta.get("year") is not None)
    if not counts:
        return None, None
    return max(counts, key=lambda pair: (counts[pair], pair[0] or 0))


def _reason(checked: Checked, year: int, format_id: str, include_errors: bool) -> Message | None:
    if checked.error is not None or checked.digest is None:
        return Message("office.excluded.unreadable", error=checked.error or "")
    if checked.meta.get("year") != year:
        return Message("office.excluded.other_year", year=checked.meta.get("year") or "?")
    if checked.digest.format_id != format_id:
        return Message("office.excluded.other_format", format=checked.digest.format_id)
    keys = get_format(format_id).additive_keys()
    unread = [k for k in keys if checked.digest.value(k) is None]
    if unread:
        from gongkai.formats.naming import listing

        return Message("office.excluded.unread", count=len(unread), cells=listing(unread, UNREAD_LISTED))
    if checked.errors and not include_errors:
        return Message("office.excluded.errors", count=checked.severities["error"])
    return None


def add_cells(total: dict[str, Number], cells: dict[str, Number | None]) -> None:
    """Add one part's cells into a running sum (cells already known to be read)."""
    for key, value in cells.items():
        total[key] = total.get(key, 0) + value  # type: ignore[operator]


def _tidy(total: dict[str, Number]) -> dict[str, Number]:
    """Sums of decimals lose their float dust (0.1 + 0.2); whole sums are ints."""
    out: dict[str, Number] = {}
    for key, value in total.items():
        value = round(value, 6)
        out[key] = int(value) if float(value).is_integer() else value
    return out


def rollup(results: list[Checked], year: int | None = None, format_id: str | None = None,
           include_errors: bool = False, region: str | None = None) -> Rollup:
    """The sum of the reports of one year and one format (by default those most reports have)."""
    if year is None or format_id is None:
        chosen_year, chosen_format = choose(results)
        year, format_id = year or chosen_year, format_id or chosen_format
    out = Rollup(region, year, format_id)
    if year is None or format_id is None:
        out.excluded = [Entry(c.path, c.meta.get("agency") or "", _reason(c, 0, "", include_errors))
                        for c in results]
        return out
    keys = get_format(format_id).additive_keys()
    total: dict[str, Number] = dict.fromkeys(keys, 0)
    for checked in results:
        reason = _reason(checked, year, format_id, include_errors)
        entry = Entry(checked.path, checked.meta.get("agency") or "", reason)
        if reason is None:
            add_cells(total, {k: checked.digest.value(k) for k in keys})  # type: ignore[union-attr]
            out.included.append(entry)
        else:
            out.excluded.append(entry)
    out.cells = _tidy(total)
    return out


def rollup_tree(results: list[Checked], regions: Regions, aliases: Aliases | None = None, year: int | None = None,
                format_id: str | None = None, include_errors: bool = False) -> dict[str, Rollup]:
    """Each region's roll-up, level by level: its departments' reports and its child regions' roll-ups.

    A report regions.csv does not list, or lists as a region's own (government) report, is in no sum: it appears
    among the excluded of the root regions with its reason."""
    aliases = aliases or Aliases()
    if year is None or format_id is None:
        chosen_year, chosen_format = choose(results)
        year, format_id = year or chosen_year, format_id or chosen_format
    by_region: dict[str, list[Checked]] = {}
    stray: list[Entry] = []
    for checked in results:
        region, reason = _placed(checked, regions, aliases)
        if region is None:
            stray.append(Entry(checked.path, checked.meta.get("agency") or "", reason))
        else:
            by_region.setdefault(region, []).append(checked)
    out: dict[str, Rollup] = {}
    for region in regions.bottom_up():
        own = rollup(by_region.get(region, []), year, format_id, include_errors, region)
        for child in regions.children(region):
            add_cells(own.cells, out[child].cells)
            own.regions.append(child)
        own.cells = _tidy(own.cells)
        out[region] = own
    for root in regions.roots():
        out[root].excluded.extend(stray)
    return out


def _placed(checked: Checked, regions: Regions, aliases: Aliases) -> tuple[str | None, Message | None]:
    """The region a report is summed into, or why it is in none."""
    names = aliases.of(checked.meta.get("agency"), getattr(checked.digest, "signature", None))
    for name in names:
        region = regions.region_of(name)
        if region is None:
            continue
        own = regions.own(region)
        if own is not None and own.key == name:
            return None, Message("office.excluded.own_report", region=region)
        return region, None
    if checked.error is not None:
        return None, Message("office.excluded.unreadable", error=checked.error)
    return None, Message("office.excluded.no_region")
