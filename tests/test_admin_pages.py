"""The admin's pages (gongkai.web.admin) through httpx's TestClient: agencies, regions and people, each change
audited, form tokens, admins only, cycles and the last admin refused, names with HTML shown escaped."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gongkai.register import accounts
from gongkai.register.db import Agency, AuditEntry, Region, User, open_register
from gongkai.register.store import add_application, agency_id
from gongkai.web.app import create_app

PASSWORD = "correct horse 1"
HTML = '<script>alert("x")</script><b>粗</b>'


@pytest.fixture
def register(tmp_path):
    reg = open_register(f"sqlite:///{tmp_path / 'admin.sqlite'}")
    accounts.add_user(reg, "root", PASSWORD, "admin", user="setup")
    accounts.add_user(reg, "alice", PASSWORD, "officer", agency="甲市交通运输局", user="setup")
    accounts.add_user(reg, "sue", PASSWORD, "supervisor", region="甲市", user="setup")
    yield reg
    reg.close()


@pytest.fixture
def app(register):
    return create_app(register=register)


def client(app, name: str = "root") -> TestClient:
    """A client logged in through the login form (a page session); its form token in .csrf."""
    c = TestClient(app)
    token = re.search(r'name="login_token" value="([^"]+)"', c.get("/login").text).group(1)
    landed = c.post("/login", data={"username": name, "password": PASSWORD, "login_token": token},
                    follow_redirects=False)
    assert landed.status_code == 303
    c.landing = landed.headers["location"]
    page = c.get("/admin/users" if name == "root" else "/")
    c.csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return c


def post(c: TestClient, path: str, **data: str):
    return c.post(path, data={"csrf": c.csrf, **data}, follow_redirects=False)


def audit(register, table: str, record: int) -> list[tuple[str, str, str | None, str | None, str | None]]:
    with register.sessions() as session:
        rows = session.execute(select(AuditEntry.user_name, AuditEntry.action, AuditEntry.field, AuditEntry.before,
                                      AuditEntry.after).where(AuditEntry.table_name == table,
                                                              AuditEntry.record_id == record)
                               .order_by(AuditEntry.id)).all()
    return [tuple(row) for row in rows]


def ids(register, model, name: str) -> int:
    with register.sessions() as session:
        return session.scalar(select(model.id).where(model.name == name, model.withdrawn_at.is_(None)))


# ── who may open the pages ────────────────────────────────────────────────────────────────────────────────────


def test_an_admin_lands_on_the_agencies_and_sees_the_admin_menu(app) -> None:
    root = client(app)
    assert root.landing == "/admin/agencies"
    page = root.get("/admin/agencies")
    assert page.status_code == 200 and 'href="/admin/users"' in page.text and "甲市交通运输局" in page.text
    alice = client(app, "alice")
    assert alice.landing == "/" and 'href="/admin/users"' not in alice.get("/").text


@pytest.mark.parametrize("name", ["alice", "sue"])
@pytest.mark.parametrize("path", ["/admin/agencies", "/admin/regions", "/admin/users", "/admin/users/1",
                                  "/admin/audit"])
def test_officers_and_supervisors_are_refused(app, name: str, path: str) -> None:
    c = client(app, name)
    assert c.get(path).status_code == 403
    if path == "/admin/audit":
        return  # read only
    refused = post(c, path if path != "/admin/users/1" else "/admin/users/1/disabled", name="x", disabled="1",
                   kind="department", password="a good password", password_again="a good password", role="admin")
    assert refused.status_code == 403 and "只有管理员" in refused.text


def test_every_form_needs_its_form_token(app, register) -> None:
    root = client(app)
    agency, region = ids(register, Agency, "甲市交通运输局"), ids(register, Region, "甲市")
    user = ids(register, User, "alice")
    forms = {"/admin/agencies": {"name": "乙局", "kind": "department"},
             f"/admin/agencies/{agency}": {"name": "甲局", "kind": "department"},
             f"/admin/agencies/{agency}/withdraw": {"reason": "合并"},
             "/admin/regions": {"name": "乙市"}, f"/admin/regions/{region}": {"name": "甲地"},
             f"/admin/regions/{region}/withdraw": {"reason": "撤并"},
             "/admin/users": {"name": "x", "role": "admin", "password": "a good password",
                              "password_again": "a good password"},
             f"/admin/users/{user}/disabled": {"disabled": "1"},
             f"/admin/users/{user}/password": {"password": "a good password", "password_again": "a good password"}}
    for path, data in forms.items():
        refused = root.post(path, data=data, follow_redirects=False)
        assert refused.status_code == 403 and "表单已过期" in refused.text, path
    assert ids(register, Agency, "乙局") is None and ids(register, Region, "乙市") is None
    assert accounts.user_row(register, user).disabled is False


# ── agencies ──────────────────────────────────────────────────────────────────────────────────────────────────


def test_an_agency_is_added_searched_renamed_and_moved_with_every_change_audited(app, register) -> None:
    root = client(app)
    region = ids(register, Region, "甲市")
    added = post(root, "/admin/agencies", name="甲市财政局", kind="department", region=str(region))
    assert added.status_code == 303
    new = ids(register, Agency, "甲市财政局")
    assert ("root", "create", "region_id", None, str(region)) in audit(register, "agencies", new)
    found = root.get("/admin/agencies?q=财政").text
    assert "甲市财政局" in found and "甲市交通运输局" not in found
    assert "甲市财政局" in root.get("/admin/agencies?q=甲市").text  # by its region's name too

    renamed = post(root, f"/admin/agencies/{new}", name="甲市财政和税务局", kind="government", region="")
    assert renamed.status_code == 303
    assert ids(register, Agency, "甲市财政和税务局") == new  # the same id
    changes = audit(register, "agencies", new)[-3:]
    assert ("root", "update", "name", "甲市财政局", "甲市财政和税务局") in changes
    assert ("root", "update", "kind", "department", "government") in changes
    assert ("root", "update", "region_id", str(region), None) in changes
    log = root.get("/admin/audit?table=agencies&action=update").text
    assert "甲市财政和税务局" in log and "甲市财政局" in log and "管理记录" in log
    assert "甲市财政和税务局" not in root.get("/admin/audit?table=users").text


def test_an_agency_name_already_taken_or_empty_is_shown_in_the_form(app, register) -> None:
    root = client(app)
    taken = post(root, "/admin/agencies", name="甲市交通运输局", kind="department")
    assert taken.status_code == 422 and "机关名称「甲市交通运输局」已在台账中" in taken.text
    empty = post(root, "/admin/agencies", name=" ", kind="department")
    assert empty.status_code == 422 and "「机关名称」未填写" in empty.text
    gone = post(root, "/admin/agencies", name="丙局", kind="department", region="999")
    assert gone.status_code == 422 and "没有编号为 999 的地区" in gone.text
    assert ids(register, Agency, "丙局") is None


def test_an_agency_with_open_applications_or_people_is_not_withdrawn(app, register) -> None:
    root = client(app)
    agency = ids(register, Agency, "甲市交通运输局")
    add_application(register, "甲市交通运输局", number="YSQ-1", received=date(2026, 2, 10), applicant="自然人",
                    user="alice")
    refused = post(root, f"/admin/agencies/{agency}/withdraw", reason="机构改革")
    assert refused.status_code == 422
    assert "还有 1 件未办结的申请" in refused.text and "alice" in refused.text
    no_reason = post(root, f"/admin/agencies/{agency}/withdraw", reason="")
    assert no_reason.status_code == 422 and "撤回须说明理由" in no_reason.text

    accounts.add_agency(register, "乙局", "department", None, user="setup")
    empty = ids(register, Agency, "乙局")
    assert post(root, f"/admin/agencies/{empty}/withdraw", reason="机构改革").status_code == 303
    assert ids(register, Agency, "乙局") is None and "乙局" not in root.get("/admin/agencies").text
    assert ("root", "withdraw", "withdrawn_reason", None, "机构改革") in audit(register, "agencies", empty)
    assert root.get(f"/admin/agencies/{empty}").status_code == 404


# ── regions ───────────────────────────────────────────────────────────────────────────────────────────────────


def test_the_region_tree_is_indented_and_regions_are_added_renamed_and_moved(app, register) -> None:
    root = client(app)
    top = ids(register, Region, "甲市")
    assert post(root, "/admin/regions", name="甲省").status_code == 303
    province = ids(register, Region, "甲省")
    assert post(root, "/admin/regions", name="甲县", parent=str(top)).status_code == 303
    county = ids(register, Region, "甲县")
    moved = post(root, f"/admin/regions/{top}", name="甲地级市", parent=str(province))
    assert moved.status_code == 303
    tree = [(r.name, r.depth) for r in accounts.region_tree(register)]
    assert tree == [("甲省", 0), ("甲地级市", 1), ("甲县", 2)]
    page = root.get("/admin/regions").text
    assert page.index("甲省") < page.index("甲地级市") < page.index("甲县")
    changes = audit(register, "regions", top)
    assert ("root", "update", "name", "甲市", "甲地级市") in changes
    assert ("root", "update", "parent_id", None, str(province)) in changes
    assert ("root", "create", "parent_id", None, str(top)) in audit(register, "regions", county)
    # the form offers no region below the one moved
    form = root.get(f"/admin/regions/{top}").text
    assert f'<option value="{county}"' not in form and f'<option value="{province}"' in form


def test_a_move_under_itself_or_below_itself_is_refused(app, register) -> None:
    root = client(app)
    top = ids(register, Region, "甲市")
    post(root, "/admin/regions", name="甲县", parent=str(top))
    county = ids(register, Region, "甲县")
    for parent in (county, top):
        refused = post(root, f"/admin/regions/{top}", name="甲市", parent=str(parent))
        assert refused.status_code == 422 and "不能把地区移到它自己或它的下级地区之下" in refused.text
    assert [(r.name, r.depth) for r in accounts.region_tree(register)] == [("甲市", 0), ("甲县", 1)]
    with pytest.raises(accounts.RecordInvalid):
        accounts.change_region(register, top, "甲市", county, user="cli")


def test_a_region_is_withdrawn_only_when_empty(app, register) -> None:
    root = client(app)
    top = ids(register, Region, "甲市")
    post(root, "/admin/regions", name="甲县", parent=str(top))
    county = ids(register, Region, "甲县")
    post(root, "/admin/agencies", name="甲县政府", kind="government", region=str(county))
    refused = post(root, f"/admin/regions/{top}/withdraw", reason="撤并")
    assert refused.status_code == 422
    assert "1 个下级地区" in refused.text and "1 名启用的监督人员" in refused.text
    refused = post(root, f"/admin/regions/{county}/withdraw", reason="撤并")
    assert refused.status_code == 422 and "还有 1 个机关" in refused.text
    post(root, f"/admin/agencies/{ids(register, Agency, '甲县政府')}/withdraw", reason="撤并")
    assert post(root, f"/admin/regions/{county}/withdraw", reason="撤并").status_code == 303
    assert [r.name for r in accounts.region_tree(register)] == ["甲市"]
    assert ("root", "withdraw", "withdrawn_reason", None, "撤并") in audit(register, "regions", county)


# ── people ────────────────────────────────────────────────────────────────────────────────────────────────────


def test_people_are_added_with_what_their_role_needs_and_can_log_in(app, register) -> None:
    root = client(app)
    agency, region = ids(register, Agency, "甲市交通运输局"), ids(register, Region, "甲市")
    added = post(root, "/admin/users", name="carol", role="officer", agency=str(agency), region=str(region),
                 password="a good password", password_again="a good password")
    assert added.status_code == 303
    carol = accounts.user_row(register, ids(register, User, "carol"))
    assert (carol.role, carol.agency, carol.region) == ("officer", "甲市交通运输局", None)  # only what it needs
    assert ("root", "create", "role", None, "officer") in audit(register, "users", carol.id)
    assert ("root", "create", "password", None, "(set)") in audit(register, "users", carol.id)
    fresh = TestClient(app).post("/api/session", json={"username": "carol", "password": "a good password"})
    assert fresh.status_code == 200
    listing = root.get("/admin/users").text
    row = listing[listing.index(">carol<"):]
    assert "业务人员" in row[:300] and "甲市交通运输局" in row[:300] and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d",
                                                                                 row[:400])


GOOD = {"password": "a good password", "password_again": "a good password"}


@pytest.mark.parametrize("fields, message", [
    ({"role": "officer", **GOOD}, "需要指定所在机关"),
    ({"role": "supervisor", **GOOD}, "需要指定所管辖的地区"),
    ({"role": "admin", "password": "short", "password_again": "short"}, "密码至少需要 8 个字符"),
    ({"role": "admin", "password": "a good password", "password_again": "a good passw0rd"}, "两次输入的密码不一致"),
    ({"role": "boss", **GOOD}, "角色「boss」"),
])
def test_a_person_the_rules_refuse_is_shown_in_the_form(app, register, fields: dict, message: str) -> None:
    root = client(app)
    refused = post(root, "/admin/users", name="dan", **fields)
    assert refused.status_code == 422 and message in refused.text
    assert 'value="dan"' in refused.text and "a good pass" not in refused.text  # the name kept, never the password
    assert ids(register, User, "dan") is None
    taken = post(root, "/admin/users", name="alice", role="admin", password="a good password",
                 password_again="a good password")
    assert taken.status_code == 422 and "用户名「alice」已被使用" in taken.text


def test_a_person_is_disabled_enabled_and_given_a_new_password(app, register) -> None:
    root, alice = client(app), client(app, "alice")
    user = ids(register, User, "alice")
    assert post(root, f"/admin/users/{user}/disabled", disabled="1").status_code == 303
    assert accounts.user_row(register, user).disabled and alice.get("/", follow_redirects=False).status_code == 303
    assert post(root, f"/admin/users/{user}/disabled", disabled="0").status_code == 303
    assert not accounts.user_row(register, user).disabled
    assert [e[3:] for e in audit(register, "users", user) if e[2] == "disabled"] == [(None, "true"), (None, "false")]

    mismatch = post(root, f"/admin/users/{user}/password", password="new password 1", password_again="new password")
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.text
    assert post(root, f"/admin/users/{user}/password", password="new password 1",
                password_again="new password 1").status_code == 303
    login = TestClient(app).post("/api/session", json={"username": "alice", "password": "new password 1"})
    assert login.status_code == 200
    assert ("root", "update", "password", None, "(changed)") in audit(register, "users", user)


def test_an_admin_cannot_disable_themselves_nor_the_last_admin(app, register) -> None:
    root = client(app)
    me = ids(register, User, "root")
    refused = post(root, f"/admin/users/{me}/disabled", disabled="1")
    assert refused.status_code == 422 and "不能停用自己的账号" in refused.text
    with pytest.raises(accounts.RecordInvalid, match="最后一个启用的管理员"):
        accounts.set_disabled(register, "root", user="cli")  # by anyone else: still the last admin
    accounts.add_user(register, "second", PASSWORD, "admin", user="setup")
    second = client(app, "second")
    assert post(second, f"/admin/users/{me}/disabled", disabled="1").status_code == 303
    refused = post(client(app, "second"), f"/admin/users/{ids(register, User, 'second')}/disabled", disabled="1")
    assert refused.status_code == 422 and "不能停用自己的账号" in refused.text
    with pytest.raises(accounts.RecordInvalid, match="最后一个启用的管理员"):
        accounts.set_disabled(register, "second", user="cli")
    assert accounts.user_row(register, me).disabled and not accounts.user_row(
        register, ids(register, User, "second")).disabled


def test_names_with_html_are_shown_escaped(app, register) -> None:
    root = client(app)
    assert post(root, "/admin/regions", name=HTML).status_code == 303
    region = ids(register, Region, HTML)
    assert post(root, "/admin/agencies", name=HTML, kind="department", region=str(region)).status_code == 303
    agency = ids(register, Agency, HTML)
    assert post(root, "/admin/users", name=HTML, role="officer", agency=str(agency), password="a good password",
                password_again="a good password").status_code == 303
    person = ids(register, User, HTML)
    refused = post(root, "/admin/agencies", name=HTML, kind="department")
    assert refused.status_code == 422
    pages = [refused.text] + [root.get(path).text for path in (
        "/admin/agencies", f"/admin/agencies/{agency}", "/admin/regions", f"/admin/regions/{region}",
        "/admin/users", f"/admin/users/{person}", f"/admin/agencies?q={HTML}")]
    for text in pages:
        assert "<script>alert" not in text and "<b>粗</b>" not in text
        assert "&lt;script&gt;" in text


def test_the_library_keeps_the_rules_for_the_command_line_too(register) -> None:
    """The same functions without the pages: found by name as the command line would."""
    with register.sessions() as session:
        agency = agency_id(session, "甲市交通运输局")
        region = accounts.region_id(session, "甲市")
    accounts.change_agency(register, agency, "甲市交通局", "department", region, user="cli")
    assert [(a.name, a.region) for a in accounts.list_agencies(register)] == [("甲市交通局", "甲市")]
    with pytest.raises(accounts.RecordInvalid, match="已在台账中"):
        accounts.add_region(register, "甲市", user="cli")
    with pytest.raises(accounts.RecordInvalid, match="用户名未填写"):
        accounts.add_user(register, "  ", PASSWORD, "admin", user="cli")


# ── the JSON API ──────────────────────────────────────────────────────────────────────────────────────────────


def api_client(app, name: str = "root") -> tuple[TestClient, dict[str, str]]:
    c = TestClient(app)
    response = c.post("/api/session", json={"username": name, "password": PASSWORD})
    return c, {"Authorization": f"Bearer {response.json()['token']}"}


def test_the_json_api_does_the_same_under_the_same_rules(app, register) -> None:
    c, auth = api_client(app)
    top = c.post("/api/admin/regions", json={"name": "甲省"}, headers=auth)
    assert top.status_code == 201
    city = ids(register, Region, "甲市")
    assert c.put(f"/api/admin/regions/{city}", json={"name": "甲市", "parent_id": top.json()["id"]},
                 headers=auth).status_code == 200
    cycle = c.put(f"/api/admin/regions/{top.json()['id']}", json={"name": "甲省", "parent_id": city}, headers=auth)
    assert cycle.status_code == 422 and "下级地区" in cycle.json()["problems"][0]["message"]
    assert [(r["name"], r["depth"]) for r in c.get("/api/admin/regions", headers=auth).json()] == [("甲省", 0),
                                                                                                  ("甲市", 1)]
    agency = c.post("/api/admin/agencies", json={"name": "甲市财政局", "region_id": city}, headers=auth)
    assert agency.status_code == 201
    listed = c.get("/api/admin/agencies?q=财政", headers=auth).json()
    assert [(a["name"], a["kind"], a["region"]) for a in listed] == [("甲市财政局", "department", "甲市")]
    person = c.post("/api/admin/users", json={"name": "erin", "role": "officer", "agency": "甲市财政局",
                                              "password": "a good password"}, headers=auth)
    assert person.status_code == 201 and person.json()["agency"] == "甲市财政局"
    typo = c.post("/api/admin/users", json={"name": "fay", "role": "officer", "agency": "甲市財政局",
                                            "password": "a good password"}, headers=auth)
    assert typo.status_code == 422 and "甲市財政局" in typo.json()["problems"][0]["message"]
    typo = c.post("/api/admin/users", json={"name": "fay", "role": "supervisor", "region": "甲巿",
                                            "password": "a good password"}, headers=auth)
    assert typo.status_code == 422 and typo.json()["problems"][0]["field"] == "region"
    assert ids(register, Agency, "甲市財政局") is None and ids(register, Region, "甲巿") is None
    assert ids(register, User, "fay") is None
    assert c.post(f"/api/admin/agencies/{agency.json()['id']}/withdraw", json={"reason": "合并"},
                  headers=auth).status_code == 422  # erin works there
    off = c.post(f"/api/admin/users/{person.json()['id']}/disabled", json={"disabled": True}, headers=auth)
    assert off.json()["disabled"] is True
    assert c.post(f"/api/admin/agencies/{agency.json()['id']}/withdraw", json={"reason": "合并"},
                  headers=auth).status_code == 200
    me = ids(register, User, "root")
    assert c.post(f"/api/admin/users/{me}/disabled", json={"disabled": True}, headers=auth).status_code == 422
    assert c.post(f"/api/admin/users/{me}/password", json={"password": "short"}, headers=auth).status_code == 422
    names = {u["name"] for u in c.get("/api/admin/users", headers=auth).json()}
    assert names == {"root", "alice", "sue", "erin"}
    officer, officer_auth = api_client(app, "alice")
    assert officer.get("/api/admin/users", headers=officer_auth).status_code == 403
    assert officer.post("/api/admin/regions", json={"name": "乙省"}, headers=officer_auth).status_code == 403
    cookie_only = TestClient(app)
    cookie_only.post("/api/session", json={"username": "root", "password": PASSWORD})
    assert cookie_only.post("/api/admin/regions", json={"name": "乙省"}).status_code == 403  # no X-CSRF-Token
    assert "/api/admin/users" in c.get("/openapi.json").json()["paths"]
