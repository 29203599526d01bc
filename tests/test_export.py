"""The export layer: flat tables round-trip every format, and the JSON Schema fits the model."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest

from gongkai.export.schema import report_schema
from gongkai.export.tabular import all_columns, write_reports
from gongkai.formats import all_formats
from gongkai.model import Cell, Meta, Note, Report, Section, Source

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema" / "report.schema.json"


def _cell(key: str, value: int | float | None, raw: str, row: int, **extra: str) -> Cell:
    return Cell(key, value, raw, Source("a.docx", table=1, row=row, column=1), **extra)


def _reports() -> list[Report]:
    first = Report(
        file="报告/高安市2021.docx",
        meta=Meta(year=2021, agency="高安市行政务服务中心管委会", template="2021",
                  published="2022-01-20", title="2021年政府信息公开工作年度报告"),
        sections=[Section(1, "总体情况", "一、", "本机关认真贯彻……", Source("a.docx", line=3))],
        cells={
            "proactive.fees.amount": _cell("proactive.fees.amount", 12.35, "12.35", 5, unit="万元"),
            "applications.new.natural_person": _cell("applications.new.natural_person", 7, "7", 2),
            "applications.new.total": _cell("applications.new.total", None, "", 2, note="blank"),
            "review.upheld": _cell("review.upheld", 0, "无", 1, note="none_word"),
        },
        notes=[Note("label_variant", {"printed": "规范性文件", "official": "行政规范性文件"}, ["review.upheld"],
                       [Source("a.docx", page=2)])],
    )
    second = Report(file="b.txt", meta=Meta(year=None, agency="某县人民政府办公室"),
                    cells={"proactive.rules.made": _cell("proactive.rules.made", 3, "3", 0)})
    return [first, second]


def _rows() -> list[dict[str, object]]:
    return [{"file": r.file, **r.flat()} for r in _reports()]


def _expected(row: dict[str, object]) -> list[object]:
    """A row in header order; absent and blank cells alike are null in a table."""
    return [row.get(c) for c in all_columns()]


def test_columns_cover_every_format_without_duplicates() -> None:
    columns = all_columns()
    assert len(columns) == len(set(columns))
    assert columns[:5] == ["file", "meta.year", "meta.agency", "meta.template", "meta.published"]
    for fmt in all_formats().values():
        assert set(fmt.table2_keys() + fmt.table3_keys() + fmt.table4_keys()) <= set(columns)
    assert all_columns() == columns  # stable


def test_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    assert write_reports(iter(_rows()), path) == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    with path.open(encoding="utf-8-sig", newline="") as f:
        header, *body = list(csv.reader(f))
    assert header == all_columns()
    assert body == [["" if v is None else str(v) for v in _expected(r)] for r in _rows()]
    assert float(body[0][header.index("proactive.fees.amount")]) == 12.35


def test_xlsx_round_trip(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "out.xlsx"
    assert write_reports(_rows(), path) == 2
    # Not read_only: write_only files carry no <dimension>, so read_only rows come back ragged.
    sheet = openpyxl.load_workbook(path).active
    header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header == all_columns()
    assert body == [_expected(r) for r in _rows()]


def test_parquet_round_trip(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "out.parquet"
    # More than one batch of 1000, to exercise the streaming path.
    rows = [dict(r, file=f"{i}-{r['file']}") for i in range(600) for r in _rows()]
    assert write_reports(iter(rows), path) == 1200
    table = pq.read_table(path)
    assert table.column_names == all_columns()
    assert str(table.schema.field("meta.year").type) == "int64"
    assert str(table.schema.field("meta.agency").type) == "string"
    assert str(table.schema.field("review.upheld").type) == "double"
    assert [list(r.values()) for r in table.to_pylist()] == [_expected(r) for r in rows]


def test_jsonl_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    assert write_reports(_rows(), path) == 2
    text = path.read_text(encoding="utf-8")
    assert "高安市" in text  # ensure_ascii=False
    assert [json.loads(line) for line in text.splitlines()] == _rows()


def test_empty_input_writes_header_only(tmp_path: Path) -> None:
    assert write_reports([], tmp_path / "empty.csv") == 0
    with (tmp_path / "empty.csv").open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f)) == [all_columns()]


def test_unknown_suffix_and_unknown_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.csv.*\.xlsx.*\.parquet.*\.jsonl"):
        write_reports(_rows(), tmp_path / "out.xls")
    assert not (tmp_path / "out.xls").exists()
    with pytest.raises(ValueError, match=r"not\.a\.key"):
        write_reports([{"file": "x", "not.a.key": 1}], tmp_path / "out.jsonl")


def test_report_validates_against_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for report in _reports():
        validator.validate(dataclasses.asdict(report))
    broken = dataclasses.asdict(_reports()[0])
    broken["cells"]["review.upheld"]["value"] = "无"
    assert not validator.is_valid(broken)


def test_published_schema_is_current() -> None:
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == report_schema(), (
        "schema/report.schema.json is stale: "
        "python -m gongkai.export.schema schema/report.schema.json")
