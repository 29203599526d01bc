"""The admin's pages in a real browser (Playwright driving Debian's chromium, nothing downloaded): the first admin
logs in, adds an agency and an officer of it through the pages, and the officer can log in. The users page's
screenshot goes to docs/screenshots/admin_users.png (the README shows it)."""

from __future__ import annotations

from pathlib import Path

from gongkai.register.accounts import add_user, list_agencies, list_users
from gongkai.register.db import open_register
from gongkai.web.app import create_app
from webserver import needs_chromium, running

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "一个足够长的密码"

pytestmark = needs_chromium


def shot(page, name: str) -> None:
    """A screenshot of the viewport, in 128 colours, as tests/test_web_browser.py writes them."""
    from PIL import Image

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    with Image.open(path) as image:
        flat = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    flat.save(path, optimize=True)


def log_in(page, name: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button.primary")


def test_the_first_admin_adds_an_agency_and_an_officer(tmp_path, browser) -> None:
    reg = open_register(f"sqlite:///{tmp_path / 'admin.sqlite'}")
    add_user(reg, "管理员", PASSWORD, "admin", user="setup")  # as `gongkai users add 管理员 --role admin` does
    add_user(reg, "李四", PASSWORD, "supervisor", region="某市", user="setup")
    try:
        with running(create_app(register=reg)) as url:
            context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN", base_url=url)
            page = context.new_page()
            log_in(page, "管理员", PASSWORD)
            page.wait_for_url("**/admin/agencies")

            page.click("details.add summary")
            page.fill("input[name=name]", "某市生态环境局")
            page.select_option("select[name=region]", label="某市")
            page.click("details.add button.primary")
            page.wait_for_url("**/admin/agencies?done=1")
            assert "某市生态环境局" in page.inner_text("table.list")

            page.click("nav.menu >> text=用户")
            page.click("details.add summary")
            page.fill("input[name=name]", "张三")
            page.select_option("select[name=role]", "officer")
            page.select_option("select[name=agency]", label="某市生态环境局")
            page.fill("input[name=password]", "另一个足够长的密码")
            page.fill("input[name=password_again]", "另一个足够长的密码")
            page.click("details.add button.primary")
            page.wait_for_url("**/admin/users?done=1")
            assert "张三" in page.inner_text("table.list")
            shot(page, "admin_users")

            officer = browser.new_context(base_url=url).new_page()
            log_in(officer, "张三", "另一个足够长的密码")
            officer.wait_for_url(f"{url}/")
            assert "某市生态环境局" in officer.inner_text("header")
        people = {row.name: row for row in list_users(reg)}
        assert people["张三"].agency == "某市生态环境局" and people["张三"].role == "officer"
        assert [(a.name, a.region) for a in list_agencies(reg)] == [("某市生态环境局", "某市")]
    finally:
        reg.close()
