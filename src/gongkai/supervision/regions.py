"""A region as a tree (regions.csv): which agencies report to which region, and which regions sit under which.

regions.csv has a header `region,parent,agency,kind` (or `区域,上级,机关,类型`); every row names a region, and may
name its parent region and one agency of it:

    region,parent,agency,kind
    宜春市,,宜春市人民政府,government
    宜春市,,宜春市财政局,department
    高安市,宜春市,高安市人民政府,government
    高安市,宜春市,高安市教育体育局,department

A `department` is summed into its region; a `government` is the region's own published report (its 汇总), held
against that sum and not added to it. A region's roll-up is the sum of its departments and of its child regions'
roll-ups, level by level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gongkai.errors import InputError
from gongkai.supervision.agencies import Aliases, column_index, read_rows

KINDS = {"department": "department", "部门": "department", "government": "government", "政府": "government"}


@dataclass(frozen=True, slots=True)
class Member:
    name: str  # as regions.csv spells it
    key: str  # its canonical normalised name (gongkai.supervision.agencies)
    kind: str  # department, government


@dataclass(slots=True)
class Regions:
    parent: dict[str, str | None] = field(default_factory=dict)
    members: dict[str, list[Member]] = field(default_factory=dict)

    def children(self, region: str) -> list[str]:
        return [r for r, p in self.parent.items() if p == region]

    def roots(self) -> list[str]:
        return [r for r, p in self.parent.items() if p is None]

    def departments(self, region: str) -> list[Member]:
        return [m for m in self.members.get(region, []) if m.kind == "department"]

    def own(self, region: str) -> Member | None:
        """The region's own report (its government's), where regions.csv names one."""
        return next((m for m in self.members.get(region, []) if m.kind == "government"), None)

    def bottom_up(self) -> list[str]:
        """Every region after all of its children: the order a level-by-level roll-up goes in."""
        order: list[str] = []
        for root in self.roots():
            self._post_order(root, order)
        return order

    def _post_order(self, region: str, order: list[str]) -> None:
        for child in self.children(region):
            self._post_order(child, order)
        order.append(region)

    def region_of(self, key: str) -> str | None:
        """The region an agency (canonical name) belongs to."""
        return next((r for r, ms in self.members.items() for m in ms if m.key == key), None)


def read_regions(path: str | Path, aliases: Aliases | None = None) -> Regions:
    aliases = aliases or Aliases()
    name = str(path)
    rows = read_rows(path)
    header = rows[0]
    region_at = column_index(header, ("region", "区域"), name)
    parent_at = column_index(header, ("parent", "上级"), name)
    agency_at = column_index(header, ("agency", "机关"), name)
    kind_at = column_index(header, ("kind", "类型"), name)
    regions = Regions()
    for line, row in enumerate(rows[1:], start=2):
        row = [c.strip() for c in row] + [""] * 4
        region, parent, agency, kind = row[region_at], row[parent_at], row[agency_at], row[kind_at]
        if not region:
            continue
        if parent or region not in regions.parent:
            regions.parent[region] = parent or regions.parent.get(region)
        if parent and parent not in regions.parent:
            regions.parent[parent] = None
        if agency:
            if (kind or "department") not in KINDS:
                raise InputError(name, "office.errors.bad_kind", line=line, kind=kind)
            member = Member(agency, aliases.canonical(agency) or agency, KINDS[kind or "department"])
            regions.members.setdefault(region, []).append(member)
    if not regions.parent:
        raise InputError(name, "office.errors.empty")
    _refuse_cycles(regions, name)
    return regions


def _refuse_cycles(regions: Regions, name: str) -> None:
    for region in regions.parent:
        seen = {region}
        up = regions.parent[region]
        while up is not None:
            if up in seen:
                raise InputError(name, "office.errors.cycle", region=region)
            seen.add(up)
            up = regions.parent.get(up)
