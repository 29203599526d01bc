"""The annual report made from the register: counted cells against a reference count, the checks of gongkai,
explain, closing years and their versions. Every test runs on SQLite and on PostgreSQL (test_register_db's
fixtures).

The reference (`reference`) counts a generated register in plain Python from the records' dates, by the
conventions of gongkai.register.cells, independently of the SQL (no year columns, no GROUP BY, no boxes): totals are
unions of their parts as the format's identities define them.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from gongkai.checks import run_checks
from gongkai.checks.catalogue import severity
from gongkai.formats import get_format
from gongkai.register import store
from gongkai.register.cells import Entered, UncountableCell, definitions
from gongkai.register.closing import ClosingError
from gongkai.register.db import (
    SCHEMA_REVISION,
    Application,
    AuditEntry,
    CarriedForward,
    Case,
    Closing,
    Document,
    Register,
    YearlyCount,
    shown_url,
    year_columns,
)
from gongkai.register.outcomes import applicants, case_kinds, document_kinds, outcomes
from gongkai.register.report import build_report, close_year, explain, format_id, only_agency, source_of
from gongkai.register.store import RegisterError
from gongkai.register.tabular import insert_rows
from support import REGISTER_AGENCY as AGENCY
from support import REGISTER_TODAY as TODAY
from support import run_threads

pytestmark = pytest.mark.usefixtures("english")  # the assertions read the library's messages in English

FMT = get_format(format_id())
AGENCIES = itertools.count()
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# ── generated registers ─────────────────────────────────────────────────────────────────────────────────────

def _days(start: date, end: date) -> st.SearchStrategy[date]:
    """Any day, with the days at the turn of each year drawn often (where the counting conventions bite)."""
    turns = [d for y in range(start.year, end.year + 1) for d in (date(y, 1, 1), date(y, 12, 31))
             if start <= d <= end]
    return st.one_of(st.integers(0, (end - start).days).map(lambda n: start + timedelta(days=n)),
                     st.sampled_from(turns))


def _later(draw, start: date, most: int = 500) -> date:
    return min(TODAY, start + timedelta(days=draw(st.integers(0, most))))


@st.composite
def _application(draw, days) -> dict[str, Any]:
    received = draw(days)
    answered = _later(draw, received) if draw(st.booleans()) else None
    return {"received": received, "applicant": draw(st.sampled_from(applicants().keys)), "answered": answered,
            "outcome": draw(st.sampled_from(outcomes().keys)) if answered else None,
            "withdrawn": draw(st.integers(0, 9)) == 0}


@st.composite
def _case(draw, days, applications: int) -> dict[str, Any]:
    filed = draw(days)
    closed = _later(draw, filed) if draw(st.booleans()) else None
    parts = [p for p in FMT.sets["appeal_parts"] if p != "pending"]
    return {"kind": draw(st.sampled_from(case_kinds().keys)), "filed": filed, "closed": closed,
            "result": draw(st.sampled_from(parts)) if closed else "pending",
            "application": draw(st.none() | st.integers(0, applications - 1)) if applications else None,
            "withdrawn": draw(st.integers(0, 9)) == 0}


@st.composite
def _document(draw, days) -> dict[str, Any]:
    issued = draw(days)
    return {"kind": draw(st.sampled_from(document_kinds().keys)), "issued": issued,
            "repealed": _later(draw, issued, 1500) if draw(st.booleans()) else None,
            "withdrawn": draw(st.integers(0, 9)) == 0}


ENTERED = [key for key, d in definitions(FMT.id).items() if isinstance(d, Entered)]


def _count_value(key: str) -> st.SearchStrategy:
    if key.rsplit(".", 1)[-1] in FMT.decimal_columns:
        return st.decimals(min_value=0, max_value=9999, places=2)
    return st.integers(0, 5000).map(Decimal)


@st.composite
def registers(draw) -> dict[str, Any]:
    """Applications, cases and documents over two or three years (documents from earlier too), yearly counts."""
    years = draw(st.sampled_from([(2024, 2025), (2023, 2024, 2025)]))
    days = _days(date(years[0], 1, 1), date(years[-1], 12, 31))
    applications = draw(st.lists(_application(days), max_size=30))
    counts = {(year, key): draw(_count_value(key)) for year in years for key in ENTERED if draw(st.booleans())}
    return {"years": years, "applications": applications,
            "cases": draw(st.lists(_case(days, len(applications)), max_size=10)),
            "documents": draw(st.lists(_document(_days(date(2015, 1, 1), date(years[-1], 12, 31))), max_size=10)),
            "counts": counts}


def _withdrawn(item: dict[str, Any]) -> dict[str, Any]:
    if item["withdrawn"]:
        return {"withdrawn_at": datetime(2026, 1, 2, tzinfo=UTC), "withdrawn_reason": "登记错误"}
    return {"withdrawn_at": None, "withdrawn_reason": None}


def insert(reg: Register, data: dict[str, Any]) -> str:
    """A new agency holding the generated records (bulk inserted as an import is); its name."""
    name = f"随机机关{next(AGENCIES)}"
    agency = store.add_agency(reg, name)
    with reg.writing() as session:
        ids = insert_rows(session, Application, [year_columns(Application, {
            "agency_id": agency, "number": f"A{i}", "received": a["received"], "applicant": a["applicant"],
            "answered": a["answered"], "outcome": a["outcome"], **_withdrawn(a)})
            for i, a in enumerate(data["applications"])])
        insert_rows(session, Case, [year_columns(Case, {
            "agency_id": agency, "number": f"C{i}", "kind": c["kind"], "filed": c["filed"], "closed": c["closed"],
            "result": c["result"], "application_id": None if c["application"] is None else ids[c["application"]],
            **_withdrawn(c)}) for i, c in enumerate(data["cases"])])
        insert_rows(session, Document, [year_columns(Document, {
            "agency_id": agency, "number": f"D{i}", "kind": d["kind"], "title": f"文件{i}", "issued": d["issued"],
            "repealed": d["repealed"], **_withdrawn(d)}) for i, d in enumerate(data["documents"])])
        insert_rows(session, YearlyCount, [{"agency_id": agency, "year": year, "key": key, "value": value}
                                           for (year, key), value in data["counts"].items()])
    return name


# ── the reference count ─────────────────────────────────────────────────────────────────────────────────────

def _in(day: date | None, year: int) -> bool:
    return day is not None and day.year == year


def _open_after(day: date | None, year: int) -> bool:
    """Not done by 31 December of the year (no date, or a later one)."""
    return day is None or day.year > year


def _application_cells(a: dict[str, Any], year: int) -> list[str]:
    received, answered, who = a["received"], a["answered"], a["applicant"]
    rows = [("new", _in(received, year)),
            ("carried_over", received.year < year and _open_after(answered, year - 1)),
            (a["outcome"], _in(answered, year)),
            ("carried_forward", received.year <= year and _open_after(answered, year))]
    return [f"applications.{row}.{who}" for row, counted in rows if counted]


def _document_cells(d: dict[str, Any], year: int) -> list[str]:
    columns = [("issued", _in(d["issued"], year)), ("repealed", _in(d["repealed"], year)),
               ("in_force", d["issued"].year <= year and _open_after(d["repealed"], year))]
    return [f"proactive.{d['kind']}.{column}" for column, counted in columns if counted]


def _base_cells(data: dict[str, Any], year: int) -> dict[str, set[str]]:
    """The records behind every cell that is not a total, counted here independently of the register's SQL."""
    cells: dict[str, set[str]] = {}
    found = [(key, f"A{i}") for i, a in enumerate(data["applications"]) if not a["withdrawn"]
             for key in _application_cells(a, year)]
    found += [(f"{c['kind']}.{'pending' if _open_after(c['closed'], year) else c['result']}", f"C{i}")
              for i, c in enumerate(data["cases"]) if not c["withdrawn"] and _in(c["filed"], year)]
    found += [(key, f"D{i}") for i, d in enumerate(data["documents"]) if not d["withdrawn"]
              for key in _document_cells(d, year)]
    for key, number in found:
        cells.setdefault(key, set()).add(number)
    return cells


