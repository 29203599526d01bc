"""Register files in and out: CSV (UTF-8 with or without BOM, GB18030) and .xlsx, with Chinese column headers.

Three kinds of file, told apart by their headers: applications (编号, 收到日期, 申请人类型, 答复日期, 办理结果, …),
review and litigation cases (编号, 类型, 立案日期, 结果, 审结日期, 关联申请) and published documents (类型, 文号,
标题, 发布日期, 废止日期). Export writes the same columns, so import → export → import gives the same register.

A file is imported whole or not at all, in one transaction: every row is parsed and checked in plain Python
(no ORM object per row) against the same rules as single changes (`store.RULES`: dates between 2008-05-01,
when the regulation took effect, and today), then, BATCH_ROWS at a time, against the register (numbers already
there or earlier in the file, linked applications) and inserted with one executemany (COPY on PostgreSQL).
Problems are collected (up to MAX_ERRORS are reported, with the total) and raised together at the end as
`RegisterFileError`, each naming its line (the CSV line, or the sheet row) and column header, which rolls back
everything the transaction did: the rows, the audit entry and an agency the import created (`new_agency`).
The file is read as a stream (CSV row by row, .xlsx with openpyxl's read-only mode), so memory is bounded by a
batch, not by the file. A date in a year whose report is closed is imported with a warning (the closed report
then differs from the register; `close-year --revise` records the correction). The audit log gets one entry
per imported file listing the ids it created (`store.audit_import`).

Export quotes formula-like text in CSV and stores text as text in .xlsx (gongkai.safe_cells); import removes
that quote again, so export → import is exact. Both write through gongkai.atomic.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session, aliased

from gongkai.atomic import atomic_open, replacing
from gongkai.errors import InputError
from gongkai.i18n import Join, Message, message_of
from gongkai.labels import core
from gongkai.readers.encoding import decode
from gongkai.register import store
from gongkai.register.db import Application, Case, Closing, Document, Record, Register, year_columns
from gongkai.register.deadline import Channel
from gongkai.register.outcomes import Vocabulary, applicants, case_kinds, case_results, document_kinds, outcomes
from gongkai.safe_cells import QUOTE, csv_row, unquoted, write_only_cell, write_only_rows

MAX_ERRORS = 20
BATCH_ROWS = 5000  # rows checked against the register and inserted at a time: memory is bounded by this
STREAM_FROM_BYTES = 4 << 20  # CSV files larger than this are read as a stream instead of decoded whole
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # UTF-32 first: its BOM begins as UTF-16's
YES = frozenset({"是", "有", "yes", "y", "true", "1", "延期", "已延期"})
NO = frozenset({"", "否", "无", "no", "n", "false", "0", "未延期", "不延期"})
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONEY_NOISE = str.maketrans({"元": None, ",": None, "，": None, "¥": None, "￥": None, " ": None})

Cell = str | int | float | date | datetime | Decimal | None


@dataclass(frozen=True)
class RowError:
    line: int  # the CSV line or the sheet row (1 = the header)
    column: str | None  # the column header, None for a problem of the file
    message: Message | str  # rendered when shown

    def __str__(self) -> str:
        if self.column:
            return str(Message("register.row.at_column", line=self.line, column=self.column, problem=self.message))
        return str(Message("register.row.at_line", line=self.line, problem=self.message))


class RegisterFileError(InputError):
    """A register file that was not imported: every problem found, with its line and column."""

    def __init__(self, path: str, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        more = Message("register.file.more", count=self.total - len(errors)) if self.total > len(errors) else ""
        lines = Join(errors, "common.line_break")  # each RowError in the language shown
        super().__init__(path, "register.file.not_imported", total=self.total, lines=lines, more=more)


class _Errors:
    """Collects problems of one file, keeping the MAX_ERRORS of the first lines and counting them all.

    A row's own problems are found as it is read, those against the register when its batch is checked, so
    problems do not arrive in line order; `kept` is in line order (and, within a line, in the order found)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._kept: list[tuple[int, int, RowError]] = []  # (line, order found, error)
        self._last = 0  # where in _kept the latest line is, once it is full
        self.total = 0

    def add(self, line: int, column: str | None, message: Message | str) -> None:
        self.total += 1
        if len(self._kept) == MAX_ERRORS and line >= self._kept[self._last][0]:
            return  # the common case of a file with many problems: later than every one kept
        entry = (line, self.total, RowError(line, column, message))
        if len(self._kept) < MAX_ERRORS:
            self._kept.append(entry)
        else:
            self._kept[self._last] = entry
        self._last = max(range(len(self._kept)), key=lambda i: self._kept[i][:2])

    @property
    def kept(self) -> list[RowError]:
        return [error for *_, error in sorted(self._kept, key=lambda entry: entry[:2])]

    def raise_any(self) -> None:
        if self.total:
            raise RegisterFileError(self.path, self.kept, self.total)


