"""Register files: CSV in three encodings and .xlsx, validation all or nothing, export and round trips.

Every file is a real file written to tmp_path; the registers are the real SQLite file and PostgreSQL schema of
test_register_db.py's fixtures. Labels in the test data are taken from the format data where a test is about
labels in general, and typed out where a test is about a spelling people use.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from gongkai.errors import InputError
from gongkai.register import store
from gongkai.register.db import Application, AuditEntry, Case, Document, Register, open_register
from gongkai.register.outcomes import applicants, newest_format, outcomes
from gongkai.register.tabular import (
    APPLICATIONS,
    MAX_ERRORS,
    RegisterFileError,
    export_file,
    import_file,
    parse_date,
)
from support import REGISTER_AGENCY as AGENCY
from support import REGISTER_TODAY as TODAY
from support import count, run_threads

pytestmark = pytest.mark.usefixtures("english")  # the assertions read the library's messages in English

HEADER = "编号,收到日期,申请人类型,答复日期,办理结果"
GOOD = ["Y-1,2025-03-03,自然人,2025-03-20,予以公开",
        "Y-2,2025/3/4,商业企业,2025年4月1日,属于国家秘密",
        "Y-3,2025年3月5日,法律服务机构,,"]


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def imported(reg: Register, path: Path, **kwargs):
    return import_file(reg, path, AGENCY, user="importer", today=TODAY, **kwargs)


def applications(reg: Register) -> dict[str, Application]:
    with reg.sessions() as session:
        return {a.number: a for a in session.scalars(store.active(Application))}


def failure(reg: Register, path: Path) -> RegisterFileError:
    with pytest.raises(RegisterFileError) as caught:
        imported(reg, path)
    assert count(reg, Application) == 0, "a refused file must import nothing"
    assert count(reg, AuditEntry, AuditEntry.action == "import") == 0
    return caught.value


# ── reading ─────────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_agencies_save(register: Register, tmp_path: Path, encoding: str) -> None:
    result = imported(register, write(tmp_path / "a.csv", [HEADER, *GOOD], encoding))
    assert (result.kind, result.rows) == ("applications", 3)
    got = applications(register)
    assert {n: (a.received, a.applicant, a.answered, a.outcome) for n, a in got.items()} == {
        "Y-1": (date(2025, 3, 3), "natural_person", date(2025, 3, 20), "granted"),
        "Y-2": (date(2025, 3, 4), "commercial", date(2025, 4, 1), "withheld.state_secret"),
        "Y-3": (date(2025, 3, 5), "legal_services", None, None),
    }


def test_xlsx_with_date_cells_numbers_and_text_dates(register: Register, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "收到日期", "申请人类型", "答复日期", "办理结果", "备注"])
    sheet.append([1001, datetime(2025, 3, 3), "自然人", date(2025, 3, 20), "（一）予以公开", "电话沟通"])
    sheet.append(["1002", "2025/3/4", "其他", "2025年3月28日",
                  "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"])
    sheet.append([])  # an empty row is skipped
    sheet.append([1003.0, 20250305, "科研机构", None, None])
    book.save(tmp_path / "a.xlsx")
    result = imported(register, tmp_path / "a.xlsx")
    assert result.ignored_columns == ("备注",)
    got = applications(register)
    assert sorted(got) == ["1001", "1002", "1003"]
    assert (got["1001"].received, got["1001"].outcome) == (date(2025, 3, 3), "granted")
    assert (got["1002"].applicant, got["1002"].outcome) == ("other_org", "other.no_correction")
    assert got["1003"].received == date(2025, 3, 5)


@pytest.mark.parametrize("text", ["2025-03-01", "2025/3/1", "2025年3月1日", "2025.03.01", "20250301",
                                  " 2025-3-1 ", "2025/3/1 0:00", "2025-03-01 00:00:00"])
def test_date_spellings(text: str) -> None:
    assert parse_date(text) == date(2025, 3, 1)


def test_excel_date_cells() -> None:
    assert parse_date(datetime(2025, 3, 1, 0, 0)) == parse_date(date(2025, 3, 1)) == date(2025, 3, 1)


@pytest.mark.parametrize("text", ["下周一", "2025-02-30", "3/1/2025", "2025-03", "45717"])
def test_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date(text)


def _spellings_of_every_outcome() -> list[tuple[str, str]]:
    """Each result row of the newest format as people write it: numbered, bare, under its group, by key."""
    fmt = newest_format()
    out = []
    for row in fmt.table3_rows:
        if row.key not in fmt.sets["result_rows"]:
            continue
        out += [(row.label, row.key), (outcomes().label(row.key), row.key), (row.key, row.key)]
        out += [(variant, row.key) for variant in row.variants]
        if row.group:
            out.append((f"{row.group} {row.label}", row.key))
    return out


@pytest.mark.parametrize(("spelling", "key"), _spellings_of_every_outcome())
def test_every_official_outcome_spelling_resolves(spelling: str, key: str) -> None:
    assert outcomes().resolve(spelling) == key


def test_outcome_spellings_people_type(register: Register, tmp_path: Path) -> None:
    typed = {"（三）不予公开 1.属于国家秘密": "withheld.state_secret", "1.属于国家秘密": "withheld.state_secret",
             "三（一）予以公开": "granted", "部分公开": "partially_granted",
             "本机关不掌握相关政府信息": "unable.not_held",
             "4、无正当理由大量反复申请": "not_processed.excessive", "（六）其他处理 3.其他": "other.other",
             "危及“三安全一稳定”": "withheld.security_stability", "unable.needs_creation": "unable.needs_creation"}
    lines = [HEADER, *(f"T-{i},2025-03-03,自然人,2025-03-20,{label}" for i, label in enumerate(typed))]
    imported(register, write(tmp_path / "a.csv", lines))
    got = applications(register)
    assert [got[f"T-{i}"].outcome for i in range(len(typed))] == list(typed.values())


def test_every_applicant_type_of_table_three(register: Register, tmp_path: Path) -> None:
    fmt = newest_format()
    labels = [c for c in fmt.table3_columns if c.key in fmt.sets["applicant_parts"]]
    lines = [HEADER, *(f"P-{c.key},2025-03-03,{c.label},," for c in labels)]
    imported(register, write(tmp_path / "a.csv", lines))
    assert {n: a.applicant for n, a in applications(register).items()} == {f"P-{c.key}": c.key for c in labels}
    assert len(labels) == 6


def test_optional_columns(register: Register, tmp_path: Path) -> None:
    header = ",".join(h for h in APPLICATIONS.headers if h not in ("收费通知日期", "缴费日期"))
    lines = [header,
             "Z-1,2025-03-03,网络,自然人,\"某地块征收补偿方案, 2024年\",2025-03-05,2025-03-10,是,2025-03-12,2025-03-20,"
             "100元,2025-04-20,予以公开",
             "Z-2,2025-03-03,当面,商业企业,,,,需调取档案，经负责人批准延期,,,,,",
             "Z-3,2025-03-03,,自然人,,,,否,,,0,,"]
    imported(register, write(tmp_path / "a.csv", lines))
    got = applications(register)
    one = got["Z-1"]
    assert (one.channel, one.subject, one.correction_asked, one.correction_received) == (
        "网络", "某地块征收补偿方案, 2024年", date(2025, 3, 5), date(2025, 3, 10))
    assert (one.extended, one.extension_reason, one.consultation_started, one.consultation_ended, one.fee) == (
        True, None, date(2025, 3, 12), date(2025, 3, 20), Decimal(100))
    assert (got["Z-2"].extended, got["Z-2"].extension_reason) == (True, "需调取档案，经负责人批准延期")
    assert (got["Z-3"].extended, got["Z-3"].fee, got["Z-3"].channel) == (False, Decimal(0), None)


# ── refusing ────────────────────────────────────────────────────────────────────────────────────────────

REFUSALS = [  # (bad row, column named, words of the message)
    ("B-1,2026-02-01,自然人,,", "收到日期", "2026-02-01 is in the future"),
    ("B-1,2025-03-03,自然人,2026-03-01,予以公开", "答复日期", "in the future"),
    ("B-1,2025-03-03,自然人,2025-03-01,予以公开", "答复日期", "答复日期 2025-03-01 is before 收到日期 2025-03-03"),
    ("B-1,2025-03-03,自然人,2025-03-20,属于国家机密", "办理结果", "closest official label: 属于国家秘密"),
    ("B-1,2025-03-03,自然人,2025-03-20,不予公开", "办理结果", "is a group of rows; give one of them: 属于国家秘密"),
    ("B-1,2025-03-03,个体户,,", "申请人类型", "unknown applicant type '个体户'"),
    ("B-1,2025-03-03,总计,,", "申请人类型", "unknown applicant type '总计'"),
    ("B-1,上周三,自然人,,", "收到日期", "'上周三' is not a date"),
    ("B-1,2025-03-03,自然人,2025-03-20,", "办理结果", "答复日期 is given but 办理结果 is empty"),
    ("B-1,2025-03-03,自然人,,予以公开", "答复日期", "办理结果 is given but 答复日期 is empty"),
    (",2025-03-03,自然人,,", "编号", "编号 is empty"),
    ("B-1,,自然人,,", "收到日期", "收到日期 is empty"),
]


@pytest.mark.parametrize(("row", "column", "message"), REFUSALS)
def test_a_bad_row_refuses_the_whole_file(register: Register, tmp_path: Path, row: str, column: str,
                                          message: str) -> None:
    path = write(tmp_path / "bad.csv", [HEADER, *GOOD, row])
    error = failure(register, path)
    assert [(e.line, e.column) for e in error.errors] == [(5, column)]
    assert message in str(error.errors[0].message)
    assert str(path) in str(error) and "line 5, " + column in str(error)


EVENT_HEADER = ("编号,收到日期,申请人类型,补正告知日期,补正收到日期,征求意见开始,征求意见结束,收费通知日期,缴费日期,"
                "答复日期,办理结果")


@pytest.mark.parametrize(("events", "column", "message"), [
    ("2025-03-10,2025-03-07,,,,", "补正收到日期", "补正收到日期 2025-03-07 is before 补正告知日期 2025-03-10"),
    (",2025-03-07,,,,", "补正收到日期", "补正收到日期 is given but 补正告知日期 is not"),
    ("2025-03-01,,,,,", "补正告知日期", "before 收到日期"),
    (",,2025-03-20,2025-03-12,,", "征求意见结束", "征求意见结束 2025-03-12 is before 征求意见开始 2025-03-20"),
    (",,,2025-03-12,,", "征求意见结束", "征求意见结束 is given but 征求意见开始 is not"),
    (",,,,2025-03-20,2025-03-19", "缴费日期", "缴费日期 2025-03-19 is before 收费通知日期 2025-03-20"),
])
def test_events_out_of_order(register: Register, tmp_path: Path, events: str, column: str, message: str) -> None:
    path = write(tmp_path / "bad.csv", [EVENT_HEADER, f"E-1,2025-03-03,自然人,{events},,"])
    error = failure(register, path)
    assert [(e.line, e.column, message in str(e.message)) for e in error.errors] == [(2, column, True)]


def test_duplicate_numbers_in_the_file_and_in_the_register(register: Register, tmp_path: Path) -> None:
    error = failure(register, write(tmp_path / "dup.csv", [HEADER, *GOOD, "Y-2,2025-03-06,自然人,,"]))
    assert [(e.line, e.column, str(e.message)) for e in error.errors] == [(5, "编号", "'Y-2' is a duplicate of line 3")]
    imported(register, write(tmp_path / "first.csv", [HEADER, GOOD[0]]))
    with pytest.raises(RegisterFileError) as caught:
        imported(register, write(tmp_path / "again.csv", [HEADER, *GOOD]))
    assert [(e.line, e.column, str(e.message)) for e in caught.value.errors] == [
        (2, "编号", "'Y-1' is already in the register")]
    assert sorted(applications(register)) == ["Y-1"]


def test_a_missing_required_column_is_named(register: Register, tmp_path: Path) -> None:
    error = failure(register, write(tmp_path / "a.csv", ["编号,收到日期,答复日期,办理结果", "Y-1,2025-03-03,,"]))
    assert [(e.line, e.column) for e in error.errors] == [(1, "申请人类型")]
    assert "required column 申请人类型 is missing" in str(error)


def test_a_file_of_no_known_kind(register: Register, tmp_path: Path) -> None:
    error = failure(register, write(tmp_path / "a.csv", ["姓名,电话", "张三,123"]))
    assert "cannot tell what the file holds" in str(error) and "收到日期" in str(error)


def test_errors_are_collected_and_capped(register: Register, tmp_path: Path) -> None:
    lines = [HEADER, *(f"Q-{i},2025-13-{i:02d},自然人,," for i in range(1, 31)), "Q-99,2025-03-03,路人,,"]
    error = failure(register, write(tmp_path / "a.csv", lines))
    assert len(error.errors) == MAX_ERRORS and error.total == 31
    assert error.errors[0].line == 2 and "is not a date" in str(error.errors[0].message)
    assert "and 11 more" in str(error)


def test_csv_line_numbers_count_quoted_line_breaks(register: Register, tmp_path: Path) -> None:
    header = "编号,收到日期,申请人类型,申请内容,答复日期,办理结果"
    lines = [header, 'L-1,2025-03-03,自然人,"第一行\n第二行\n第三行",,', "L-2,2025-03-03,外星人,,,"]
    error = failure(register, write(tmp_path / "a.csv", lines))
    assert [(e.line, e.column) for e in error.errors] == [(5, "申请人类型")]


def test_not_a_register_file(register: Register, tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match=r"not a readable \.xlsx"):
        imported(register, tmp_path / "a.xlsx")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        imported(register, tmp_path / "empty.csv")


def test_an_unknown_agency(register: Register, tmp_path: Path) -> None:
    with pytest.raises(store.NotFound, match="no agency named"):
        import_file(register, write(tmp_path / "a.csv", [HEADER, *GOOD]), "不存在的机关", today=TODAY)


# ── dates the regulation cannot have seen ──────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("row", "column", "message"), [
    ("D-1,1900-01-01,自然人,,", "收到日期", "收到日期 1900-01-01 is before the Regulations on Open Government "
                                          "Information took effect (2008-05-01)"),
    ("D-1,2008-04-30,自然人,,", "收到日期", "2008-04-30 is before the Regulations"),
    ("D-1,2025-03-03,自然人,2027-01-05,予以公开", "答复日期", "2027-01-05 is in the future (today is 2026-01-31)"),
])
def test_dates_before_the_regulation_or_after_today(register: Register, tmp_path: Path, row: str, column: str,
                                                    message: str) -> None:
    error = failure(register, write(tmp_path / "a.csv", [HEADER, *GOOD, row]))
    assert [(e.line, e.column) for e in error.errors] == [(5, column)]
    assert message in str(error.errors[0].message)
    assert f"line 5, {column}" in str(error)


def test_the_first_day_of_the_regulation_is_accepted(register: Register, tmp_path: Path) -> None:
    imported(register, write(tmp_path / "a.csv", [HEADER, "D-1,2008-05-01,自然人,2008-05-16,予以公开"]))
    assert applications(register)["D-1"].received == date(2008, 5, 1)


def test_old_documents_still_in_force_but_not_before_the_republic(register: Register, tmp_path: Path) -> None:
    header = "类型,文号,标题,发布日期,废止日期"
    imported(register, write(tmp_path / "old.csv", [header, "规章,令第3号,某规定,1995-06-01,"]))
    with pytest.raises(RegisterFileError) as caught:
        imported(register, write(tmp_path / "bad.csv", [header, "规章,令第4号,某规定,1900-01-01,"]))
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "发布日期")]
    assert "before 1949-10-01" in str(caught.value.errors[0].message)


def test_a_single_change_follows_the_same_date_rules(register: Register) -> None:
    with pytest.raises(store.RecordInvalid, match="before the Regulations"):
        store.add_application(register, AGENCY, number="S-1", received=date(2001, 1, 1), applicant="自然人",
                              today=TODAY)


def test_a_yearly_count_of_a_year_the_register_cannot_have(register: Register) -> None:
    for year in (1900, 2007, date.today().year + 1):
        with pytest.raises(store.RecordInvalid, match=f"year {year} is not between 2008 and this year"):
            store.set_yearly_count(register, AGENCY, year, "proactive.licensing.decisions", 1)
    store.set_yearly_count(register, AGENCY, 2008, "proactive.licensing.decisions", 1)


def test_rows_in_a_closed_year_are_imported_with_a_warning(register: Register, tmp_path: Path) -> None:
    from gongkai.register.report import close_year

    imported(register, write(tmp_path / "first.csv", [HEADER, "C-1,2024-03-03,自然人,2024-03-20,予以公开"]))
    close_year(register, AGENCY, 2024, user="closer", today=TODAY)
    result = imported(register, write(tmp_path / "late.csv", [HEADER, *GOOD,
                                                               "C-2,2024-12-30,自然人,2025-01-10,予以公开",
                                                               "C-3,2025-01-02,自然人,,"]))
    assert result.rows == 5
    assert [(w.line, w.column) for w in result.warnings] == [(5, "收到日期")] and result.warning_total == 1
    assert "year 2024 is closed" in str(result.warnings[0])


# ── an import leaves nothing behind, and streams ────────────────────────────────────────────────────────


def _fifty_and_one_bad(tmp_path: Path) -> Path:
    rows = [f"G-{i},2025-03-{1 + i % 28:02d},自然人,2025-04-{1 + i % 28:02d},予以公开" for i in range(50)]
    return write(tmp_path / "a.csv", [HEADER, *rows, "G-50,1900-01-01,自然人,,"])


def test_a_failed_import_leaves_no_agency_no_audit_entry_no_row(register_url: str, tmp_path: Path) -> None:
    from gongkai.register.db import Agency

    reg = open_register(register_url)
    try:
        with pytest.raises(RegisterFileError) as caught:
            import_file(reg, _fifty_and_one_bad(tmp_path), "新机关", user="importer", today=TODAY,
                        new_agency="department")
        assert [(e.line, e.column) for e in caught.value.errors] == [(52, "收到日期")]
        assert (count(reg, Agency), count(reg, AuditEntry), count(reg, Application)) == (0, 0, 0)
        # the same file corrected: the agency comes with it, in the same transaction
        good = write(tmp_path / "good.csv", _fifty_and_one_bad(tmp_path).read_text(encoding="utf-8").replace(
            "1900-01-01", "2025-05-01").splitlines())
        result = import_file(reg, good, "新机关", user="importer", today=TODAY, new_agency="department")
        assert (result.created_agency, result.rows) == (True, 51)
        assert (count(reg, Agency), count(reg, Application)) == (1, 51)
        assert count(reg, AuditEntry, AuditEntry.table_name == "agencies") == 2  # its name and kind
        assert count(reg, AuditEntry, AuditEntry.action == "import") == 1
    finally:
        reg.close()


def test_a_failed_import_on_the_command_line_creates_no_agency(register_url: str, tmp_path: Path) -> None:
    from gongkai.register.db import Agency
    from support import run_register

    result = run_register("import", str(_fifty_and_one_bad(tmp_path)), "--agency", "新机关", "--kind", "government",
                          db=register_url)
    assert result.exit_code == 2 and "已添加机关" not in result.stderr
    assert "1900-01-01" in result.stderr and "52" in result.stderr
    reg = open_register(register_url)
    try:
        assert (count(reg, Agency), count(reg, AuditEntry), count(reg, Application)) == (0, 0, 0)
    finally:
        reg.close()


def test_duplicates_across_batches(register: Register, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """With batches of 3 rows, a number repeated in a later batch is still found, with the line it repeats, and
    the problems are listed in line order; no batch handed to the database is larger than the batch size."""
    import gongkai.register.tabular as tabular

    monkeypatch.setattr(tabular, "BATCH_ROWS", 3)
    sizes: list[int] = []
    insert_rows = tabular.insert_rows
    monkeypatch.setattr(tabular, "insert_rows", lambda s, m, rows: sizes.append(len(rows)) or insert_rows(s, m, rows))
    rows = [f"K-{i},2025-03-03,自然人,," for i in range(10)]
    rows[7] = "K-1,2025-03-03,自然人,,"  # line 9 repeats line 3, two batches later
    rows[8] = "K-8,2025-03-03,外星人,,"  # line 10: a problem of the row itself, found before its batch is checked
    error = failure(register, write(tmp_path / "a.csv", [HEADER, *rows]))
    assert [(e.line, e.column, str(e.message)) for e in error.errors][:1] == [
        (9, "编号", "'K-1' is a duplicate of line 3")]
    assert [e.line for e in error.errors] == [9, 10]
    assert sizes and max(sizes) <= 3
    good = [HEADER, *(f"K-{i},2025-03-03,自然人,," for i in range(10))]
    result = imported(register, write(tmp_path / "good.csv", good))
    assert result.rows == 10 and result.ids.count("-") == 1  # one run of ids over the batches


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_large_csv_files_are_read_as_a_stream(register: Register, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    """Above STREAM_FROM_BYTES a CSV file is read row by row from disk, in every encoding agencies save in."""
    import gongkai.register.tabular as tabular

    monkeypatch.setattr(tabular, "STREAM_FROM_BYTES", 0)
    monkeypatch.setattr(tabular, "decode", lambda *a: pytest.fail("the whole file was decoded"))
    path = write(tmp_path / "a.csv", [HEADER.replace(",", "\t") if encoding == "utf-16" else HEADER,
                                      *(row.replace(",", "\t") if encoding == "utf-16" else row for row in GOOD)],
                 encoding)
    assert imported(register, path).rows == 3
    assert applications(register)["Y-2"].outcome == "withheld.state_secret"


def test_an_import_reads_rows_as_it_inserts_them(register: Register, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The first batch is in the database before the last rows are read: nothing holds the whole file."""
    import gongkai.register.tabular as tabular

    monkeypatch.setattr(tabular, "BATCH_ROWS", 2)
    events: list[str] = []
    read_rows, insert_rows = tabular.read_rows, tabular.insert_rows

    def reading(path: Path):
        for line, cells in read_rows(path):
            events.append(f"read {line}")
            yield line, cells

    monkeypatch.setattr(tabular, "read_rows", reading)
    monkeypatch.setattr(tabular, "insert_rows",
                        lambda s, m, rows: events.append(f"insert {len(rows)}") or insert_rows(s, m, rows))
    imported(register, write(tmp_path / "a.csv", [HEADER, *GOOD]))
    assert events == ["read 1", "read 2", "read 3", "insert 2", "read 4", "insert 1"]


