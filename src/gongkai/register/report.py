"""A year's annual report made from the register, the records behind each of its cells, and closing the year.

`build_report` counts every cell in SQL (`cells.count_cells`: one GROUP BY per measure over the indexed year,
outcome and applicant columns; no loop over records) in one snapshot of the register, in the newest official
format, and returns the flat cell data of cell-keys.md with a `Report` whose cells say they come from the register
(file: the database URL without its password; raw text: the number). What each cell counts, and why, is in the
docstring of `gongkai.register.cells`; closing and versions in `gongkai.register.closing`.

For a closed year the report is the latest closed version, with a warning naming the cells where the register now
differs; for a year after a closed one, an error when its 上年结转 is not what that closing froze.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from gongkai.formats.naming import describe
from gongkai.i18n import Join, Message
from gongkai.model import Report
from gongkai.register.cells import (
    Definition,
    Entered,
    Number,
    Uncounted,
    count_cells,
    definitions,
    dimension_labels,
    entered_where,
    plain_number,
)
from gongkai.register.closing import (
    ClosingError,
    ClosingResult,
    Notice,
    carried_over_notices,
    check_mode,
    closed_when,
    frozen,
    frozen_notice,
    latest,
    refused_together,
    snapshot,
    store_closing,
    year_has_ended,
)
from gongkai.register.db import Agency, Application, Case, Closing, Document, Register, YearlyCount, shown_url
from gongkai.register.outcomes import newest_format
from gongkai.register.store import RegisterError, agency_id, table_name
from gongkai.register.store import only_agency as only_agency  # its home moved to store (light to import)


@dataclass
class YearReport:
    """A year's report from the register: what it says, what the register gives now, and what to tell."""

    flat: dict[str, Any]  # the report: the latest closed version for a closed year, else the register now
    report: Report
    live: dict[str, Any]  # the register now
    closing: Closing | None = None  # the closed version shown
    notices: list[Notice] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(n.severity == "error" for n in self.notices)


def format_id() -> str:
    """The format a report from the register follows: the newest one (the format data decides its cells)."""
    return newest_format().id


def source_of(reg: Register) -> str:
    """What a generated report's cells name as their source: the database, without its password."""
    return shown_url(reg.engine.url.render_as_string(hide_password=False))


def agency_record(session: Session, name: str) -> Agency:
    return session.get(Agency, agency_id(session, name))


def _uncounted_notice(item: Uncounted, year: int, fmt: str) -> Notice:
    labels = Join(Message("register.cell.label_value", header=header, label=label)
                  for header, label in dimension_labels(item.measure, item.group).items())
    return Notice("error", Message("register.cell.uncounted", count=item.count,
                                   table=table_name(item.measure.model.__tablename__),
                                   period=item.measure.period_text(year), labels=labels, format=fmt))


def live_flat(session: Session, agency: Agency, year: int, fmt: str) -> tuple[dict[str, Any], list[Notice]]:
    """The flat report the register gives now, and errors for records that fall in no cell."""
    values, uncounted = count_cells(session, fmt, agency.id, year)
    flat: dict[str, Any] = {"meta.year": year, "meta.agency": agency.name, "meta.template": fmt, **values}
    return flat, [_uncounted_notice(item, year, fmt) for item in uncounted]


def as_report(flat: dict[str, Any], source: str, kind: str) -> Report:
    """The report model of flat data from the register, every cell sourced to it."""
    from gongkai.serialized import report_from_flat

    report = report_from_flat(flat, source)
    report.meta.kind = kind  # type: ignore[assignment]
    report.meta.table2_formats = [flat["meta.template"]]
    return report


def build_report(reg: Register, agency: str, year: int) -> YearReport:
    """The report of a year for an agency (see the module docstring for closed years)."""
    fmt = format_id()
    with snapshot(reg) as session:
        record = agency_record(session, agency)
        live, notices = live_flat(session, record, year, fmt)
        closing = latest(session, record.id, year)
        flat = frozen(closing) if closing else live
        if closing and (notice := frozen_notice(closing, live)):
            notices.append(notice)
        notices += carried_over_notices(session, fmt, record.id, year, flat)
        kind = record.kind
    source = source_of(reg) + (f"#closed-{year}-v{closing.version}" if closing else "")
    return YearReport(flat, as_report(flat, source, kind), live, closing, notices)


# ── explain ─────────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Explanation:
    """The records behind one cell of a year's report, found by the condition the cell is counted by."""

    key: str
    label: str  # 表三「…」
    year: int
    condition: str  # the condition in words (in the language current when explained)
    value: Number | None  # what the register gives now (the number of records, or the entered count)
    reported: Number | None  # what the report says (the closed version's value for a closed year)
    closing: str | None  # "version 2, by … on …" when the year is closed (in the language current when explained)
    columns: tuple[tuple[str, str], ...]  # (field, header) of the records
    records: list[dict[str, Any]]


