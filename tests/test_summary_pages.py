"""The supervising office's 汇总 and 对比 pages (gongkai.web.summary) through httpx's TestClient, over reports
submitted to the register (gongkai.register.submissions): the sums shown are the library's roll-up of the same
reports, the reports left out are listed with why, the downloads open and hold the same numbers, sub-regions roll
up level by level, and a supervisor sees nothing of another region (an officer nothing at all)."""

from __future__ import annotations

import io
import json
import random
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from gongkai.register.accounts import add_user, ensure_agency, ensure_region
from gongkai.register.db import open_register
from gongkai.register.submissions import Read, accept, decide, publish, return_report, submit
from gongkai.serialized import report_from_flat
from gongkai.supervision.digest import digest_of
from gongkai.supervision.results import Checked
from gongkai.supervision.rollup import rollup
from gongkai.web.app import create_app
from support import SEEDS

PASSWORD = "correct horse 1"
YEAR = 2020
# agency → (region, kind, state after submission; None: nothing submitted)
AGENCIES = {
    "甲市财政局": ("甲市", "department", "accepted"),
    "甲市教育局": ("甲市", "department", "published"),
    "甲市交通运输局": ("甲市", "department", "submitted"),
    "甲市水利局": ("甲市", "department", "returned"),
    "甲市民政局": ("甲市", "department", None),
    "甲市卫生健康委员会": ("甲市", "department", "accepted"),  # a cell left blank: unread
    "甲市人民政府": ("甲市", "government", "published"),  # the region's own report: not added
    "甲县财政局": ("甲县", "department", "accepted"),
    "甲县教育体育局": ("甲县", "department", "published"),
    "乙市财政局": ("乙市", "department", "accepted"),
}
BLANKED = "甲市卫生健康委员会"


def _base() -> dict:
    return json.loads(sorted(SEEDS.glob("*.truth.json"))[0].read_text(encoding="utf-8"))


def flat_of(agency: str, rng: random.Random) -> dict:
    """The seed's flat data with its numbers varied (each agency its own), of YEAR, named for the agency."""
    out = {}
    for key, value in _base().items():
        number = isinstance(value, int | float) and not isinstance(value, bool) and not key.startswith("meta.")
        out[key] = value + rng.randrange(1, 40) if number else value
    out.update({"meta.year": YEAR, "meta.agency": agency})
    if agency == BLANKED:
        out["applications.new.total"] = None
    if agency.startswith("乙"):  # numbers no 甲 sum could hold
        out = {k: v * 1000 + 7 if isinstance(v, int) and not k.startswith("meta.") else v for k, v in out.items()}
    return out


def _submit(reg, agency_id: int, flat: dict, state: str, findings: tuple[str, ...] = (),
            dismissed: tuple[int, ...] = ()) -> None:
    read = Read(flat=flat, findings=[{"code": code, "params": {}, "cells": [], "where": []} for code in findings])
    sid = submit(reg, agency_id, read, f"{flat['meta.agency']}.docx", b"report", user="setup")
    for index in dismissed:  # decided while it awaits review
        decide(reg, sid, index, "dismissed", "不成立", user="setup")
    if state in ("accepted", "published"):
        accept(reg, sid, user="setup")
    if state == "published":
        publish(reg, sid, user="setup")
    if state == "returned":
        return_report(reg, sid, "表三不平", user="setup")


def build_office(where: Path | str):
    """A register (a SQLite file, or a URL) of two cities, one with a county, their agencies' reports in every
    state, and their people; the register and the flat data submitted per agency."""
    reg = open_register(where if isinstance(where, str) else f"sqlite:///{where}")
    ensure_region(reg, "甲县", parent="甲市", user="setup")
    ensure_region(reg, "乙市", user="setup")
    rng = random.Random(15)
    flats = {}
    for name, (region, kind, state) in AGENCIES.items():
        agency_id = ensure_agency(reg, name, kind, region=region, user="setup")
        if state is not None:
            flats[name] = flat_of(name, rng)
            findings = ("S202", "S208") if name.startswith("甲县") else ()
            _submit(reg, agency_id, flats[name], state, findings, (0,) if name == "甲县财政局" else ())
    earlier = {**flat_of("甲市财政局", rng), "meta.year": YEAR - 1}  # the year before: the trend
    _submit(reg, ensure_agency(reg, "甲市财政局", user="setup"), earlier, "accepted")
    add_user(reg, "sue", PASSWORD, "supervisor", region="甲市", user="setup")
    add_user(reg, "kim", PASSWORD, "supervisor", region="甲县", user="setup")
    add_user(reg, "tom", PASSWORD, "supervisor", region="乙市", user="setup")
    add_user(reg, "ann", PASSWORD, "admin", user="setup")
    add_user(reg, "alice", PASSWORD, "officer", agency="甲市财政局", user="setup")
    return reg, flats


@pytest.fixture
def office(tmp_path):
    reg, flats = build_office(tmp_path / "office.sqlite")
    yield create_app(register=reg), flats
    reg.close()


