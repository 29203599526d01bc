"""The command line: outputs, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from support import SEEDS


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_folder_exit_1_when_errors() -> None:
    result = run("check", str(SEEDS))
    assert result.exit_code == 1
    assert "A101" in result.output and "报告 5" in result.output


def test_check_clean_report_exit_0() -> None:
    result = run("check", str(SEEDS / "001_205d0fb765df4a20.txt"))
    assert result.exit_code == 0, result.output


def test_check_json_lines() -> None:
    result = run("check", str(SEEDS), "--format", "json")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 5
    for line in lines:
        assert set(line) == {"file", "meta", "findings"}
        for f in line["findings"]:
            assert set(f) == {"code", "severity", "message", "cells", "where"}


def test_check_english_messages() -> None:
    result = run("check", str(SEEDS / "004_c82a2c402dd56cf8.txt"), "--lang", "en", "--format", "json")
    messages = [f["message"] for f in json.loads(result.output)["findings"]]
    assert any(m.startswith("Table 3, column") for m in messages)


def test_parse_flat_and_full() -> None:
    flat = json.loads(run("parse", str(SEEDS / "003_e01440b0bdeabe39.txt"), "--flat").output)
    assert flat["meta.published"] == "2022-01-29" and flat["proactive.licensing.change"] is None
    full = json.loads(run("parse", str(SEEDS / "003_e01440b0bdeabe39.txt"), "--json").output)
    cell = full["cells"]["proactive.licensing.previous"]
    assert cell["raw"] == "无" and cell["value"] == 0 and cell["source"]["line"] == 46
    assert [s["number"] for s in full["sections"]] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("content", [b"", b"\x00\xff\x10" * 300])
def test_unreadable_input_exit_2_one_line(tmp_path, content: bytes) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("gongkai:")]
    assert len(errors) == 1 and str(path) in errors[0]
    assert "Traceback" not in result.output


def test_missing_file_and_misuse_exit_2() -> None:
    assert CliRunner().invoke(main, ["parse", "/no/such/report.txt"]).exit_code == 2
    assert CliRunner().invoke(main, ["check"]).exit_code == 2
    assert CliRunner().invoke(main, ["check", "--format", "yaml", str(SEEDS)]).exit_code == 2


def test_rules_lists_every_code_and_explains_one() -> None:
    from gongkai.checks.catalogue import rules

    listing = run("rules").output
    assert all(code in listing for code in rules())
    assert "勾稽" in run("rules", "A101").output
    assert run("rules", "Z999").exit_code == 2


def test_every_finding_code_used_in_code_is_in_the_catalogue() -> None:
    import re
    from pathlib import Path

    from gongkai.checks.catalogue import rules

    src = Path(__file__).resolve().parent.parent / "src" / "gongkai"
    used = set()
    for path in src.rglob("*.py"):
        used |= set(re.findall(r'"([ASFDPW]\d{3})"', path.read_text(encoding="utf-8")))
    for path in (src / "formats").glob("*.toml"):
        used |= set(re.findall(r'check = "([ASFDPW]\d{3})"', path.read_text(encoding="utf-8")))
    assert used <= set(rules()), used - set(rules())


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys; from gongkai.cli import main\n"
            "heavy = {'rich', 'pydantic', 'openpyxl', 'pyarrow', 'charset_normalizer'} & set(sys.modules)\n"
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".jsonl"])
def test_export_one_row_per_report(tmp_path, suffix: str) -> None:
    out = tmp_path / f"reports{suffix}"
    result = CliRunner().invoke(main, ["export", str(SEEDS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    if suffix == ".csv":
        import csv

        with out.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == 5
        row = next(r for r in rows if r["file"].endswith("002_8183807e426b0491.txt"))
        assert row["proactive.procurement.amount"] == "2500" and row["meta.agency"] == "高新区(近海镇)"
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        assert table.num_rows == 5
        assert table.column("applications.new.total").to_pylist().count(2.0) == 1
    elif suffix == ".jsonl":
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(lines) == 5 and lines[3]["proactive.licensing.change"] is None


def test_export_unknown_suffix_exit_2(tmp_path) -> None:
    result = CliRunner().invoke(main, ["export", str(SEEDS), "-o", str(tmp_path / "x.xls")])
    assert result.exit_code == 2 and "x.xls" in result.output


def test_template_then_build_from_the_workbook(tmp_path) -> None:
    book = tmp_path / "年报填报.xlsx"
    assert CliRunner().invoke(main, ["template", "--format", "2021", "-o", str(book)]).exit_code == 0
    result = CliRunner().invoke(main, ["build", str(book), "-o", str(tmp_path / "年报.docx")])
    # A blank workbook has only warnings (blank cells, no year): they are printed, the file written.
    assert result.exit_code == 0 and "S206" in result.output and "F303" in result.output
    assert (tmp_path / "年报.docx").exists()


def test_build_refuses_a_report_with_errors_unless_forced(tmp_path) -> None:
    seed = str(SEEDS / "004_c82a2c402dd56cf8.txt")
    out = tmp_path / "年报.docx"
    refused = CliRunner().invoke(main, ["build", seed, "-o", str(out)])
    assert refused.exit_code == 1 and "A101" in refused.output and not out.exists()
    forced = CliRunner().invoke(main, ["build", seed, "-o", str(out), "--force"])
    assert forced.exit_code == 0 and out.exists()


@pytest.mark.parametrize("suffix", [".docx", ".html", ".md", ".xlsx"])
def test_build_every_output_of_a_clean_report(tmp_path, suffix: str) -> None:
    out = tmp_path / f"年报{suffix}"
    result = CliRunner().invoke(main, ["build", str(SEEDS / "001_205d0fb765df4a20.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert run("parse", str(out), "--flat").exit_code == 0


def test_build_unknown_output_is_misuse(tmp_path) -> None:
    result = CliRunner().invoke(main, ["build", str(SEEDS / "001_205d0fb765df4a20.txt"), "-o", str(tmp_path / "x.odt")])
    assert result.exit_code == 2


def test_deadline_command_prints_due_date_and_trace() -> None:
    result = run("deadline", "2026-02-10")
    assert result.exit_code == 0
    assert result.output.startswith("答复期限：2026-03-16") and "春节" in result.output
    data = json.loads(run("deadline", "2026-02-10", "--extension", "--json").output)
    assert data["due"] > "2026-03-16"


def test_deadline_and_fee_misuse_exit_2() -> None:
    assert CliRunner().invoke(main, ["deadline", "2026-02-31"]).exit_code == 2
    assert CliRunner().invoke(main, ["fee"]).exit_code == 2
    assert CliRunner().invoke(main, ["fee", "--pages", "-1"]).exit_code == 2


def test_fee_command() -> None:
    assert "3000 元" in run("fee", "--applications", "35").output
    assert json.loads(run("fee", "--pages", "150", "--json").output)["amount"] == 1700


def test_run_as_the_program_it_writes_and_prints_everything_before_it_exits(tmp_path) -> None:
    """Run as the program, gongkai hands its objects to gc.freeze at exit instead of a last collection: the files
    it wrote are whole and its output complete; called with arguments (tests, other programs) it leaves the
    collector alone."""
    def program(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "gongkai", *args], capture_output=True, text=True,
                              cwd=tmp_path)

    assert program("register", "template", "--kind", "applications", "-o", "a.xlsx").returncode == 0
    db = str(tmp_path / "r.sqlite")
    imported = program("register", "import", "a.xlsx", "--agency", "某局", "--kind", "department", "--db", db)
    assert imported.returncode == 0, imported.stderr
    assert program("register", "deadlines", "--db", db).stdout.startswith("编号\t收到日期")
    assert program("register", "export", "-o", "back.xlsx", "--db", db).returncode == 0
    from openpyxl import load_workbook

    assert load_workbook(tmp_path / "back.xlsx").active.max_row == 2  # the header and the example row
    exported = program("export", str(SEEDS), "-o", "reports.jsonl")
    assert exported.returncode == 0
    assert len((tmp_path / "reports.jsonl").read_text(encoding="utf-8").splitlines()) == 5
    code = ("import atexit\nfrom gongkai.cli import main\nbefore = atexit._ncallbacks()\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\nprint(atexit._ncallbacks() - before)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split()[-1] == "0"
