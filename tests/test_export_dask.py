"""`gongkai export SOURCES -o DIR/`: the Parquet dataset, read by the local pool or on a Dask LocalCluster of two
workers; the same rows either way, resumed without reading a file twice, a copy stored once, failures kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from gongkai.commands.export import run_export
from gongkai.export.dataset import NULL_PARTITION, PENDING, TABLES, Dataset, read_table
from gongkai.pool import ReadingOptions
from gongkai.supervision.provinces import province_of
from mixed import write_mixed

BROKEN = "broken.docx"


def _rows(folder: Path, table: str) -> list[dict]:
    """A table's rows, in an order that does not depend on which worker finished first."""
    rows = read_table(folder, table).to_pylist()
    return sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True, default=str))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 mixed reports (text, Word, HTML), a copy of one at another path, and a broken Word file."""
    folder = tmp_path_factory.mktemp("corpus")
    files = write_mixed(folder / "a", 30)
    (folder / "b").mkdir()
    shutil.copy(files[3], folder / "b" / "copy-of-3.txt")
    (folder / "b" / BROKEN).write_bytes(b"PK\x03\x04 this is not a zip archive")
    return folder


@pytest.fixture(scope="module")
def serial(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serial") / "dataset"
    assert run_export([str(corpus)], f"{out}/", ReadingOptions(jobs=1)) == 2  # the broken file: exit 2
    return out


@pytest.fixture(scope="module")
def on_dask(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("distributed")  # the Dask tests only: the others run without it
    out = tmp_path_factory.mktemp("dask") / "dataset"
    assert run_export([str(corpus)], str(out), ReadingOptions(jobs=2), engine="dask") == 2
    return out


def test_dask_gives_the_rows_of_jobs_1(serial: Path, on_dask: Path) -> None:
    for table in TABLES:
        assert _rows(on_dask, table) == _rows(serial, table), table
    reports = _rows(serial, "reports")
    assert len(reports) == 30  # the copy is not a second report; the broken file is no report
    assert len(_rows(serial, "findings")) > 0


def test_a_report_row_is_the_flat_table_row_with_its_hash(serial: Path, corpus: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    flat = tmp_path / "flat.parquet"
    run_export([str(corpus / "a")], str(flat), ReadingOptions(jobs=1))
    by_file = {r["file"]: r for r in pq.read_table(flat).to_pylist()}
    for row in _rows(serial, "reports"):
        assert len(row.pop("sha256")) == 64
        row.pop("year"), row.pop("province")
        assert row == by_file[row["file"]]


def test_a_copy_is_stored_once_with_both_sources(serial: Path, corpus: Path) -> None:
    sources = _rows(serial, "sources")
    copy = next(s for s in sources if s["path"].endswith("copy-of-3.txt"))
    paths = sorted(Path(s["path"]).name for s in sources if s["sha256"] == copy["sha256"])
    assert paths == ["copy-of-3.txt", "report-00003.txt"]
    assert [r["file"] for r in _rows(serial, "reports") if r["sha256"] == copy["sha256"]] == \
        [str(corpus / "a" / "report-00003.txt")]


def test_a_broken_file_lands_in_failures(serial: Path) -> None:
    [failure] = _rows(serial, "failures")
    assert failure["path"].endswith(BROKEN) and len(failure["sha256"]) == 64
    assert failure["error"].startswith(failure["path"]) and "\n" not in failure["error"]


def test_partitions_by_year_and_province(serial: Path) -> None:
    reports = _rows(serial, "reports")
    for row in reports:
        assert row["year"] == row["meta.year"]
        assert row["province"] == province_of(row["meta.agency"])
    assert {r["province"] for r in reports} >= {"江苏省", "江西省", "广西壮族自治区", "青海省", "北京市", None}
    assert (serial / "reports" / f"year={reports[0]['year']}").is_dir()
    assert any(serial.glob(f"reports/*/province={NULL_PARTITION}/*.parquet"))


def test_a_rerun_reads_only_the_new_files(corpus: Path, on_dask: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture) -> None:
    again = tmp_path / "again"
    shutil.copytree(on_dask, again)
    shutil.copytree(corpus, tmp_path / "corpus")
    write_mixed(tmp_path / "corpus" / "new", 4, start=100)
    capsys.readouterr()
    assert run_export([str(tmp_path / "corpus")], str(again), ReadingOptions(jobs=2), engine="dask") == 0
    import pyarrow.parquet as pq

    added = sum(pq.read_metadata(p).num_rows for p in again.glob("reports/**/part-000002.parquet"))
    assert added == 4
    assert len(_rows(again, "reports")) == 34
    assert len(_rows(again, "failures")) == 1  # the broken file is not read again
    # the 32 files of the first run (31 contents) are in the dataset: at their new paths too, as sources
    assert "新读入 4 份报告，0 个文件失败，32 个文件已在数据集中" in capsys.readouterr().err
    assert len(_rows(again, "sources")) == len(_rows(on_dask, "sources")) + 32 + 4


def test_a_killed_batch_is_undone_or_finished(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    dataset = Dataset.open(folder)
    assert dataset.admit("a.txt", "a" * 64)
    dataset.add_report("a" * 64, {"file": "a.txt", "meta.year": 2024, "meta.agency": "淮安市人民政府"}, [], "江苏省")
    dataset.flush()
    # killed after the batch's record, before its renames: the next open finishes them
    final = next(folder.glob("reports/**/part-000001.parquet"))
    final.rename(final.with_name(PENDING + final.name))
    # killed before a second batch's record: its hidden file is removed, its reports read again
    (final.parent / f"{PENDING}part-000002.parquet").write_bytes(b"half a file")
    reopened = Dataset.open(folder)
    assert final.exists() and not list(folder.rglob(PENDING + "*"))
    assert not reopened.admit("a.txt", "a" * 64)  # stored: not read again
    assert reopened.admit("b.txt", "b" * 64)
    assert [r["file"] for r in read_table(folder, "reports").to_pylist()] == ["a.txt"]


@pytest.mark.parametrize(("args", "words"), [
    (["--engine", "dask", "-o", "out.csv"], "--engine dask"),
    (["--headers", "zh", "-o", "folder/"], "--headers zh"),
])
def test_options_that_do_not_go_together(args: list[str], words: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(tmp_path), *args])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("gongkai: ") and words in line


def test_a_file_that_cannot_be_opened_fails_once(tmp_path: Path) -> None:
    seed = next((Path(__file__).resolve().parent.parent / "examples" / "seeds").glob("*.txt"))
    missing, out = tmp_path / "gone.txt", f"{tmp_path / 'ds'}/"
    assert run_export([str(missing), str(seed)], out, ReadingOptions(jobs=1)) == 2
    [failure] = _rows(Path(out), "failures")
    assert failure["sha256"] is None and failure["path"] == str(missing)
    assert len(_rows(Path(out), "reports")) == 1
    assert run_export([str(missing), str(seed)], out, ReadingOptions(jobs=1)) == 0  # neither is read again
    assert len(_rows(Path(out), "failures")) == 1 and len(_rows(Path(out), "reports")) == 1


def test_a_damaged_dataset_is_one_line(tmp_path: Path) -> None:
    seed = next((Path(__file__).resolve().parent.parent / "examples" / "seeds").glob("*.txt"))
    (tmp_path / "ds" / "_batches").mkdir(parents=True)
    (tmp_path / "ds" / "_batches" / "000001.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", str(seed), "-o", f"{tmp_path / 'ds'}/", "--jobs", "1"])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("gongkai: ") and "数据集文件夹已损坏" in line


def test_a_report_with_keys_outside_the_contract_is_a_failure(tmp_path: Path) -> None:
    dataset = Dataset.open(tmp_path / "ds")
    dataset.add_report("c" * 64, {"file": "c.txt", "meta.year": 2024, "no.such.key": 1}, [], None)
    dataset.flush()
    [failure] = _rows(tmp_path / "ds", "failures")
    assert failure["sha256"] == "c" * 64 and failure["path"] == "c.txt" and "no.such.key" in failure["error"]
    assert not _rows(tmp_path / "ds", "reports") and dataset.tally.failed == 1
