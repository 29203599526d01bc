"""Web pages: the HTML reader on pages as government sites publish them, the HTML and Markdown
writers, and their round trips through the readers.

The pages in fixtures/html were typed for these tests in the styles seen on government sites;
NAME.expected.json holds the flat cell data of each, written from the numbers typed into it.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.errors import InputError
from gongkai.extract import extract
from gongkai.inputs import parse_file
from gongkai.readers.document import Paragraph, Table
from gongkai.readers.html import declared_charset, read_html, read_html_file
from gongkai.readers.text import read_text
from gongkai.writers.html import render_html, write_html
from gongkai.writers.markdown import render_markdown, write_markdown
from support import SEEDS, differences, seed_names

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
PAGES = sorted(p.name.removesuffix(".html") for p in FIXTURES.glob("*.html"))

# gongkai.layout._block_for takes the first wording (2019) of an article whose row has any cell in
# the report; 2021's 本年处理决定数量 has the same key (licensing.decisions) as 2019's 处理决定数量, so
# a 2021 report's table 二 is laid out with the 2019 columns of 第二十条第（五）（六）项, blank
# 上一年项目数量 and 本年增/减 cells that read back as extra null cells.
SEEDS_2021_TABLE2 = {"004_c82a2c402dd56cf8"}  # seeds whose table 二 uses the 2021 wording after （一）
PAGES_2021 = {name for name in PAGES if name[0] in "abcd"}


def _seeds(affected: set[str]) -> list:
    return [n for n in seed_names()]


def _table(html: str) -> Table:
    doc = read_html(f"<html><body><table>{html}</table></body></html>".encode(), "t.html")
    tables = doc.tables()
    assert len(tables) == 1
    return tables[0]


def _cells(table: Table) -> list[list[tuple[str, int | None, int]]]:
    return [[(c.text, c.column, c.span) for c in row] for row in table.rows]


# ── the fixture pages ────────────────────────────────────────────────────────

def test_there_are_six_fixture_pages_each_with_its_expected_data() -> None:
    assert len(PAGES) >= 6
    for name in PAGES:
        assert (FIXTURES / f"{name}.expected.json").exists(), name


@pytest.mark.parametrize("name", PAGES)
def test_fixture_page_parses_to_its_expected_data_cell_by_cell(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    doc = read_html_file(FIXTURES / f"{name}.html")
    report = extract(doc)
    assert differences(report.flat(), expected, types=True) == {}
    assert not report.notes, [(n.kind, n.params) for n in report.notes]
    assert sorted(s.number for s in report.sections) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("name", PAGES)
def test_fixture_page_tables_are_true_grids(name: str) -> None:
    doc = read_html_file(FIXTURES / f"{name}.html")
    tables = doc.tables()
    assert doc.kind == "html"
    assert [t.index for t in tables] == list(range(len(tables)))
    assert all(t.grid and t.layout == "html" for t in tables)


def test_gbk_page_is_read_in_the_charset_it_declares() -> None:
    data = (FIXTURES / "c_gbk_page.html").read_bytes()
    assert b'charset=gb2312' in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read_html(data, "c.html")
    assert doc.encoding == "gb18030"
    assert any(isinstance(b, Paragraph) and b.text == "一、总体情况" for b in doc.blocks)


def test_nested_layout_page_keeps_only_the_leaf_tables_and_skips_the_site_chrome() -> None:
    doc = read_html_file(FIXTURES / "a_nested_layout.html")
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts[0] == "安平县自然资源局2022年政府信息公开工作年度报告"  # banner, menus, breadcrumb skipped
    joined = "\n".join(texts)
    for chrome in ("首页", "政府信息公开指南", "当前位置", "ICP备", "setFontSize", "unescape"):
        assert chrome not in joined
    # the 信息公开 attribute table and the three report tables; the layout tables are not tables
    assert len(doc.tables()) == 4
    assert doc.tables()[1].rows[0][0].text == "第二十条第（一）项"


def test_paragraph_lines_are_source_lines() -> None:
    path = FIXTURES / "a_nested_layout.html"
    lines = [re.sub(r"<[^>]*>|&nbsp;", "", line) for line in path.read_text(encoding="utf-8").split("\n")]
    doc = read_html_file(path)
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            assert block.line is not None
            assert block.text[:6] in lines[block.line - 1], block
        else:
            for row in block.rows:
                for cell in row:
                    if cell.text:
                        assert cell.text.split("\n")[0] in lines[cell.line - 1], cell


# ── the reader on small pages ────────────────────────────────────────────────

def test_rowspan_continuation_is_an_empty_cell_and_colspan_appears_once() -> None:
    table = _table('<tr><td rowspan="3" colspan="3">角</td><td colspan="7">申请人情况</td></tr>'
                   '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>'
                   "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>")
    assert _cells(table) == [
        [("角", 0, 3), ("申请人情况", 3, 7)],
        [("", 0, 3), ("自然人", 3, 1), ("法人或其他组织", 4, 5), ("总计", 9, 1)],
        [("", 0, 3), ("", 3, 1), ("商业企业", 4, 1), ("科研机构", 5, 1), ("社会公益组织", 6, 1),
         ("法律服务机构", 7, 1), ("其他", 8, 1), ("", 9, 1)],
    ]
    assert table.grid and table.layout == "html"


def test_cell_text_breaks_blanks_and_wrapped_numbers() -> None:
    table = _table("<tr><td>商业<br>企业</td><td><p>自</p><p>然</p><p>人</p></td><td>&nbsp;</td></tr>"
                   '<tr><td><p align="center"><span lang="EN-US"><font face="宋体">12</font></span></p></td>'
                   "<td>\n  3\n</td><td><b>无</b></td></tr>")
    assert _cells(table) == [[("商业\n企业", 0, 1), ("自\n然\n人", 1, 1), ("", 2, 1)],
                             [("12", 0, 1), ("3", 1, 1), ("无", 2, 1)]]


def test_rows_past_the_end_and_ragged_rows() -> None:
    table = _table('<tr><td rowspan="9">a</td><td>b</td></tr><tr><td colspan="0">c</td><td>d</td></tr><tr></tr>')
    assert _cells(table) == [[("a", 0, 1), ("b", 1, 1)], [("", 0, 1), ("c", 1, 1), ("d", 2, 1)]]


def test_table_holding_a_table_is_layout_and_one_column_table_is_text() -> None:
    doc = read_html("<table><tr><td><p>标题</p><table><tr><td>1</td><td>2</td></tr></table>"
                    "<table><tr><td>单列</td></tr><tr><td>表格</td></tr></table></td></tr></table>".encode(), "x")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table", "Paragraph", "Paragraph"]
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["标题", "单列", "表格"]


def test_breaks_blocks_and_inline_text_make_paragraphs() -> None:
    doc = read_html("<div>第一段<br>第二段<div>内层</div>尾巴 <span>接着</span></div><ul><li>甲</li><li>乙</li></ul>"
                    "<p>&nbsp;&nbsp;缩进\n  换行</p><pre>a\nb</pre>".encode(), "x")
    assert [b.text for b in doc.blocks] == ["第一段", "第二段", "内层", "尾巴 接着", "甲", "乙", "缩进 换行", "a", "b"]


def test_chrome_scripts_and_hidden_elements_are_skipped() -> None:
    doc = read_html('<header>站头</header><nav>导航</nav><div class="nav-bar">菜单</div><div id="footer">页脚</div>'
                    '<script>var a = "脚本";</script><style>p{}</style><div style="display: none">隐藏</div>'
                    "<div>您的位置：首页 &gt; 年报</div><p>正文</p><footer>版权</footer>".encode(), "x")
    assert [b.text for b in doc.blocks] == ["正文"]


def test_chrome_that_holds_the_report_is_kept() -> None:
    doc = read_html('<div class="menu-content"><p>一、总体情况</p><p>正文</p></div>'
                    "<article><header><h1>某局2023年政府信息公开工作年度报告</h1></header></article>".encode(), "x")
    assert [b.text for b in doc.blocks] == ["一、总体情况", "正文", "某局2023年政府信息公开工作年度报告"]


@pytest.mark.parametrize(("head", "expected"), [
    (b'<meta charset="gbk">', "gb18030"),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312" />', "gb18030"),
    (b"<META HTTP-EQUIV=Content-Type CONTENT='text/html;charset=utf-8'>", "utf-8"),
    (b'<meta charset="big5">', "big5"),
    (b'<meta charset="iso-8859-1">', None),
    (b'<meta charset="no-such-codec">', None),
    (b"<p>no meta</p>", None),
])
def test_declared_charset(head: bytes, expected: str | None) -> None:
    assert declared_charset(b"<html><head>" + head + b"</head>") == expected


def test_charset_fallbacks() -> None:
    body = "<html><body><p>一、总体情况</p></body></html>"
    assert read_html(body.encode("utf-8"), "x").encoding == "utf-8"  # no meta: UTF-8 when it decodes
    assert read_html(body.encode("gb18030"), "x").blocks[0].text == "一、总体情况"  # else detected
    lying = '<meta charset="utf-8">' + body  # the page says UTF-8 but was saved as GBK
    assert read_html(lying.encode("gb18030"), "x").blocks[0].text == "一、总体情况"
    assert read_html(codecs_bom() + body.encode("utf-16-le"), "x").blocks[0].text == "一、总体情况"
    xhtml = '<?xml version="1.0" encoding="utf-8"?>\n' + body
    assert read_html(xhtml.encode(), "x").blocks[0].line == 2


def codecs_bom() -> bytes:
    import codecs

    return codecs.BOM_UTF16_LE


def test_navigation_only_page_is_an_input_error() -> None:
    page = ('<html><head><meta charset="utf-8"><title>首页</title></head><body>'
            '<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>'
            "<table><tr><td>首页</td><td>政务公开</td><td>政务服务</td></tr></table>"
            "<p>欢迎访问本网站</p><div id=\"footer\">版权所有</div></body></html>").encode()
    with pytest.raises(InputError, match="未找到年度报告"):
        extract(read_html(page, "nav.html"))


@pytest.mark.parametrize("data", [b"", b"   \n", b"<!-- only a comment -->", b"<html></html>"])
def test_empty_pages_are_input_errors(data: bytes) -> None:
    with pytest.raises(InputError):
        extract(read_html(data, "empty.html"))


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.html"):
        read_html_file(tmp_path / "nope.html")


_FRAGMENTS = ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", '<td rowspan="3">',
              '<td colspan="99999">', '<td rowspan="0" colspan="-2">', "<tbody>", "<thead>", "<br>", "<p>",
              "</p>", "<div>", "</div>", '<div class="nav">', "<header>", "<script>", "</script>", "<pre>",
              "&nbsp;", "&#0;", "&", "<", ">", "一、总体情况", "三、收到和处理政府信息公开申请情况", "自然人",
              "申请人情况", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
              "第二十条第（一）项", "信息内容", "行政复议", "结果维持", "总计", "0", "12", "无", "\n", " ",
              '<meta charset="gbk">', "<?xml version='1.0' encoding='utf-8'?>", "<!--", "-->", "\x00", "\ufffd"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=80))
def test_random_html_never_raises_anything_but_input_error(parts: list[str]) -> None:
    text = "".join(parts)
    for data in (text.encode("utf-8", "surrogatepass"), text):
        with contextlib.suppress(InputError):
            extract(read_html(data, "random.html"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PAGES), st.floats(0, 1), st.binary(max_size=8))
def test_truncated_or_damaged_pages_never_raise_anything_but_input_error(name: str, at: float, junk: bytes) -> None:
    data = (FIXTURES / f"{name}.html").read_bytes()
    cut = int(len(data) * at)
    for damaged in (data[:cut], data[:cut] + junk + data[cut + len(junk):]):
        with contextlib.suppress(InputError):
            extract(read_html(damaged, "damaged.html"))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_input_error(data: bytes) -> None:
    with contextlib.suppress(InputError):
        extract(read_html(data, "bytes.html"))


# ── the HTML writer ──────────────────────────────────────────────────────────

def _reread_html(report, tmp_path: Path):
    path = tmp_path / "report.html"
    write_html(report, path)
    return extract(read_html_file(path))


@pytest.mark.parametrize("name", _seeds(SEEDS_2021_TABLE2))
def test_html_round_trip_keeps_the_flat_data(name: str, tmp_path: Path) -> None:
    report = parse_file(SEEDS / f"{name}.txt")
    again = _reread_html(report, tmp_path)
    assert differences(again.flat(), report.flat(), types=True) == {}
    assert not again.notes, [(n.kind, n.params) for n in again.notes]


@pytest.mark.parametrize("name", seed_names())
def test_html_round_trip_keeps_the_section_texts(name: str, tmp_path: Path) -> None:
    report = parse_file(SEEDS / f"{name}.txt")
    again = _reread_html(report, tmp_path)
    assert {s.number: s.text for s in again.sections} == {s.number: s.text for s in report.sections}
    assert again.meta.signature == (report.meta.signature or report.meta.agency)  # the agency signs when none did
    assert again.meta.published == report.meta.published


def test_html_page_structure() -> None:
    report = parse_file(SEEDS / "004_c82a2c402dd56cf8.txt")
    page = render_html(report)
    title = "高安市行政务服务中心管委会2023年政府信息公开工作年度报告"
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page and 'name="viewport"' in page
    assert f"<title>{title}</title>" in page
    assert "<h1>高安市行政务服务中心管委会<br>2023年政府信息公开工作年度报告</h1>" in page  # agency / year
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                        "六、其他需要报告的事项"]
    for css in ("break-inside: avoid", "table-header-group", "overflow-x: auto", "仿宋_GB2312", "FangSong",
                "STFangsong", "FandolFang", "Noto Serif CJK SC"):
        assert css in page
    # the source printed each table right after its section's heading, with no prose before it
    for number, table in (("二", "t2"), ("三", "t3"), ("四", "t4")):
        after = page.split(f"<h2>{number}、", 1)[1]
        assert after.split("\n", 2)[1].startswith(f'<div class="table-wrap"><table class="{table}')
    bare = re.sub(r"</?span[^>]*>", "", page)  # labels come in unbreakable pieces: <span class="w">…</span>
    assert '<th scope="colgroup" rowspan="3" colspan="3">（本列数据的勾稽关系为' in bare
    assert '<th scope="rowgroup" rowspan="22" class="top">三、本年度办理结果</th>' in bare
    assert '<th scope="colgroup" colspan="5">法人或其他组织</th>' in bare
    assert '<span class="w">（三）</span><span class="w">不予公开</span>' in page
    assert '<td data-key="applications.new.natural_person">2</td>' in page
    assert page.count("<thead>") == 2  # tables 三 and 四; table 二 repeats its headers per block
    closing = page.split('<div class="closing">', 1)[1].split("</div>")[0]
    assert re.findall(r"<p[^>]*>(.*?)</p>", closing) == ["高安市行政服务中心管委会", "2024年1月11日"]


def test_html_writer_escapes_text_and_fills_missing_sections() -> None:
    report = parse_file(SEEDS / "001_205d0fb765df4a20.txt")
    report.meta.agency = "A&B<script>局"
    report.sections = [s for s in report.sections if s.number != 5]
    report.sections[0].text = "<b>粗</b> & 1  2"
    page = render_html(report)
    assert "<script>局" not in page and "A&amp;B&lt;script&gt;局" in page
    assert "<p>&lt;b&gt;粗&lt;/b&gt; &amp; 1&nbsp;&nbsp;2</p>" in page
    five = page.split("<h2>五、", 1)[1].split("</section>")[0]
    assert "<p>" not in five
    again = extract(read_html(page.encode(), "x.html"))
    assert again.section(1).text == "<b>粗</b> & 1  2"
    assert again.section(5).text == ""


@pytest.mark.parametrize("name", [n for n in PAGES])
def test_html_written_from_an_html_page_reads_the_same(name: str, tmp_path: Path) -> None:
    report = extract(read_html_file(FIXTURES / f"{name}.html"))
    again = _reread_html(report, tmp_path)
    assert differences(again.flat(), report.flat(), types=True) == {}


def test_table2_of_a_2021_report_is_written_in_the_2021_wording() -> None:
    page = render_html(parse_file(SEEDS / "004_c82a2c402dd56cf8.txt"))
    table2 = re.sub(r"</?span[^>]*>", "", page.split('<table class="t2', 1)[1].split("</table>", 1)[0])
    assert "本年处理决定数量" in table2
    assert "上一年项目数量" not in table2 and "本年增/减" not in table2


# ── the Markdown writer ──────────────────────────────────────────────────────

@pytest.mark.parametrize("name", seed_names())
def test_markdown_round_trip_through_the_text_reader(name: str) -> None:
    report = parse_file(SEEDS / f"{name}.txt")
    again = extract(read_text(render_markdown(report), "x.md"))
    assert differences(again.flat(), report.flat(), types=True) == {}


@pytest.mark.parametrize("name", _seeds(SEEDS_2021_TABLE2))
def test_markdown_round_trip_without_heading_marks(name: str) -> None:
    """Everything but the '#' marks reads back today: the tables, the title, the headings."""
    report = parse_file(SEEDS / f"{name}.txt")
    text = re.sub(r"(?m)^#{1,6} ", "", render_markdown(report))
    again = extract(read_text(text, "x.md"))
    assert differences(again.flat(), report.flat(), types=True) == {}
    assert sorted(s.number for s in again.sections) == [1, 2, 3, 4, 5, 6]


def test_markdown_joined_headers_are_recognised() -> None:
    report = parse_file(SEEDS / "003_e01440b0bdeabe39.txt")
    text = re.sub(r"(?m)^#{1,6} ", "", render_markdown(report))
    again = extract(read_text(text, "x.md"))
    assert [n.kind for n in again.notes] == []


def test_markdown_layout(tmp_path: Path) -> None:
    report = parse_file(SEEDS / "004_c82a2c402dd56cf8.txt")
    path = tmp_path / "report.md"
    write_markdown(report, path)
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[0] == "# 高安市行政务服务中心管委会2023年政府信息公开工作年度报告"
    assert [line for line in lines if line.startswith("## ")][3] == "## 四、政府信息公开行政复议、行政诉讼情况"
    tables = [block.split("\n") for block in text.split("\n\n") if block.startswith("|")]
    assert len(tables) == 3
    for table in tables:
        assert re.fullmatch(r"\|( --- \|)+", table[1])  # one header row, then the rule
        assert len({line.count(" | ") for line in table}) == 1  # every row as wide as the header
    t3 = tables[1]
    header = [c.strip() for c in t3[0].strip("|").split("|")]
    assert header[3:] == ["自然人", "法人或其他组织 商业企业", "法人或其他组织 科研机构", "法人或其他组织 社会公益组织",
                          "法人或其他组织 法律服务机构", "法人或其他组织 其他", "总计"]
    secret = next(line for line in t3 if "1.属于国家秘密" in line)
    assert secret.startswith("| 三、本年度办理结果 | （三）不予公开 | 1.属于国家秘密 |")
    new = next(line for line in t3 if "一、本年新收" in line)
    assert new.startswith("| 一、本年新收政府信息公开申请数量 |  |  | 2 |")
    t4 = [c.strip() for c in tables[2][0].strip("|").split("|")]
    assert t4[0] == "行政复议 结果维持" and t4[5] == "行政诉讼 未经复议直接起诉 结果维持"
    assert lines[-4:] == ["高安市行政服务中心管委会", "", "2024年1月11日", ""]


def test_markdown_escapes_pipes() -> None:
    report = parse_file(SEEDS / "001_205d0fb765df4a20.txt")
    cell = next(iter(report.cells.values()))
    report.cells = {cell.key: cell}
    from gongkai.formats import newest_format
    from gongkai.layout import LayoutCell, TableLayout
    from gongkai.writers.markdown import render_table

    table = TableLayout(newest_format().table(2), 2, 2)
    table.cells = [LayoutCell("a|b", 0, 0, colspan=2, header=False), LayoutCell("c", 1, 0),
                   LayoutCell("1", 1, 1, key="k")]
    assert render_table(table).split("\n") == ["| a\\|b |  |", "| --- | --- |", "| c | 1 |"]