def reference(data: dict[str, Any], year: int) -> dict[str, Any]:
    """Every cell of the year's report: the set of record numbers behind a counted cell, or the entered count."""
    base, totals = _base_cells(data, year), FMT.totals()

    def cell(key: str) -> set[str]:
        return set().union(*(cell(part) for part in totals[key])) if key in totals else base.get(key, set())

    out: dict[str, Any] = {}
    for key in FMT.table2_keys() + FMT.table3_keys() + FMT.table4_keys():
        if key in ENTERED:
            value = data["counts"].get((year, key))
            out[key] = None if value is None else int(value) if value == int(value) else float(value)
        else:
            out[key] = cell(key)
    return out


def _value(expected: Any) -> Any:
    return len(expected) if isinstance(expected, set) else expected


# ── reports of random registers ─────────────────────────────────────────────────────────────────────────────

@SETTINGS
@given(data=registers())
def test_reports_of_random_registers(register: Register, data: dict[str, Any]) -> None:
    """Every cell as the reference counts it; no error finding of any check; 上年结转 = last year's 结转下年度;
    closing the first year freezes exactly the applications open at its end, and the next year agrees with it."""
    name = insert(register, data)
    years = data["years"]
    reports = {year: build_report(register, name, year) for year in years}
    for year, result in reports.items():
        expected = reference(data, year)
        assert {k: v for k, v in result.flat.items() if not k.startswith("meta.")} == {
            k: _value(v) for k, v in expected.items()}
        assert [f.code for f in run_checks(result.report) if f.code.startswith("A")] == []
        assert [f.code for f in run_checks(result.report) if severity(f) == "error"] == []
        assert result.notices == []
    for year in years[1:]:
        for column in FMT.sets["applicant_columns"]:
            assert (reports[year].flat[f"applications.carried_over.{column}"]
                    == reports[year - 1].flat[f"applications.carried_forward.{column}"])
        for row in FMT.sets["document_rows"]:
            flat, before = reports[year].flat, reports[year - 1].flat
            assert flat[f"proactive.{row}.in_force"] == (before[f"proactive.{row}.in_force"]
                                                         + flat[f"proactive.{row}.issued"]
                                                         - flat[f"proactive.{row}.repealed"])
    closed = close_year(register, name, years[0], today=TODAY)
    assert frozen_numbers(register, name, years[0]) == reference(data, years[0])["applications.carried_forward.total"]
    assert closed.carried_forward == reports[years[0]].flat["applications.carried_forward.total"]
    after = build_report(register, name, years[1])
    assert after.notices == [] and after.flat == reports[years[1]].flat