def client(app, name: str) -> TestClient:
    c = TestClient(app)
    assert c.post("/api/session", json={"username": name, "password": PASSWORD}).status_code == 200
    return c


def expected(flats: dict, names: list[str]):
    """The library's roll-up (gongkai rollup's function) of the same flat data, apart from the pages."""
    checked = []
    for name in names:
        report = report_from_flat(flats[name], f"{name}.docx")
        checked.append(Checked.of(report, [], digest_of(report)))
    return rollup(checked, YEAR)


def shown_cells(html: str) -> dict[str, float]:
    return {key: float(text) for key, text in re.findall(r'<td[^>]* data-key="([^"]+)">([-\d.]+)</td>', html)}


def region_id(c: TestClient, name: str) -> str:
    return re.search(rf'<option value="(\d+)"[^>]*>(?:　)*{name}</option>', c.get(f"/summary?year={YEAR}").text)[1]


ACCEPTED_甲 = ["甲市财政局", "甲市教育局", "甲县财政局", "甲县教育体育局"]


def test_the_summary_shows_the_librarys_sum_of_the_accepted_reports(office) -> None:
    app, flats = office
    page = client(app, "sue").get(f"/summary?year={YEAR}")
    assert page.status_code == 200
    want = expected(flats, ACCEPTED_甲)
    shown = shown_cells(page.text)
    assert want.summed == 4 and want.cells and not want.excluded
    assert {k: shown.get(k) for k in want.cells} == pytest.approx({k: float(v) for k, v in want.cells.items()})


def test_the_reports_left_out_are_listed_with_why(office) -> None:
    app, _ = office
    page = client(app, "sue").get(f"/summary?year={YEAR}").text
    excluded = page[page.index('id="excluded"'):]
    for name, why in (("甲市交通运输局", "已报送"), ("甲市水利局", "已退回"), ("甲市民政局", "未报送"),
                      (BLANKED, "未读出数字"), ("甲市人民政府", "本级报告")):
        row = re.search(rf'<tr><td>{name}</td><td class="muted nowrap">甲市</td><td>([^<]*)</td></tr>', excluded)
        assert row and why in row[1], name
    included = page[page.index('id="included"'):page.index('id="excluded"')]
    assert "甲市财政局" in included and "甲市交通运输局" not in included
    assert '<td>甲县财政局</td><td class="muted nowrap">甲县</td>' in included  # the county's too, with its region


def test_submitted_reports_are_summed_when_asked(office) -> None:
    app, flats = office
    page = client(app, "sue").get(f"/summary?year={YEAR}&submitted=1").text
    want = expected(flats, [*ACCEPTED_甲, "甲市交通运输局"])
    assert shown_cells(page)["applications.new.total"] == want.cells["applications.new.total"]
    assert 'name="submitted" value="1" checked' in page


def test_a_sub_region_rolls_up_its_own_and_the_region_adds_it(office) -> None:
    app, flats = office
    c = client(app, "sue")
    top = c.get(f"/summary?year={YEAR}").text
    assert re.search(r'<a href="/summary\?year=2020&amp;region=\d+">甲县</a></td><td class="num">2</td>', top)
    county = c.get(f"/summary?year={YEAR}&region={region_id(c, '甲县')}").text
    want = expected(flats, ["甲县财政局", "甲县教育体育局"])
    assert shown_cells(county)["applications.new.total"] == want.cells["applications.new.total"]
    assert "甲市财政局" not in county


def test_a_sub_region_s_pages_read_only_its_own_agencies(office, monkeypatch) -> None:
    from gongkai.web import summary

    app, flats = office
    c = client(app, "sue")
    county = region_id(c, "甲县")
    read: list[set[str]] = []
    real = summary.reports_of
    monkeypatch.setattr(summary, "reports_of", lambda reg, area, *a, **k: read.append(set(area.agencies.values()))
                        or real(reg, area, *a, **k))
    for path in ("/summary", "/compare", "/summary/download.json"):
        assert c.get(f"{path}?year={YEAR}&region={county}").status_code == 200, path
    assert read == [{"甲县财政局", "甲县教育体育局"}] * 3
    page = c.get(f"/summary?year={YEAR}").text  # the city: its own agencies and the county's
    assert read[-1] == {n for n, (region, _, _) in AGENCIES.items() if region in ("甲市", "甲县")}
    assert shown_cells(page)["applications.new.total"] == expected(flats, ACCEPTED_甲).cells["applications.new.total"]


