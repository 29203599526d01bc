"""`gongkai export --headers zh`: Chinese column headers, the keys kept below them or beside the file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from gongkai.cli import main
from gongkai.export.tabular import all_columns
from support import SEEDS


def _export(tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(main, ["export", str(SEEDS), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def test_csv_and_xlsx_have_chinese_headers_over_the_keys(tmp_path: Path):
    from openpyxl import load_workbook

    with _export(tmp_path, "a.csv", "--headers", "zh").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    chinese, keys = rows[0], rows[1]
    assert keys == all_columns() and len(rows) == 2 + 5
    named = dict(zip(keys, chinese, strict=True))
    assert named["meta.agency"] == "机关"
    assert named["applications.withheld.state_secret.natural_person"] == "表三 （三）不予公开 1.属于国家秘密 · 自然人"
    assert named["review.corrected"] == "表四 行政复议 · 结果纠正"
    assert len(set(chinese)) == len(chinese)
    sheet = load_workbook(_export(tmp_path, "a.xlsx", "--headers", "zh"), read_only=True)["reports"]
    first, second = list(sheet.iter_rows(max_row=2, values_only=True))
    assert list(first) == chinese and list(second) == keys
    with _export(tmp_path, "b.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == all_columns()  # keys alone by default


def test_jsonl_and_parquet_name_columns_in_chinese_with_a_sidecar_of_keys(tmp_path: Path):
    import pyarrow.parquet as pq

    lines = _export(tmp_path, "a.jsonl", "--headers", "zh").read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    assert "机关" in row and "meta.agency" not in row
    with (tmp_path / "a.jsonl.keys.csv").open(encoding="utf-8-sig", newline="") as handle:
        pairs = dict(list(csv.reader(handle))[1:])
    assert pairs["机关"] == "meta.agency" and set(pairs.values()) == set(all_columns())
    table = pq.read_table(_export(tmp_path, "a.parquet", "--headers", "zh"))
    assert table.column_names[:3] == ["文件", "年度", "机关"] and (tmp_path / "a.parquet.keys.csv").exists()