# ── cells → values ──────────────────────────────────────────────────────────────────────────────────────


def _text(cell: Cell) -> str | None:
    """A text cell; numbers typed into text columns (编号 1001 in Excel) come back without '.0'."""
    if type(cell) is str:  # every CSV cell: the fast path
        text = cell.strip()
        if text[:1] == QUOTE:  # the quote gongkai's export puts before formula-like text (safe_cells)
            text = unquoted(text).strip()
        return text or None
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, datetime | date):
        cell = cell.isoformat()[:10]
    text = str(cell).strip()
    return text or None


@lru_cache(maxsize=65536)
def _date_text(text: str) -> date:
    """A typed date: 2025-03-01, 2025/3/1, 2025.3.1, 2025年3月1日 (a midnight time after it is ignored), 20250301."""
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            raise ValueError(Message("register.value.not_calendar_date", text=text)) from None
    raise ValueError(Message("register.value.not_date", text=text))


def parse_date(cell: Cell) -> date | None:
    """A date from a CSV text or an Excel cell (date cells are dates already)."""
    if type(cell) is str:  # every CSV cell: the fast path
        text = cell.strip()
        return _date_text(text) if text else None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float):
        if isinstance(cell, float) and not cell.is_integer():
            raise ValueError(Message("register.value.number_not_date", value=repr(cell)))
        cell = str(int(cell))  # 20250301 typed as a number
        if not _COMPACT_DATE.fullmatch(cell):
            raise ValueError(Message("register.value.number_not_date", value=cell))
    text = _text(cell)
    return None if text is None else _date_text(text)


def _controlled(vocabulary: Callable[[], Vocabulary]) -> Callable[[Cell], str | None]:
    """A parser for a column of labels, answering from a cache: a register repeats a few dozen spellings."""

    @cache
    def resolve(text: str) -> str:
        key = vocabulary().resolve(text)
        if key is None:
            raise ValueError(vocabulary().unknown(text))
        return key

    def parse(cell: Cell) -> str | None:
        text = _text(cell)
        return None if text is None else resolve(text)

    return parse


@cache
def _channel_text(text: str) -> str:
    return Channel.parse(text).value


def _channel(cell: Cell) -> str | None:
    text = _text(cell)
    return None if text is None else _channel_text(text)


def _extension(cell: Cell) -> tuple[bool, str | None]:
    """延期: 是/否 (or empty), or the reason of the extension, which means 是."""
    text = _text(cell) or ""
    if text.lower() in NO:
        return False, None
    return True, None if text.lower() in YES else text


def _money(cell: Cell) -> Decimal | None:
    if isinstance(cell, int | float | Decimal):
        return Decimal(str(cell))
    text = _text(cell)
    if text is None:
        return None
    try:
        return Decimal(text.translate(_MONEY_NOISE))
    except InvalidOperation:
        raise ValueError(Message("register.value.not_amount", text=text)) from None


# ── values → cells ──────────────────────────────────────────────────────────────────────────────────────


def _plain(value: Any) -> Any:
    return "" if value is None else value


