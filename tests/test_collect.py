"""收集 and 审核 through httpx's TestClient: uploads (one file, a zip with members taken and not), unmatched files with
their reason, the board's states and late / on time, review decisions, return with a 问题清单 (Excel, Word), the
officer's corrected version and the history, acceptance and publication, the register's own report submitted, and
isolation (another region's supervisor, another agency's officer: 404) and form tokens."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from gongkai.register.accounts import add_user, ensure_agency, ensure_region
from gongkai.register.db import AuditEntry, Submission, open_register
from gongkai.web.app import create_app

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"
PASSWORD = "correct horse 1"
ERRORS_SEED = "002_8183807e426b0491.txt"  # 高新区(近海镇) 2020, a government; one error: table 二 lacks 规章
CLEAN_SEED = "001_205d0fb765df4a20.txt"  # 铜鼓县行政服务中心 2020, a department, no error
ELSEWHERE_SEED = "003_e01440b0bdeabe39.txt"  # 赣州经开区机关事务管理中心 2021: an agency of another region
AGENCIES = ("高铁新区服务中心", "铜鼓县行政服务中心", "高新区(近海镇)", "高安市行政服务中心管委会")


def corrected(seed: str = ERRORS_SEED) -> bytes:
    """The report with its defect corrected: table 二 gets its 规章 row."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    return text.replace("行政规范性文件\t4\t0\t12\n", "规章\t0\t0\t0\n行政规范性文件\t4\t0\t12\n", 1).encode()


@pytest.fixture
def reg(tmp_path):
    reg = open_register(f"sqlite:///{tmp_path / 'collect.sqlite'}")
    ensure_region(reg, "乙县", "甲市", user="setup")  # a county under the city: the city's office sees it
    for name in AGENCIES:
        kind = "government" if name == "高新区(近海镇)" else "department"
        ensure_agency(reg, name, kind, region="乙县", user="setup")
    ensure_agency(reg, "乙县人民政府", "government", region="乙县", user="setup")
    ensure_agency(reg, "赣州经开区机关事务管理中心", region="丙市", user="setup")
    add_user(reg, "sue", PASSWORD, "supervisor", region="甲市", user="setup")
    add_user(reg, "tom", PASSWORD, "supervisor", region="丙市", user="setup")
    add_user(reg, "alice", PASSWORD, "officer", agency="高新区(近海镇)", user="setup")
    add_user(reg, "bob", PASSWORD, "officer", agency="铜鼓县行政服务中心", user="setup")
    add_user(reg, "root", PASSWORD, "admin", user="setup")
    yield reg
    reg.close()


@pytest.fixture
def app(reg):
    return create_app(register=reg)


