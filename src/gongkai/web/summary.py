"""The supervising office's 汇总 and 对比 pages: a region's roll-up of its agencies' submitted reports (the three
tables, the reports summed and those left out with why, level by level down the region tree) and the comparison of
its agencies (indicators beside the region's quartiles, charts), with their downloads.

Only supervisors (their region and the regions under it) and admins see them; an officer gets 403. Every query is
limited to the person's scope: a region outside it is 404, and agencies outside it are never read. The sums, the
reasons and the indicators are the library's (gongkai.supervision), the same as `gongkai rollup` and `compare`.
"""

from __future__ import annotations

import json
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from threading import Lock
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from gongkai.i18n import Message, t
from gongkai.register.accounts import Account, regions_under, scope
from gongkai.register.db import Agency, FindingDecision, Region, Register, Role, Submission
from gongkai.register.store import NotFound
from gongkai.supervision.board_data import Submitted, Summary, comparison, data_hash, summarise
from gongkai.supervision.regions import Member, Regions
from gongkai.web.auth import Forbidden, VisitorDep, registry
from gongkai.web.render import MEDIA, attachment, render

router = APIRouter(include_in_schema=False)
TREND_YEARS = 5  # the comparison's trend reaches back this many years
DOWNLOADS = (".xlsx", ".docx", ".json")  # the roll-up's files


@dataclass(frozen=True)
class Area:
    """The regions and agencies a person may see, as the roll-up's region tree."""

    regions: Regions
    region_ids: dict[str, int]  # name → id
    agencies: dict[int, str]  # id → name
    homes: dict[int, str]  # agency id → its region's name

    def name_of(self, region_id: int | None) -> str:
        """The region asked for (its id), or the first root; NotFound outside the person's regions."""
        if region_id is None:
            roots = self.regions.roots()
            if not roots:
                raise NotFound(Message("summary.no_region"))
            return roots[0]
        found = next((name for name, rid in self.region_ids.items() if rid == region_id), None)
        if found is None:
            raise NotFound(Message("web.error.not_found"))
        return found

    def under(self, name: str) -> Area:
        """The region `name` and the regions below it, as a tree of its own (`name` its root), with their agencies
        only: what its 汇总 and 对比 read."""
        kept = [name, *_below(self.regions, name)]
        regions = Regions()
        for region in kept:
            regions.parent[region] = None if region == name else self.regions.parent[region]
            if region in self.regions.members:
                regions.members[region] = self.regions.members[region]
        homes = {aid: home for aid, home in self.homes.items() if home in regions.parent}
        return Area(regions, {r: self.region_ids[r] for r in kept}, {aid: self.agencies[aid] for aid in homes}, homes)

    def levels(self) -> list[tuple[int, int, str]]:
        """(depth, id, name) of every region, each under its parent (a tree read top down)."""
        out: list[tuple[int, int, str]] = []

        def walk(name: str, depth: int) -> None:
            out.append((depth, self.region_ids[name], name))
            for child in sorted(self.regions.children(name)):
                walk(child, depth + 1)

        for root in sorted(self.regions.roots()):
            walk(root, 0)
        return out


def supervising(account: Account) -> None:
    """The pages are the supervising office's: supervisors and admins."""
    if account.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise Forbidden(Message("summary.supervisors_only"))


def area_of(reg: Register, account: Account) -> Area:
    """The person's region and those under it (an admin: every region), with the agencies in scope."""
    from gongkai.supervision.agencies import Aliases

    with reg.sessions() as session:
        allowed = scope(session, account)
        rows = session.execute(select(Region.id, Region.name, Region.parent_id)
                               .where(Region.withdrawn_at.is_(None))).all()
        if account.role != Role.ADMIN:
            kept = regions_under(session, account.region_id) if account.region_id is not None else set()
            rows = [r for r in rows if r.id in kept]
        query = select(Agency.id, Agency.name, Agency.kind, Agency.region_id).where(
            Agency.withdrawn_at.is_(None), Agency.region_id.in_([r.id for r in rows]))
        if allowed is not None:
            query = query.where(Agency.id.in_(allowed))
        agencies = session.execute(query.order_by(Agency.name)).all()
    names = {r.id: r.name for r in rows}
    regions = Regions()
    for row in rows:
        regions.parent[row.name] = names.get(row.parent_id)  # the person's own region is a root
    aliases = Aliases()
    for agency in agencies:
        member = Member(agency.name, aliases.canonical(agency.name) or agency.name, agency.kind)
        regions.members.setdefault(names[agency.region_id], []).append(member)
    return Area(regions, {r.name: r.id for r in rows}, {a.id: a.name for a in agencies},
                {a.id: names[a.region_id] for a in agencies})


