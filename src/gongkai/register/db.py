"""The register's tables (SQLAlchemy 2.0 typed ORM) and how a register is opened.

Design, and why:

- Every table but the audit log is a `Record`: an integer id, a version counter (`version_id_col`, so an update
  of a row changed meanwhile by someone else fails instead of overwriting it), and `withdrawn_at` /
  `withdrawn_reason`: records are never deleted, only withdrawn. Numbers (编号, 文号) are unique per agency among
  records that are not withdrawn (a partial unique index), so a record entered by mistake can be withdrawn and
  entered again under its number.
- Values of the controlled columns are cell keys of cell-keys.md (outcome `withheld.state_secret`, applicant
  `natural_person`, case kind `litigation_direct`, case result `upheld`, document kind `normative_docs`,
  yearly count `proactive.licensing.decisions`), so tables 二, 三 and 四 are GROUP BYs over the keys.
- The year of every date a report counts by is stored as a plain integer column next to the date
  (`received_year` for 本年新收, `answered_year` for 本年度办理结果, …), kept in step by the ORM and by bulk
  imports alike (`year_columns`), and the counting indexes hold (agency, year, outcome, applicant,
  withdrawn_at), so counting a million applications into table 三 reads one index and no table rows.
- An application's dated events are columns of its row: the regulation allows one correction request
  (第三十条 一次性告知), one extension (第三十三条) and one fee notice per application; one consultation period
  is kept (the import format has one).
- A closed year (`Closing`, migration 0002) keeps each version of its report as frozen flat data, and the
  applications it carried forward (`CarriedForward`), so that the next year's 上年结转 can be held against them;
  see `gongkai.register.closing`.
- SQLite (the default, one file) runs in WAL mode with a busy timeout, and writing transactions start with
  BEGIN IMMEDIATE: concurrent writers queue for the lock instead of failing with "database is locked" halfway
  through a transaction. PostgreSQL is opened by URL. Either way `open_register` migrates to the newest
  schema (Alembic, shipped in this package) before it returns; a register already there (its stored revision
  is SCHEMA_REVISION) is opened without importing Alembic.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column, sessionmaker, validates

DATABASE_ENV = "GONGKAI_DATABASE_URL"  # names the register when no --db is given
DEFAULT_FILE = "register.sqlite"  # in the user's application folder (click.get_app_dir), see default_path
SQLITE_BUSY_TIMEOUT_S = 60  # how long a writer waits for another writer's transaction before giving up
POSTGRES_CONNECT_TIMEOUT_S = 10
WRITE_OPTION = "gongkai_register_write"  # execution option marking a connection that will write
_MIGRATION_LOCK = 0x67_6F_6E_67  # PostgreSQL advisory lock id: concurrent opens migrate one at a time
# The newest migration (migrations/versions): a register at this revision opens without Alembic being imported.
# A new migration changes it too (tests/test_register_cli.py holds it to Alembic's head).
SCHEMA_REVISION = "0004"
ACTIVE = text("withdrawn_at IS NULL")  # the condition of the partial indexes; queries filter the same way


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        str: String(255),
        date: Date,
        datetime: DateTime(timezone=True),
        Decimal: Numeric(18, 4),
    }


class Record(Base):
    """What every register table shares: id, optimistic version, withdrawal instead of deletion."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(server_default=text("1"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


_PARTIAL_INDEXES: list[Index] = []  # the _active_unique indexes, for postgresql_partial_indexes


def _active_unique(name: str, *columns: str) -> Index:
    """A unique index over the records not withdrawn (partial on both SQLite and PostgreSQL).

    The migrations create the indexes; the models describe them (tests compare the two). PostgreSQL's half of the
    condition is attached when a PostgreSQL register is opened (`postgresql_partial_indexes`): declaring it here
    would load SQLAlchemy's PostgreSQL dialect, and its asyncio drivers, into every command on SQLite."""
    index = Index(name, *columns, unique=True, sqlite_where=ACTIVE)
    _PARTIAL_INDEXES.append(index)
    return index


def postgresql_partial_indexes() -> None:
    """Give the partial unique indexes their PostgreSQL condition (done once a PostgreSQL register is opened)."""
    for index in _PARTIAL_INDEXES:
        index.dialect_options["postgresql"]["where"] = ACTIVE


def _counting_index(name: str, *columns: str) -> Index:
    """An index a report's counts are read from: withdrawn_at comes last, so the index covers the query
    (a partial index would not: SQLite then reads every row to test withdrawn_at again)."""
    return Index(name, *columns, "withdrawn_at")


class AgencyKind(StrEnum):
    """Departments report by 1月31日, governments (their region's summary) by 3月31日 (第五十条)."""

    DEPARTMENT = "department"
    GOVERNMENT = "government"


