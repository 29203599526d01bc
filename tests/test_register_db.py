"""The register's storage: schema and migrations, audit log, withdrawal, and writers that run at the same time.

Every test runs twice: on a real SQLite file in tmp_path and on the real PostgreSQL server (in a schema of its
own, created for the test and dropped after it, so tests never see each other's data). PostgreSQL tests skip,
saying why, only when the server does not answer. The fixtures are in conftest.py.
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError

from gongkai.register import store
from gongkai.register.db import (
    SCHEMA_REVISION,
    Agency,
    Application,
    AuditEntry,
    Base,
    Case,
    Document,
    Register,
    YearlyCount,
    current_user,
    open_register,
)
from gongkai.register.store import ConflictError, NotFound, RecordInvalid
from support import REGISTER_AGENCY, REGISTER_TODAY, count, run_threads

pytestmark = pytest.mark.usefixtures("english")  # the assertions read the library's messages in English

AGENCY, TODAY = REGISTER_AGENCY, REGISTER_TODAY


def add(reg: Register, number: str, **values) -> int:
    values = {"received": date(2025, 3, 3), "applicant": "自然人"} | values
    return store.add_application(reg, AGENCY, number=number, user="clerk", today=TODAY, **values)


# ── schema ──────────────────────────────────────────────────────────────────────────────────────────────


# Columns migration 0003 added to existing tables: SQLite cannot add their FOREIGN KEY (see the migration).
SQLITE_UNCONSTRAINED = {("agencies", "region_id"), ("audit_log", "agency_id")}


def _unexplained(difference: tuple, sqlite: bool) -> bool:
    if not (sqlite and difference[0] == "add_fk"):
        return True
    constraint = difference[1]
    return {(constraint.table.name, c.name) for c in constraint.columns} - SQLITE_UNCONSTRAINED != set()


def test_migrations_build_exactly_the_models_schema(register_url: str) -> None:
    reg = open_register(register_url)
    try:
        with reg.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            assert [d for d in differences if _unexplained(d, reg.is_sqlite)] == []
            assert MigrationContext.configure(connection).get_current_revision() == SCHEMA_REVISION
    finally:
        reg.close()


def test_opening_again_keeps_the_data(register: Register, register_url: str) -> None:
    add(register, "A-1")
    again = open_register(register_url)
    try:
        assert count(again, Application) == 1
    finally:
        again.close()


def test_many_openers_of_a_new_register_migrate_it_once(register_url: str) -> None:
    errors: list[BaseException] = []
    registers: list[Register] = []

    def opener() -> None:
        try:
            registers.append(open_register(register_url))
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with registers[0].engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [SCHEMA_REVISION]
    for reg in registers:
        reg.close()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:
    reg = open_register(tmp_path / "r.sqlite")
    try:
        with reg.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    finally:
        reg.close()


def test_year_columns_follow_their_dates(register: Register) -> None:
    record_id = add(register, "A-1", received=date(2024, 12, 30))
    store.update(register, Application, record_id, {"answered": date(2025, 1, 6), "outcome": "予以公开"},
                 today=TODAY)
    with register.sessions() as session:
        record = session.get(Application, record_id)
        assert (record.received_year, record.answered_year) == (2024, 2025)


def test_table_three_counts_read_only_the_index(tmp_path) -> None:
    """The GROUP BY of table 三 is answered from the covering index, without reading table rows (SQLite plan)."""
    reg = open_register(tmp_path / "r.sqlite")
    try:
        query = ("SELECT answered_year, outcome, applicant, count(*) FROM applications "
                 "WHERE agency_id = 1 AND withdrawn_at IS NULL AND answered_year = 2025 "
                 "GROUP BY answered_year, outcome, applicant")
        with reg.engine.connect() as connection:
            plan = " ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}"))
        assert "COVERING INDEX ix_applications_answered" in plan
    finally:
        reg.close()


# ── audit ───────────────────────────────────────────────────────────────────────────────────────────────


def test_creating_a_record_logs_each_of_its_values(register: Register) -> None:
    record_id = add(register, "A-1", channel="网络", subject="某地块征收补偿方案")
    logged = {e.field: e.after for e in store.history(register, Application, record_id)}
    assert logged == {"agency_id": "1", "number": "A-1", "received": "2025-03-03", "channel": "网络",
                      "applicant": "natural_person", "subject": "某地块征收补偿方案", "extended": "false"}
    entries = store.history(register, Application, record_id)
    assert {(e.user_name, e.action, e.before) for e in entries} == {("clerk", "create", None)}


def test_the_user_defaults_to_the_operating_system_user(register: Register) -> None:
    record_id = store.add_application(register, AGENCY, number="A-9", received=date(2025, 3, 3),
                                      applicant="commercial", today=TODAY)
    assert {e.user_name for e in store.history(register, Application, record_id)} == {current_user()}
    assert current_user() and current_user("alice") == "alice"


def test_an_update_logs_each_changed_field_before_and_after(register: Register) -> None:
    record_id = add(register, "A-1", channel="邮寄")
    changes = {"channel": "网络", "answered": date(2025, 3, 20), "outcome": "（三）不予公开 1.属于国家秘密",
               "applicant": "自然人"}
    version = store.update(register, Application, record_id, changes, user="chief", today=TODAY)
    assert version == 2
    changes = [(e.field, e.before, e.after) for e in store.history(register, Application, record_id)
               if e.action == "update"]
    assert sorted(changes) == [("answered", None, "2025-03-20"), ("channel", "邮寄", "网络"),
                               ("outcome", None, "withheld.state_secret")]  # applicant did not change


def test_a_change_that_breaks_the_rules_changes_nothing(register: Register) -> None:
    record_id = add(register, "A-1")
    with pytest.raises(RecordInvalid, match="答复日期 2025-03-01 is before 收到日期 2025-03-03"):
        store.update(register, Application, record_id, {"answered": date(2025, 3, 1), "outcome": "granted"},
                     today=TODAY)
    with pytest.raises(RecordInvalid, match="办理结果 is empty"):
        store.update(register, Application, record_id, {"answered": date(2025, 3, 9)}, today=TODAY)
    with register.sessions() as session:
        record = session.get(Application, record_id)
        assert (record.answered, record.outcome, record.version) == (None, None, 1)
    assert [e.action for e in store.history(register, Application, record_id)].count("update") == 0


def test_single_adds_follow_the_same_rules_as_imports(register: Register) -> None:
    with pytest.raises(RecordInvalid) as caught:
        add(register, "A-1", received=date(2026, 5, 1), applicant="外星人")
    messages = " | ".join(str(m) for _, m in caught.value.problems)
    assert "unknown applicant type '外星人'" in messages
    assert "收到日期 2026-05-01 is in the future" in messages
    add(register, "A-1")
    with pytest.raises(RecordInvalid, match="编号 'A-1' is already in the register"):
        add(register, "A-1")
    assert count(register, Application) == 1


# ── withdrawal ──────────────────────────────────────────────────────────────────────────────────────────


def test_withdrawn_records_stay_but_leave_the_register(register: Register) -> None:
    kept, gone = add(register, "A-1"), add(register, "A-2")
    store.withdraw(register, Application, gone, "录入重复", user="chief")
    with register.sessions() as session:
        assert [a.number for a in session.scalars(store.active(Application))] == ["A-1"]
    assert count(register, Application) == 2  # still stored
    withdrawal = [(e.user_name, e.field, e.after) for e in store.history(register, Application, gone)
                  if e.action == "withdraw"]
    assert ("chief", "withdrawn_reason", "录入重复") in withdrawal
    with pytest.raises(NotFound, match="withdrawn"):
        store.update(register, Application, gone, {"subject": "x"})
    with pytest.raises(NotFound, match="withdrawn"):
        store.withdraw(register, Application, gone, "again")
    assert add(register, "A-2") not in (kept, gone)  # the number is free again


def test_a_withdrawal_needs_a_reason(register: Register) -> None:
    record_id = add(register, "A-1")
    with pytest.raises(RecordInvalid, match="reason"):
        store.withdraw(register, Application, record_id, " ")


# ── the other tables ────────────────────────────────────────────────────────────────────────────────────


def test_agencies_cases_documents_and_yearly_counts(register: Register) -> None:
    store.add_agency(register, "测试县财政局", parent=AGENCY, user="setup")
    with pytest.raises(RecordInvalid, match="already in the register"):
        store.add_agency(register, AGENCY)
    with pytest.raises(RecordInvalid, match="机关类型"):
        store.add_agency(register, "测试县某局", "bureau")
    add(register, "A-1")
    case = store.add_case(register, AGENCY, application="A-1", number="复-1", kind="行政诉讼（复议后起诉）",
                          filed=date(2025, 6, 1), result="维持", closed=date(2025, 9, 1), today=TODAY)
    doc = store.add_document(register, AGENCY, kind="规范性文件", number="测政办发〔2025〕1号", title="某管理办法",
                             issued=date(2025, 2, 1), today=TODAY)
    with pytest.raises(RecordInvalid, match="审结日期 is empty"):
        store.add_case(register, AGENCY, number="复-2", kind="行政复议", filed=date(2025, 6, 1), result="纠正",
                       today=TODAY)
    with pytest.raises(RecordInvalid, match="关联申请 'A-404'"):
        store.add_case(register, AGENCY, application="A-404", number="复-3", kind="行政复议",
                       filed=date(2025, 6, 1), today=TODAY)
    first = store.set_yearly_count(register, AGENCY, 2025, "proactive.licensing.decisions", 120)
    again = store.set_yearly_count(register, AGENCY, 2025, "proactive.licensing.decisions", 125)
    store.set_yearly_count(register, AGENCY, 2025, "proactive.fees.amount", Decimal("3.25"))
    with pytest.raises(RecordInvalid, match="not a cell key"):
        store.set_yearly_count(register, AGENCY, 2025, "proactive.rules.issued", 3)  # counted from documents
    assert first == again
    with register.sessions() as session:
        assert session.get(Case, case).kind == "litigation_after_review"
        assert session.get(Case, case).result == "upheld"
        assert session.get(Document, doc).kind == "normative_docs"
        counts = {c.key: c.value for c in session.scalars(store.active(YearlyCount))}
        assert counts == {"proactive.licensing.decisions": 125, "proactive.fees.amount": Decimal("3.25")}
        assert session.scalar(select(Agency.parent_id).where(Agency.name == "测试县财政局")) == 1
    changes = [(e.field, e.before, e.after) for e in store.history(register, YearlyCount, first)]
    assert ("value", "120", "125") in changes


# ── concurrent writers ──────────────────────────────────────────────────────────────────────────────────


def test_concurrent_writers_adding_applications_lose_none(register: Register, register_url: str) -> None:
    """Eight writers, each with its own engine (as separate processes would have), add 30 applications each."""
    def writer(n: int) -> None:
        own = open_register(register_url)
        try:
            for i in range(30):
                store.add_application(own, AGENCY, number=f"W{n}-{i}", received=date(2025, 3, 3),
                                      applicant="自然人", user=f"writer{n}", today=TODAY)
        finally:
            own.close()

    run_threads(writer, [(n,) for n in range(8)])
    with register.sessions() as session:
        numbers = set(session.scalars(select(Application.number)))
    assert numbers == {f"W{n}-{i}" for n in range(8) for i in range(30)}
    assert count(register, AuditEntry, AuditEntry.action == "create", AuditEntry.field == "number") == 240


def test_writers_changing_different_fields_of_one_record_keep_both(register: Register, register_url: str) -> None:
    """Four writers change four different fields of the same application 15 times each, all at once: every
    last value is there, and the version and the audit log count every one of the 60 changes."""
    record_id = add(register, "A-1")
    fields = {"subject": lambda i: f"内容{i}", "channel": lambda i: ("网络", "邮寄")[i % 2],
              "extension_reason": lambda i: f"理由{i}", "fee": lambda i: Decimal(i)}

    def writer(field: str) -> None:
        own = open_register(register_url)
        try:
            for i in range(15):
                store.update(own, Application, record_id, {field: fields[field](i)}, user=field, today=TODAY)
        finally:
            own.close()

    run_threads(writer, [(field,) for field in fields])
    with register.sessions() as session:
        record = session.get(Application, record_id)
        assert (record.subject, record.channel, record.extension_reason, record.fee) == (
            "内容14", "网络", "理由14", Decimal(14))
        assert record.version == 1 + 60
    updates = count(register, AuditEntry, AuditEntry.action == "update", AuditEntry.record_id == record_id)
    assert updates == 60


def test_a_writer_between_read_and_write_of_an_update_waits(register: Register, register_url: str,
                                                            monkeypatch) -> None:
    """Force the race: right after `update` has read the record, another writer tries to change it. It cannot
    get in (PostgreSQL: the row is locked FOR UPDATE; SQLite: BEGIN IMMEDIATE) and goes on once the first
    update has committed, on the new version: both changes stay."""
    record_id = add(register, "A-1")
    other = open_register(register_url)
    load = store._load
    racer: list[threading.Thread] = []

    def load_then_race(session, model, rid):
        record = load(session, model, rid)
        if not racer:
            racer.append(threading.Thread(target=store.update, args=(other, Application, rid, {"channel": "传真"})))
            racer[0].start()
            racer[0].join(timeout=0.5)
            assert racer[0].is_alive(), "the other writer got in while the record was being updated"
        return record

    monkeypatch.setattr(store, "_load", load_then_race)
    assert store.update(register, Application, record_id, {"subject": "我的修改"}) == 2
    racer[0].join()
    other.close()
    with register.sessions() as session:
        record = session.get(Application, record_id)
        assert (record.subject, record.channel, record.version) == ("我的修改", "传真", 3)


def test_an_edit_of_a_version_changed_meanwhile_is_a_conflict(register: Register) -> None:
    record_id = add(register, "A-1")
    seen = 1  # the version a person was shown
    store.update(register, Application, record_id, {"subject": "他人的修改"}, user="other")
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.update(register, Application, record_id, {"subject": "我的修改"}, expected_version=seen)
    with register.sessions() as session:
        assert session.get(Application, record_id).subject == "他人的修改"
    assert store.update(register, Application, record_id, {"subject": "我的修改"}, expected_version=2) == 3


def test_the_version_column_refuses_a_write_over_a_newer_version(register: Register) -> None:
    """Any ORM write, not only `store.update`, applies only to the version it read (version_id_col)."""
    record_id = add(register, "A-1")
    with register.sessions() as session:
        stale = session.get(Application, record_id)
        session.commit()  # the object keeps its values (expire_on_commit=False): a copy read earlier
        store.update(register, Application, record_id, {"subject": "新的"})
        stale.subject = "旧的"
        with pytest.raises(StaleDataError):
            session.commit()
    with register.sessions() as session:
        assert session.get(Application, record_id).subject == "新的"


# ── accounts ────────────────────────────────────────────────────────────────────────────────────────────


def test_an_agency_or_region_is_added_only_under_a_region_still_there(register: Register) -> None:
    from gongkai.register import accounts

    gone = accounts.add_region(register, "撤销县", user="admin")
    accounts.withdraw_region(register, gone, "撤并", user="admin")
    with pytest.raises(RecordInvalid, match=str(gone)):
        accounts.add_agency(register, "某局", "department", gone, user="admin")
    with pytest.raises(RecordInvalid, match=str(gone)):
        accounts.add_region(register, "某镇", gone, user="admin")
    with register.sessions() as session:
        assert session.scalar(select(Agency).where(Agency.name == "某局")) is None
    town = accounts.add_region(register, "某镇", accounts.add_region(register, "某县", user="admin"), user="admin")
    assert accounts.add_agency(register, "某局", "department", town, user="admin")


def test_disabling_someone_counts_the_admins_only_when_they_are_one(register: Register) -> None:
    from sqlalchemy import event

    from gongkai.register import accounts

    accounts.add_user(register, "root", "password-1", "admin", user="setup")
    accounts.add_user(register, "clerk", "password-1", "officer", agency=AGENCY, user="setup")
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(register.engine, "before_cursor_execute", seen)
    try:
        accounts.set_disabled(register, "clerk", user="root")
        assert not [s for s in statements if "count(" in s.lower()]
        with pytest.raises(RecordInvalid):
            accounts.set_disabled(register, "root", user="cli")  # the last enabled admin
        assert [s for s in statements if "count(" in s.lower()]
    finally:
        event.remove(register.engine, "before_cursor_execute", seen)
