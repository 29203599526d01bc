"""Checks across a region (regions.csv): its own report against the sum of its agencies', and agencies missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from gongkai.checks.base import AcrossCheck, Related, register
from gongkai.formats.naming import describe
from gongkai.model import Finding, Number, Source


@register
class RegionDiffers(AcrossCheck):
    """Cell by cell, where both the region's report and the sum of its agencies' have a value."""

    code = "R901"

    class Params(NamedTuple):
        region: str
        cell: str
        reported: Number
        total: Number
        count: int
        diff: Number

    def across(self, digest: Any, related: Related) -> Iterator[Finding]:
        if related.region is None or not related.region_sum or not related.summed:
            return
        for key, total in related.region_sum.items():
            reported = digest.value(key)
            if reported is None or total is None or abs(reported - total) < 1e-6:
                continue
            yield self.finding(self.Params(related.region, describe(key), reported, total, related.summed,
                                           reported - total),
                               [key], [digest.source(key)])


@register
class AgencyMissing(AcrossCheck):
    code = "R902"

    class Params(NamedTuple):
        region: str
        agency: str
        year: int

    def across(self, digest: Any, related: Related) -> Iterator[Finding]:
        if related.region is None:
            return
        for agency in related.missing:
            yield self.finding(self.Params(related.region, agency, digest.year), where=[Source(digest.file)])
