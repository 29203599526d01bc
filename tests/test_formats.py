"""The formats are data: the tables' names and key spelling come from the format files, and a new format is a new
file (here one in a folder named by $GONGKAI_FORMATS), read, checked and written with no code change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.formats import all_formats, get_format, known_keys, table2_formats_of, table_of
from gongkai.formats.naming import describe
from gongkai.writers.markdown import render_markdown

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "src" / "gongkai" / "formats"


@pytest.mark.parametrize("format_id", sorted(all_formats()))
def test_every_key_belongs_to_its_table_and_splits_back(format_id: str):
    fmt = get_format(format_id)
    for spec in fmt.tables:
        for key in fmt.table_keys(spec.number):
            assert fmt.table_of(key) == spec
            row, column = spec.split(key)
            assert spec.key(row, column) == key
            assert describe(key).startswith(spec.name + "「")


def test_wildcard_keys_find_their_table():
    fmt = get_format("2021")
    assert fmt.table_of(fmt.table(3).key("*", "total")).number == 3
    assert fmt.table_of(fmt.table(4).key("*", "upheld")).number == 4
    assert fmt.table_of(fmt.table(2).key("rules", "*")).number == 2


def test_keys_of_another_format_find_their_table():
    assert table_of("proactive.procurement.amount").number == 2  # 2019 only
    assert "proactive.procurement.amount" in known_keys(2)


def test_table2_wording_is_told_by_the_columns_each_row_has():
    fmt19, fmt21 = get_format("2019"), get_format("2021")
    assert table2_formats_of(fmt21.table2_keys()) == ["2021"]
    assert table2_formats_of(fmt19.table2_keys()) == ["2019"]
    mixed = [k for k in fmt21.table2_keys() if ".rules." in k or ".normative_docs." in k]
    mixed += [k for k in fmt19.table2_keys() if ".rules." not in k and ".normative_docs." not in k]
    assert table2_formats_of(mixed) == ["2019", "2021"]  # seed 002's mixture


# ── a third format, as data only ─────────────────────────────────────────────────────────────────────────────

def _third_format(folder: Path) -> Path:
    """A copy of the 2021 format from 2026 on, with one row renamed (key and label)."""
    text = (FORMATS / "gb2021.toml").read_text(encoding="utf-8")
    text = text.replace('id = "2021"', 'id = "2026"').replace("first_year = 2021", "first_year = 2026")
    text = text.replace('{ key = "other.other", part = "三、本年度办理结果", group = "（六）其他处理", '
                        'label = "3.其他" }',
                        '{ key = "other.misc", part = "三、本年度办理结果", group = "（六）其他处理", '
                        'label = "3.其他情形" }')
    text = text.replace('"other.other"', '"other.misc"')
    assert text.count("other.misc") >= 3
    path = folder / "gb2026.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _gongkai(*args: str, formats: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GONGKAI_FORMATS": str(formats)}
    return subprocess.run([sys.executable, "-m", "gongkai", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.mark.parametrize("suffix", [".docx", ".html", ".md", ".xlsx"])
def test_a_third_format_is_read_checked_and_written_without_code(tmp_path: Path, suffix: str):
    folder = tmp_path / "formats"
    folder.mkdir()
    _third_format(folder)
    fmt = get_format("2021")
    flat: dict[str, object] = {"meta.year": 2026, "meta.agency": "测试市测试局", "meta.published": "2027-01-15",
                               **dict.fromkeys(fmt.cell_keys(), 0)}
    t3 = fmt.table(3)
    for key in [k for k in flat if ".other.other." in k]:
        del flat[key]
    flat.update(dict.fromkeys((t3.key("other.misc", c.key) for c in fmt.table3_columns), 0))
    flat.update({t3.key("other.misc", "natural_person"): 2, t3.key("other.misc", "total"): 2,
                 t3.key("new", "natural_person"): 2, t3.key("new", "total"): 2,
                 t3.key("total", "natural_person"): 2, t3.key("total", "total"): 2})
    data = tmp_path / "data.json"
    data.write_text(json.dumps({**flat, "prose": {str(n): "见下表。" for n in range(1, 7)}}, ensure_ascii=False),
                    encoding="utf-8")
    out = tmp_path / f"report{suffix}"
    built = _gongkai("build", str(data), "-o", str(out), formats=folder)
    assert built.returncode == 0, built.stderr
    parsed = _gongkai("parse", str(out), "--flat", formats=folder)
    assert parsed.returncode == 0, parsed.stderr
    back = json.loads(parsed.stdout)
    assert back["meta.template"] == "2026"
    assert {k: v for k, v in back.items() if not k.startswith("meta.")} == {
        k: v for k, v in flat.items() if not k.startswith("meta.")}
    checked = _gongkai("check", str(out), "--format", "json", formats=folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    codes = [f["code"] for line in checked.stdout.splitlines() for f in json.loads(line)["findings"]]
    assert not [c for c in codes if c.startswith(("A", "S", "F"))], codes
    if suffix == ".md":  # the renamed row is printed with its new label
        assert "3.其他情形" in out.read_text(encoding="utf-8")


def test_the_package_formats_alone_do_not_know_the_third(tmp_path: Path):
    assert "2026" not in all_formats()
    assert "3.其他情形" not in render_markdown(__import__("gongkai.serialized", fromlist=["x"]).report_from_flat(
        {"meta.year": 2026, "meta.agency": "某局"}, "x.json"))