def _money_text(value: Decimal | None) -> str:
    return "" if value is None else format(Decimal(value).normalize(), "f")


def _label_of(vocabulary: Callable[[], Vocabulary]) -> Callable[[Any], str]:
    return lambda key: "" if key is None else vocabulary().label(key)


# ── the three kinds of file ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the field of the model, or of the row of the export query
    parse: Callable[[Cell], Any]
    write: Callable[[Any], Any] = _plain  # the value → what the cell shows
    required: bool = False  # the header must be in the file (its cells may still be empty)


@dataclass(frozen=True)
class Sheet:
    kind: str
    title: str  # the sheet name on export
    model: type[Record]
    columns: tuple[Column, ...]
    finish: Callable[[dict[str, Any]], None] = lambda values: None  # derived fields before the rules
    exported: Callable[[Mapping[str, Any]], dict[str, Any]] = dict  # an export row → the columns' fields
    distinct: tuple[str, ...] = ()  # the headers that tell this kind of file from the others

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


def _finish_application(values: dict[str, Any]) -> None:
    values["extended"], values["extension_reason"] = values.pop("extension", (False, None))


def _export_application(row: Mapping[str, Any]) -> dict[str, Any]:
    reason, extended = row["extension_reason"], row["extended"]
    return {**row, "extension": reason if reason else ("是" if extended else "否")}


def _finish_case(values: dict[str, Any]) -> None:
    values["result"] = values.get("result") or "pending"


APPLICATIONS = Sheet("applications", "依申请公开登记", Application, (
    Column("编号", "number", _text, required=True),
    Column("收到日期", "received", parse_date, required=True),
    Column("渠道", "channel", _channel),
    Column("申请人类型", "applicant", _controlled(applicants), _label_of(applicants), required=True),
    Column("申请内容", "subject", _text),
    Column("补正告知日期", "correction_asked", parse_date),
    Column("补正收到日期", "correction_received", parse_date),
    Column("延期", "extension", _extension),
    Column("征求意见开始", "consultation_started", parse_date),
    Column("征求意见结束", "consultation_ended", parse_date),
    Column("收费通知日期", "fee_notice", parse_date),
    Column("缴费日期", "fee_paid", parse_date),
    Column("收费", "fee", _money, _money_text),
    Column("答复日期", "answered", parse_date, required=True),
    Column("办理结果", "outcome", _controlled(outcomes), _label_of(outcomes), required=True),
    Column("申请人", "applicant_name", _text),  # whom the letters address (gongkai.letters); last: files
    Column("联系方式", "contact", _text),  # written before these columns existed read as they did
), _finish_application, _export_application, distinct=("收到日期", "申请人类型", "办理结果", "答复日期"))

CASES = Sheet("cases", "行政复议和行政诉讼", Case, (
    Column("编号", "number", _text, required=True),
    Column("类型", "kind", _controlled(case_kinds), _label_of(case_kinds), required=True),
    Column("立案日期", "filed", parse_date, required=True),
    Column("结果", "result", _controlled(case_results), _label_of(case_results)),
    Column("审结日期", "closed", parse_date),
    Column("关联申请", "application_number", _text),
), _finish_case, distinct=("立案日期", "结果", "审结日期", "关联申请"))

DOCUMENTS = Sheet("documents", "规章和行政规范性文件", Document, (
    Column("类型", "kind", _controlled(document_kinds), _label_of(document_kinds), required=True),
    Column("文号", "number", _text, required=True),
    Column("标题", "title", _text, required=True),
    Column("发布日期", "issued", parse_date, required=True),
    Column("废止日期", "repealed", parse_date),
), distinct=("文号", "标题", "发布日期", "废止日期"))

SHEETS = {sheet.kind: sheet for sheet in (APPLICATIONS, CASES, DOCUMENTS)}


def _header_key(cell: Cell) -> str:
    return core(_text(cell) or "")