def reports_of(reg: Register, area: Area, years: list[int], findings: bool = False) -> list[Submitted]:
    """The latest version of each agency's report in the area, of each year (agencies with nothing submitted
    come with state not_submitted); `findings`: with the findings the office has not dismissed (the heat map)."""
    from gongkai.register.submissions import latest_versions

    out: list[Submitted] = []
    with reg.sessions() as session:
        for year in years:  # the area's agency ids: the person's scope (isolation)
            latest = latest_versions(session, year, agencies=list(area.agencies))
            ids = [item.submission_id for item in latest if item.submission_id is not None]
            names, found = _files(session, ids), (_findings(session, ids) if findings else {})
            out += [Submitted(item.agency, year, item.kind, str(item.state), item.flat or {},
                              found.get(item.submission_id, []), names.get(item.submission_id, ""),
                              item.submission_id)
                    for item in latest]
    return out


def _files(session: Any, ids: list[int]) -> dict[int, str]:
    return dict(session.execute(select(Submission.id, Submission.file_name).where(Submission.id.in_(ids))).all())


def _findings(session: Any, ids: list[int]) -> dict[int, list[dict]]:
    """Each version's findings as stored at upload, less those the office dismissed."""
    dismissed = set(session.execute(select(FindingDecision.submission_id, FindingDecision.finding).where(
        FindingDecision.submission_id.in_(ids), FindingDecision.decision == "dismissed")).all())
    rows = session.execute(select(Submission.id, Submission.findings).where(Submission.id.in_(ids))).all()
    return {sid: [f for n, f in enumerate(json.loads(text)) if (sid, n) not in dismissed] for sid, text in rows}


def _year(year: int | None) -> int:
    return year or date.today().year - 1  # the year whose reports are collected now


def _summary(request: Request, account: Account, year: int, region: int | None, submitted: bool
             ) -> tuple[Area, str, Summary]:
    """The person's area, the region chosen in it, and the roll-up of that region and those under it (only their
    agencies' reports are read)."""
    reg = registry(request)
    area = area_of(reg, account)
    name = area.name_of(region)
    chosen = area.under(name)
    return area, name, summarise(reports_of(reg, chosen, [year]), chosen.regions, year, submitted)


def _query(year: int, region: int | None, submitted: bool) -> str:
    params: dict[str, Any] = {"year": year}
    if region is not None:
        params["region"] = region
    if submitted:
        params["submitted"] = 1
    return urlencode(params)


def _tables(rollup: Any) -> tuple[dict[int, Any], list[tuple[int, str]]]:
    """The sum's tables as the HTML writer renders them (number → HTML) and the headings of its format's sections,
    from one report of the sum; none when nothing was summed."""
    from gongkai.serialized import report_from_flat
    from gongkai.web.reports import tables_html
    from gongkai.writers.html import section_headings

    if rollup.format_id is None or not (rollup.summed or rollup.regions):
        return {}, []
    report = report_from_flat(rollup.flat(), t("summary.title"))
    return tables_html(report), section_headings(report)


def _years() -> range:
    return range(date.today().year, date.today().year - 10, -1)


@router.get("/summary")
def summary_page(request: Request, who: VisitorDep, year: int | None = None, region: int | None = None,
                 submitted: bool = False) -> Response:
    supervising(who.account)
    year = _year(year)
    area, name, summary = _summary(request, who.account, year, region, submitted)
    rollup = summary.of(name)
    children = [(area.region_ids[c], c, summary.of(c)) for c in sorted(rollup.regions)]
    tree = [name, *_below(area.regions, name)]  # the lists: every level below too, each report with its region
    included = [(r, e) for r in tree for e in summary.of(r).included]
    excluded = [(r, e, e.reason.render() if e.reason else "") for r in tree for e in summary.of(r).excluded]
    tables, sections = _tables(rollup)
    return render(request, "summary.html", year=year, years=_years(), region=name,
                  region_id=area.region_ids[name], levels=area.levels(), rollup=rollup, children=children,
                  tables=tables, sections=sections, submitted=submitted,
                  query=_query(year, area.region_ids[name], submitted), included=included, excluded=excluded)