# ── audit of imports ────────────────────────────────────────────────────────────────────────────────────


def test_an_import_is_one_audit_entry_with_the_ids_it_created(register: Register, tmp_path: Path) -> None:
    store.add_application(register, AGENCY, number="X-0", received=date(2025, 3, 3), applicant="自然人",
                          today=TODAY)
    result = imported(register, write(tmp_path / "a.csv", [HEADER, *GOOD]))
    with register.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
        ids = sorted(session.scalars(select(Application.id).where(Application.number.like("Y-%"))))
    summary = json.loads(entry.after)
    assert summary == {"file": "a.csv", "rows": 3, "ids": f"{ids[0]}-{ids[-1]}"} and ids[-1] - ids[0] == 2
    assert (entry.user_name, entry.table_name, result.ids) == ("importer", "applications", summary["ids"])


# ── cases and documents ─────────────────────────────────────────────────────────────────────────────────


def test_cases_and_documents(register: Register, tmp_path: Path) -> None:
    imported(register, write(tmp_path / "apps.csv", [HEADER, *GOOD]))
    cases = write(tmp_path / "cases.csv", [
        "编号,类型,立案日期,结果,审结日期,关联申请",
        "F-1,行政复议,2025-05-01,维持,2025-07-01,Y-1",
        "F-2,行政诉讼（未经复议直接起诉）,2025-05-02,结果纠正,2025-08-01,",
        "F-3,复议后起诉,2025-06-01,尚未审结,,Y-2",
        "F-4,行政复议,2025-06-02,,,"])
    docs = write(tmp_path / "docs.csv", [
        "类型,文号,标题,发布日期,废止日期",
        "规章,测试县人民政府令第1号,测试县某管理规定,2021-05-01,2025-06-30",
        "规范性文件,测政办发〔2025〕3号,关于某事项的通知,2025年2月1日,"])
    assert imported(register, cases).kind == "cases"
    assert imported(register, docs).kind == "documents"
    with register.sessions() as session:
        got = {c.number: (c.kind, c.result, c.closed, c.application_id) for c in session.scalars(store.active(Case))}
        numbers = dict(session.execute(select(Application.id, Application.number)).all())
        kinds = {d.number: (d.kind, d.issued_year, d.repealed_year) for d in session.scalars(store.active(Document))}
    assert {k: (v[0], v[1], v[2], numbers.get(v[3])) for k, v in got.items()} == {
        "F-1": ("review", "upheld", date(2025, 7, 1), "Y-1"),
        "F-2": ("litigation_direct", "corrected", date(2025, 8, 1), None),
        "F-3": ("litigation_after_review", "pending", None, "Y-2"),
        "F-4": ("review", "pending", None, None)}
    assert kinds == {"测试县人民政府令第1号": ("rules", 2021, 2025),
                     "测政办发〔2025〕3号": ("normative_docs", 2025, None)}


