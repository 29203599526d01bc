"""The fill-in workbook: writing it, reading it back, its formulas and protection, bad files.

A workbook is read through the normal extraction (xlsx → Document → extract), so every test here
also checks that the reader lays the sheets out as a report would print them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gongkai.checks import run_checks
from gongkai.errors import InputError
from gongkai.extract import extract
from gongkai.formats import Format, all_formats, get_format
from gongkai.inputs import parse_file
from gongkai.labels import SECTION_NUMERALS
from gongkai.model import Report
from gongkai.readers.xlsx import read_xlsx_file
from gongkai.serialized import report_from_flat
from gongkai.workbook import INFO_SHEET, KEY_FORMAT, KEYS_SHEET, PROSE_SHEET, table_sheet
from gongkai.writers.xlsx import write_template, write_workbook
from support import differences, seed_files

SEEDS = seed_files()
FORMAT_IDS = list(all_formats())


def read(path: Path) -> Report:
    return extract(read_xlsx_file(path))


def section_texts(report: Report) -> dict[int, str]:
    """Section number → prose, for all six (a section the report lacks has no prose)."""
    return {n: (s.text if (s := report.section(n)) else "") for n in range(1, 7)}


def key_map(path: Path) -> tuple[str, dict[str, tuple[str, str, str]]]:
    """The format id and key → (sheet, cell, kind) from the hidden 「_keys」 sheet."""
    wb = load_workbook(path)
    rows = list(wb[KEYS_SHEET].iter_rows(min_row=2, values_only=True))
    fmt = next(str(r[1]) for r in rows if r[0] == KEY_FORMAT)
    cells = {}
    for key, ref, kind in rows:
        sheet, _, address = str(ref).rpartition("!")
        cells[key] = (sheet, address, kind or "")
    return fmt, cells


def data_keys(fmt: Format) -> list[str]:
    return fmt.table2_keys() + fmt.table3_keys() + fmt.table4_keys()


def total_keys(fmt: Format) -> set[str]:
    """The cells the identities define as sums: table 三's 总计 column and row, table 四's 总计."""
    out = set()
    for identity in fmt.identities:
        if len(identity.left) == 1 and identity.sum_over:
            out |= {identity.left[0].format(**b) for b in fmt.bindings(identity.for_each)}
    return out


# ── (a) every seed: report → workbook → report ─────────────────────────────



@pytest.mark.parametrize("seed", [pytest.param(p, id=p.name[:3]) for p in SEEDS])
def test_seed_round_trip(seed: Path, tmp_path: Path):
    report = parse_file(seed)
    out = tmp_path / "report.xlsx"
    write_workbook(report, out)
    again = read(out)
    assert differences(again.flat(), report.flat()) == {}
    assert section_texts(again) == section_texts(report)


def test_seed_round_trip_keeps_every_number_as_printed(tmp_path: Path):
    """Seed 003 has blank cells and decimals: blanks stay blank, numbers keep their value."""
    report = parse_file(next(p for p in SEEDS if p.name.startswith("003")))
    write_workbook(report, tmp_path / "r.xlsx")
    again = read(tmp_path / "r.xlsx")
    blanks = [k for k, c in report.cells.items() if c.value is None]
    assert blanks and all(again.value(k) is None for k in blanks)
    assert again.meta.published == report.meta.published
    assert again.meta.agency == report.meta.agency and again.meta.year == report.meta.year


# ── (b) a blank template ───────────────────────────────────────────────────

@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_blank_template_reads_as_its_format(format_id: str, tmp_path: Path):
    fmt = get_format(format_id)
    out = tmp_path / "blank.xlsx"
    write_template(fmt, out)
    report = read(out)
    flat = report.flat()
    assert flat.pop("meta.template") == format_id
    assert set(flat) == set(data_keys(fmt))
    assert [k for k, v in flat.items() if v is not None] == []
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert all(s.text == "" for s in report.sections)


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_blank_template_sheets_and_keys(format_id: str, tmp_path: Path):
    fmt = get_format(format_id)
    out = tmp_path / "blank.xlsx"
    write_template(fmt, out)
    wb = load_workbook(out)
    assert wb.sheetnames == [INFO_SHEET, *(table_sheet(t) for t in fmt.tables), PROSE_SHEET, KEYS_SHEET]
    assert wb[KEYS_SHEET].sheet_state == "hidden"
    stored_format, cells = key_map(out)
    assert stored_format == format_id
    assert {k for k in cells if "." in k and k.split(".")[0] in ("proactive", "applications", "review",
                                                                "litigation_direct", "litigation_after_review")
            } == set(data_keys(fmt))
    headings = [wb[PROSE_SHEET].cell(2 + i, 1).value for i in range(6)]
    assert headings == [SECTION_NUMERALS[int(s.key) - 1] + "、" + s.label for s in fmt.sections]


# ── (c) formulas ────────────────────────────────────────────────────────────

@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_totals_are_sum_formulas(format_id: str, tmp_path: Path):
    fmt = get_format(format_id)
    out = tmp_path / "t.xlsx"
    write_template(fmt, out)
    wb = load_workbook(out)
    _, cells = key_map(out)
    totals = total_keys(fmt)
    assert totals >= {f"applications.{r.key}.total" for r in fmt.table3_rows}
    assert totals >= {f"applications.total.{c.key}" for c in fmt.table3_columns}
    assert totals >= {f"{g.key}.total" for g in fmt.table4_groups}
    fills: dict[str, set[str]] = {"formula": set(), "input": set()}
    for key in data_keys(fmt):
        sheet, address, kind = cells[key]
        cell = wb[sheet][address]
        if key in totals:
            assert cell.data_type == "f" and str(cell.value).startswith("=SUM("), key
            assert kind == "formula"
        else:
            assert cell.data_type != "f", key
            assert kind == "input"
        fills[kind].add(cell.fill.fgColor.rgb)
    assert len(fills["formula"]) == 1 and not fills["formula"] & fills["input"]  # a fill of their own


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_filled_parts_read_back_with_totals_computed(format_id: str, tmp_path: Path):
    """Parts filled with openpyxl (no cached formula values): the reader computes the sums."""
    fmt = get_format(format_id)
    out = tmp_path / "t.xlsx"
    write_template(fmt, out)
    _, cells = key_map(out)
    totals = total_keys(fmt)
    wb = load_workbook(out)
    typed: dict[str, int] = {}
    for i, key in enumerate(fmt.table3_keys() + fmt.table4_keys()):
        if key not in totals:
            sheet, address, _ = cells[key]
            typed[key] = (i * 7) % 13
            wb[sheet][address] = typed[key]
    wb.save(out)
    report = read(out)
    for key, value in typed.items():
        assert report.value(key) == value, key
    for c in fmt.table3_columns:
        if c.key != "total":
            expected = sum(typed[f"applications.{r}.{c.key}"] for r in fmt.sets["result_rows"])
            assert report.value(f"applications.total.{c.key}") == expected
    for r in fmt.table3_rows:
        if r.key != "total":
            expected = sum(typed[f"applications.{r.key}.{c}"] for c in fmt.sets["applicant_parts"])
            assert report.value(f"applications.{r.key}.total") == expected
    assert report.value("applications.total.total") == sum(
        typed[f"applications.{r}.{c}"] for r in fmt.sets["result_rows"] for c in fmt.sets["applicant_parts"])
    for g in fmt.table4_groups:
        assert report.value(f"{g.key}.total") == sum(typed[f"{g.key}.{p}"] for p in fmt.sets["appeal_parts"])
    codes = {f.code for f in run_checks(report)}
    assert not codes & {"A102", "A103", "A104"}


def test_cached_formula_values_win(tmp_path: Path):
    """A workbook saved by Excel carries the value of each formula; that value is read."""
    fmt = get_format("2021")
    out = tmp_path / "t.xlsx"
    write_template(fmt, out)
    sheet, address, _ = key_map(out)[1]["review.total"]
    _put_cached_value(out, sheet, address, 42)
    assert read(out).value("review.total") == 42


def test_other_formulas_are_given_back_as_text(tmp_path: Path):
    fmt = get_format("2021")
    out = tmp_path / "t.xlsx"
    write_template(fmt, out)
    _, cells = key_map(out)
    wb = load_workbook(out)
    sheet, address, _ = cells["review.upheld"]
    wb[sheet][address] = "=A1*2"
    wb.save(out)
    report = read(out)
    assert report.cells["review.upheld"].raw == "=A1*2" and report.value("review.upheld") is None
    assert any(f.code == "S207" and "review.upheld" in f.cells for f in run_checks(report))


def _put_cached_value(path: Path, sheet_title: str, address: str, value: int) -> None:
    """Give one formula cell a cached value, as Excel does when it saves."""
    import re

    wb = load_workbook(path)
    index = wb.sheetnames.index(sheet_title) + 1
    name = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[name].decode()
    pattern = re.compile(rf'(<c r="{address}"[^>]*>\s*<f>[^<]*</f>)\s*(<v\s*/>|<v></v>)?')
    xml, count = pattern.subn(rf"\g<1><v>{value}</v>", xml)
    assert count == 1
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


# ── (d) locked and unlocked ─────────────────────────────────────────────────

@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_only_inputs_are_unlocked(format_id: str, tmp_path: Path):
    fmt = get_format(format_id)
    out = tmp_path / "t.xlsx"
    write_template(fmt, out)
    wb = load_workbook(out)
    _, cells = key_map(out)
    inputs: set[tuple[str, str]] = set()
    for key in data_keys(fmt):
        sheet, address, _ = cells[key]
        cell = wb[sheet][address]
        assert cell.protection.locked == (cell.data_type == "f"), key
        if cell.data_type != "f":
            inputs.add((sheet, address))
    for key, (sheet, address, _) in cells.items():  # 基本信息 and 正文 inputs
        if key.startswith(("meta.", "section.")):
            assert not wb[sheet][address].protection.locked, key
            inputs.add((sheet, address))
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and (ws.title, cell.coordinate) not in inputs:
                    assert cell.protection.locked, (ws.title, cell.coordinate, cell.value)


def test_filled_copy_keeps_a_total_that_disagrees_as_an_input(tmp_path: Path):
    """A report whose printed 总计 is not the sum of its parts keeps its number, as an input."""
    fmt = get_format("2021")
    flat = {k: 1 for k in data_keys(fmt)}
    flat["review.total"] = 99
    meta = {"meta.year": 2023, "meta.agency": "某县财政局", "meta.template": "2021"}
    report = report_from_flat(meta | flat, "generated")
    out = tmp_path / "r.xlsx"
    write_workbook(report, out)
    _, cells = key_map(out)
    wb = load_workbook(out)
    sheet, address, kind = cells["review.total"]
    assert kind == "input" and wb[sheet][address].value == 99 and not wb[sheet][address].protection.locked
    again = read(out)
    assert again.value("review.total") == 99
    assert "A104" in {f.code for f in run_checks(again)}


# ── (e) text typed into number cells ────────────────────────────────────────

TEXT_CELLS = {  # key → text typed into it
    "applications.new.natural_person": "十二",
    "applications.granted.commercial": "约5",
    "review.upheld": "约5",
    "litigation_direct.pending": "十二",
    "proactive.rules.issued": "约5",
    "applications.carried_over.research": "5?",
    "litigation_after_review.other": "n/a",
    "proactive.fees.amount": "1.2.3",
}
def _with_text(fmt: Format, key: str, text: str, path: Path) -> None:
    """A filled template (every input a number) with one cell holding text."""
    write_template(fmt, path)
    _, cells = key_map(path)
    wb = load_workbook(path)
    for i, k in enumerate(data_keys(fmt)):
        sheet, address, kind = cells[k]
        if kind == "input":
            wb[sheet][address] = i % 3
    sheet, address, _ = cells[key]
    wb[sheet][address] = text
    wb.save(path)


@pytest.mark.parametrize("key", list(TEXT_CELLS))
def test_text_in_number_cells_is_reported(key: str, tmp_path: Path):
    out = tmp_path / "t.xlsx"
    _with_text(get_format("2021"), key, TEXT_CELLS[key], out)
    report = read(out)
    findings = run_checks(report)
    assert report.value(key) is None and report.cells[key].raw == TEXT_CELLS[key]
    assert any(f.code == "S207" and key in f.cells for f in findings)


@pytest.mark.parametrize("key", list(TEXT_CELLS))
def test_text_in_number_cells_stays_text_in_the_document(key: str, tmp_path: Path):
    """The reader's part: the typed text, as typed, at the grid column of its cell."""
    fmt = get_format("2021")
    out = tmp_path / "t.xlsx"
    _with_text(fmt, key, TEXT_CELLS[key], out)
    sheet, address, _ = key_map(out)[1][key]
    column = load_workbook(out)[sheet][address].column - 1  # tables start in column A
    found = [c for t in read_xlsx_file(out).tables() for row in t.rows for c in row if c.text == TEXT_CELLS[key]]
    assert [c.column for c in found] == [column]
    run_checks(read(out))  # and nothing crashes


