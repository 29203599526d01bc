"""The register's first schema: agencies, applications, cases, documents, yearly counts, audit log.

Written out in full (not imported from the models), so that it keeps creating this schema when the models
move on; a later change of the models is a new revision next to this one.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ACTIVE = sa.text("withdrawn_at IS NULL")


def _record_columns() -> list[sa.Column]:
    """Id, optimistic version and withdrawal: the columns every register table but the audit log has."""
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
    ]


def _agency_column() -> sa.Column:
    return sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False)


def _active_unique(name: str, table: str, columns: list[str]) -> None:
    """A unique index over the records not withdrawn (partial on SQLite and PostgreSQL alike)."""
    op.create_index(name, table, columns, unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def _counting_index(name: str, table: str, columns: list[str]) -> None:
    """An index counts are read from; withdrawn_at last so that it covers the query."""
    op.create_index(name, table, [*columns, "withdrawn_at"])


def _date(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Date(), nullable=nullable)


def _year(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=True),
        *_record_columns(),
        sa.CheckConstraint("kind IN ('department', 'government')", name="ck_agencies_kind"),
    )
    _active_unique("uq_agencies_name", "agencies", ["name"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(128), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(64), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_log_record", "audit_log", ["table_name", "record_id"])

    op.create_table(
        "applications",
        _agency_column(),
        sa.Column("number", sa.String(64), nullable=False),
        _date("received", nullable=False),
        _year("received_year", nullable=False),
        sa.Column("channel", sa.String(8), nullable=True),
        sa.Column("applicant", sa.String(32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        _date("correction_asked"),
        _date("correction_received"),
        sa.Column("extended", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        _date("consultation_started"),
        _date("consultation_ended"),
        _date("fee_notice"),
        _date("fee_paid"),
        sa.Column("fee", sa.Numeric(12, 2), nullable=True),
        _date("answered"),
        _year("answered_year"),
        sa.Column("outcome", sa.String(48), nullable=True),
        *_record_columns(),
        sa.CheckConstraint("(answered IS NULL) = (outcome IS NULL)", name="ck_applications_answer_outcome"),
        sa.CheckConstraint("answered IS NULL OR answered >= received", name="ck_applications_answer_after_receipt"),
    )
    _active_unique("uq_applications_number", "applications", ["agency_id", "number"])
    _counting_index("ix_applications_received", "applications", ["agency_id", "received_year", "outcome", "applicant"])
    _counting_index("ix_applications_answered", "applications", ["agency_id", "answered_year", "outcome", "applicant"])

    op.create_table(
        "cases",
        _agency_column(),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        _date("filed", nullable=False),
        _year("filed_year", nullable=False),
        sa.Column("result", sa.String(16), server_default=sa.text("'pending'"), nullable=False),
        _date("closed"),
        _year("closed_year"),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"), nullable=True),
        *_record_columns(),
        sa.CheckConstraint("(closed IS NULL) = (result = 'pending')", name="ck_cases_closed_result"),
    )
    _active_unique("uq_cases_number", "cases", ["agency_id", "number"])
    _counting_index("ix_cases_filed", "cases", ["agency_id", "filed_year", "kind", "result"])

    op.create_table(
        "documents",
        _agency_column(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("number", sa.String(128), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        _date("issued", nullable=False),
        _year("issued_year", nullable=False),
        _date("repealed"),
        _year("repealed_year"),
        *_record_columns(),
        sa.CheckConstraint("repealed IS NULL OR repealed >= issued", name="ck_documents_repeal_after_issue"),
    )
    _active_unique("uq_documents_number", "documents", ["agency_id", "number"])
    _counting_index("ix_documents_issued", "documents", ["agency_id", "kind", "issued_year", "repealed_year"])

    op.create_table(
        "yearly_counts",
        _agency_column(),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Numeric(18, 4), nullable=False),
        *_record_columns(),
    )
    _active_unique("uq_yearly_counts", "yearly_counts", ["agency_id", "year", "key"])


def downgrade() -> None:
    for table in ("yearly_counts", "documents", "cases", "applications", "audit_log", "agencies"):
        op.drop_table(table)
