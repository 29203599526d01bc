"""Outputs that cannot run code and cannot be left half written.

- Formula-like text (an agency named `=HYPERLINK(…)`, a file named `=1+2.txt`, application numbers beginning with
  `=`, `+`, `-`, `@`) comes out of `gongkai export` and `gongkai register export` as text: quoted in CSV (the
  OWASP rule), a string cell in XLSX, read back with csv and openpyxl.
- Every file gongkai writes replaces the previous one only when complete (gongkai.atomic): a failed export, an
  error half-way and an export killed with SIGKILL leave the previous file as it was.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from gongkai.atomic import PART_SUFFIX, STALE_PART_SECONDS, atomic_open, part_prefix, replacing
from gongkai.cli import main
from gongkai.export.tabular import write_reports
from gongkai.register import store
from gongkai.register.db import Application, open_register
from gongkai.register.tabular import export_file
from gongkai.safe_cells import csv_cell, is_formula_like, unquoted
from support import REGISTER_AGENCY, SEEDS, run_register, seed_files

HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULAS = [HYPERLINK, "=1+2", "+1-2", "-5+3", "@SUM(A1)", "\t=1+2", "\r=1+2", "-cmd|' /C calc'!A0"]
NUMBERS = [text for text in FORMULAS if text == text.strip()]  # application numbers (stripped on import)
ROOT = Path(__file__).resolve().parent.parent


# ── the rule ───────────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_is_quoted_in_csv(text: str) -> None:
    assert csv_cell(text) == "'" + text
    assert unquoted(csv_cell(text)) == text


@pytest.mark.parametrize("value", [-3, 2.5, -0.25, "-3", "+1.5", "-2e3", ".5", "", "高铁新区服务中心", "a=b", "'x",
                                   None])
def test_numbers_and_plain_text_stay_as_they_are(value: object) -> None:
    assert csv_cell(value) == value


@given(st.text(max_size=30).filter(lambda s: not s.startswith("'")))
def test_quote_and_unquote_are_inverse(text: str) -> None:
    cell = csv_cell(text)
    assert unquoted(cell) == text
    assert not is_formula_like(cell)  # what is written can no longer start a formula


# ── gongkai export ─────────────────────────────────────────────────────────────────────────────────────────


def _hostile_inputs(folder: Path) -> list[Path]:
    """A report whose agency is a formula (flat JSON) and a real report saved as `=1+2.txt`."""
    flat = json.loads(next(SEEDS.glob("*.truth.json")).read_text(encoding="utf-8"))
    flat["meta.agency"], flat["meta.year"] = HYPERLINK, 2024
    agency = folder / "agency.json"
    agency.write_text(json.dumps(flat, ensure_ascii=False), encoding="utf-8")
    named = folder / "=1+2.txt"
    named.write_bytes(seed_files()[0].read_bytes())
    return [agency, named]


def _export(*args: str) -> None:
    result = CliRunner().invoke(main, ["export", *args])
    assert result.exit_code == 0, result.output


def test_export_csv_quotes_formula_like_cells(tmp_path: Path) -> None:
    inputs = _hostile_inputs(tmp_path)
    out = tmp_path / "out.csv"
    _export(*map(str, inputs), "-o", str(out))
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["meta.agency"] == "'" + HYPERLINK
    assert rows[1]["file"] == str(inputs[1])  # an absolute path begins with '/': nothing to quote
    assert not any(is_formula_like(value) for row in rows for value in row.values())
    assert rows[0]["meta.year"] == "2024"  # numbers stay numbers


def test_export_csv_quotes_a_relative_formula_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _hostile_inputs(tmp_path)
    monkeypatch.chdir(tmp_path)
    _export("=1+2.txt", "-o", "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.DictReader(f))["file"] == "'=1+2.txt"


def test_export_xlsx_stores_text_never_formulas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _hostile_inputs(tmp_path)
    monkeypatch.chdir(tmp_path)
    _export("agency.json", "=1+2.txt", "-o", "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    header = [c.value for c in sheet[1]]
    agency, name = sheet.cell(2, header.index("meta.agency") + 1), sheet.cell(3, header.index("file") + 1)
    assert (agency.value, agency.data_type) == (HYPERLINK, "s")
    assert (name.value, name.data_type) == ("=1+2.txt", "s")
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    year = sheet.cell(2, header.index("meta.year") + 1)
    assert (year.value, year.data_type) == (2024, "n")


# ── gongkai register export ────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(name="hostile_register")
def hostile_register_fixture(register_url: str) -> Iterator[str]:
    """A register whose application numbers and subjects look like formulas."""
    reg = open_register(register_url)
    store.add_agency(reg, REGISTER_AGENCY, "government", user="setup")
    for i, number in enumerate(NUMBERS):
        store.add_application(reg, REGISTER_AGENCY, number=number, received=date(2025, 3, 1 + i),
                              applicant="natural_person", subject=FORMULAS[-1 - i], user="setup")
    reg.close()
    yield register_url


def _register_numbers(url: str, agency: str) -> set[str]:
    reg = open_register(url)
    try:
        with reg.sessions() as session:
            return {a.number for a in session.scalars(store.active(Application).where(
                Application.agency_id == store.agency_id(session, agency)))}
    finally:
        reg.close()


def test_register_export_csv_quotes_and_imports_back(hostile_register: str, tmp_path: Path) -> None:
    out = tmp_path / "登记.csv"
    assert run_register("export", "-o", str(out), db=hostile_register).exit_code == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {row["编号"] for row in rows} == {"'" + n for n in NUMBERS}
    assert all(row["申请内容"].startswith("'") for row in rows)
    assert not any(is_formula_like(value) for row in rows for value in row.values())
    # the quote is gongkai's own: imported again, the numbers are what they were
    result = run_register("import", str(out), "--agency", "另一机关", db=hostile_register)
    assert result.exit_code == 0, result.stderr
    assert _register_numbers(hostile_register, "另一机关") == set(NUMBERS)


def test_register_export_xlsx_stores_text_never_formulas(hostile_register: str, tmp_path: Path) -> None:
    out = tmp_path / "登记.xlsx"
    assert run_register("export", "-o", str(out), db=hostile_register).exit_code == 0
    sheet = load_workbook(out).active
    numbers = list(next(sheet.iter_cols(min_row=2, max_col=1)))
    assert {c.value for c in numbers} == set(NUMBERS)
    assert {c.data_type for c in numbers} == {"s"}
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_fill_in_workbook_keeps_its_totals_but_not_a_formula_agency(tmp_path: Path) -> None:
    from gongkai.serialized import report_from_flat
    from gongkai.writers.xlsx import write_workbook

    flat = json.loads(next(SEEDS.glob("*.truth.json")).read_text(encoding="utf-8"))
    flat["meta.agency"] = HYPERLINK
    out = tmp_path / "filled.xlsx"
    write_workbook(report_from_flat(flat, "r.json"), out)
    book = load_workbook(out)
    formulas = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas and all(f.startswith("=SUM(") for f in formulas)  # gongkai's own totals stay formulas
    assert HYPERLINK in [c.value for row in book.worksheets[0].iter_rows() for c in row if c.data_type == "s"]


# ── atomic outputs ─────────────────────────────────────────────────────────────────────────────────────────


def _leftovers(target: Path) -> list[str]:
    return [p.name for p in target.parent.iterdir() if p.name.startswith(part_prefix(target))]


def test_replacing_leaves_the_target_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target, "w", encoding="utf-8") as out:
        out.write("half")
        raise RuntimeError("mid-way")
    assert target.read_text(encoding="utf-8") == "previous"
    assert _leftovers(target) == []


def test_parts_killed_writers_left_are_removed_by_the_next_write_once_stale(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    stale = tmp_path / f"{part_prefix(target)}killed{PART_SUFFIX}"
    fresh = tmp_path / f"{part_prefix(target)}now{PART_SUFFIX}"
    other = tmp_path / f"{part_prefix(tmp_path / 'other.csv')}killed{PART_SUFFIX}"
    for part in (stale, fresh, other):
        part.write_text("half", encoding="utf-8")
    hours_ago = time.time() - 2 * STALE_PART_SECONDS
    for part in (stale, other):
        os.utime(part, (hours_ago, hours_ago))
    with atomic_open(target, "w", encoding="utf-8") as out:
        out.write("whole")
    assert sorted(_leftovers(target)) == [fresh.name]  # another writer's, perhaps, under way
    assert other.exists()  # another target's


def test_replacing_keeps_permissions_and_writes_through_links(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("previous", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with atomic_open(link, "w", encoding="utf-8") as out:
        out.write("new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.txt"
    with atomic_open(fresh, "w") as out:
        out.write("x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600


def test_a_device_is_written_in_place() -> None:
    with replacing(os.devnull) as part:
        assert part == Path(os.devnull)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".jsonl"])
def test_an_error_mid_export_leaves_the_previous_output(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    assert write_reports([{"file": "a.txt", "meta.year": 2024}], target) == 1
    before = target.read_bytes()

    def rows() -> Iterator[dict[str, object]]:
        for i in range(3000):  # past Parquet's first batch and the CSV buffer
            yield {"file": f"{i}.txt", "meta.year": 2024}
        raise OSError("the disk went away")

    with pytest.raises(OSError):
        write_reports(rows(), target)
    assert target.read_bytes() == before
    assert _leftovers(target) == []


def test_a_failed_export_leaves_the_previous_output(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous", encoding="utf-8")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a word file")
    result = CliRunner().invoke(main, ["export", str(broken), "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith(f"gongkai: {target}: ")
    assert target.read_text(encoding="utf-8") == "previous"
    assert _leftovers(target) == []


def test_a_failed_register_export_leaves_the_previous_output(register, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import gongkai.register.tabular as tabular

    store.add_application(register, REGISTER_AGENCY, number="A-1", received=date(2025, 3, 1),
                          applicant="natural_person", user="setup")
    for suffix in (".csv", ".xlsx"):
        target = tmp_path / f"out{suffix}"
        assert export_file(register, target, REGISTER_AGENCY) == 1
        before = target.read_bytes()

        def broken(*args: object) -> Iterator[list[object]]:
            yield ["A-2"] + [""] * 14
            raise OSError("connection lost")

        with monkeypatch.context() as patch:
            patch.setattr(tabular, "_cells", broken)
            with pytest.raises(OSError):
                export_file(register, target, REGISTER_AGENCY)
        assert target.read_bytes() == before
        assert _leftovers(target) == []


@pytest.mark.parametrize("suffix", [".md", ".html", ".xlsx", ".docx"])
def test_build_replaces_the_output_as_a_whole(tmp_path: Path, suffix: str) -> None:
    """The writers write a new file and rename it over the old one (a new inode), never rewrite it in place."""
    target = tmp_path / f"report{suffix}"
    target.write_text("previous", encoding="utf-8")
    inode = target.stat().st_ino
    keep = tmp_path / "keep"
    os.link(target, keep)  # holds the old inode, so that the new file cannot reuse its number
    result = CliRunner().invoke(main, ["build", str(seed_files()[0]), "-o", str(target), "--force"])
    assert result.exit_code == 0, result.output
    assert target.stat().st_ino != inode and keep.read_text(encoding="utf-8") == "previous"
    assert _leftovers(target) == []


def test_a_killed_export_leaves_the_previous_output(tmp_path: Path) -> None:
    """SIGKILL half-way through a long export: the previous output is intact (a hidden .part file may stay)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    seeds = seed_files()
    for i in range(1500):
        (folder / f"r{i:04d}.txt").write_bytes(seeds[i % len(seeds)].read_bytes())
    target = tmp_path / "out.csv"
    target.write_text("previous", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, "-m", "gongkai", "export", str(folder), "-o", str(target)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 60
        while not [p for p in _leftovers(target) if (tmp_path / p).stat().st_size > 0]:
            assert process.poll() is None, "the export ended before it could be killed"
            assert time.monotonic() < deadline, "the export never started writing"
            time.sleep(0.005)
        assert process.poll() is None, "the export ended before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert target.read_text(encoding="utf-8") == "previous"