def test_text_in_every_kind_of_cell_never_crashes(tmp_path: Path):
    fmt = get_format("2019")
    out = tmp_path / "t.xlsx"
    write_template(fmt, out)
    _, cells = key_map(out)
    wb = load_workbook(out)
    junk = ["十二", "约5", "", " ", "=", "=SUM(", "#N/A", "5件", "1,234", "-3", "０", "无", "—", "TRUE"]
    for i, (key, (sheet, address, _)) in enumerate(cells.items()):
        if key != KEY_FORMAT and not key.startswith("table.") and sheet in wb.sheetnames:
            wb[sheet][address] = junk[i % len(junk)]
    wb.save(out)
    run_checks(read(out))


# ── (f) files that are not workbooks ────────────────────────────────────────

def test_not_a_zip(tmp_path: Path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("一、总体情况\n这不是表格文件", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_xlsx_file(bad)
    assert "\n" not in str(e.value) and "zip" in e.value.problem


def test_ole2_password_protected(tmp_path: Path):
    bad = tmp_path / "locked.xlsx"
    bad.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024)
    with pytest.raises(InputError) as e:
        read_xlsx_file(bad)
    assert "\n" not in str(e.value) and "加密" in e.value.problem


def test_truncated_zip(tmp_path: Path):
    good = tmp_path / "good.xlsx"
    write_template(get_format("2021"), good)
    data = good.read_bytes()
    bad = tmp_path / "truncated.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as e:
        read_xlsx_file(bad)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04garbage", None])
def test_other_broken_files(content: bytes | None, tmp_path: Path):
    bad = tmp_path / "x.xlsx"
    if content is None:  # a valid zip without a workbook in it
        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("hello.txt", "你好")
    else:
        bad.write_bytes(content)
    with pytest.raises(InputError):
        read_xlsx_file(bad)


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError):
        read_xlsx_file(tmp_path / "nowhere.xlsx")