def recognise(headers: list[Cell], path: str) -> tuple[Sheet, list[tuple[int, Column]], list[str]]:
    """Which kind of file a header row belongs to, where each column is, and the headers not used."""
    found = {_header_key(h): i for i, h in reversed(list(enumerate(headers))) if _header_key(h)}
    scores = {kind: sum(_header_key(h) in found for h in sheet.distinct) for kind, sheet in SHEETS.items()}
    best = max(scores.values())
    winners = [kind for kind, score in scores.items() if score == best]
    if best == 0 or len(winners) > 1:
        expected = Join((Message("register.file.expected_kind", kind=Message(f"register.kind.{s.kind}"),
                                 headers=Join(s.headers)) for s in SHEETS.values()), "common.semicolon")
        problem = Message("register.file.unknown_kind", headers=Join(map(str, filter(None, headers))),
                          expected=expected)
        raise RegisterFileError(path, [RowError(1, None, problem)])
    sheet = SHEETS[winners[0]]
    missing = [c.header for c in sheet.columns if c.required and _header_key(c.header) not in found]
    if missing:
        kind = Message(f"register.kind.{sheet.kind}")
        raise RegisterFileError(path, [RowError(1, header, Message("register.file.missing_column", header=header,
                                                                   kind=kind)) for header in missing])
    positions = [(found[_header_key(c.header)], c) for c in sheet.columns if _header_key(c.header) in found]
    used = {i for i, _ in positions}
    ignored = [str(h) for i, h in enumerate(headers) if i not in used and _text(h)]
    return sheet, positions, ignored


# ── reading files ───────────────────────────────────────────────────────────────────────────────────────


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes in an encoding, checked a megabyte at a time."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as stream:
        try:
            while chunk := stream.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _stream_encoding(path: Path) -> str | None:
    """The encoding of a large CSV file, to read it as a stream: its BOM's, else UTF-8 or GB18030 when the
    whole file decodes; None when it takes the readers' full detection (UTF-16 without a BOM, legacy code pages)."""
    with path.open("rb") as stream:
        head = stream.read(4096)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head:
        return None
    return next((name for name in ("utf-8", "gb18030") if _decodes(path, name)), None)


def _csv_text(path: Path) -> IO[str]:
    """The text of a CSV file: streamed from disk when large, else decoded whole (every detection applies)."""
    encoding = _stream_encoding(path) if path.stat().st_size > STREAM_FROM_BYTES else None
    if encoding is not None:
        return path.open(encoding=encoding, newline="")
    text, _encoding = decode(path.read_bytes(), str(path))
    return io.StringIO(text, newline="")


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    """(line, cells) of a CSV file in any of the encodings agencies save in; a row's line is where it starts."""
    with _csv_text(path) as stream:
        first = stream.readline()
        delimiter = "\t" if "\t" in first and "," not in first else ","
        reader = csv.reader(chain([first], stream), delimiter=delimiter)
        line = 1
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    """(sheet row, cells) of the first worksheet whose first non-empty row is a register header."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(str(path), "errors.xlsx.unreadable", detail=type(exc).__name__) from None
    try:
        sheets = list(book.worksheets)
        for number, sheet in enumerate(sheets):
            rows = ((i, list(cells)) for i, cells in enumerate(sheet.iter_rows(values_only=True), start=1))
            rows = (row for row in rows if any(_text(c) for c in row[1]))
            first = next(rows, None)
            if first is None:
                continue
            if number < len(sheets) - 1 and not _is_header(first[1]):
                continue
            yield first
            yield from rows
            return
    finally:
        book.close()


def _is_header(cells: list[Cell]) -> bool:
    keys = {_header_key(c) for c in cells}
    return any(_header_key(h) in keys for sheet in SHEETS.values() for h in sheet.distinct)


def read_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    """Non-empty rows of a register file, the header first."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    return (row for row in _csv_rows(path) if any(c.strip() for c in row[1]))