def frozen_numbers(reg: Register, agency: str, year: int, version: int | None = None) -> set[str]:
    """The numbers of the applications the (latest, or given) closing of a year carried forward."""
    with reg.sessions() as session:
        closings = session.scalars(select(Closing).where(
            Closing.year == year, Closing.agency_id == store.agency_id(session, agency)).order_by(
            Closing.version.desc())).all()
        chosen = next(c for c in closings if version is None or c.version == version)
        return set(session.scalars(select(Application.number).join(
            CarriedForward, CarriedForward.application_id == Application.id).where(
            CarriedForward.closing_id == chosen.id)))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=registers(), pick=st.integers(0, 2))
def test_explain_lists_the_records_behind_every_cell(register: Register, data: dict[str, Any], pick: int) -> None:
    """For every cell: as many records as the report counts, and exactly those the reference finds."""
    name = insert(register, data)
    year = data["years"][pick % len(data["years"])]
    report, expected = build_report(register, name, year), reference(data, year)
    for key, definition in definitions(FMT.id).items():
        explanation = explain(register, name, year, key)
        assert explanation.value == explanation.reported == report.flat[key]
        if isinstance(definition, Entered):
            assert len(explanation.records) == (0 if expected[key] is None else 1)
            continue
        assert len(explanation.records) == report.flat[key], key
        assert {r["number"] for r in explanation.records} == expected[key], key


# ── cells and their sources ─────────────────────────────────────────────────────────────────────────────────

def add(reg: Register, number: str, received: date, answered: date | None = None, outcome: str | None = None,
        applicant: str = "自然人") -> int:
    return store.add_application(reg, AGENCY, number=number, received=received, answered=answered, outcome=outcome,
                                 applicant=applicant, today=TODAY, user="clerk")


