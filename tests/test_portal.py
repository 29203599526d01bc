"""Whole portal pages (the site around the article, the article in Word-exported HTML) and pages saved as .mht."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.errors import InputError
from gongkai.extract import extract
from gongkai.inputs import iter_files, parse_file, read_report
from gongkai.readers.html import read_html
from portal import mht, portal_page
from support import SEEDS, differences, truth

TWO_SEEDS = ["002_8183807e426b0491", "004_c82a2c402dd56cf8"]
CHROME_WORDS = ("首页", "当前位置", "相关链接", "关于做好2023年政务公开", "分享到", "QQ空间", "网站标识码", "ICP",
                "浏览次数", "统计代码", "招商引资奖励办法", "临时交通管制", "打印本页")


def _seed(name: str):
    return parse_file(SEEDS / f"{name}.txt")


def _no_chrome(report) -> None:
    texts = [report.meta.title or "", report.meta.signature or ""] + [s.heading + s.text for s in report.sections]
    assert not [w for w in CHROME_WORDS if any(w in t for t in texts)]


@pytest.mark.parametrize("name", TWO_SEEDS)
def test_a_portal_page_around_a_seed_reads_exactly(name: str, tmp_path: Path):
    seed = _seed(name)
    path = tmp_path / "page.html"
    path.write_text(portal_page(seed), encoding="utf-8")
    report = parse_file(path)
    assert differences(report.flat(), truth(name)) == {}
    assert [(s.number, s.text) for s in report.sections] == [(s.number, s.text) for s in seed.sections]
    _no_chrome(report)


def test_a_portal_page_in_gb2312_saved_as_mht_reads_exactly(tmp_path: Path):
    name = TWO_SEEDS[1]
    seed = _seed(name)
    for suffix in (".mht", ".mhtml"):
        path = tmp_path / f"page{suffix}"
        path.write_bytes(mht(portal_page(seed, "gb2312")))
        report = parse_file(path)
        assert differences(report.flat(), truth(name)) == {}
        assert report.meta.title == seed.meta.title
        _no_chrome(report)


def test_word_exported_cells_read_as_one_number():
    page = portal_page(_seed(TWO_SEEDS[1]))
    assert "<o:p></o:p>" in page and "<font face=宋体>8</font>" in page and "&nbsp;" in page
    assert extract(read_html(page, "page.html")).value("proactive.normative_docs.issued") == 18


@pytest.mark.parametrize(("data", "message"), [
    (b"", "为空"), (b"MIME-Version: 1.0\nContent-Type: text/plain\n\nhello", "text/html")])
def test_a_broken_mht_is_one_line(data: bytes, message: str, tmp_path: Path):
    path = tmp_path / "broken.mht"
    path.write_bytes(data)
    with pytest.raises(InputError) as error:
        parse_file(path)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_folder_runs_take_saved_pages_and_images(tmp_path: Path):
    names = ["a.mht", "b.mhtml", "c.png", "d.jpg", "e.jpeg", "f.tif", "g.tiff", "h.exe"]
    for n in names:
        (tmp_path / n).write_bytes(b"x")
    assert [Path(p).name for p in iter_files([str(tmp_path)])] == names[:-1]
    outcome = read_report(str(tmp_path / "c.png"))  # read (by OCR), so a bad scan is said, not skipped
    assert outcome.report is None and "c.png" in (outcome.error or "") and "\n" not in (outcome.error or "")


@pytest.mark.parametrize("name", TWO_SEEDS)
def test_a_portal_page_whose_tables_were_flattened_into_paragraphs(name: str):
    """No <table> left: the report's text in <p>s, a table's cells run together; read as crawled text."""
    from html import escape

    from crawled import glue

    sentences = glue((SEEDS / f"{name}.txt").read_text(encoding="utf-8")).strip().split("。")
    article = "".join(f"<p>{escape(s)}。</p>" for s in sentences[:-1]) + f"<p>{escape(sentences[-1])}</p>"
    page = f"<html><body><div class=nav>首页 政务公开</div><div class=article>{article}</div>" \
           f"<div class=footer>版权所有</div></body></html>"
    report = extract(read_html(page, "page.html"))
    got, expected = report.flat(), truth(name)
    assert {k: (got.get(k), v) for k, v in expected.items() if got.get(k) is not None and got[k] != v} == {}
    assert (report.meta.agency, report.meta.published) == (expected["meta.agency"], expected.get("meta.published"))
    assert sum(got.get(k) == v for k, v in expected.items()) > 0.9 * len(expected)