class Agency(Record):
    __tablename__ = "agencies"
    __table_args__ = (
        _active_unique("uq_agencies_name", "name"),
        CheckConstraint("kind IN ('department', 'government')", name="ck_agencies_kind"),
    )

    name: Mapped[str]
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))  # migration 0003


class Region(Record):
    """A county, city or province whose supervising office (政务公开办) oversees the agencies in it and in the
    regions under it (migration 0003)."""

    __tablename__ = "regions"
    __table_args__ = (_active_unique("uq_regions_name", "name"),)

    name: Mapped[str]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))


def _tracks_years(*names: str) -> Any:
    """A validator keeping `<name>_year` equal to the year of each date column `<name>` the ORM sets."""

    @validates(*names)
    def _set_year(self: Record, name: str, value: date | None) -> date | None:
        setattr(self, f"{name}_year", value.year if value else None)
        return value

    return _set_year


def year_columns(model: type[Record], values: dict[str, Any]) -> dict[str, Any]:
    """The `<date>_year` columns of one row for a bulk insert (the ORM sets them itself)."""
    for name in getattr(model, "_years", ()):
        day = values.get(name)
        values[f"{name}_year"] = day.year if day else None
    return values


class Application(Record):
    """One application for disclosure (依申请公开): receipt, events, and its one table-三 outcome once answered."""

    __tablename__ = "applications"
    _years = ("received", "answered")
    _set_year = _tracks_years(*_years)
    __table_args__ = (
        _active_unique("uq_applications_number", "agency_id", "number"),
        _counting_index("ix_applications_received", "agency_id", "received_year", "outcome", "applicant"),
        _counting_index("ix_applications_answered", "agency_id", "answered_year", "outcome", "applicant"),
        # 上年结转 and 结转下年度: received by a year and not answered before (or by) it (migration 0002)
        _counting_index("ix_applications_open", "agency_id", "received_year", "answered_year", "applicant"),
        CheckConstraint("(answered IS NULL) = (outcome IS NULL)", name="ck_applications_answer_outcome"),
        CheckConstraint("answered IS NULL OR answered >= received", name="ck_applications_answer_after_receipt"),
    )

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    number: Mapped[str] = mapped_column(String(64))  # 编号
    received: Mapped[date]  # 收到日期 (第三十一条)
    received_year: Mapped[int]
    channel: Mapped[str | None] = mapped_column(String(8))  # Channel value: 当面, 邮寄, 网络, 传真
    applicant: Mapped[str] = mapped_column(String(32))  # table 三 column key
    applicant_name: Mapped[str | None] = mapped_column(Text)  # 申请人: whom the letters address (migration 0003)
    contact: Mapped[str | None] = mapped_column(Text)  # 联系方式: address, telephone, e-mail (migration 0003)
    subject: Mapped[str | None] = mapped_column(Text)  # 申请内容
    correction_asked: Mapped[date | None]  # 补正告知
    correction_received: Mapped[date | None]  # 补正收到
    extended: Mapped[bool] = mapped_column(server_default=text("false"))  # 延期
    extension_reason: Mapped[str | None] = mapped_column(Text)
    consultation_started: Mapped[date | None]  # 征求意见
    consultation_ended: Mapped[date | None]
    fee_notice: Mapped[date | None]  # 收费通知
    fee_paid: Mapped[date | None]  # 缴费
    fee: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # 收费, 元
    answered: Mapped[date | None]  # 答复日期
    answered_year: Mapped[int | None]
    outcome: Mapped[str | None] = mapped_column(String(48))  # table 三 result row key; empty while open


class Case(Record):
    """A 行政复议 or 行政诉讼 about disclosure: one count in table 四 (kind = group, result = column)."""

    __tablename__ = "cases"
    _years = ("filed", "closed")
    _set_year = _tracks_years(*_years)
    __table_args__ = (
        _active_unique("uq_cases_number", "agency_id", "number"),
        _counting_index("ix_cases_filed", "agency_id", "filed_year", "kind", "result"),
        CheckConstraint("(closed IS NULL) = (result = 'pending')", name="ck_cases_closed_result"),
    )

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    number: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # review, litigation_direct, litigation_after_review
    filed: Mapped[date]
    filed_year: Mapped[int]
    result: Mapped[str] = mapped_column(String(16), server_default=text("'pending'"))  # upheld, corrected, …
    closed: Mapped[date | None]
    closed_year: Mapped[int | None]
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))