def client(app, name: str) -> TestClient:
    c = TestClient(app)
    response = c.post("/api/session", json={"username": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    c.csrf = response.json()["csrf"]
    return c


def upload(c: TestClient, *files: tuple[str, bytes], json: bool = False):
    headers = {"Accept": "application/json"} if json else {}
    return c.post("/collect/upload", data={"csrf": c.csrf}, headers=headers,
                  files=[("files", (name, content)) for name, content in files])


def seed(name: str) -> tuple[str, bytes]:
    return name, (SEEDS / name).read_bytes()


def submission_id(page: str, agency: str) -> int:
    row = re.search(rf'data-agency="{re.escape(agency)}".*?href="/collect/(\d+)"', page, re.S)
    return int(row.group(1))


def state_of(page: str, agency: str) -> str:
    return re.search(rf'data-agency="{re.escape(agency)}" data-state="(\w+)"', page).group(1)


def test_one_file_is_read_checked_and_shown_on_the_board(app, reg) -> None:
    sue = client(app, "sue")
    response = upload(sue, seed(ERRORS_SEED))
    assert response.status_code == 200
    assert "高新区(近海镇)" in response.text and "检查未通过" in response.text
    board = sue.get("/collect?year=2020").text
    assert state_of(board, "高新区(近海镇)") == "failed" and state_of(board, "铜鼓县行政服务中心") == "not_submitted"
    assert "乙县人民政府" in board and "赣州经开区机关事务管理中心" not in board  # the region tree, and only it
    with reg.sessions() as session:
        row = session.scalar(select(Submission))
        assert sue.get(f"/collect/{row.id}/file").content == (SEEDS / ERRORS_SEED).read_bytes()
        assert row.content == (SEEDS / ERRORS_SEED).read_bytes() and row.source == "upload" and row.errors == 1
        assert session.scalar(select(AuditEntry).where(AuditEntry.table_name == "submissions",
                                                       AuditEntry.field == "file_hash")).user_name == "sue"
    assert upload(sue, seed(ERRORS_SEED), json=True).json()["results"][0]["problem"].startswith("与第 1 版")


def test_a_zip_every_member_listed_taken_or_not(app) -> None:
    sue = client(app, "sue")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in (ERRORS_SEED, CLEAN_SEED, ELSEWHERE_SEED, "004_c82a2c402dd56cf8.txt"):
            archive.writestr(f"年报/{name}", (SEEDS / name).read_bytes())
        archive.writestr("说明.exe", b"MZ")
        archive.writestr("空白.txt", "没有内容的一行")
    results = upload(sue, ("reports.zip", buffer.getvalue()), json=True).json()["results"]
    by_file = {r["file"].split("/")[-1]: r for r in results}
    assert len(results) == 6
    assert by_file[CLEAN_SEED]["state"] == "submitted" and by_file[CLEAN_SEED]["agency"] == "铜鼓县行政服务中心"
    assert by_file["004_c82a2c402dd56cf8.txt"]["agency"] == "高安市行政服务中心管委会"  # by its signature
    assert "赣州经开区机关事务管理中心" in by_file[ELSEWHERE_SEED]["problem"]  # another region's agency
    assert "不是 gongkai 能读取的报告文件" in by_file["说明.exe"]["problem"]
    assert by_file["空白.txt"]["problem"]
    bad = upload(sue, ("bad.zip", b"PK\x03\x04 broken"), json=True).json()["results"][0]["problem"]
    assert bad.startswith("bad.zip: ")
    broken = upload(sue, ("年报.pdf", b"%PDF-1.4 nothing else"), json=True).json()["results"][0]["problem"]
    assert broken.startswith("无法读取：年报.pdf: ") and "/tmp" not in broken  # named as uploaded


def test_aliases_file_matches_a_renamed_agency(app, reg) -> None:
    ensure_agency(reg, "铜鼓县政务服务中心", region="乙县", user="setup")
    sue = client(app, "sue")
    aliases = ("agencies.csv", "机关,别名\n铜鼓县政务服务中心,铜鼓县行政服务中心\n".encode())
    results = upload(sue, seed(CLEAN_SEED), aliases, json=True).json()["results"]
    assert [r["agency"] for r in results] == ["铜鼓县政务服务中心"]


def test_late_and_on_time_by_kind(app, reg) -> None:
    sue = client(app, "sue")
    upload(sue, seed(ERRORS_SEED), seed(CLEAN_SEED))
    with reg.writing() as session:  # the government's report came in on 2021-03-01: by its 3月31日
        session.execute(update(Submission).where(Submission.file_name == ERRORS_SEED)
                        .values(uploaded_at=datetime(2021, 3, 1)))
    board = sue.get("/collect?year=2020").text
    when = dict(re.findall(r'data-agency="([^"]+)".*?class="when-(\w+)"', board, re.S))
    assert when["高新区(近海镇)"] == "on_time"
    assert when["铜鼓县行政服务中心"] == "late"  # came in now, years after 1月31日
    assert when["高铁新区服务中心"] == "late"  # never came in
    assert "2021-03-31" in board and "2021-01-31" in board


def test_return_correct_and_accept_with_the_history_kept(app) -> None:
    sue, alice = client(app, "sue"), client(app, "alice")
    upload(sue, seed(ERRORS_SEED))
    first = submission_id(sue.get("/collect?year=2020").text, "高新区(近海镇)")
    review = sue.get(f"/collect/{first}").text
    assert 'data-key="applications.new.total"' in review and "S205" in review
    assert sue.post(f"/collect/{first}/accept", data={"csrf": sue.csrf}).status_code == 409  # an error is open
    sue.post(f"/collect/{first}/findings/0", data={"csrf": sue.csrf, "decision": "confirmed", "note": "缺规章行"})
    assert sue.post(f"/collect/{first}/return", data={"csrf": sue.csrf, "note": "请补充表二规章行"}).status_code == 200

    desk = alice.get("/").text
    assert "请补充表二规章行" in desk and f"/collect/{first}/problems.xlsx" in desk
    sheet = alice.get(f"/collect/{first}/problems.xlsx")
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(sheet.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][3] == "S205"  # the header and the one confirmed finding
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(alice.get(f"/collect/{first}/problems.docx").content))
                     .paragraphs)
    assert "S205" in text and "请补充表二规章行" in text and "甲市政务公开办公室" in text

    csrf = re.search(r'name="csrf" value="([^"]+)"', desk).group(1)
    response = alice.post("/collect/resubmit", data={"csrf": csrf},
                          files=[("files", ("高新区2020年报（修改稿）.txt", corrected()))])
    assert response.status_code == 200 and "第 2 版" in response.text
    second = submission_id(sue.get("/collect?year=2020").text, "高新区(近海镇)")
    assert second != first
    review = sue.get(f"/collect/{second}").text
    assert f'href="/collect/{first}"' in review and "请补充表二规章行" in review  # the history, both sides
    assert f'href="/collect/{first}"' in alice.get(f"/collect/{second}").text
    assert sue.post(f"/collect/{second}/accept", data={"csrf": sue.csrf}).status_code == 200
    assert sue.post(f"/collect/{second}/publish", data={"csrf": sue.csrf}).status_code == 200
    assert state_of(sue.get("/collect?year=2020").text, "高新区(近海镇)") == "published"
    assert sue.post(f"/collect/{first}/return", data={"csrf": sue.csrf, "note": "x"}).status_code == 409


