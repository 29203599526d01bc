"""Flat tables of many reports: one row per report, one column per cell key of cell-keys.md.

Every writer streams: rows are consumed one at a time (Parquet in batches of 1000), so a
corpus of any size exports in flat memory. openpyxl and pyarrow are imported only by
the writer that needs them, to keep `gongkai --help` fast.

Every writer writes a temporary file beside the output, renamed over it only when complete
(gongkai.atomic): a failed or killed export leaves the previous output as it was. CSV and XLSX
cells cannot run code in a spreadsheet (gongkai.safe_cells): formula-like text is quoted in CSV
and stored as a string in XLSX. JSON lines and Parquet are data formats and keep text as it is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from itertools import islice
from pathlib import Path

from gongkai.atomic import atomic_open, replacing
from gongkai.formats import all_formats
from gongkai.i18n import Message
from gongkai.safe_cells import csv_record, write_only_rows, xlsx_row

META_COLUMNS = ("meta.year", "meta.agency", "meta.template", "meta.published")
STRING_COLUMNS = frozenset({"file", "meta.agency", "meta.template", "meta.published"})
PARQUET_BATCH = 1000

Row = dict[str, object]


@cache
def _columns() -> tuple[str, ...]:
    formats = list(all_formats().values())
    keys: list[str] = []
    # Table-major, then format order: a newer format's extra keys sit next to their table
    # instead of after the older format's table 四.
    for table_keys in ("table2_keys", "table3_keys", "table4_keys"):
        for fmt in formats:
            keys.extend(getattr(fmt, table_keys)())
    return ("file", *META_COLUMNS, *dict.fromkeys(keys))


def all_columns() -> list[str]:
    """The fixed header: file, the metadata, then every cell key of every known format."""
    return list(_columns())


@cache
def _known() -> frozenset[str]:
    return frozenset(_columns())


def unknown_keys(row: Row) -> Message | None:
    """The message naming a row's keys outside the contract (the fixed header), or None if it has none."""
    unknown = row.keys() - _known()
    if not unknown:
        return None
    return Message("check.export.unknown_keys", file=row.get("file"), keys=", ".join(sorted(unknown)))


def _checked(rows: Iterable[Row]) -> Iterator[Row]:
    """Pass rows through, refusing keys outside the contract rather than dropping them."""
    for row in rows:
        if problem := unknown_keys(row):
            raise ValueError(problem)
        yield row


def _header_rows(headers: str) -> list[list[str]]:
    """The header rows of a CSV or workbook: the keys; with Chinese headers, those first and the keys below."""
    if headers == "zh":
        from gongkai.export.headers import chinese_headers

        names = chinese_headers(_columns())
        return [[names[c] for c in _columns()], list(_columns())]
    return [list(_columns())]


def _write_csv(rows: Iterable[Row], path: Path, headers: str = "keys") -> int:
    count = 0
    # utf-8-sig: the BOM is what makes Excel read the file as UTF-8 instead of GBK.
    with atomic_open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=_columns(), restval="")
        csv.writer(out).writerows(_header_rows(headers))
        for row in rows:
            writer.writerow(csv_record(row))
            count += 1
    return count


def _write_xlsx(rows: Iterable[Row], path: Path, headers: str = "keys") -> int:
    from openpyxl import Workbook

    columns = _columns()
    workbook = Workbook(write_only=True)  # streams rows to disk instead of building a sheet
    sheet = workbook.create_sheet("reports")
    for header in _header_rows(headers):
        sheet.append(header)
    count = 0
    with write_only_rows(sheet):
        for row in rows:
            sheet.append(xlsx_row(sheet, [row.get(c) for c in columns]))
            count += 1
    with replacing(path) as part:
        workbook.save(part)
    return count


def arrow_fields(headers: str = "keys") -> list:
    """The Parquet columns of the table (pyarrow fields): text for the file and the metadata, numbers for the rest."""
    import pyarrow as pa

    def arrow_type(column: str) -> pa.DataType:
        if column in STRING_COLUMNS:
            return pa.string()
        # float64 holds every count exactly (below 2**53) and the 万元 decimals too.
        return pa.int64() if column == "meta.year" else pa.float64()

    names = _names(headers)
    return [pa.field(names.get(c, c), arrow_type(c)) for c in _columns()]


def _write_parquet(rows: Iterable[Row], path: Path, headers: str = "keys") -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = _names(headers)
    schema = pa.schema(arrow_fields(headers))
    count = 0
    with replacing(path) as part, pq.ParquetWriter(part, schema) as writer:
        iterator = _renamed(rows, names)
        while batch := list(islice(iterator, PARQUET_BATCH)):
            # from_pylist fills the cells a report lacks with null.
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def _names(headers: str) -> dict[str, str]:
    """Key → column name: the key itself, or its Chinese header (the keys then go into a sidecar file)."""
    if headers != "zh":
        return {}
    from gongkai.export.headers import chinese_headers

    return chinese_headers(_columns())


def _renamed(rows: Iterable[Row], names: dict[str, str]) -> Iterator[Row]:
    for row in rows:
        yield {names.get(k, k): v for k, v in row.items()} if names else row


def write_key_sidecar(path: Path) -> Path:
    """Beside a Parquet or JSON-lines file with Chinese headers: NAME.keys.csv, each Chinese header with its key."""
    from gongkai.export.headers import chinese_headers

    sidecar = path.with_name(path.name + ".keys.csv")
    with atomic_open(sidecar, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["header", "key"])
        writer.writerows((name, key) for key, name in chinese_headers(_columns()).items())
    return sidecar


def _write_jsonl(rows: Iterable[Row], path: Path, headers: str = "keys") -> int:
    count = 0
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as out:
        for row in _renamed(rows, _names(headers)):
            # allow_nan=False: a NaN would make the line invalid JSON; fail loudly instead.
            out.write(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
            count += 1
    return count


WRITERS: dict[str, Callable[[Iterable[Row], Path, str], int]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".parquet": _write_parquet,
    ".jsonl": _write_jsonl,
}


def write_reports(rows: Iterable[Row], path: str | Path, headers: str = "keys") -> int:
    """Write one row per report ({"file": ..., **report.flat()}) by suffix; return the count.

    headers="zh": Chinese column headers (table, row and column labels); CSV and XLSX keep the keys in a second
    header row, Parquet and JSON lines in a sidecar NAME.keys.csv."""
    path = Path(path)
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        supported = ", ".join(WRITERS)
        if path.suffix:
            raise ValueError(Message("check.export.unsupported", name=path.name, suffix=path.suffix,
                                     supported=supported))
        raise ValueError(Message("check.export.no_suffix", name=path.name, supported=supported))
    count = writer(_checked(rows), path, headers)
    if headers == "zh" and path.suffix.lower() in (".parquet", ".jsonl"):
        write_key_sidecar(path)
    return count