# ── import ──────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ImportResult:
    path: str
    kind: str  # applications, cases, documents
    rows: int
    ids: str  # the ids created, as ranges (1-200000)
    ignored_columns: tuple[str, ...]  # headers of the file that are not register columns
    created_agency: bool = False  # the agency was created by this import (new_agency)
    warnings: tuple[RowError, ...] = ()  # the first MAX_ERRORS rows imported into a closed year
    warning_total: int = 0


def _parse_row(sheet: Sheet, positions: list[tuple[int, Column]], cells: list[Cell], line: int,
               errors: _Errors, today: date) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    bad = False
    width = len(cells)
    for index, column in positions:
        try:
            values[column.field] = column.parse(cells[index] if index < width else None)
        except ValueError as exc:
            errors.add(line, column.header, message_of(exc))
            bad = True
    if bad:
        return None
    sheet.finish(values)
    problems = store.RULES[sheet.model](values, today)
    for field_name, message in problems:
        errors.add(line, store.LABELS[sheet.model].get(field_name, field_name), message)
    return None if problems else values


def _batches(sheet: Sheet, positions: list[tuple[int, Column]], rows: Iterable[tuple[int, list[Cell]]],
             errors: _Errors, today: date) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """The rows that pass the rules on their own, BATCH_ROWS at a time: (line, values)."""
    batch: list[tuple[int, dict[str, Any]]] = []
    for line, cells in rows:
        values = _parse_row(sheet, positions, cells, line, errors, today)
        if values is not None:
            batch.append((line, values))
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