def test_the_register_report_is_submitted_from_the_report_page(app, reg) -> None:
    alice = client(app, "alice")
    page = alice.get("/report?year=2025").text
    assert 'action="/report/submit"' in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = alice.post("/report/submit", data={"csrf": csrf, "year": "2025"})
    assert response.status_code == 200 and "来源：本机关台账" in response.text
    with reg.sessions() as session:
        row = session.scalar(select(Submission).where(Submission.source == "register"))
        assert row.year == 2025 and row.file_name.endswith(".json")
    assert "高新区(近海镇)" in client(app, "sue").get("/collect?year=2025").text


def test_a_bad_year_or_a_file_not_a_report_is_refused_with_a_page(app, reg) -> None:
    alice = client(app, "alice")
    csrf = re.search(r'name="csrf" value="([^"]+)"', alice.get("/report?year=2025").text).group(1)
    for data in ({"csrf": csrf}, {"csrf": csrf, "year": "二〇二五"}, {"csrf": csrf, "year": "25x"}):
        response = alice.post("/report/submit", data=data)
        assert response.status_code == 422 and "年度" in response.text and "无效" in response.text, data
    response = alice.post("/collect/resubmit", data={"csrf": csrf}, files=[("files", ("照片.png", b"\x89PNG"))])
    assert response.status_code == 422 and "照片.png" in response.text and "返回工作台" in response.text
    with reg.sessions() as session:
        assert session.scalar(select(Submission)) is None


def test_upload_lines_and_problem_list_names_come_from_the_catalogue(app) -> None:
    from urllib.parse import quote

    sue = client(app, "sue")
    result = upload(sue, seed(ERRORS_SEED), json=True).json()["results"][0]
    assert result["label"] == f"{ERRORS_SEED} → 高新区(近海镇) 2020 · 检查未通过 · 第 1 版"
    again = upload(sue, seed(ERRORS_SEED), json=True).json()["results"][0]
    assert again["label"] == f"{ERRORS_SEED}：{again['problem']}"
    first = submission_id(sue.get("/collect?year=2020").text, "高新区(近海镇)")
    disposition = sue.get(f"/collect/{first}/problems.xlsx").headers["content-disposition"]
    assert disposition == f"attachment; filename*=UTF-8''{quote('高新区(近海镇)2020年报问题清单（第1版）.xlsx')}"


