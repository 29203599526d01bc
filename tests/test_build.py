"""`gongkai build` from JSON (full model or flat data plus prose), and `--fill-totals`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.cli import main
from gongkai.errors import InputError
from gongkai.formats import get_format
from gongkai.inputs import parse_file
from gongkai.serialized import report_from_data, report_from_flat
from gongkai.totals import fill_totals
from strategies import FORMAT_IDS, consistent_reports
from support import SEEDS, seed_names, truth

PROSE_MD = """# 铜鼓县行政服务中心2020年度政府信息公开工作年度报告

## 一、总体情况
本局认真贯彻落实《中华人民共和国政府信息公开条例》。

## 二、主动公开政府信息情况
见下表。

## 三、收到和处理政府信息公开申请情况
见下表。

## 四、政府信息公开行政复议、行政诉讼情况
见下表。

## 五、存在的主要问题及改进情况
问题：公开不够及时。
改进：加强培训。

## 六、其他需要报告的事项
本年度未收取信息处理费。

铜鼓县行政服务中心
2021年1月15日
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("name", seed_names())
@pytest.mark.parametrize("suffix", [".docx", ".html", ".md", ".xlsx"])
def test_seed_truth_builds_and_parses_back(tmp_path: Path, name: str, suffix: str) -> None:
    truth = SEEDS / f"{name}.truth.json"
    out = tmp_path / f"report{suffix}"
    result = run("build", str(truth), "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert parse_file(out).flat() == json.loads(truth.read_text(encoding="utf-8"))


def test_full_model_json_builds_the_same_report(tmp_path: Path) -> None:
    seed = SEEDS / "001_205d0fb765df4a20.txt"
    model = tmp_path / "model.json"
    model.write_text(run("parse", str(seed), "--json").output, encoding="utf-8")
    out = tmp_path / "report.docx"
    assert run("build", str(model), "-o", str(out)).exit_code == 0
    original, again = parse_file(seed), parse_file(out)
    assert again.flat() == original.flat()
    assert [(s.number, s.text) for s in again.sections] == [(s.number, s.text) for s in original.sections]


def test_flat_data_with_markdown_prose(tmp_path: Path) -> None:
    flat = truth("001_205d0fb765df4a20")
    data, prose, out = tmp_path / "data.json", tmp_path / "prose.md", tmp_path / "report.html"
    data.write_text(json.dumps(flat, ensure_ascii=False), encoding="utf-8")
    prose.write_text(PROSE_MD, encoding="utf-8")
    result = run("build", str(data), "--prose", str(prose), "-o", str(out))
    assert result.exit_code == 0, result.output
    again = parse_file(out)
    assert again.flat() == flat | {"meta.published": "2021-01-15"}
    assert again.section(5).text == "问题：公开不够及时。\n改进：加强培训。"
    assert again.section(6).text == "本年度未收取信息处理费。"
    assert again.meta.signature == "铜鼓县行政服务中心"


def test_prose_field_in_flat_json() -> None:
    report = report_from_flat({"meta.year": 2023, "meta.agency": "某县财政局",
                               "prose": {"1": "第一段。", "5": ["问题。", "改进。"]}}, "x.json")
    assert report.meta.template == "2021"  # the year's format when no cell tells
    assert report.sections[0].heading == "一、总体情况"
    assert report.section(1).text == "第一段。" and report.section(5).text == "问题。\n改进。"


def test_printed_text_in_flat_data_is_read_like_a_printed_cell() -> None:
    report = report_from_flat({"meta.year": 2023, "applications.new.total": "无",
                               "applications.new.natural_person": "约5"}, "x.json")
    assert report.value("applications.new.total") == 0
    assert report.cells["applications.new.total"].note == "none_word"
    assert report.value("applications.new.natural_person") is None
    assert report.cells["applications.new.natural_person"].note == "unreadable"


@pytest.mark.parametrize(("data", "problem"), [
    ([1, 2], "not an object"),
    ({"applications.new.everyone": 1}, "unknown cell key"),
    ({"meta.year": "二〇二三"}, "not a year"),
    ({"meta.colour": "red"}, "unknown metadata key"),
    ({"meta.published": "2024-02-30"}, "not a date"),
    ({"meta.template": "2030"}, "meta.template"),
    ({"applications.new.total": True}, "neither a number"),
    ({"prose": {"7": "x"}}, "section number"),
    ({"meta": {"year": "x"}, "cells": {}}, "meta"),
])
def test_bad_json_data_is_refused_with_the_reason(data: object, problem: str, english: None) -> None:
    with pytest.raises(InputError, match=problem):
        report_from_data(data, "bad.json")


def test_bad_json_file_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(bad), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "bad.json" in result.output and "不是有效的 JSON" in result.output


def test_markdown_without_headings_is_refused(tmp_path: Path) -> None:
    prose = tmp_path / "prose.md"
    prose.write_text("只是一段话，没有标题。\n", encoding="utf-8")
    data = SEEDS / "001_205d0fb765df4a20.truth.json"
    result = CliRunner().invoke(main, ["build", str(data), "--prose", str(prose), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 2 and "prose.md" in result.output


# ── --fill-totals ──────────────────────────────────────────────────────────

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flat=st.sampled_from(FORMAT_IDS).flatmap(lambda f: consistent_reports(template=f, prose=False)),
       wrong=st.booleans())
def test_fill_totals_restores_every_total(flat: dict, wrong: bool) -> None:
    fmt = get_format(flat["meta.template"])
    totals = fmt.totals()
    damaged = {k: (v + 1 if wrong and isinstance(v, int) else None) if k in totals else v for k, v in flat.items()}
    report = report_from_flat(damaged, "x.json")
    changes = fill_totals(report)
    assert report.flat() == flat
    assert {c.key for c in changes} == set(totals)
    assert all(c.after == flat[c.key] and c.before == damaged[c.key] for c in changes)
    assert fill_totals(report) == []  # a second pass has nothing to do


def test_fill_totals_names_the_blank_parts() -> None:
    flat = truth("001_205d0fb765df4a20")
    flat["applications.granted.natural_person"] = None
    report = report_from_flat(flat, "x.json")
    unfilled = {c.key: c.missing for c in fill_totals(report) if c.after is None}
    assert unfilled["applications.granted.total"] == ("applications.granted.natural_person",)
    assert "applications.granted.natural_person" in unfilled["applications.total.natural_person"]
    assert report.value("applications.granted.total") == flat["applications.granted.total"]  # left alone


def test_build_fill_totals_says_what_it_filled(tmp_path: Path) -> None:
    flat = truth("001_205d0fb765df4a20")
    flat["applications.total.total"] = None
    flat["review.total"] = 99
    data = tmp_path / "data.json"
    data.write_text(json.dumps(flat, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "report.docx"
    result = CliRunner().invoke(main, ["build", str(data), "--fill-totals", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "已填：表三「（七）总计·总计」" in result.output
    assert "已更正：表四「行政复议·总计」 99 → 0" in result.output
    assert parse_file(out).value("review.total") == 0


def test_build_out_of_memory_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of memory while reading, in this process (no worker to catch it): one line, exit 2, no traceback."""
    import gongkai.commands.build as build

    def exhausted(path: str) -> None:
        raise MemoryError

    monkeypatch.setattr(build, "read_report", exhausted)
    source = SEEDS / f"{seed_names()[0]}.txt"
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path / "out.docx")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines() == [f"gongkai: {source}: 内存不足，无法读取"]
