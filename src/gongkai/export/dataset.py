"""A Parquet dataset of a corpus, written batch by batch and resumable: what `gongkai export SOURCES -o DIR/` writes.

    DIR/reports/year=2024/province=江苏省/part-000003.parquet    one row per report (per content): its sha256, the
                                                                file it was read from, the metadata and the cells
                                                                (the columns of the flat table, cell-keys.md)
    DIR/findings/year=2024/province=江苏省/part-000003.parquet   one row per finding of those reports
    DIR/sources/part-000003.parquet                             one row per (sha256, path): every place a content
                                                                was found, the same report crawled twice included
    DIR/failures/part-000003.parquet                            one row per file that could not be read: its
                                                                sha256 (null if it could not even be opened), path
                                                                and one-line error
    DIR/_batches/000003.json                                    the batch's commit record: the files it wrote

The folders are hive-partitioned (pyarrow.dataset, pandas, DuckDB, Spark and Dask read them as one table each):
by year, and by province where the agency's name tells it (gongkai.supervision.provinces); an unknown year or
province is `__HIVE_DEFAULT_PARTITION__`, which those readers take as null.

A report's content is stored once, whatever paths it was found at: a file whose sha256 is in `reports` or
`failures` is not read again (resuming, or a copy of a file already read), only its path is added to `sources`.
To retry the failures of a run, remove `failures/` (and the batches' records of them need not change).

Each batch is written whole or not at all: every file of it is first written under a hidden name (`.pending-…`,
each atomically, gongkai.atomic), then the batch's record in `_batches/`, and only then are the files renamed to
their names. A run killed before the record leaves hidden files that the next run removes (readers skip names
that start with "." or "_"); one killed after it has its renames finished by the next run. One run at a time
writes a dataset.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.atomic import PART_SUFFIX, replacing, write_text
from gongkai.i18n import t

TABLES = ("reports", "findings", "sources", "failures")
PARTITIONED = ("reports", "findings")
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # what hive-partitioned readers take as null
PENDING = ".pending-"
BATCH_REPORTS = 1000  # reports in a batch at most
BATCH_SECONDS = 60.0  # and at most this long: a killed run loses at most a minute's work

Row = dict[str, object]


def _schemas() -> dict[str, object]:
    import pyarrow as pa

    from gongkai.export.tabular import arrow_fields

    text = pa.string()
    return {
        "reports": pa.schema([pa.field("sha256", text), *arrow_fields()]),
        "findings": pa.schema([("sha256", text), ("code", text), ("severity", text), ("message", text),
                               ("cells", pa.list_(text)), ("where", text)]),
        "sources": pa.schema([("sha256", text), ("path", text)]),
        "failures": pa.schema([("sha256", text), ("path", text), ("error", text)]),
    }


@dataclass(slots=True)
class Tally:
    """What a run did: reports read and stored, files that failed, files whose content was stored already."""

    read: int = 0
    failed: int = 0
    stored_before: int = 0  # the content was in the dataset when the run began
    copies: int = 0  # the content was met earlier in this run, at another path

    def summary(self, output: str) -> str:
        return t("check.export.dataset_written", read=self.read, failed=self.failed, skipped=self.stored_before,
                 copies=self.copies, output=output)


@dataclass(slots=True)
class _Batch:
    rows: dict[tuple[str, str | None], list[Row]] = field(default_factory=lambda: defaultdict(list))
    reports: int = 0
    started: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        return self.reports >= BATCH_REPORTS or (bool(self.rows) and time.monotonic() - self.started > BATCH_SECONDS)


def _partition(year: object, province: str | None) -> str:
    return f"year={NULL_PARTITION if year is None else year}/province={province or NULL_PARTITION}"


class Dataset:
    """An open dataset folder: what it holds already, and the batch being filled."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.hashes: set[str] = set()  # contents stored, as a report or a failure
        self.failed_paths: set[str] = set()  # files that could not be opened (no content hash)
        self.seen: set[tuple[str, str]] = set()  # (sha256, path) in sources
        self.stored_before: set[str] = set()
        self.tally = Tally()
        self.batch = _Batch()
        self.number = 0  # the last batch committed

    @classmethod
    def open(cls, folder: str | Path) -> Dataset:
        """Open (or create) a dataset folder, finishing or undoing a killed run's last batch."""
        dataset = cls(folder)
        (dataset.folder / "_batches").mkdir(parents=True, exist_ok=True)
        dataset._recover()
        dataset.stored_before = set(dataset.hashes)
        return dataset

    # ── what is there ───────────────────────────────────────────────────────────────────────────────────────

    def _records(self) -> list[tuple[int, dict]]:
        found = []
        for path in sorted((self.folder / "_batches").glob("*.json")):
            if path.stem.isdigit():
                found.append((int(path.stem), json.loads(path.read_text(encoding="utf-8"))))
        return found

    def _recover(self) -> None:
        for number, record in self._records():
            self.number = max(self.number, number)
            for name in record["files"]:
                final = self.folder / name
                pending = final.with_name(PENDING + final.name)
                if not final.exists() and pending.exists():  # killed between the record and the renames
                    os.replace(pending, final)
                if final.exists():
                    self._load(name.split("/", 1)[0], final)
        for stray in [*self.folder.rglob(PENDING + "*"), *self.folder.rglob(f".*{PART_SUFFIX}")]:
            stray.unlink()  # a batch killed before its record: read again this time

    def _load(self, table: str, path: Path) -> None:
        import pyarrow.parquet as pq

        if table == "reports":
            self.hashes.update(pq.read_table(path, columns=["sha256"]).column("sha256").to_pylist())
        elif table == "sources":
            data = pq.read_table(path).to_pydict()
            self.seen.update(zip(data["sha256"], data["path"], strict=True))
        elif table == "failures":
            data = pq.read_table(path, columns=["sha256", "path"]).to_pydict()
            self.hashes.update(h for h in data["sha256"] if h)
            self.failed_paths.update(p for h, p in zip(data["sha256"], data["path"], strict=True) if not h)

    # ── what a run adds ─────────────────────────────────────────────────────────────────────────────────────

    def admit(self, path: str, sha256: str) -> bool:
        """Note where a content was found; True if it is to be read (neither stored nor being read already)."""
        if (sha256, path) not in self.seen:
            self.seen.add((sha256, path))
            self.batch.rows["sources", None].append({"sha256": sha256, "path": path})
        if sha256 not in self.hashes:
            self.hashes.add(sha256)
            return True
        if sha256 in self.stored_before:
            self.tally.stored_before += 1
        else:
            self.tally.copies += 1
        return False

    def unopened(self, path: str) -> bool:
        """True if a file that cannot be opened failed so in an earlier run too (it is not reported again)."""
        return path in self.failed_paths

    def add_report(self, sha256: str, row: Row, findings: list[Row], province: str | None) -> None:
        from gongkai.export.tabular import unknown_keys

        if problem := unknown_keys(row):
            self.add_failure(sha256, str(row.get("file")), str(problem))
            return
        where = _partition(row.get("meta.year"), province)
        self.batch.rows["reports", where].append({"sha256": sha256, **row})
        self.batch.rows["findings", where].extend({"sha256": sha256, **f} for f in findings)
        self.batch.reports += 1
        self.tally.read += 1
        self._flush_if_due()

    def add_failure(self, sha256: str | None, path: str, error: str) -> None:
        if sha256 is None:
            self.failed_paths.add(path)
        self.batch.rows["failures", None].append({"sha256": sha256, "path": path, "error": error})
        self.tally.failed += 1
        self._flush_if_due()

    def _flush_if_due(self) -> None:
        if self.batch.due():
            self.flush()

    def flush(self) -> None:
        """Commit the batch: its files under hidden names, its record, then the names (see the module's doc)."""
        if not self.batch.rows:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        schemas = _schemas()
        number = self.number + 1
        names = []
        for (table, where), rows in sorted(self.batch.rows.items(), key=lambda item: (item[0][0], item[0][1] or "")):
            if not rows:
                continue
            name = "/".join(filter(None, (table, where, f"part-{number:06d}.parquet")))
            final = self.folder / name
            final.parent.mkdir(parents=True, exist_ok=True)
            with replacing(final.with_name(PENDING + final.name)) as part:
                pq.write_table(pa.Table.from_pylist(rows, schema=schemas[table]), part)
            names.append(name)
        write_text(self.folder / "_batches" / f"{number:06d}.json",
                   json.dumps({"files": names}, ensure_ascii=False, indent=1))
        for name in names:
            final = self.folder / name
            os.replace(final.with_name(PENDING + final.name), final)
        self.number = number
        self.batch = _Batch()


def read_table(folder: str | Path, table: str) -> object:
    """One table of a dataset as a pyarrow Table, with its partition columns (year, province) where it has them."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    path = Path(folder) / table
    if not path.exists():
        return _schemas()[table].empty_table()
    if table not in PARTITIONED:
        return ds.dataset(path, format="parquet").to_table()
    partitioning = ds.partitioning(pa.schema([("year", pa.int64()), ("province", pa.string())]), flavor="hive")
    return ds.dataset(path, format="parquet", partitioning=partitioning).to_table()