def test_isolation_other_region_and_other_agency_get_404(app) -> None:
    sue = client(app, "sue")
    upload(sue, seed(ERRORS_SEED))
    first = submission_id(sue.get("/collect?year=2020").text, "高新区(近海镇)")
    tom, bob = client(app, "tom"), client(app, "bob")
    assert "高新区(近海镇)" not in tom.get("/collect?year=2020").text
    for c in (tom, bob):
        for path in (f"/collect/{first}", f"/collect/{first}/file", f"/collect/{first}/problems.xlsx",
                     f"/collect/{first}/problems.docx"):
            assert c.get(path).status_code == 404, path
    assert tom.post(f"/collect/{first}/accept", data={"csrf": tom.csrf}).status_code == 404
    assert tom.post(f"/collect/{first}/findings/0", data={"csrf": tom.csrf, "decision": "dismissed"}
                    ).status_code == 404
    assert bob.get("/collect").status_code == 403  # the board is the office's
    assert bob.post(f"/collect/{first}/accept", data={"csrf": bob.csrf}).status_code == 403
    assert client(app, "alice").get(f"/collect/{first}").status_code == 200  # the agency's own officer
    assert client(app, "root").get(f"/collect/{first}").status_code == 200  # an admin
    results = upload(tom, seed(ERRORS_SEED), json=True).json()["results"]  # not tom's agency: unmatched
    assert results[0]["agency"] is None and results[0]["problem"]


def test_every_write_needs_the_form_token(app) -> None:
    sue = client(app, "sue")
    upload(sue, seed(ERRORS_SEED))
    first = submission_id(sue.get("/collect?year=2020").text, "高新区(近海镇)")
    assert sue.post("/collect/upload", files=[("files", seed(CLEAN_SEED))]).status_code == 403
    for action in ("accept", "publish", "return", "findings/0"):
        assert sue.post(f"/collect/{first}/{action}", data={"note": "x", "decision": "dismissed"}).status_code == 403
    assert sue.post(f"/collect/{first}/return", data={"csrf": "wrong", "note": "x"}).status_code == 403
    assert state_of(sue.get("/collect?year=2020").text, "高新区(近海镇)") == "failed"


def test_the_demo_board_shows_reports_in_various_states(tmp_path) -> None:
    from gongkai.web.demo import build_demo

    reg = open_register(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    people, _ = build_demo(reg, applications=40)
    c = TestClient(create_app(register=reg))
    name, password = people.supervisor
    assert c.post("/api/session", json={"username": name, "password": password}).status_code == 200
    board = c.get("/collect?year=2020").text
    states = {state_of(board, agency) for agency in ("高铁新区服务中心", "铜鼓县行政服务中心", "高新区(近海镇)")}
    assert states == {"published", "accepted", "returned"}
    last_year = c.get("/collect").text
    assert state_of(last_year, "示范市交通运输局") == "submitted"  # 报送 from its register
    assert state_of(last_year, "示范市生态环境局") == "not_submitted"
    admin = TestClient(create_app(register=reg))
    name, password = people.admin  # the demo's admin manages its agencies, regions and people
    assert admin.post("/api/session", json={"username": name, "password": password}).status_code == 200
    assert "示范市生态环境局" in admin.get("/admin/agencies").text
    reg.close()


def test_the_audit_page_shows_the_office_s_changes_to_the_agency(app) -> None:
    sue = client(app, "sue")
    upload(sue, seed(ERRORS_SEED))
    first = submission_id(sue.get("/collect?year=2020").text, "高新区(近海镇)")
    sue.post(f"/collect/{first}/findings/0", data={"csrf": sue.csrf, "decision": "confirmed", "note": "缺规章行"})
    sue.post(f"/collect/{first}/return", data={"csrf": sue.csrf, "note": "请补充"})
    page = client(app, "alice").get("/audit")
    assert page.status_code == 200
    assert "报送的年度报告" in page.text and "检查发现的审核" in page.text and "请补充" in page.text


def test_the_problem_list_is_signed_by_the_office_that_returned_it(reg, app) -> None:
    """A county's supervisor returns a report: the county's office signs the Word 问题清单, not the city above it."""
    from docx import Document

    add_user(reg, "cal", PASSWORD, "supervisor", region="乙县", user="setup")
    cal = client(app, "cal")
    upload(cal, seed(ERRORS_SEED))
    first = submission_id(cal.get("/collect?year=2020").text, "高新区(近海镇)")
    cal.post(f"/collect/{first}/findings/0", data={"csrf": cal.csrf, "decision": "confirmed", "note": ""})
    assert cal.post(f"/collect/{first}/return", data={"csrf": cal.csrf, "note": "请补充"}).status_code == 200
    word = client(app, "alice").get(f"/collect/{first}/problems.docx").content
    text = "\n".join(p.text for p in Document(io.BytesIO(word)).paragraphs)
    assert "乙县政务公开办公室" in text and "甲市政务公开办公室" not in text