class _Inserted:
    """The ids this import has inserted so far and the line of each (ascending ids: looked up by bisection).
    Two arrays of machine integers, 16 bytes a row, instead of a dict of Python objects per row."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.lines = array("q")

    def add(self, ids: Iterable[int], lines: Iterable[int]) -> None:
        self.ids.extend(ids)
        self.lines.extend(lines)

    def line_of(self, record_id: int | None) -> int | None:
        if record_id is None:
            return None
        at = bisect_left(self.ids, record_id)
        return self.lines[at] if at < len(self.ids) and self.ids[at] == record_id else None


def _numbers_in(session: Session, model: type[Record], agency: int, numbers: set[str]) -> dict[str, int]:
    """number → id of the active records of an agency among `numbers` (one query for a batch), each number
    looked up in the unique index of (agency, number): the time of a batch does not grow with the register."""
    if not numbers:
        return {}
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        # Inside the import's transaction the table has no statistics for the rows just inserted, and PostgreSQL
        # then plans `number IN (…)` as a scan of the agency's every row (quadratic over a large file); one
        # lookup per number (LATERAL … LIMIT 1) is planned as an index probe whatever the statistics say.
        query = text("SELECT n.number, t.id FROM unnest(CAST(:numbers AS text[])) AS n(number) "
                     f"CROSS JOIN LATERAL (SELECT id FROM {table.name} WHERE agency_id = :agency "
                     "AND number = n.number AND withdrawn_at IS NULL LIMIT 1) AS t")
        rows = session.execute(query, {"numbers": list(numbers), "agency": agency})
    else:  # SQLite searches the index for each number of the list (EXPLAIN QUERY PLAN: SEARCH … USING INDEX)
        rows = session.execute(select(table.c.number, table.c.id).where(
            table.c.agency_id == agency, table.c.withdrawn_at.is_(None), table.c.number.in_(numbers)))
    return {number: record_id for number, record_id in rows}


class _Import:
    """One file going into the register inside one transaction, batch by batch: each batch is checked against
    the register as it stands in this transaction (numbers already there, or inserted by an earlier batch of
    the same file; linked applications) and inserted with one executemany (COPY on PostgreSQL). Problems are
    collected; the caller raises them at the end, which rolls everything back."""

    def __init__(self, session: Session, sheet: Sheet, agency: int, errors: _Errors, warnings: _Errors) -> None:
        self.session, self.sheet, self.agency = session, sheet, agency
        self.errors, self.warnings = errors, warnings
        self.inserted = _Inserted()
        self.number_header = store.LABELS[sheet.model]["number"]
        self.closed = closed_years(session, agency)

    def add(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        existing = _numbers_in(self.session, self.sheet.model, self.agency, {v["number"] for _, v in batch})
        linked = {}
        if self.sheet is CASES:
            wanted = {v["application_number"] for _, v in batch if v.get("application_number") is not None}
            linked = _numbers_in(self.session, Application, self.agency, wanted)
        seen: dict[str, int] = {}  # number → line, within the batch
        lines, rows = [], []
        for line, values in batch:
            if self._refused(line, values, existing, linked, seen):
                continue
            self._warn_closed(line, values)
            values["agency_id"] = self.agency
            lines.append(line)
            rows.append(year_columns(self.sheet.model, values))
        if rows:  # inserted even once the file is refused, so that later duplicates of these rows are found
            self.inserted.add(insert_rows(self.session, self.sheet.model, rows), lines)

    def _refused(self, line: int, values: dict[str, Any], existing: dict[str, int], linked: dict[str, int],
                 seen: dict[str, int]) -> bool:
        """Whether the row breaks a rule of the register (each problem added to the errors)."""
        number = values["number"]
        first = seen.get(number) or self.inserted.line_of(existing.get(number))
        if first is not None:
            self.errors.add(line, self.number_header, Message("register.row.duplicate", number=number, first=first))
            return True
        seen[number] = line
        refused = number in existing
        if refused:
            self.errors.add(line, self.number_header, Message("register.row.already_in_register", number=number))
        if self.sheet is CASES:
            application = values.pop("application_number", None)
            values["application_id"] = None if application is None else linked.get(application)
            if application is not None and values["application_id"] is None:
                self.errors.add(line, "关联申请", Message("register.row.linked_missing", number=application))
                refused = True
        return refused

    def _warn_closed(self, line: int, values: dict[str, Any]) -> None:
        """A date in a year whose report is closed: imported, but said (the closed report will differ)."""
        for field_name in getattr(self.sheet.model, "_years", ()):
            day = values.get(field_name)
            if day is not None and day.year in self.closed:
                self.warnings.add(line, store.LABELS[self.sheet.model][field_name],
                                  Message("register.row.closed_year", year=day.year))
                return


def closed_years(session: Session, agency: int) -> frozenset[int]:
    """The years of an agency whose report has been closed (gongkai.register.closing)."""
    return frozenset(session.scalars(select(Closing.year).where(Closing.agency_id == agency).distinct()))


def _header(path: Path) -> tuple[Sheet, list[tuple[int, Column]], list[str], Iterator[tuple[int, list[Cell]]]]:
    """The kind of file and its columns, from its header row; and the rows after it, not read yet."""
    rows = read_rows(path)
    header = next(rows, None)
    if header is None:
        raise InputError(str(path), "register.file.no_header")
    sheet, positions, ignored = recognise(header[1], str(path))
    return sheet, positions, ignored, rows


def _insert_sqlite(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """One executemany. The transaction holds SQLite's write lock (BEGIN IMMEDIATE) and a new rowid is the
    largest one plus one, so the rows get the ids after the largest one before, in order (checked)."""
    before = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    session.execute(insert(table), rows)
    after = session.scalar(select(func.max(table.c.id)))
    if after - before != len(rows):
        raise RuntimeError(f"{table.name}: {len(rows)} rows inserted but ids went from {before} to {after}")
    return list(range(before + 1, after + 1))


def _insert_postgresql(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """COPY, the fastest way into PostgreSQL, with ids taken from the table's sequence first (so they are
    known exactly even when other imports run at the same time)."""
    columns = list(rows[0])
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
                       "FROM generate_series(1, %s)", (len(rows),))
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(f"COPY {table.name} (id, {', '.join(columns)}) FROM STDIN") as copy:
            for record_id, row in zip(ids, rows, strict=True):
                copy.write_row((record_id, *map(row.__getitem__, columns)))
    return ids


def insert_rows(session: Session, model: type[Record], rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert the checked rows in the way each database is fastest; the ids created, in row order.

    Public for tools that make rows already checked (benchmarks, generated test registers): the rows must
    hold every column they set, agency_id included, and their `<date>_year` columns (`db.year_columns`)."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _insert_postgresql(session, model.__table__, rows)
    if session.get_bind().dialect.name == "sqlite":
        return _insert_sqlite(session, model.__table__, rows)
    statement = insert(model.__table__).returning(model.__table__.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, rows).scalars())


def import_file(reg: Register, path: str | Path, agency: str, *, user: str | None = None,
                today: date | None = None, new_agency: str | None = None) -> ImportResult:
    """Import a register file for one agency, all or nothing; RegisterFileError lists what is wrong.

    `new_agency` (a kind: department, government) creates the agency when it is not in the register yet,
    inside the import's transaction: a refused file leaves no agency and no audit entry behind."""
    path = Path(path)
    today = today or date.today()
    errors, warnings = _Errors(str(path)), _Errors(str(path))
    sheet, positions, ignored, rows = _header(path)  # before the transaction: a file of no known kind locks nothing
    with reg.writing() as session:
        agency_id, created = store.agency_for_import(session, agency, new_agency, user)
        work = _Import(session, sheet, agency_id, errors, warnings)
        for batch in _batches(sheet, positions, rows, errors, today):
            work.add(batch)
        errors.raise_any()
        ids = work.inserted.ids
        if ids:
            store.audit_import(session, sheet.model, path.name, ids, user, agency_id)
    return ImportResult(str(path), sheet.kind, len(ids), store.id_ranges(ids), tuple(ignored),
                        created, tuple(warnings.kept), warnings.total)