class Document(Record):
    """A published 规章 or 行政规范性文件: table 二's 本年制发 / 本年废止 / 现行有效 are counted from these."""

    __tablename__ = "documents"
    _years = ("issued", "repealed")
    _set_year = _tracks_years(*_years)
    __table_args__ = (
        _active_unique("uq_documents_number", "agency_id", "number"),
        _counting_index("ix_documents_issued", "agency_id", "kind", "issued_year", "repealed_year"),
        CheckConstraint("repealed IS NULL OR repealed >= issued", name="ck_documents_repeal_after_issue"),
    )

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(32))  # rules, normative_docs
    number: Mapped[str] = mapped_column(String(128))  # 文号
    title: Mapped[str] = mapped_column(Text)
    issued: Mapped[date]
    issued_year: Mapped[int]
    repealed: Mapped[date | None]
    repealed_year: Mapped[int | None]


class YearlyCount(Record):
    """A number of table 二 an agency keeps per year (行政许可 decisions, 行政事业性收费 in 万元, …), by cell key."""

    __tablename__ = "yearly_counts"
    __table_args__ = (_active_unique("uq_yearly_counts", "agency_id", "year", "key"),)

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int]
    key: Mapped[str] = mapped_column(String(64))  # e.g. proactive.licensing.decisions
    value: Mapped[Decimal]


class Closing(Base):
    """One version of a closed year's report: the flat cell data as it was frozen, who froze it and when.

    Version 1 is the closing; a correction later is version N+1 with its reason and what it changed against the
    version before (`changes`, JSON: {"cells": [{key, before, after}, …], "carried_forward": {added, removed,
    added_numbers, removed_numbers}}). Never updated or deleted: the versions are the history.
    """

    __tablename__ = "closings"
    __table_args__ = (Index("uq_closings_version", "agency_id", "year", "version", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int]
    version: Mapped[int]
    flat: Mapped[str] = mapped_column(Text)  # JSON: the flat cell data of cell-keys.md, meta.* included
    closed_by: Mapped[str] = mapped_column(String(128))
    closed_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)  # why a revision was made (none for version 1)
    changes: Mapped[str | None] = mapped_column(Text)  # JSON, see above (none for version 1)


class CarriedForward(Base):
    """The applications a closing froze as 结转下年度继续办理: next year's 上年结转 must be exactly these."""

    __tablename__ = "carried_forward"

    closing_id: Mapped[int] = mapped_column(ForeignKey("closings.id"), primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)


class Submission(Base):
    """One version of a report submitted to a supervising office (migration 0004; gongkai.register.submissions).

    Per agency and year the versions 1, 2, … are the history: the file as received (or as made from the register),
    the flat cell data, prose and findings read from it once at upload (JSON), and the version's state. Only the
    state and the decision on it change; the file and what was read from it never do.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        Index("uq_submissions_version", "agency_id", "year", "version", unique=True),
        CheckConstraint("source IN ('upload', 'register')", name="ck_submissions_source"),
        CheckConstraint("state IN ('submitted', 'failed', 'returned', 'accepted', 'published')",
                        name="ck_submissions_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int]
    version: Mapped[int]
    source: Mapped[str] = mapped_column(String(16))  # upload | register
    file_name: Mapped[str]
    file_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of content
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only when asked (ORM only)
    uploaded_by: Mapped[str] = mapped_column(String(128))
    uploaded_at: Mapped[datetime]
    flat: Mapped[str] = mapped_column(Text)  # JSON: flat cell data of cell-keys.md, meta.* included
    prose: Mapped[str] = mapped_column(Text)  # JSON: {section number: text}
    findings: Mapped[str] = mapped_column(Text)  # JSON: [{code, params, cells, where}], as `gongkai check` finds
    errors: Mapped[int]  # findings of severity error
    state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)  # why it was returned
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None]


class FindingDecision(Base):
    """The office's decision on one finding of a submitted version (by its index in `Submission.findings`)."""

    __tablename__ = "finding_decisions"
    __table_args__ = (CheckConstraint("decision IN ('confirmed', 'dismissed')",
                                      name="ck_finding_decisions_decision"),)

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    finding: Mapped[int] = mapped_column(primary_key=True)
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(128))
    decided_at: Mapped[datetime]


class AuditEntry(Base):
    """One change: who, when, which record and field, the value before and after (never updated or deleted).

    Creating a record logs each value it was created with; an update logs each changed field; a withdrawal
    logs withdrawn_at and withdrawn_reason. A file import is one entry (field NULL) whose `after` is a JSON
    summary: file, row count and the ids it created as ranges.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "table_name", "record_id"),
                      Index("ix_audit_log_agency", "agency_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))  # whose record (migration 0003)
    user_name: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))  # create, update, withdraw, import
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int | None]
    field: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class Role(StrEnum):
    """What a person may do: an officer keeps one agency's register, a supervisor reads every agency of a region,
    an admin manages agencies, regions and people."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class User(Record):
    """A person who logs in to the web application (migration 0003). Passwords are argon2 hashes."""

    __tablename__ = "users"
    __table_args__ = (
        _active_unique("uq_users_name", "name"),
        CheckConstraint("role IN ('officer', 'supervisor', 'admin')", name="ck_users_role"),
    )

    name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))  # an officer's agency
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))  # a supervisor's region
    disabled: Mapped[bool] = mapped_column(server_default=text("false"))
    password_changed_at: Mapped[datetime | None]


