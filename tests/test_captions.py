"""Captions printed beside a table (第二十条第（一）项 above table 二's ruled blocks) belong to the table."""

from __future__ import annotations

import pytest

from gongkai.extract import extract
from gongkai.inputs import parse_file
from gongkai.readers.document import Document, Paragraph, Table, TextCell
from gongkai.writers.markdown import render_markdown
from support import REAL, REAL_PDFS

needs_shared = pytest.mark.skipif(not REAL.exists(), reason="shared/ not beside the checkout")


@needs_shared
@pytest.mark.parametrize("name", REAL_PDFS)
def test_block_captions_are_not_section_prose(name: str):
    report = parse_file(REAL / f"{name}.pdf")
    assert "第二十条" not in report.section(2).text  # type: ignore[union-attr]
    written = render_markdown(report)
    assert written.count("第二十条第（一）项") + written.count("第二十条 第（一）项") == 1


def _doc(caption: str) -> Document:
    row = [TextCell("信息内容", 2, 0), TextCell("本年处理决定数量", 2, 1)]
    values = [TextCell("行政许可", 3, 0), TextCell("7", 3, 1)]
    return Document("caption.txt", [Paragraph("二、主动公开政府信息情况", 1), Paragraph(caption, 1),
                                    Table([row, values], grid=True, layout="html")])


def test_a_caption_above_a_table_is_its_first_row():
    report = extract(_doc("第二十条第（五）项"))
    assert report.value("proactive.licensing.decisions") == 7
    assert report.section(2).text == ""  # type: ignore[union-attr]


def test_a_sentence_above_a_table_stays_prose():
    report = extract(_doc("本机关依据第二十条第（五）项公开行政许可情况如下。"))
    assert "第二十条" in report.section(2).text  # type: ignore[union-attr]