def test_cells_say_they_come_from_the_register(register: Register) -> None:
    add(register, "A-1", date(2025, 3, 3), date(2025, 3, 20), "予以公开")
    store.set_yearly_count(register, AGENCY, 2025, "proactive.fees.amount", Decimal("12.5"))
    result = build_report(register, AGENCY, 2025)
    assert result.flat["meta.year"] == 2025 and result.flat["meta.agency"] == AGENCY
    assert result.flat["meta.template"] == FMT.id == result.report.meta.template
    assert result.report.meta.kind == "government"  # the agency's kind in the register
    cell = result.report.cells["applications.granted.natural_person"]
    assert (cell.value, cell.raw, cell.source.file) == (1, "1", source_of(register))
    assert result.report.cells["proactive.fees.amount"].value == 12.5
    assert result.report.cells["proactive.licensing.decisions"].value is None  # nothing entered: blank
    assert result.report.flat() == result.flat


def test_database_urls_are_shown_without_password() -> None:
    shown = shown_url("postgresql+psycopg://clerk:s3cret@db.example:5432/register")
    assert "s3cret" not in shown and shown == "postgresql+psycopg://clerk@db.example:5432/register"


def test_a_cell_definition_the_format_lacks_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A format with a row the register cannot count is an error, not a silent zero."""
    from gongkai.register import cells

    monkeypatch.setattr(cells, "TABLE3_ROWS", {k: v for k, v in cells.TABLE3_ROWS.items() if k != "new"})
    cells.definitions.cache_clear()
    try:
        with pytest.raises(UncountableCell, match=r"applications\.new"):
            cells.definitions(FMT.id)
    finally:
        monkeypatch.undo()
        cells.definitions.cache_clear()


def test_an_outcome_of_no_row_is_named(register: Register) -> None:
    """Records the format has no cell for would break the identities: the report says so as an error."""
    row = add(register, "A-1", date(2025, 3, 3), date(2025, 3, 20), "予以公开")
    with register.writing() as session:
        session.get(Application, row).outcome = "other"  # a 2019-format row, written past the checks
    result = build_report(register, AGENCY, 2025)
    assert result.has_errors and "fall in no cell" in str(result.notices[0].message)
    assert "'other'" in str(result.notices[0].message)


def test_the_only_agency(register: Register) -> None:
    assert only_agency(register) == AGENCY
    store.add_agency(register, "另一机关")
    with pytest.raises(RegisterError, match="several agencies"):
        only_agency(register)


def test_explain_names_the_cell_and_its_condition(register: Register) -> None:
    add(register, "A-1", date(2024, 12, 31), date(2025, 1, 2), "属于国家秘密")
    add(register, "A-2", date(2025, 1, 1), None)
    explanation = explain(register, AGENCY, 2025, "applications.withheld.state_secret.natural_person")
    assert [r["number"] for r in explanation.records] == ["A-1"]
    assert "属于国家秘密" in explanation.label and "答复日期 in 2025" in explanation.condition
    assert "属于国家秘密" in explanation.condition and "自然人" in explanation.condition
    assert [r["number"] for r in explain(register, AGENCY, 2025, "applications.carried_forward.total").records] == [
        "A-2"]
    with pytest.raises(RegisterError, match=r"did you mean applications\.new\.total"):
        explain(register, AGENCY, 2025, "applications.new.totl")


def test_a_case_counts_in_its_filing_year_with_its_result_at_year_end(register: Register) -> None:
    store.add_case(register, AGENCY, number="F-1", kind="行政复议", filed=date(2024, 11, 1), result="纠正",
                   closed=date(2025, 2, 1), today=TODAY)
    assert build_report(register, AGENCY, 2024).flat["review.pending"] == 1
    assert build_report(register, AGENCY, 2024).flat["review.corrected"] == 0
    assert build_report(register, AGENCY, 2025).flat["review.total"] == 0
    [record] = explain(register, AGENCY, 2024, "review.pending").records
    assert (record["number"], record["result"]) == ("F-1", "pending")


# ── closing and versions ────────────────────────────────────────────────────────────────────────────────────

@pytest.fixture(name="closed_2024")
def closed_2024_fixture(register: Register) -> Register:
    """A register with 2024 closed: A-1 and A-2 carried forward into 2025, A-3 answered in 2024."""
    add(register, "A-1", date(2024, 12, 20))
    add(register, "A-2", date(2024, 12, 30), date(2025, 1, 6), "予以公开", applicant="商业企业")
    add(register, "A-3", date(2024, 5, 6), date(2024, 5, 20), "予以公开")
    add(register, "A-4", date(2025, 2, 1), date(2025, 2, 20), "部分公开")
    result = close_year(register, AGENCY, 2024, user="科长", today=TODAY)
    assert (result.version, result.carried_forward) == (1, 2)
    return register


def _closings(reg: Register, year: int) -> list[Closing]:
    with reg.sessions() as session:
        return list(session.scalars(select(Closing).where(Closing.year == year).order_by(Closing.version)))


def test_closing_freezes_the_report_and_the_carried_forward_set(closed_2024: Register) -> None:
    [closing] = _closings(closed_2024, 2024)
    assert json.loads(closing.flat) == build_report(closed_2024, AGENCY, 2024).live
    assert (closing.closed_by, closing.reason, closing.changes) == ("科长", None, None)
    assert frozen_numbers(closed_2024, AGENCY, 2024) == {"A-1", "A-2"}
    nxt = build_report(closed_2024, AGENCY, 2025)
    assert nxt.notices == [] and nxt.flat["applications.carried_over.total"] == 2
    with closed_2024.sessions() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "closings"))
    assert (entry.action, entry.user_name, json.loads(entry.after)["carried_forward"]) == ("close", "科长", 2)


def test_a_closed_year_is_not_closed_again_nor_revised_for_nothing(closed_2024: Register) -> None:
    with pytest.raises(ClosingError, match=r"already closed .*--revise"):
        close_year(closed_2024, AGENCY, 2024, today=TODAY)
    with pytest.raises(ClosingError, match="needs a reason"):
        close_year(closed_2024, AGENCY, 2024, revise=True, today=TODAY)
    with pytest.raises(ClosingError, match="nothing changed"):
        close_year(closed_2024, AGENCY, 2024, revise=True, reason="复核", today=TODAY)
    with pytest.raises(ClosingError, match="not closed yet"):
        close_year(closed_2024, AGENCY, 2023, revise=True, reason="复核", today=TODAY)
    with pytest.raises(ClosingError, match="has not ended"):
        close_year(closed_2024, AGENCY, 2026, today=TODAY)
    assert len(_closings(closed_2024, 2024)) == 1


def _move_answer_into_2024(reg: Register) -> None:
    """A correction of a closed year: A-2 was in fact answered on 2024-12-31, not 2025-01-06."""
    with reg.sessions() as session:
        row = session.scalar(select(Application).where(Application.number == "A-2"))
    store.update(reg, Application, row.id, {"answered": date(2024, 12, 31)}, user="clerk", today=TODAY)


def test_a_later_correction_is_flagged_not_silently_applied(closed_2024: Register) -> None:
    before = build_report(closed_2024, AGENCY, 2024).flat
    _move_answer_into_2024(closed_2024)
    shown = build_report(closed_2024, AGENCY, 2024)
    assert shown.flat == before and shown.closing.version == 1  # the closed version, unchanged
    assert shown.live["applications.carried_forward.total"] == 1
    [warning] = shown.notices
    assert warning.severity == "warning" and not shown.has_errors
    assert "applications.carried_forward.commercial" in warning.cells
    assert "applications.granted.total" in warning.cells and "--revise" in str(warning.message)
    assert shown.report.cells["applications.carried_forward.total"].source.file.endswith("#closed-2024-v1")

    nxt = build_report(closed_2024, AGENCY, 2025)
    assert nxt.has_errors
    cells_error, set_error = nxt.notices
    assert set(cells_error.cells) == {"applications.carried_over.commercial", "applications.carried_over.total"}
    assert "1 frozen but not counted now (A-2)" in str(set_error.message)
    with pytest.raises(ClosingError, match="2025 is not closed: 上年结转"):
        close_year(closed_2024, AGENCY, 2025, today=TODAY)


def test_a_revision_is_a_new_version_with_its_changes(closed_2024: Register) -> None:
    _move_answer_into_2024(closed_2024)
    result = close_year(closed_2024, AGENCY, 2024, revise=True, reason="答复日期登记有误", user="科长", today=TODAY)
    assert (result.version, result.carried_forward) == (2, 1)
    changes = {c["key"]: (c["before"], c["after"]) for c in result.changes}
    assert changes["applications.carried_forward.total"] == (2, 1)
    assert changes["applications.granted.commercial"] == (0, 1)
    assert (result.difference.added, result.difference.removed_numbers) == (0, ("A-2",))
    first, second = _closings(closed_2024, 2024)
    assert json.loads(second.changes)["cells"] == result.changes and second.reason == "答复日期登记有误"
    assert json.loads(first.flat)["applications.carried_forward.total"] == 2  # version 1 stays as it was
    assert frozen_numbers(closed_2024, AGENCY, 2024, version=1) == {"A-1", "A-2"}
    assert frozen_numbers(closed_2024, AGENCY, 2024) == {"A-1"}
    shown = build_report(closed_2024, AGENCY, 2024)
    assert shown.closing.version == 2 and shown.notices == [] and shown.flat == shown.live
    assert build_report(closed_2024, AGENCY, 2025).notices == []
    assert close_year(closed_2024, AGENCY, 2025, today=TODAY).version == 1


def test_withdrawing_a_carried_application_is_caught(closed_2024: Register) -> None:
    with closed_2024.sessions() as session:
        row = session.scalar(select(Application).where(Application.number == "A-1"))
    store.withdraw(closed_2024, Application, row.id, "重复登记")
    [cells_error, set_error] = build_report(closed_2024, AGENCY, 2025).notices
    assert "A-1" in str(set_error.message) and cells_error.severity == set_error.severity == "error"


def test_an_application_of_the_closed_year_added_later_is_caught(closed_2024: Register) -> None:
    add(closed_2024, "A-9", date(2024, 12, 29))
    notices = build_report(closed_2024, AGENCY, 2025).notices
    assert any("1 counted now but not frozen (A-9)" in str(n.message) for n in notices)


def test_a_revision_of_an_earlier_year_is_caught_in_the_closed_year_after(closed_2024: Register) -> None:
    """2025 closed on top of 2024 v1; 2024 revised later: 2025's frozen 上年结转 no longer matches."""
    close_year(closed_2024, AGENCY, 2025, today=TODAY)
    _move_answer_into_2024(closed_2024)
    close_year(closed_2024, AGENCY, 2024, revise=True, reason="更正", today=TODAY)
    shown = build_report(closed_2024, AGENCY, 2025)
    assert shown.closing.version == 1 and shown.has_errors
    assert any("applications.carried_over.total" in n.cells for n in shown.notices)


