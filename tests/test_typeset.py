"""The typesetting rules the Word and HTML writers share (gongkai.writers.typeset), on their own."""

from __future__ import annotations

import pytest

from gongkai.formats import all_formats
from gongkai.layout import table2, table3, table4
from gongkai.writers import typeset


def test_word_list_is_current() -> None:
    """words.txt holds jieba's words of every label of the bundled formats: regenerate it with
    `python -m gongkai.writers.typeset` when a format file changes."""
    pytest.importorskip("jieba")
    path = typeset.resources.files("gongkai.writers") / "words.txt"
    assert path.read_text(encoding="utf-8") == typeset.word_list()


def _tables():
    return [t for fmt in all_formats().values() for t in (table2(fmt), table3(fmt), table4(fmt))]


@pytest.mark.parametrize("table", _tables(), ids=lambda t: f"{t.spec.name}-{t.ncols}")
def test_every_label_breaks_between_words_at_its_width(table) -> None:
    placed = typeset.set_table(table)
    assert sum(placed.widths) == pytest.approx(typeset.TEXT_WIDTH_PT / typeset.TABLE_PT)
    for cell in table.cells:
        if cell.key is not None or not cell.text:
            continue
        lines = placed.lines[id(cell)]
        assert "".join(lines) == cell.text.replace("\n", "")  # nothing added, nothing lost
        words = typeset.words(cell.text)
        edges = {sum(len(w) for w in words[:i]) for i in range(len(words) + 1)}
        cuts = {sum(len(x) for x in lines[:i]) for i in range(1, len(lines))}
        assert cuts <= edges, (cell.text, lines)


def test_short_names_and_list_numbers_stay_whole() -> None:
    assert typeset.units("（三）不予公开") == ("（三）", "不予公开")
    assert typeset.wrap("（三）不予公开", 4) == ["（三）", "不予公开"]
    assert typeset.units("1.属于国家秘密")[0] == "1.属于"  # 1. never ends a line
    for width in (3, 4, 5):  # an opening quote never ends a line, a closing one never starts one
        lines = typeset.wrap("3.危及“三安全一稳定”", width)
        assert not any(line.endswith("“") or line.startswith("”") for line in lines), lines


def test_title_falls_into_lines_at_the_agency() -> None:
    width = typeset.TEXT_WIDTH_PT / 22 - 0.5  # 二号 on the text block
    title = "淮安市人民政府2024年政府信息公开工作年度报告"
    assert typeset.title_lines(title, "淮安市人民政府", width) == ["淮安市人民政府", "2024年政府信息公开工作年度报告"]
    assert typeset.title_lines("某局2024年政府信息公开工作年度报告", "某局", width) == [
        "某局2024年政府信息公开工作年度报告"]  # fits on one line
    long = "中共宿迁市宿城区委员会机构编制委员会办公室行政审批服务局"
    lines = typeset.title_lines(long + "2024年政府信息公开工作年度报告", long, width)
    assert lines[-1] == "2024年政府信息公开工作年度报告" and "".join(lines[:-1]) == long and len(lines) == 3


def test_signature_is_centred_over_the_date() -> None:
    sign, date = typeset.closing_offsets("某县财政局", "2026年1月20日")
    assert date == 4 and sign == pytest.approx(4 + (typeset.text_width("2026年1月20日") - 5) / 2)
    sign, date = typeset.closing_offsets("高安市行政服务中心管委会", "2024年1月11日")
    assert sign == 2 and date > 4  # a signature longer than the date: 右空二字, the date centred under it
    assert typeset.closing_offsets("某县财政局", None) == (2.0, 4.0)


def test_notes_and_paragraph_headings() -> None:
    label = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert label[typeset.note_start(label):].startswith("（区分")
    assert typeset.note_start("本年收费金额（单位：万元）") is None
    assert typeset.lead_heading("（一）主动公开情况。2024年，市政府…") == len("（一）主动公开情况。")
    assert typeset.lead_heading("（一）主动公开") == len("（一）主动公开")
    assert typeset.lead_heading("2024年，市政府…") == 0


def test_writing_the_seeds_needs_no_segmenter() -> None:
    """Every label of the bundled formats is in the word list and titles that fit are not segmented:
    a report is written without loading jieba's dictionary (over a second)."""
    import subprocess
    import sys

    from support import SEEDS

    code = ("import sys, tempfile, pathlib\n"
            "from gongkai.inputs import parse_file\n"
            "from gongkai.writers.docx import write_docx\n"
            "from gongkai.writers.html import render_html\n"
            f"for p in sorted(pathlib.Path({str(SEEDS)!r}).glob('*.txt')):\n"
            "    r = parse_file(p); write_docx(r, tempfile.mktemp(suffix='.docx')); render_html(r)\n"
            "print('jieba' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