@pytest.mark.parametrize(("row", "column", "message"), [
    ("F-9,行政复议,2025-05-01,维持,,", "审结日期", "结果 is given but 审结日期 is empty"),
    ("F-9,行政复议,2025-05-01,尚未审结,2025-06-01,", "审结日期", "审结日期 2025-06-01 is given but 结果 is 尚未审结"),
    ("F-9,行政复议,2025-05-01,维持,2025-04-01,", "审结日期", "审结日期 2025-04-01 is before 立案日期 2025-05-01"),
    ("F-9,行政诉讼,2025-05-01,,,", "类型", "is a group of rows; give one of them: 未经复议直接起诉, 复议后起诉"),
    ("F-9,行政复议,2025-05-01,撤诉,2025-06-01,", "结果", "unknown case result '撤诉'"),
    ("F-9,行政复议,2025-05-01,,,Y-404", "关联申请", "application 'Y-404' is not in the register"),
])
def test_bad_cases(register: Register, tmp_path: Path, row: str, column: str, message: str) -> None:
    path = write(tmp_path / "cases.csv", ["编号,类型,立案日期,结果,审结日期,关联申请", row])
    with pytest.raises(RegisterFileError) as caught:
        imported(register, path)
    assert [(e.line, e.column, message in str(e.message)) for e in caught.value.errors] == [(2, column, True)]
    assert count(register, Case) == 0