# ── export ──────────────────────────────────────────────────────────────────────────────────────────────


def _records(session: Session, sheet: Sheet, agency: int) -> Iterator[Mapping[str, Any]]:
    table = sheet.model.__table__
    query = select(table).where(table.c.agency_id == agency, table.c.withdrawn_at.is_(None)).order_by(table.c.id)
    if sheet is CASES:
        linked = aliased(Application)
        query = (select(table, linked.number.label("application_number"))
                 .outerjoin(linked, linked.id == table.c.application_id)
                 .where(table.c.agency_id == agency, table.c.withdrawn_at.is_(None)).order_by(table.c.id))
    for row in session.execute(query).mappings():
        yield sheet.exported(row)


def _cells(sheet: Sheet, records: Iterable[Mapping[str, Any]]) -> Iterator[list[Any]]:
    writers = [(c.field, c.write) for c in sheet.columns]
    for record in records:
        yield [write(record.get(name)) for name, write in writers]


def _write_csv(path: Path, sheet: Sheet, rows: Iterable[list[Any]]) -> int:
    count = 0
    # utf-8-sig: the BOM is what makes Excel read the file as UTF-8 instead of GBK.
    with atomic_open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(sheet.headers)
        for row in rows:
            writer.writerow(csv_row(v.isoformat() if isinstance(v, date) else v for v in row))
            count += 1
    return count


def _xlsx_cell(ws: Any, value: Any) -> Any:
    cell = write_only_cell(ws, value)  # text stays text: '=…' is no formula, '007' no number
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _write_xlsx(path: Path, sheet: Sheet, rows: Iterable[list[Any]]) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet.title)
    ws.append(list(sheet.headers))
    count = 0
    with write_only_rows(ws):
        for row in rows:
            ws.append([_xlsx_cell(ws, value) for value in row])
            count += 1
    with replacing(path) as part:
        book.save(part)
    return count


def export_file(reg: Register, path: str | Path, agency: str, kind: str = "applications") -> int:
    """Write one agency's records of a kind (applications, cases, documents) to .csv or .xlsx; rows written."""
    path = Path(path)
    sheet = SHEETS[kind]
    with reg.sessions() as session:
        rows = _cells(sheet, _records(session, sheet, store.agency_id(session, agency)))
        if path.suffix.lower() == ".xlsx":
            return _write_xlsx(path, sheet, rows)
        return _write_csv(path, sheet, rows)
