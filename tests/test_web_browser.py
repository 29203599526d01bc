"""The officer's day in a real browser (Playwright driving Debian's chromium; nothing is downloaded), against a real
server on the demo register: an application received 2026-02-10 is due 2026-03-16, extended to 2026-04-14, answered
予以公开; the 2026 report counts it in 本年新收 and 予以公开; the Word report reads back with the same cells through
`gongkai parse`; another agency's officer gets 404 by page and by API. Screenshots of the main pages are written to
docs/screenshots/ (the README shows them)."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.register.db import open_register
from gongkai.web.app import create_app
from gongkai.web.demo import build_demo
from webserver import needs_chromium, running

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
VIEWPORT = {"width": 1366, "height": 860}

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A server on a fresh demo register, and its people."""
    reg = open_register(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite'}")
    people, _ = build_demo(reg)
    with running(create_app(register=reg)) as url:
        yield url, people
    reg.close()


def logged_in(browser, url: str, person: tuple[str, str]):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True, base_url=url)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", person[0])
    page.fill("input[name=password]", person[1])
    page.click("button.primary")
    page.wait_for_url(f"{url}/")
    return context, page


def shot(page, name: str) -> None:
    """A screenshot of the viewport, in 128 colours (a third of the size; flat colours and text stay crisp)."""
    from PIL import Image

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)  # no hover highlight in the picture
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    with Image.open(path) as image:
        flat = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    flat.save(path, optimize=True)


def cell(page, key: str) -> str:
    return page.locator(f'td[data-key="{key}"]').first.inner_text().strip()


def register_application(page, applicant: str) -> str:
    """Register an application received 2026-02-10 through the form; its page's path."""
    page.goto("/applications/new")
    page.fill("input[name=收到日期]", "2026-02-10")
    page.select_option("select[name=渠道]", "网络")
    page.select_option("select[name=申请人类型]", label="自然人")
    page.fill("input[name=申请人]", applicant)
    page.fill("textarea[name=申请内容]", "某路段改造工程的立项批复文件")
    page.click("form button.primary")
    page.wait_for_url("**/applications/*")
    return "/" + page.url.split("/", 3)[3]


def record_event(page, kind: str, **fields: str) -> None:
    page.select_option("#event-kind", kind)
    for name, value in fields.items():
        if name == "办理结果":
            page.select_option("select[name=办理结果]", label=value)
        else:
            page.fill(f"input[name={name}]", value)
    with page.expect_navigation():
        page.click(".event-form button.primary")


def test_an_officer_registers_extends_answers_and_reports(demo, browser, tmp_path) -> None:
    url, people = demo
    context, page = logged_in(browser, url, people.officer)
    shot(page, "desk")
    page.goto("/report?year=2026")
    before = {key: int(cell(page, key)) for key in ("applications.new.total", "applications.granted.total")}

    path = register_application(page, "李明")
    assert page.inner_text("#due") == "2026-03-16"
    record_event(page, "extension", 理由="需要调取档案，延期答复")
    assert page.inner_text("#due") == "2026-04-14"
    assert "延长答复期限" in page.inner_text(".trace")
    record_event(page, "answer", 日期="2026-03-20", 办理结果="予以公开")
    assert "予以公开" in page.inner_text(".timeline")
    assert page.locator(".timeline a.letter", has_text="答复书").count() == 1
    shot(page, "application")
    number = page.inner_text("h1").split()[-1]

    page.goto("/report?year=2026")
    assert int(cell(page, "applications.new.total")) == before["applications.new.total"] + 1
    assert int(cell(page, "applications.granted.total")) == before["applications.granted.total"] + 1
    page.locator('td[data-key="applications.granted.natural_person"]').first.click()
    page.wait_for_selector("#explain:not([hidden]) table")
    assert number in page.inner_text("#explain")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "report")

    with page.expect_download() as download:
        page.click("text=下载 Word")
    word = tmp_path / "report.docx"
    download.value.save_as(word)
    parsed = subprocess.run([sys.executable, "-m", "gongkai", "parse", str(word), "--flat"], capture_output=True,
                            text=True, check=True)
    cells = json.loads(parsed.stdout)
    served = context.request.get("/api/reports/2026").json()
    table3 = [key for key in served if key.startswith("applications.")]
    assert len(table3) > 100
    assert {key: cells.get(key) for key in table3} == {key: served[key] for key in table3}

    for name, where in (("applications", "/applications"), ("counts", "/counts?year=2025"), ("cases", "/cases"),
                        ("documents", "/documents"), ("files", "/files"), ("audit", "/audit")):
        page.goto(where)
        shot(page, name)

    other, other_page = logged_in(browser, url, people.other_officer)
    assert other_page.goto(path).status == 404
    assert "没有找到该记录" in other_page.inner_text("main")
    record = path.rsplit("/", 1)[1]
    assert other.request.get(f"/api/applications/{record}").status == 404
    assert context.request.get(f"/api/applications/{record}").status == 200
    other.close()
    context.close()


def test_the_login_page(demo, browser) -> None:
    url, _ = demo
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=url)
    page = context.new_page()
    page.goto("/")
    assert page.url.endswith("/login")
    shot(page, "login")
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "wrong password")
    page.click("button.primary")
    assert "用户名或密码不正确" in page.inner_text(".alert")
    context.close()


def test_the_answer_letter_cites_the_article(demo, browser, tmp_path) -> None:
    if importlib.util.find_spec("gongkai.letters") is None:
        pytest.skip("gongkai.letters (the letters helper's package) is not merged into this branch yet")
    from docx import Document

    url, people = demo
    context, page = logged_in(browser, url, people.officer)
    register_application(page, "王红")
    record_event(page, "answer", 日期="2026-03-02", 办理结果="予以公开")
    with page.expect_download() as download:
        page.click(".timeline a.letter:has-text('答复书')")
    path = tmp_path / "answer.docx"
    download.value.save_as(path)
    text = "\n".join(p.text for p in Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert "第三十六条" in text and "王红" in text
    context.close()