def test_bad_documents(register: Register, tmp_path: Path) -> None:
    path = write(tmp_path / "docs.csv", ["类型,文号,标题,发布日期,废止日期",
                                         "规章,令第1号,某规定,2025-05-01,",
                                         "通知,发〔2025〕1号,某通知,2025-05-01,",
                                         "规章,令第1号,重复的文号,2025-05-01,",
                                         "规章,令第2号,某规定,2025-05-01,2025-04-01",
                                         "行政规范性文件,发〔2025〕2号,,2025-05-01,"])
    with pytest.raises(RegisterFileError) as caught:
        imported(register, path)
    assert [(e.line, e.column) for e in caught.value.errors] == [(3, "类型"), (4, "文号"), (5, "废止日期"),
                                                                 (6, "标题")]
    assert count(register, Document) == 0


# ── export and round trips ──────────────────────────────────────────────────────────────────────────────


def _snapshot(reg: Register, agency: str) -> dict[str, dict]:
    """The applications of an agency as plain values, without ids, versions and agency."""
    skip = {"id", "version", "agency_id", "withdrawn_at", "withdrawn_reason"}
    with reg.sessions() as session:
        agency_id = store.agency_id(session, agency)
        rows = session.scalars(store.active(Application).where(Application.agency_id == agency_id))
        return {a.number: {c.key: getattr(a, c.key) for c in Application.__mapper__.column_attrs
                           if c.key not in skip} for a in rows}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_gives_the_same_register(register: Register, tmp_path: Path, suffix: str) -> None:
    header = ",".join(APPLICATIONS.headers)
    lines = [header,
             "R-1,2025-03-03,网络,自然人,\"内容，含逗号\n和换行\",2025-03-05,2025-03-10,是,2025-03-12,2025-03-20,"
             "2025-03-21,2025-03-25,100.50,2025-04-20,部分公开",
             "R-2,2025-03-04,传真,社会公益组织,=SUM(A1:A9),,,需征求第三方意见,,,,,,2025-04-01,"
             "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
             "007,2025-03-05,,其他,,,,否,,,,,,,"]
    imported(register, write(tmp_path / "in.csv", lines))
    store.withdraw(register, Application, applications(register)["R-1"].id, "测试撤回")
    first = tmp_path / f"out1{suffix}"
    assert export_file(register, first, AGENCY) == 2  # the withdrawn one is not exported
    store.add_agency(register, "副本机关")
    import_file(register, first, "副本机关", today=TODAY)
    second = tmp_path / f"out2{suffix}"
    export_file(register, second, "副本机关")
    assert _snapshot(register, "副本机关") == _snapshot(register, AGENCY)
    copied = _snapshot(register, "副本机关")
    assert sorted(copied) == ["007", "R-2"] and copied["R-2"]["subject"] == "=SUM(A1:A9)"  # text, not a formula
    assert _rows(first) == _rows(second)
    assert _rows(first)[0] == list(APPLICATIONS.headers)