class WebSession(Base):
    """A logged-in browser (a cookie) or API client (a bearer token); only the token's SHA-256 is stored."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user", "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(8))  # page or api
    csrf: Mapped[str] = mapped_column(String(64))  # the form token of a page session
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class LoginFailure(Base):
    """A failed login, for throttling repeated guesses at one name."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_name", "name", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    client: Mapped[str | None] = mapped_column(String(64))


class ReportText(Record):
    """The prose of one section of an agency's report of one year, written in the web application."""

    __tablename__ = "report_texts"
    __table_args__ = (_active_unique("uq_report_texts", "agency_id", "year", "section"),)

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int]
    section: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


def now() -> datetime:
    return datetime.now(UTC)


def current_user(user: str | None = None) -> str:
    """The name an audit entry is made under: the one given, else the operating-system user."""
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return "unknown"


@dataclass(frozen=True)
class Register:
    """An open register: its engine and the sessions to read and to write it."""

    engine: Engine
    sessions: sessionmaker[Session]  # reading (plain BEGIN on SQLite)
    _writes: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in one write transaction: committed on success, rolled back on any error."""
        with self._writes.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def default_path() -> Path:
    """The register used when none is named: an SQLite file in the user's folder for gongkai, so that
    `gongkai register` works from any working directory and nothing needs setting up. Asked at each call (not
    at import), so that the environment of the moment (HOME, XDG_CONFIG_HOME, APPDATA) decides."""
    import click

    return Path(click.get_app_dir("gongkai")) / DEFAULT_FILE


def register_url(target: str | Path | None = None) -> str:
    """A database URL from a URL, a file path (SQLite), or nothing: then $GONGKAI_DATABASE_URL, else the
    SQLite file of `default_path` (its folder is created)."""
    if target is None or target == "":
        target = os.environ.get(DATABASE_ENV) or None
    if target is None:
        target = default_path()
        target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(target, Path) or "://" not in target:
        return f"sqlite:///{Path(target).resolve()}"
    return target


def shown_url(url: str) -> str:
    """A database URL as it may be printed or stored: without its password."""
    from sqlalchemy.engine import make_url

    try:
        # URL.set(password=None) would keep the password (None there means "unchanged"); URL is a NamedTuple
        return make_url(url)._replace(password=None).render_as_string(hide_password=False)
    except Exception:  # not a URL SQLAlchemy can read: show what was given, minus anything like a password
        return url.split("@")[-1] if "@" in url else url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # isolation_level None: pysqlite stops issuing its own BEGIN, so the "begin" hook below decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    _enter_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, much faster commits
    cursor.close()


def _enter_wal(cursor: Any) -> None:
    """Switch to WAL, retrying: on a new file, openers racing for the switch get "database is locked" at once
    (SQLite does not call the busy handler there), not after the busy timeout."""
    import sqlite3
    import time

    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_begin(connection: Any) -> None:
    """Writers take the write lock at BEGIN (and wait for it), so a transaction never fails halfway."""
    immediate = connection.get_execution_options().get(WRITE_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args = {}
    if url.startswith("postgresql"):
        postgresql_partial_indexes()
    if url.startswith("postgresql") and "connect_timeout" not in url:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S  # an unreachable server fails soon
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def stored_revision(engine: Engine) -> str | None:
    """The schema revision the database says it has (Alembic's alembic_version table), read with one plain query
    and no Alembic; None for a database without one (new, or not a register)."""
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except DBAPIError:  # no such table: nothing migrated yet
        return None


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration. A register already at SCHEMA_REVISION is left alone without
    importing Alembic (a third of a command's start); otherwise one opener migrates while the others wait
    (SQLite write lock, PostgreSQL advisory lock), then find it done."""
    if stored_revision(engine) == SCHEMA_REVISION:
        return
    from alembic import command
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(resources.files("gongkai.register") / "migrations"))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == ScriptDirectory.from_config(config).get_current_head():
        return
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_register(target: str | Path | None = None) -> Register:
    """Open (and create or migrate) a register: an SQLite file path or URL, or a PostgreSQL URL."""
    engine = _engine(register_url(target))
    migrate(engine)
    writer = engine.execution_options(**{WRITE_OPTION: True})
    return Register(engine, sessionmaker(engine, expire_on_commit=False),
                    sessionmaker(writer, expire_on_commit=False))