@router.get("/summary/download{suffix}")
def summary_download(request: Request, who: VisitorDep, suffix: str, year: int | None = None,
                     region: int | None = None, submitted: bool = False) -> Response:
    """汇总.xlsx, .docx or .json of the region, written by `gongkai rollup -o`'s writer."""
    from gongkai.supervision.rollup_files import write_rollup

    supervising(who.account)
    if suffix not in DOWNLOADS:
        raise NotFound(Message("web.error.not_found"))
    year = _year(year)
    area, name, summary = _summary(request, who.account, year, region, submitted)
    tree = {r: summary.of(r) for r in [name, *_below(area.regions, name)]}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, f"summary{suffix}")
        write_rollup(summary.of(name), path, tree)
        content = path.read_bytes()
    return attachment(content, t("summary.file_name", region=name, year=year) + suffix, MEDIA[suffix[1:]])


def _below(regions: Regions, name: str) -> list[str]:
    out: list[str] = []
    for child in sorted(regions.children(name)):
        out += [child, *_below(regions, child)]
    return out


# ── 对比 ─────────────────────────────────────────────────────────────────────────────────────────────────────

_CHARTS: OrderedDict[tuple[int, int, bool, str], list[tuple[str, str]]] = OrderedDict()
_CHARTS_LOCK = Lock()
_DRAWING = Lock()
CHARTS_KEPT = 16  # drawn chart sets kept in memory (a region, a year, the same data)


def _comparison(request: Request, account: Account, year: int, region: int | None, submitted: bool
                ) -> tuple[Area, str, Any]:
    reg = registry(request)
    area = area_of(reg, account)
    name = area.name_of(region)
    reports = reports_of(reg, area.under(name), list(range(year - TREND_YEARS + 1, year + 1)), findings=True)
    return area, name, comparison(reports, submitted)


def charts_of(key: tuple[int, int, bool], found: Any) -> list[tuple[str, str]]:
    """The charts as data: URIs, drawn once per region, year and data (drawing takes a second or more)."""
    import base64

    from gongkai.supervision.charts import charts

    full = (*key, data_hash(found))
    with _CHARTS_LOCK:
        if full in _CHARTS:
            _CHARTS.move_to_end(full)
            return _CHARTS[full]
    with _DRAWING:  # pyplot is not thread-safe; and a second request for the same charts waits for the first's
        with _CHARTS_LOCK:
            if full in _CHARTS:
                return _CHARTS[full]
        drawn = [(title, "data:image/png;base64," + base64.b64encode(png).decode()) for title, png in charts(found)]
        with _CHARTS_LOCK:
            _CHARTS[full] = drawn
            while len(_CHARTS) > CHARTS_KEPT:
                _CHARTS.popitem(last=False)
    return drawn


@router.get("/compare")
def compare_page(request: Request, who: VisitorDep, year: int | None = None, region: int | None = None,
                 submitted: bool = False) -> Response:
    from gongkai.supervision.compare_files import QUARTILE_COLUMNS, header, quartile_rows, table_rows

    supervising(who.account)
    year = _year(year)
    area, name, found = _comparison(request, who.account, year, region, submitted)
    rid = area.region_ids[name]
    drawn = charts_of((rid, year, submitted), found) if found.rows else []
    return render(request, "compare.html", year=year, years=_years(), region=name, region_id=rid,
                  levels=area.levels(), submitted=submitted, query=_query(year, rid, submitted),
                  header=header(), rows=table_rows(found), quartile_header=[t(c) for c in QUARTILE_COLUMNS],
                  quartiles=quartile_rows(found), charts=drawn)


@router.get("/compare/download.xlsx")
def compare_download(request: Request, who: VisitorDep, year: int | None = None, region: int | None = None,
                     submitted: bool = False) -> Response:
    """对比.xlsx of the region, written by `gongkai compare -o`'s writer, the charts in it."""
    import base64

    from gongkai.supervision.compare_files import write_comparison

    supervising(who.account)
    year = _year(year)
    area, name, found = _comparison(request, who.account, year, region, submitted)
    drawn = charts_of((area.region_ids[name], year, submitted), found) if found.rows else []
    pngs = [(title, base64.b64decode(uri.partition(",")[2])) for title, uri in drawn]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "compare.xlsx")
        write_comparison(found, pngs, path)
        content = path.read_bytes()
    return attachment(content, t("summary.compare_file_name", region=name, year=year) + ".xlsx", MEDIA["xlsx"])