def test_the_downloads_open_and_hold_the_same_numbers(office) -> None:
    from docx import Document
    from openpyxl import load_workbook

    app, flats = office
    c = client(app, "sue")
    want = expected(flats, ACCEPTED_甲)
    got = c.get(f"/summary/download.json?year={YEAR}")
    assert got.status_code == 200
    assert got.headers["content-disposition"] == f"attachment; filename*=UTF-8''{quote('甲市2020年汇总.json')}"
    data = got.json()
    assert {k: data[k] for k in want.cells} == want.cells and data["meta.year"] == YEAR
    book = load_workbook(io.BytesIO(c.get(f"/summary/download.xlsx?year={YEAR}").content))
    rows = list(book["汇总"].iter_rows(values_only=True))
    assert rows[0][4:] == ("甲市", "甲县")  # the region's sum, its sub-region's beside it
    assert {r[3]: r[4] for r in rows[1:]} == want.cells
    assert {r[0] for r in book["未纳入汇总的报告"].iter_rows(min_row=2, values_only=True)} >= {"甲市民政局", BLANKED}
    document = Document(io.BytesIO(c.get(f"/summary/download.docx?year={YEAR}").content))
    texts = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert str(want.cells["applications.new.total"]) in texts
    assert "甲市财政局" in "\n".join(p.text for p in document.paragraphs)


def test_a_supervisor_of_another_region_sees_none_of_it(office) -> None:
    app, flats = office
    c = client(app, "tom")
    page = c.get(f"/summary?year={YEAR}").text
    assert "甲市" not in page and "甲县" not in page
    assert shown_cells(page)["applications.new.total"] == flats["乙市财政局"]["applications.new.total"]
    jia = region_id(client(app, "sue"), "甲市")
    assert c.get(f"/summary?year={YEAR}&region={jia}").status_code == 404
    assert c.get(f"/summary/download.json?year={YEAR}&region={jia}").status_code == 404
    assert c.get(f"/compare?year={YEAR}&region={jia}").status_code == 404
    compared = c.get(f"/compare?year={YEAR}").text
    assert "乙市财政局" in compared and "甲市" not in compared
    county = client(app, "kim").get(f"/summary?year={YEAR}").text  # the county's supervisor: not the city
    assert "甲县财政局" in county and "甲市财政局" not in county


def test_officers_get_403_and_the_menu_shows_the_pages_to_supervisors_only(office) -> None:
    app, _ = office
    officer = client(app, "alice")
    for path in ("/summary", "/compare", "/summary/download.xlsx", "/compare/download.xlsx"):
        assert officer.get(f"{path}?year={YEAR}").status_code == 403
    assert 'href="/summary"' not in officer.get("/").text
    assert 'href="/summary"' in client(app, "sue").get(f"/compare?year={YEAR}").text
    assert client(app, "ann").get(f"/summary?year={YEAR}").status_code == 200


def test_the_comparison_shows_the_indicators_charts_and_downloads(office) -> None:
    from openpyxl import load_workbook

    app, flats = office
    c = client(app, "sue")
    page = c.get(f"/compare?year={YEAR}").text
    indicators = page[page.index('id="indicators"'):page.index('id="quartiles"')]
    for name in ACCEPTED_甲:
        assert f"<td>{name}</td>" in indicators
    assert "甲市水利局" not in indicators  # returned: not compared
    assert page.count('src="data:image/png;base64,') == 3
    book = load_workbook(io.BytesIO(c.get(f"/compare/download.xlsx?year={YEAR}").content))
    sheet = book["指标"] if "指标" in book.sheetnames else book.worksheets[0]
    rows = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    compared = {*ACCEPTED_甲, BLANKED, "甲市人民政府"}  # every accepted or published report
    assert set(rows) == {(name, YEAR) for name in compared} | {("甲市财政局", YEAR - 1)}
    assert rows[("甲市财政局", YEAR)][3] == flats["甲市财政局"]["applications.new.total"]
    assert book.worksheets[2]._images  # the charts, as images


def test_the_comparison_counts_the_findings_not_dismissed_and_reads_only_the_persons_agencies(tmp_path) -> None:
    from gongkai.register.accounts import authenticate
    from gongkai.supervision.board_data import comparison
    from gongkai.web.summary import area_of, reports_of

    reg, _ = build_office(tmp_path / "office.sqlite")  # 甲县财政局's S202 dismissed
    try:
        sue = authenticate(reg, "sue", PASSWORD)
        rows = {r.agency: r for r in comparison(reports_of(reg, area_of(reg, sue), [YEAR], findings=True)).rows}
        assert dict(rows["甲县财政局"].codes) == {"S208": 1}
        assert dict(rows["甲县教育体育局"].codes) == {"S202": 1, "S208": 1}
        tom = authenticate(reg, "tom", PASSWORD)
        assert {r.agency for r in reports_of(reg, area_of(reg, tom), [YEAR - 1, YEAR])} == {"乙市财政局"}
    finally:
        reg.close()


def test_the_sum_and_the_isolation_on_both_databases(register_url) -> None:
    reg, flats = build_office(register_url)
    try:
        app = create_app(register=reg)
        shown = shown_cells(client(app, "sue").get(f"/summary?year={YEAR}").text)
        want = expected(flats, ACCEPTED_甲)
        assert {k: shown.get(k) for k in want.cells} == pytest.approx({k: float(v) for k, v in want.cells.items()})
        other = client(app, "tom").get(f"/summary?year={YEAR}").text
        assert "甲市" not in other and shown_cells(other)["applications.new.total"] == flats["乙市财政局"][
            "applications.new.total"]
    finally:
        reg.close()
