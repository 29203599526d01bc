"""The web application (gongkai.web) through httpx's TestClient: logging in, sessions, form tokens, agency
isolation, the JSON API, escaping, uploads and exports; and the `gongkai users` commands."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from gongkai.cli import main
from gongkai.register.accounts import THROTTLE_FAILURES, add_user
from gongkai.register.db import AuditEntry, User, WebSession, now, open_register
from gongkai.web.app import create_app

AGENCY, OTHER = "甲市交通运输局", "乙市生态环境局"
PASSWORD = "correct horse 1"
HTML = '<script>alert("x")</script><b>粗</b>'
ROW = {"编号": "YSQ-1", "收到日期": "2026-02-10", "渠道": "网络", "申请人类型": "自然人",
       "申请内容": "某路段改造的批复"}


@pytest.fixture
def register(tmp_path):
    reg = open_register(f"sqlite:///{tmp_path / 'web.sqlite'}")
    add_user(reg, "alice", PASSWORD, "officer", agency=AGENCY, user="setup")
    add_user(reg, "bob", PASSWORD, "officer", agency=OTHER, user="setup")
    add_user(reg, "sue", PASSWORD, "supervisor", region="甲市", user="setup")
    from gongkai.register.accounts import ensure_agency

    ensure_agency(reg, AGENCY, region="甲市", user="setup")
    yield reg
    reg.close()


@pytest.fixture
def app(register):
    return create_app(register=register, max_upload=4096)


def client(app, name: str | None = "alice", base: str = "http://testserver") -> TestClient:
    """A client logged in by the API: cookie for the pages, csrf for its writes, token in .token."""
    c = TestClient(app, base_url=base)
    if name:
        response = c.post("/api/session", json={"username": name, "password": PASSWORD})
        assert response.status_code == 200, response.text
        c.token, c.csrf = response.json()["token"], response.json()["csrf"]
    return c


def bearer(c: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {c.token}"}


def add(c: TestClient, row: dict | None = None) -> dict:
    response = c.post("/api/applications", json=row or ROW, headers=bearer(c))
    assert response.status_code == 201, response.text
    return response.json()


def form_token(c: TestClient, path: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get(path).text).group(1)


# ── logging in ────────────────────────────────────────────────────────────────────────────────────────────────


def test_wrong_password_is_refused_and_the_right_one_sets_a_safe_cookie(app) -> None:
    c = TestClient(app)
    assert c.post("/api/session", json={"username": "alice", "password": "wrong one"}).status_code == 401
    assert c.get("/api/applications").status_code == 401
    assert c.get("/", follow_redirects=False).headers["location"] == "/login"
    response = c.post("/api/session", json={"username": "alice", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert response.json()["token"]
    secure = TestClient(app, base_url="https://testserver").post(
        "/api/session", json={"username": "alice", "password": PASSWORD})
    assert "Secure" in secure.headers["set-cookie"]


def test_the_login_form_logs_in_and_needs_its_own_form_token(app) -> None:
    c = TestClient(app)
    page = c.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    wrong = c.post("/login", data={"username": "alice", "password": "nope", "login_token": token})
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
    token = re.search(r'name="login_token" value="([^"]+)"', wrong.text).group(1)
    forged = TestClient(app).post("/login", data={"username": "alice", "password": PASSWORD, "login_token": token})
    assert forged.status_code == 403  # posted from elsewhere: no matching cookie
    ok = c.post("/login", data={"username": "alice", "password": PASSWORD, "login_token": token},
                follow_redirects=False)
    assert ok.status_code == 303 and c.get("/").status_code == 200


def test_logins_are_throttled_after_repeated_failures(app) -> None:
    c = TestClient(app)
    for _ in range(THROTTLE_FAILURES):
        assert c.post("/api/session", json={"username": "alice", "password": "guess"}).status_code == 401
    response = c.post("/api/session", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 429 and "分钟后再试" in response.json()["detail"]


def test_an_expired_session_logs_in_again(app, register) -> None:
    c = client(app)
    assert c.get("/api/applications").status_code == 200
    with register.writing() as session:
        session.execute(update(WebSession).values(expires_at=now() - timedelta(minutes=1)))
    assert c.get("/api/applications").status_code == 401
    assert c.get("/api/applications", headers=bearer(c)).status_code == 401
    assert c.get("/applications", follow_redirects=False).headers["location"] == "/login"


def test_logout_ends_the_session(app) -> None:
    c = client(app)
    assert c.post("/logout", data={"csrf": c.csrf}, follow_redirects=False).status_code == 303
    assert c.get("/api/applications").status_code == 401


# ── form tokens ───────────────────────────────────────────────────────────────────────────────────────────────


def test_writes_of_a_page_session_need_the_form_token_and_bearer_writes_do_not(app) -> None:
    c = client(app)
    assert c.post("/api/applications", json=ROW).status_code == 403
    assert c.post("/api/applications", json=ROW, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert c.post("/api/applications", json=ROW, headers={"X-CSRF-Token": c.csrf}).status_code == 201
    api = TestClient(app)  # no cookie at all: the token alone
    row = dict(ROW, 编号="YSQ-2")
    assert api.post("/api/applications", json=row, headers=bearer(c)).status_code == 201


@pytest.mark.parametrize("path, data", [
    ("/applications", {"收到日期": "2026-02-10", "申请人类型": "自然人"}),
    ("/applications/1/events", {"事件": "extension"}),
    ("/cases", {"编号": "F1", "类型": "行政复议", "立案日期": "2026-03-01"}),
    ("/documents", {"类型": "规章", "文号": "甲令1号", "标题": "办法", "发布日期": "2026-01-05"}),
    ("/counts", {"year": "2026", "proactive.licensing.decisions": "3"}),
    ("/report/prose", {"year": "2026", "section1": "正文"}),
    ("/report/close", {"year": "2025"}),
    ("/logout", {}),
])
def test_every_form_is_refused_without_its_form_token(app, path: str, data: dict) -> None:
    c = client(app)
    add(c)
    response = c.post(path, data=data, follow_redirects=False)
    assert response.status_code == 403, (path, response.status_code)
    assert "表单已过期" in response.text
    accepted = c.post(path, data={**data, "csrf": c.csrf}, follow_redirects=False)
    assert accepted.status_code in (200, 303, 422), (path, accepted.status_code, accepted.text[:300])


# ── agency isolation ──────────────────────────────────────────────────────────────────────────────────────────


def test_another_agencys_records_are_not_found_by_page_or_api(app) -> None:
    alice, bob = client(app, "alice"), client(app, "bob")
    record = add(alice)["id"]
    for path in (f"/api/applications/{record}", f"/applications/{record}", f"/api/applications/{record}/deadline",
                 f"/applications/{record}/letters/答复书.docx"):
        assert bob.get(path, headers=bearer(bob)).status_code == 404, path
        assert alice.get(path).status_code in (200, 409, 503), path
    event = {"事件": "延期", "理由": "需要调取档案"}
    assert bob.post(f"/api/applications/{record}/events", json=event, headers=bearer(bob)).status_code == 404
    assert bob.get("/api/applications", headers=bearer(bob)).json()["total"] == 0
    assert bob.get("/api/applications?agency=1", headers=bearer(bob)).json()["total"] == 0  # officers: their own
    assert "YSQ-1" not in bob.get("/audit").text and "YSQ-1" in alice.get("/audit").text
    assert bob.get("/api/reports/2026", headers=bearer(bob)).json()["applications.new.total"] == 0


def test_a_supervisor_reads_the_agencies_of_their_region_and_changes_nothing(app) -> None:
    alice, sue = client(app, "alice"), client(app, "sue")
    record = add(alice)["id"]
    assert sue.get(f"/api/applications/{record}", headers=bearer(sue)).status_code == 200
    assert sue.post("/api/applications", json=dict(ROW, 编号="S1"), headers=bearer(sue)).status_code == 403
    other_agency = client(app, "bob").get("/api/applications", headers=bearer(client(app, "bob")))
    assert other_agency.status_code == 200
    assert sue.get("/api/applications?agency=999", headers=bearer(sue)).status_code == 404


def test_a_supervisor_switches_between_the_agencies_of_the_region(app, register) -> None:
    from gongkai.register.accounts import ensure_agency

    second = ensure_agency(register, "甲市财政局", region="甲市", user="setup")
    sue = client(app, "sue")
    assert AGENCY in sue.get("/").text
    sue.get(f"/switch?agency={second}", follow_redirects=False)
    assert f'<option value="{second}" selected>甲市财政局' in sue.get("/").text
    from gongkai.register.store import agency_id

    with register.sessions() as session:
        outside = agency_id(session, OTHER)  # 乙市生态环境局 is not in 甲市
    assert sue.get(f"/switch?agency={outside}", follow_redirects=False).status_code == 404
    assert sue.get(f"/api/applications?agency={outside}", headers=bearer(sue)).status_code == 404


# ── the API ───────────────────────────────────────────────────────────────────────────────────────────────────


def test_an_import_row_posted_as_json_is_an_application_with_its_deadline(app) -> None:
    c = client(app)
    created = add(c)
    assert created["编号"] == "YSQ-1" and created["申请人类型"] == "自然人"
    assert created["答复期限"] == "2026-03-16" and isinstance(created["剩余工作日"], int)
    url = f"/api/applications/{created['id']}/events"
    extended = c.post(url, json={"事件": "延期", "理由": "需要调取档案"}, headers=bearer(c)).json()
    assert extended["答复期限"] == "2026-04-14" and extended["延期"] == "需要调取档案"
    trace = c.get(f"/api/applications/{created['id']}/deadline", headers=bearer(c)).json()
    assert trace["due"] == "2026-04-14" and any(step["kind"] == "extension" for step in trace["trace"])
    answered = c.post(url, json={"事件": "答复", "日期": "2026-03-20", "办理结果": "予以公开"}, headers=bearer(c))
    assert answered.json()["办理结果"] == "予以公开" and answered.json()["答复期限"] is None
    assert c.get("/api/applications?open=true", headers=bearer(c)).json()["total"] == 0
    flat = c.get("/api/reports/2026", headers=bearer(c)).json()
    assert flat["applications.new.total"] == 1 and flat["applications.granted.total"] == 1


def test_a_missing_number_is_generated_and_bad_values_are_listed_by_field(app) -> None:
    c = client(app)
    row = {k: v for k, v in ROW.items() if k != "编号"}
    assert add(c, row)["编号"] == "2026-0001"
    assert add(c, row)["编号"] == "2026-0002"
    bad = c.post("/api/applications", json={"收到日期": "2026-13-01", "申请人类型": "外星人", "颜色": "红"},
                 headers=bearer(c))
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["problems"]}
    assert fields == {"收到日期", "申请人类型", "颜色"}
    late = c.post(f"/api/applications/{add(c)['id']}/events", json={"事件": "答复", "日期": "2026-02-01",
                                                                    "办理结果": "予以公开"}, headers=bearer(c))
    assert late.status_code == 422 and "答复日期" in late.text


def test_a_stale_version_is_a_conflict(app) -> None:
    c = client(app)
    created = add(c)
    url = f"/api/applications/{created['id']}/events"
    assert c.post(url, json={"事件": "延期", "version": created["version"]}, headers=bearer(c)).status_code == 200
    stale = c.post(url, json={"事件": "补正告知", "日期": "2026-02-12", "version": created["version"]},
                   headers=bearer(c))
    assert stale.status_code == 409


def test_cases_documents_and_yearly_counts_through_the_api(app) -> None:
    c = client(app)
    add(c)
    case = c.post("/api/cases", json={"编号": "复议1", "类型": "行政复议", "立案日期": "2026-05-01",
                                      "关联申请": "YSQ-1"}, headers=bearer(c))
    assert case.status_code == 201 and case.json()["关联申请"] == "YSQ-1" and case.json()["结果"] == "尚未审结"
    doc = c.post("/api/documents", json={"类型": "规章", "文号": "甲令〔2026〕1号", "标题": "某办法",
                                         "发布日期": "2026-01-05"}, headers=bearer(c))
    assert doc.status_code == 201
    counts = c.put("/api/counts/2026", json={"proactive.licensing.decisions": 12}, headers=bearer(c))
    assert counts.json() == {"proactive.licensing.decisions": "12"}
    assert c.put("/api/counts/2026", json={"proactive.licensing.decisions": "-1"}, headers=bearer(c)).status_code == 422
    flat = c.get("/api/reports/2026", headers=bearer(c)).json()
    assert flat["proactive.licensing.decisions"] == 12 and flat["proactive.rules.issued"] == 1
    assert flat["review.pending"] == 1


def test_the_word_report_reads_back_with_the_same_cells(app, tmp_path) -> None:
    from gongkai.inputs import parse_file

    c = client(app)
    created = add(c)
    c.post(f"/api/applications/{created['id']}/events", json={"事件": "答复", "日期": "2026-03-02",
                                                              "办理结果": "予以公开"}, headers=bearer(c))
    response = c.get("/api/reports/2026.docx", headers=bearer(c))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    path = tmp_path / "report.docx"
    path.write_bytes(response.content)
    cells = parse_file(path).flat()
    assert cells["applications.new.total"] == 1 and cells["applications.granted.natural_person"] == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) writes the PDF; not installed")
def test_the_pdf_report_downloads(app) -> None:
    c = client(app)
    add(c)
    response = c.get("/api/reports/2026.pdf", headers=bearer(c))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"
    assert c.get("/api/reports/2026.exe", headers=bearer(c)).status_code == 404


def test_explain_of_a_cell_lists_its_records(app) -> None:
    c = client(app)
    add(c)
    found = c.get("/api/reports/2026/cells/applications.new.total", headers=bearer(c)).json()
    assert found["value"] == "1" and found["records"][0][0] == "YSQ-1"
    assert c.get("/api/reports/2026/cells/no.such.key", headers=bearer(c)).status_code == 400


def test_the_openapi_document_lists_the_api(app) -> None:
    paths = TestClient(app).get("/openapi.json").json()["paths"]
    for path in ("/api/session", "/api/applications", "/api/applications/{record_id}/events",
                 "/api/reports/{year}", "/api/reports/{year}.{kind}"):
        assert path in paths


# ── pages ─────────────────────────────────────────────────────────────────────────────────────────────────────


def test_every_page_renders_for_an_officer(app) -> None:
    c = client(app)
    record = add(c)["id"]
    for path in ("/", "/applications", "/applications/new", f"/applications/{record}", "/cases", "/documents",
                 "/counts", "/report", "/report?year=2025", "/files", "/audit", "/audit?table=applications"):
        response = c.get(path)
        assert response.status_code == 200, path
        assert "政务公开工作台" in response.text and "Content-Security-Policy" in response.headers


def test_a_page_form_registers_an_application_and_its_events(app) -> None:
    c = client(app)
    token = form_token(c, "/applications/new")
    made = c.post("/applications", data={"csrf": token, "收到日期": "2026-02-10", "申请人类型": "自然人",
                                         "申请内容": "某文件"}, follow_redirects=False)
    assert made.status_code == 303
    page = c.get(made.headers["location"])
    assert "2026-03-16" in page.text
    location = made.headers["location"]
    c.post(f"{location}/events", data={"csrf": token, "事件": "extension", "理由": "需要协调"})
    assert "2026-04-14" in c.get(location).text
    refused = c.post(f"{location}/events", data={"csrf": token, "事件": "answer", "日期": "2026-03-01"})
    assert refused.status_code == 422 and "办理结果" in refused.text


def test_html_in_every_text_field_is_shown_escaped(app) -> None:
    c = client(app)
    row = dict(ROW, 编号=HTML, 申请人=HTML, 联系方式=HTML, 申请内容=HTML)
    record = add(c, row)["id"]
    c.post(f"/api/applications/{record}/events", json={"事件": "延期", "理由": HTML}, headers=bearer(c))
    c.post("/api/cases", json={"编号": HTML, "类型": "行政复议", "立案日期": "2026-03-01"}, headers=bearer(c))
    c.post("/api/documents", json={"类型": "规章", "文号": HTML, "标题": HTML, "发布日期": "2026-01-05"},
           headers=bearer(c))
    c.post("/report/prose", data={"csrf": c.csrf, "year": "2026", **{f"section{n}": HTML for n in range(1, 7)}})
    bad = c.post("/api/applications", json={"收到日期": HTML, "申请人类型": HTML}, headers=bearer(c))
    assert bad.status_code == 422
    for path in ("/", "/applications", f"/applications/{record}", "/cases", "/documents", "/report", "/audit",
                 f"/applications?q={HTML}"):
        text = c.get(path).text
        assert "<script>alert" not in text and "<b>粗</b>" not in text, path
    assert "&lt;script&gt;" in c.get(f"/applications/{record}").text
    assert "&lt;script&gt;" in c.get("/documents").text
    form = c.post("/applications", data={"csrf": c.csrf, "收到日期": HTML, "申请人类型": "自然人", "申请人": HTML})
    assert form.status_code == 422 and "<script>alert" not in form.text and "&lt;script&gt;" in form.text


# ── files ─────────────────────────────────────────────────────────────────────────────────────────────────────


def upload(c: TestClient, name: str, content: bytes):
    return c.post("/files/import", data={"csrf": c.csrf}, files={"file": (name, content, "text/csv")})


def test_an_upload_over_the_size_limit_is_refused(app) -> None:
    c = client(app)
    header = "编号,收到日期,申请人类型,答复日期,办理结果\n".encode()
    big = header + b"".join(f"N{i},2026-02-10,自然人,,\n".encode() for i in range(400))
    assert len(big) > 4096
    response = upload(c, "big.csv", big)
    assert response.status_code == 413 and "上传的文件过大" in response.text
    assert c.get("/api/applications", headers=bearer(c)).json()["total"] == 0


def test_an_import_is_all_or_nothing_with_errors_by_line_and_column(app) -> None:
    c = client(app)
    bad = "编号,收到日期,申请人类型,答复日期,办理结果\nA1,2026-02-10,自然人,,\nA2,2026-02-31,外星人,,\n"
    response = upload(c, "bad.csv", bad.encode())
    assert response.status_code == 422
    assert re.search(r"<td class=\"num\">3</td><td>收到日期</td>", response.text)
    assert "申请人类型" in response.text
    assert c.get("/api/applications", headers=bearer(c)).json()["total"] == 0
    good = upload(c, "good.csv", bad.replace("2026-02-31,外星人", "2026-02-11,法人").encode()
                  .replace("法人".encode(), "商业企业".encode()))
    assert good.status_code == 200 and "已导入 2 条" in good.text
    assert c.get("/api/applications", headers=bearer(c)).json()["total"] == 2


def test_formula_like_cells_are_exported_as_text(app) -> None:
    c = client(app)
    formula = '=HYPERLINK("http://example.com","点击")'
    rows = f'编号,收到日期,申请人类型,申请内容,答复日期,办理结果\n"{formula.replace(chr(34), chr(34) * 2)}",' \
           f'2026-02-10,自然人,"+1+2",,\n'
    assert upload(c, "f.csv", rows.encode()).status_code == 200
    exported = c.get("/files/export?kind=applications&format=csv")
    assert exported.content.startswith("\ufeff".encode())
    cells = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert cells[1][0] == "'" + formula and cells[1][4] == "'+1+2"
    book = c.get("/files/export?kind=applications&format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet.cell(2, 1).data_type == "s"


def test_blank_templates_have_the_columns_and_one_example_row_that_imports(app) -> None:
    c = client(app)
    for kind in ("applications", "documents"):
        response = c.get(f"/files/template?kind={kind}&format=csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == 2
        assert upload(c, f"{kind}.csv", response.content).status_code == 200, kind


def test_the_audit_log_names_the_officer_and_filters(app, register) -> None:
    c = client(app)
    add(c)
    page = c.get("/audit?table=applications&action=create")
    assert "alice" in page.text and "YSQ-1" in page.text
    with register.sessions() as session:
        entries = session.query(AuditEntry).filter(AuditEntry.table_name == "applications").all()
    assert entries and all(e.agency_id is not None and e.user_name == "alice" for e in entries)
    assert c.get("/api/audit?action=update", headers=bearer(c)).json()["total"] == 0


def test_the_audit_query_never_reads_every_agency_unless_tables_are_named(app, register) -> None:
    from gongkai.web import queries

    add(client(app))
    with pytest.raises(ValueError):
        queries.audit(register, None, queries.AuditFilters())
    rows, total = queries.audit(register, None, queries.AuditFilters(), tables=("users",))
    assert total == len(rows) > 0 and {row.table_name for row in rows} == {"users"}
    with register.sessions() as session:
        bob = session.scalar(select(User.agency_id).where(User.name == "bob"))
    assert queries.audit(register, bob, queries.AuditFilters("applications")) == ([], 0)  # alice's, not bob's


# ── the command line ──────────────────────────────────────────────────────────────────────────────────────────


def test_users_add_list_disable_and_reset_password(tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'users.sqlite'}"
    run = CliRunner().invoke
    added = run(main, ["users", "add", "carol", "--role", "officer", "--agency", "丙局", "--db", db],
                input="a good password\n")
    assert added.exit_code == 0, added.output
    listed = run(main, ["users", "list", "--db", db])
    assert "carol\t业务人员\t丙局" in listed.output
    short = run(main, ["users", "reset-password", "carol", "--db", db], input="short\n")
    assert short.exit_code == 2 and short.stderr.count("gongkai: ") == 1 and "至少需要 8 个字符" in short.stderr
    assert run(main, ["users", "reset-password", "carol", "--db", db], input="another password\n").exit_code == 0
    assert run(main, ["users", "disable", "carol", "--db", db]).exit_code == 0
    assert "停用" in run(main, ["users", "list", "--db", db]).output
    no_agency = run(main, ["users", "add", "dan", "--role", "officer", "--db", db], input="a good password\n")
    assert no_agency.exit_code == 2 and "--agency" in no_agency.stderr
    reg = open_register(db)
    try:
        app = create_app(register=reg)
        refused = TestClient(app).post("/api/session", json={"username": "carol", "password": "another password"})
        assert refused.status_code == 401  # disabled
    finally:
        reg.close()


def test_the_command_line_does_not_import_the_web_framework() -> None:
    code = ("import sys\nfrom gongkai.cli import main\ntry:\n    main(['serve', '--help'])\nexcept SystemExit:\n"
            "    pass\nprint('fastapi' in sys.modules, 'uvicorn' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith("False False")
