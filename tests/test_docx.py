"""Word files: the blank official template, seeds through the writer and back, bad files."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from gongkai.errors import InputError
from gongkai.extract import extract
from gongkai.formats import get_format
from gongkai.inputs import parse_file
from gongkai.office import convert
from gongkai.readers import read_document
from gongkai.readers.document import Table
from gongkai.serialized import report_from_flat
from gongkai.writers.docx import write_docx
from gongkai.writers.html import section_parts
from support import SEEDS, SHARED, seed_names

TEMPLATE = SHARED / "fixtures" / "real" / "blank-template-2021.docx"


@pytest.mark.skipif(not TEMPLATE.exists(), reason="shared/ not beside the checkout")
def test_blank_template_reads_as_2021_with_every_cell_blank() -> None:
    flat = parse_file(TEMPLATE).flat()
    fmt = get_format("2021")
    assert flat.pop("meta.template") == "2021"
    assert set(flat) == set(fmt.table2_keys() + fmt.table3_keys() + fmt.table4_keys())
    assert all(v is None for v in flat.values())


@pytest.mark.parametrize("name", seed_names())
def test_seed_through_word_and_back(tmp_path: Path, name: str) -> None:
    report = parse_file(SEEDS / f"{name}.txt")
    out = tmp_path / "report.docx"
    write_docx(report, out)
    again = extract(read_document(out))
    assert again.flat() == report.flat()
    assert {s.number: s.text for s in again.sections} == {s.number: s.text for s in report.sections}
    assert again.meta.signature == (report.meta.signature or report.meta.agency)  # the agency signs when none did
    assert again.meta.published == report.meta.published
    for number in (2, 3, 4):  # each section's prose before and after its table, as the source had it
        assert section_parts(again, number, True) == section_parts(report, number, True)


def test_prose_comes_before_the_table_unless_the_source_put_it_after(tmp_path: Path) -> None:
    flat = {"meta.year": 2025, "meta.agency": "某县财政局", "meta.template": "2021", "review.upheld": 1,
            "prose": {"2": "本年主动公开信息56条。", "3": "收到申请2件。"}}
    report = report_from_flat(flat, "generated")  # a workbook or JSON: no order given, so prose first
    out = tmp_path / "r.docx"
    write_docx(report, out)
    blocks = read_document(out).blocks
    at = next(i for i, b in enumerate(blocks) if getattr(b, "text", "") == "本年主动公开信息56条。")
    assert isinstance(blocks[at + 1], Table) and blocks[at - 1].text.startswith("二、")
    again = extract(read_document(out))
    assert again.section(2).table_at == 1
    again.section(3).table_at = 0  # printed after its table: kept so on the next round
    write_docx(again, out)
    assert extract(read_document(out)).section(3).table_at == 0


def test_pages_of_an_official_document(tmp_path: Path) -> None:
    """GB/T 9704 page furniture and the rules that keep tables readable across pages."""
    out = tmp_path / "report.docx"
    write_docx(parse_file(SEEDS / "004_c82a2c402dd56cf8.txt"), out)
    archive = zipfile.ZipFile(out)
    xml = archive.read("word/document.xml").decode()
    tables = xml.split("<w:tbl>")[1:]
    heads = [t.split("</w:tbl>")[0].count("<w:tblHeader/>") for t in tables]
    assert heads == [0, 3, 3]  # table 二 has a header per block; 三 and 四 repeat their three header rows
    assert all(t.count("<w:cantSplit/>") == t.count("<w:tr>") for t in tables)  # no row splits
    table2 = tables[0].split("</w:tbl>")[0]
    rows = table2.split("<w:tr>")[1:]
    assert all("<w:keepNext/>" in row for row in rows[:-1]) and "<w:keepNext/>" not in rows[-1]  # one page
    assert '<w:t>高安市行政务服务中心管委会</w:t>' in xml and '<w:t>2023年政府信息公开工作年度报告</w:t>' in xml
    assert 'w:eastAsia="楷体_GB2312"' in xml and 'w:eastAsia="zh-CN"' in xml
    assert '<w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/>' in xml  # 28 pt lines
    assert "<w:evenAndOddHeaders/>" in archive.read("word/settings.xml").decode()
    footers = [archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")]
    assert len(footers) == 2 and all('w:instr=" PAGE "' in f and "— " in f for f in footers)
    assert sorted(re.search(r'<w:jc w:val="(\w+)"/>', f)[1] for f in footers) == ["left", "right"]
    closing = xml.rsplit("<w:p>", 2)[1:]
    assert "高安市行政服务中心管委会" in closing[0] and "2024年1月11日" in closing[1]
    assert all('<w:jc w:val="right"/>' in p for p in closing)


def test_written_tables_use_merged_cells_like_the_template(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    write_docx(parse_file(SEEDS / "004_c82a2c402dd56cf8.txt"), out)
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert xml.count("<w:tbl>") == 3
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="方正小标宋简体"' in xml
    assert '<w:vMerge w:val="restart"/>' in xml and '<w:gridSpan w:val="7"/>' in xml
    fonts = zipfile.ZipFile(out).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>' in fonts


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_not_a_zip(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="不是 zip 压缩包"):
        read_document(_bad(tmp_path, "a.docx", b"plain text, not a Word file"))


def test_password_protected_or_legacy(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="加密的或旧版的 Word 文件"):
        read_document(_bad(tmp_path, "a.docx", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600))


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/bomb.bin", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(InputError, match="压缩炸弹"):
        read_document(_bad(tmp_path, "bomb.docx", buffer.getvalue()))


def test_corrupt_document_xml(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    write_docx(parse_file(SEEDS / "001_205d0fb765df4a20.txt"), good)
    buffer = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    with pytest.raises(InputError, match="已损坏"):
        read_document(_bad(tmp_path, "corrupt.docx", buffer.getvalue()))


def test_truncated_file(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    write_docx(parse_file(SEEDS / "001_205d0fb765df4a20.txt"), good)
    with pytest.raises(InputError):
        read_document(_bad(tmp_path, "cut.docx", good.read_bytes()[:3000]))


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler-utils is not installed")
def test_written_report_opens_in_libreoffice(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    write_docx(parse_file(SEEDS / "004_c82a2c402dd56cf8.txt"), out)
    pdf = convert(out, "pdf", tmp_path, "test")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())
    # labels in wide cells: narrow header cells (商业 / 企业) wrap one character per line
    for label in ("申请人情况", "自然人", "总计", "（一）予以公开", "信息内容", "行政复议", "行政诉讼", "规章",
                  "行政许可", "二、主动公开政府信息情况", "四、政府信息公开行政复议、行政诉讼情况"):
        assert label in flat, label