def test_export_csv_is_excel_friendly(register: Register, tmp_path: Path) -> None:
    imported(register, write(tmp_path / "in.csv", [HEADER, *GOOD]))
    export_file(register, tmp_path / "out.csv", AGENCY)
    data = (tmp_path / "out.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = _rows(tmp_path / "out.csv")
    assert rows[2][rows[0].index("办理结果")] == "属于国家秘密"
    assert rows[3][rows[0].index("申请人类型")] == "法律服务机构"


def test_round_trip_of_cases_and_documents(register: Register, tmp_path: Path) -> None:
    imported(register, write(tmp_path / "apps.csv", [HEADER, *GOOD]))
    imported(register, write(tmp_path / "cases.csv", ["编号,类型,立案日期,结果,审结日期,关联申请",
                                                      "F-1,行政复议,2025-05-01,维持,2025-07-01,Y-1",
                                                      "F-2,复议后起诉,2025-06-01,,,"]))
    imported(register, write(tmp_path / "docs.csv", ["类型,文号,标题,发布日期,废止日期",
                                                     "规章,令第1号,某规定,2021-05-01,2025-06-30"]))
    store.add_agency(register, "副本机关")
    for kind in ("applications", "cases", "documents"):
        out, again = tmp_path / f"{kind}.xlsx", tmp_path / f"{kind}-again.csv"
        export_file(register, out, AGENCY, kind)
        assert import_file(register, out, "副本机关", today=TODAY).kind == kind
        export_file(register, again, "副本机关", kind)
        assert _rows(out) == _rows(again)


def _rows(path: Path) -> list[list[str]]:
    """A file's cells as text, whatever it is (so a CSV and a workbook can be compared)."""
    if path.suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        cells = [["" if v is None else v.date().isoformat() if isinstance(v, datetime) else str(v) for v in row]
                 for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        return cells
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


# ── generated registers ─────────────────────────────────────────────────────────────────────────────────

_DAY = st.integers(min_value=0, max_value=(TODAY - date(2019, 5, 15)).days)
_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20)


@st.composite
def _application(draw, number: str) -> dict:
    received = date(2019, 5, 15) + timedelta(days=draw(_DAY))

    def later(start: date) -> date:
        return min(TODAY, start + timedelta(days=draw(st.integers(0, 30))))
    row = {"number": number, "received": received, "applicant": draw(st.sampled_from(applicants().keys)),
           "channel": draw(st.sampled_from([None, "当面", "邮寄", "网络", "传真"])),
           "subject": draw(st.none() | _TEXT.map(str.strip).filter(bool)),
           "extended": False, "extension_reason": None}
    if draw(st.booleans()):
        row["correction_asked"] = later(received)
        if draw(st.booleans()):
            row["correction_received"] = later(row["correction_asked"])
    if draw(st.booleans()):
        row["extended"] = True
        row["extension_reason"] = draw(st.none() | st.sampled_from(["需调取档案", "征求第三方意见，经批准延期"]))
    if draw(st.booleans()):
        row["consultation_started"] = later(received)
        row["consultation_ended"] = later(row["consultation_started"])
    if draw(st.booleans()):
        row["fee_notice"] = later(received)
        row["fee_paid"] = draw(st.none() | st.just(later(row["fee_notice"])))
        row["fee"] = draw(st.decimals(min_value=0, max_value=99999, places=2))
    if draw(st.booleans()):
        row["answered"] = later(received)
        row["outcome"] = draw(st.sampled_from(outcomes().keys))
    return row


_REGISTERS = st.lists(st.text(alphabet="ABC-0123456789甲乙", min_size=1, max_size=8).map(str.strip).filter(bool),
                      unique=True, max_size=12).flatmap(
    lambda numbers: st.tuples(*(_application(n) for n in numbers)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=_REGISTERS, suffix=st.sampled_from([".csv", ".xlsx"]))
def test_generated_registers_round_trip(register: Register, tmp_path_factory, records, suffix: str) -> None:
    """Any register, added record by record: export → import → export gives the same records and file."""
    folder = tmp_path_factory.mktemp("round")
    source, copy = f"源{folder.name}", f"副本{folder.name}"
    store.add_agency(register, source)
    store.add_agency(register, copy)
    for record in records:
        store.add_application(register, source, today=TODAY, **record)
    first, second = folder / f"a{suffix}", folder / f"b{suffix}"
    assert export_file(register, first, source) == len(records)
    import_file(register, first, copy, today=TODAY)
    export_file(register, second, copy)
    assert _snapshot(register, copy) == _snapshot(register, source)
    assert _rows(first) == _rows(second)


# ── concurrent imports ──────────────────────────────────────────────────────────────────────────────────


def _file_of(path: Path, prefix: str, rows: int) -> Path:
    return write(path, [HEADER, *(f"{prefix}-{i},2025-03-03,自然人,2025-03-20,予以公开" for i in range(rows))])


def _assert_all_imported(reg: Register, prefixes: list[str], rows: int) -> None:
    with reg.sessions() as session:
        numbers = set(session.scalars(select(Application.number)))
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).all()
        ids_by_prefix = {p: sorted(session.scalars(select(Application.id).where(Application.number.like(f"{p}-%"))))
                         for p in prefixes}
        assert session.scalar(select(func.count()).select_from(Application)) == len(prefixes) * rows
    assert numbers == {f"{p}-{i}" for p in prefixes for i in range(rows)}
    logged = {json.loads(e.after)["file"]: json.loads(e.after)["ids"] for e in entries}
    assert logged == {f"{p}.csv": store.id_ranges(ids) for p, ids in ids_by_prefix.items()}


def test_concurrent_imports_lose_nothing(register: Register, register_url: str, tmp_path: Path) -> None:
    """Six writers, each with its own engine, import a file of 500 applications each at the same moment."""
    prefixes = [f"T{n}" for n in range(6)]
    files = [_file_of(tmp_path / f"{p}.csv", p, 500) for p in prefixes]

    def importer(path: Path) -> None:
        own = open_register(register_url)
        try:
            import_file(own, path, AGENCY, today=TODAY)
        finally:
            own.close()

    run_threads(importer, [(path,) for path in files])
    _assert_all_imported(register, prefixes, 500)


_IMPORT_SCRIPT = """
import sys
from datetime import date
from gongkai.register.db import open_register
from gongkai.register.tabular import import_file
reg = open_register(sys.argv[1])
import_file(reg, sys.argv[2], sys.argv[3], today=date(2026, 1, 31))
reg.close()
"""


def test_concurrent_import_processes_lose_nothing(register: Register, register_url: str, tmp_path: Path) -> None:
    """Four separate processes import 2,000 applications each into the same register at once."""
    prefixes = [f"P{n}" for n in range(4)]
    files = [_file_of(tmp_path / f"{p}.csv", p, 2000) for p in prefixes]
    processes = [subprocess.Popen([sys.executable, "-c", _IMPORT_SCRIPT, register_url, str(f), AGENCY],
                                  stderr=subprocess.PIPE, text=True) for f in files]
    finished = [(process.communicate()[1], process.returncode) for process in processes]
    assert [stderr for stderr, code in finished if code != 0] == []
    _assert_all_imported(register, prefixes, 2000)
