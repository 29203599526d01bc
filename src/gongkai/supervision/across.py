"""The checks across reports run over a run's results: each report against the same agency's report of the year
before (among the inputs, or among those of `--previous`), and each region's own report against its agencies'.

Agencies are matched by their canonical names (gongkai.supervision.agencies: the title's agency and the signature,
normalised, through the aliases of agencies.csv).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from gongkai.checks import Related, run_across
from gongkai.supervision.agencies import Aliases, read_aliases
from gongkai.supervision.digest import Digest, empty_digest
from gongkai.supervision.regions import Regions, read_regions
from gongkai.supervision.results import Checked
from gongkai.supervision.rollup import Rollup, rollup_tree


def _names(digest: Digest, aliases: Aliases) -> frozenset[str]:
    return aliases.of(digest.agency, digest.signature)


def _index(results: Iterable[Checked], aliases: Aliases) -> dict[tuple[str, int], Digest]:
    index: dict[tuple[str, int], Digest] = {}
    for checked in results:
        digest = checked.digest
        if isinstance(digest, Digest) and digest.year is not None:
            for name in _names(digest, aliases):
                index.setdefault((name, digest.year), digest)
    return index


def previous_of(digest: Digest, index: dict[tuple[str, int], Digest], aliases: Aliases) -> Digest | None:
    if digest.year is None:
        return None
    return next((index[(n, digest.year - 1)] for n in sorted(_names(digest, aliases))
                 if (n, digest.year - 1) in index), None)


class _Region:
    """What the region checks need of a region tree, worked out once per year and format."""

    def __init__(self, results: list[Checked], regions: Regions, aliases: Aliases) -> None:
        self.results, self.regions, self.aliases = results, regions, aliases
        self.sums: dict[tuple[int, str], dict[str, Rollup]] = {}
        self.reported = {(n, c.digest.year) for c in results if isinstance(c.digest, Digest)
                         for n in _names(c.digest, aliases)}

    def own_region(self, digest: Digest) -> str | None:
        names = _names(digest, self.aliases)
        return next((r for r in self.regions.parent if (own := self.regions.own(r)) and own.key in names), None)

    def missing(self, region: str, year: int) -> list[str]:
        expected = list(self.regions.departments(region))
        expected += [own for child in self.regions.children(region) if (own := self.regions.own(child))]
        return [m.name for m in expected if (m.key, year) not in self.reported]

    def related(self, region: str, digest: Digest) -> Related:
        key = (digest.year, digest.format_id)
        if key not in self.sums:
            self.sums[key] = rollup_tree(self.results, self.regions, self.aliases, digest.year, digest.format_id,
                                         include_errors=True)
        summed = self.sums[key][region]
        return Related(region=region, region_sum=summed.cells if summed.summed or summed.regions else None,
                       summed=summed.summed + len(summed.regions), missing=self.missing(region, digest.year))


def link(results: list[Checked], previous: Iterable[Checked] = (), regions: Regions | None = None,
         aliases: Aliases | None = None, regions_file: str = "regions.csv") -> list[Checked]:
    """Add the findings across reports to `results`; returns the entries made for regions that have agencies
    missing but no report of their own to list them under (file: regions_file)."""
    aliases = aliases or Aliases()
    index = _index([*results, *previous], aliases)
    region = _Region(results, regions, aliases) if regions is not None else None
    for checked in results:
        digest = checked.digest
        if not isinstance(digest, Digest):
            continue
        related = Related(previous=previous_of(digest, index, aliases))
        own = region.own_region(digest) if region else None
        if own is not None and region is not None:
            related = region.related(own, digest)
            related.previous = previous_of(digest, index, aliases)
        if related.previous is not None or related.region is not None:
            checked.add(run_across(digest, related))
    return _orphans(region, results, regions_file) if region else []


def _orphans(region: _Region, results: list[Checked], regions_file: str) -> list[Checked]:
    """Regions without a report of their own whose agencies are missing in a year the inputs have."""
    years = sorted({(c.digest.year, c.digest.format_id) for c in results
                    if isinstance(c.digest, Digest) and c.digest.year is not None})
    out = []
    for year, format_id in dict(years).items():
        for name in region.regions.parent:
            if region.regions.own(name) is not None:
                continue
            missing = region.missing(name, year)
            if missing:
                digest = empty_digest(regions_file, name, year, format_id)
                findings = run_across(digest, Related(region=name, missing=missing))
                out.append(Checked(regions_file, meta={"year": year, "agency": name, "template": None,
                                                       "published": None, "kind": "government"},
                                   findings=findings))
    return out


@dataclass(slots=True)
class Across:
    """What `gongkai check` is given for the checks across reports: folders of the year before (--previous), a
    region tree (--regions) and aliases of agencies (--agencies); files are read by `load`."""

    previous: list[str] = field(default_factory=list)
    regions_file: str | None = None
    agencies_file: str | None = None
    regions: Regions | None = None
    aliases: Aliases | None = None

    def load(self) -> Across:
        """Read regions.csv and agencies.csv (InputError naming the file for what is wrong in them)."""
        self.aliases = read_aliases(self.agencies_file)
        self.regions = read_regions(self.regions_file, self.aliases) if self.regions_file else None
        return self

    def link(self, results: list[Checked], previous: list[Checked]) -> list[Checked]:
        return link(results, previous, self.regions, self.aliases, self.regions_file or "regions.csv")