def test_two_closing_at_once_store_one_version(register: Register, register_url: str) -> None:
    from gongkai.register.db import open_register

    add(register, "A-1", date(2024, 12, 20))
    outcomes_: list[str] = []

    def closer(n: int) -> None:
        own = open_register(register_url)
        try:
            close_year(own, AGENCY, 2024, user=f"user{n}", today=TODAY)
            outcomes_.append("closed")
        except ClosingError as exc:
            outcomes_.append(exc.args[0].render("en"))  # a thread starts in the default language, Chinese
        finally:
            own.close()

    run_threads(closer, [(n,) for n in range(4)])
    assert outcomes_.count("closed") == 1 and len(outcomes_) == 4
    assert all("already closed" in o or "at the same moment" in o for o in outcomes_ if o != "closed")
    assert [c.version for c in _closings(register, 2024)] == [1]
    assert frozen_numbers(register, AGENCY, 2024) == {"A-1"}


def test_a_register_made_before_closings_is_upgraded(register_url: str) -> None:
    """A register at migration 0001 (before closings) opens at the newest migration with its data, and reports
    and closes."""
    from importlib import resources

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from gongkai.register.db import open_register

    config = Config()
    config.set_main_option("script_location", str(resources.files("gongkai.register") / "migrations"))
    engine = create_engine(register_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("INSERT INTO agencies (id, name, kind) VALUES (1, :name, 'department')"),
                           {"name": AGENCY})
        connection.execute(text("INSERT INTO applications (agency_id, number, received, received_year, applicant) "
                                "VALUES (1, 'OLD-1', '2024-12-01', 2024, 'natural_person')"))
    engine.dispose()
    reg = open_register(register_url)
    try:
        with reg.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_REVISION
        assert close_year(reg, AGENCY, 2024, today=TODAY).carried_forward == 1
        assert build_report(reg, AGENCY, 2025).flat["applications.carried_over.natural_person"] == 1
    finally:
        reg.close()