_COLUMNS: dict[type, tuple[tuple[str, str], ...]] = {
    Application: (("number", "编号"), ("received", "收到日期"), ("applicant", "申请人类型"), ("answered", "答复日期"),
                  ("outcome", "办理结果")),
    Case: (("number", "编号"), ("kind", "类型"), ("filed", "立案日期"), ("result", "结果"), ("closed", "审结日期"),
           ("application", "关联申请")),
    Document: (("kind", "类型"), ("number", "文号"), ("title", "标题"), ("issued", "发布日期"),
               ("repealed", "废止日期")),
    YearlyCount: (("year", "年度"), ("key", "项目"), ("value", "数量")),
}


def _records_query(definition: Definition, agency_id: int, year: int):
    """The SELECT of the records behind a cell: the cell's own condition (`Counted.where`)."""
    if isinstance(definition, Entered):
        return select(YearlyCount.id, YearlyCount.year, YearlyCount.key, YearlyCount.value).where(
            *entered_where(agency_id, year, definition.key))
    model = definition.measure.model
    where: list[ColumnElement[bool]] = definition.where(agency_id, year)
    if model is Application:
        a = Application
        return select(a.id, a.number, a.received, a.applicant, a.answered, a.outcome).where(*where).order_by(
            a.received, a.number)
    if model is Case:
        linked = aliased(Application)
        result = next(d for d in definition.measure.dimensions if d.name == "result").expression(year)
        return (select(Case.id, Case.number, Case.kind, Case.filed, result.label("result"), Case.closed,
                       linked.number.label("application"))
                .outerjoin(linked, linked.id == Case.application_id).where(*where).order_by(Case.filed, Case.number))
    d = Document
    return select(d.id, d.kind, d.number, d.title, d.issued, d.repealed).where(*where).order_by(d.issued, d.number)


def _model_of(definition: Definition) -> type:
    return YearlyCount if isinstance(definition, Entered) else definition.measure.model


def cell_definition(key: str) -> Definition:
    """The definition of a cell key of a generated report; RegisterError naming a close key for a typo."""
    cells = definitions(format_id())
    if key not in cells:
        import difflib

        close = difflib.get_close_matches(key, list(cells), n=1, cutoff=0.6)
        if close:
            raise RegisterError(Message("register.cell.unknown", key=key, format=format_id(), close=close[0]))
        raise RegisterError(Message("register.cell.unknown_no_close", key=key, format=format_id()))
    return cells[key]


def explain(reg: Register, agency: str, year: int, key: str) -> Explanation:
    """The records behind one cell, by the same condition the cell is counted by."""
    definition = cell_definition(key)
    fmt = format_id()
    with snapshot(reg) as session:
        record = agency_record(session, agency)
        value = count_cells(session, fmt, record.id, year, keys=[key])[0][key]  # as the report counts it
        closing = latest(session, record.id, year)
        rows = [dict(row) for row in session.execute(_records_query(definition, record.id, year)).mappings()]
    for row in rows:
        if "value" in row:
            row["value"] = plain_number(row["value"])
    reported = frozen(closing).get(key) if closing else value
    return Explanation(key, describe(key), year, definition.describe(year), value, reported,
                       str(closed_when(closing)) if closing else None, _COLUMNS[_model_of(definition)], rows)


# ── closing ─────────────────────────────────────────────────────────────────────────────────────────────────


def close_year(reg: Register, agency: str, year: int, *, revise: bool = False, reason: str | None = None,
               user: str | None = None, today: date | None = None) -> ClosingResult:
    """Freeze a year's report as version 1, or store a revision (version N+1) with its reason and changes.

    Refused (ClosingError) for a year not yet over, a closed year without --revise, a revision without a reason
    or without a change, and a year whose 上年结转 contradicts the closing of the year before."""
    year_has_ended(year, today or date.today())
    fmt = format_id()
    try:
        with snapshot(reg, write=True) as session:
            record = agency_record(session, agency)
            previous = latest(session, record.id, year)
            check_mode(previous, year, revise, reason)
            flat, notices = live_flat(session, record, year, fmt)
            notices += carried_over_notices(session, fmt, record.id, year, flat)
            errors = [n.message for n in notices if n.severity == "error"]
            if errors:
                raise ClosingError(Message("register.closing.refused", year=year,
                                           errors=Join(errors, "common.bar")))
            return store_closing(session, record.id, year, flat, fmt, previous=previous, reason=reason, user=user)
    except IntegrityError as exc:
        raise refused_together(exc, year) from None