# ── Workbooks that are not ours ─────────────────────────────────────────────

def test_foreign_workbook_tables_without_keys(tmp_path: Path):
    """Our workbook without its 「_keys」 sheet: every sheet read as it is; the tables still parse."""
    report = parse_file(next(p for p in SEEDS if p.name.startswith("001")))
    out = tmp_path / "r.xlsx"
    write_workbook(report, out)
    wb = load_workbook(out)
    del wb[KEYS_SHEET]
    wb.save(out)
    again = read(out)
    tables = {k: v for k, v in report.flat().items() if not k.startswith("meta.")}
    assert differences({k: v for k, v in again.flat().items() if not k.startswith("meta.")}, tables) == {}


def test_foreign_workbook_one_sheet(tmp_path: Path):
    """A whole report typed on one sheet: title, headings and prose as lines, table 四 bordered."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, Side

    fmt = get_format("2021")
    wb = Workbook()
    ws = wb.active
    lines = ["某县财政局2023年政府信息公开工作年度报告"]
    for s in fmt.sections:
        lines += [SECTION_NUMERALS[int(s.key) - 1] + "、" + s.label, f"第{s.key}部分的正文。"]
    for line in lines[:9]:  # up to the heading of section 四
        ws.append([line])
    thin = Side(style="thin")
    start = ws.max_row + 1
    groups, columns = fmt.table4_groups, fmt.table4_columns
    ws.append(["行政复议", *[""] * 4, "行政诉讼"])
    ws.append([c.label for c in columns] + [groups[1].label, *[""] * 4, groups[2].label])
    ws.append([""] * 5 + [c.label for c in columns] * 2)
    ws.append([1, 0, 0, 0, 1] + [0] * 10)
    for row in ws.iter_rows(min_row=start, max_row=ws.max_row, max_col=15):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for line in lines[9:]:
        ws.append([line])
    ws.append(["2024年1月15日"])
    out = tmp_path / "foreign.xlsx"
    wb.save(out)
    report = read(out)
    assert report.meta.agency == "某县财政局" and report.meta.year == 2023
    assert report.meta.published == "2024-01-15"
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert report.section(5).text == "第5部分的正文。"
    assert report.value("review.upheld") == 1 and report.value("review.total") == 1
    assert report.value("litigation_after_review.total") == 0


# ── (g) random consistent reports: tests/test_round_trip.py, with the other writers
