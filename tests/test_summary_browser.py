"""The supervising office's 汇总 in a real browser (Playwright driving Debian's chromium), against a real server:
the supervisor of 甲市 opens 汇总 from the menu and reads the sum of the accepted reports of the city and its
county; the supervisor of 乙市 sees none of it. Screenshots of 汇总 and 对比 go to docs/screenshots/."""

from __future__ import annotations

from gongkai.web.app import create_app
from test_summary_pages import ACCEPTED_甲, PASSWORD, YEAR, build_office, expected
from test_web_browser import logged_in, shot
from webserver import needs_chromium, running

pytestmark = needs_chromium


def test_the_supervisor_opens_the_summary_and_sees_the_sum(tmp_path, browser) -> None:
    reg, flats = build_office(tmp_path / "office.sqlite")
    want = expected(flats, ACCEPTED_甲).cells["applications.new.total"]
    try:
        with running(create_app(register=reg)) as url:
            context, page = logged_in(browser, url, ("sue", PASSWORD))
            page.click("nav.menu >> text=汇总")
            page.select_option("select[name=year]", str(YEAR))
            page.wait_for_url(f"**/summary?year={YEAR}*")
            assert page.locator('td[data-key="applications.new.total"]').first.inner_text().strip() == str(want)
            assert page.locator("#excluded").get_by_text("甲市民政局").count() == 1
            shot(page, "summary")
            page.click("nav.menu >> text=对比")
            page.select_option("select[name=year]", str(YEAR))
            page.wait_for_url(f"**/compare?year={YEAR}*")
            page.locator("#charts img").first.wait_for()
            page.locator("#charts").scroll_into_view_if_needed()
            shot(page, "compare")
            context.close()
            context, page = logged_in(browser, url, ("tom", PASSWORD))
            page.goto(f"/summary?year={YEAR}")
            assert "甲市" not in page.content()
            context.close()
    finally:
        reg.close()
