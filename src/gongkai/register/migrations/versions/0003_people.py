"""People and places: regions (a supervising office's area), users with their roles, web sessions, failed logins
for throttling, the prose of a year's report written in the web application, the agency of each audit entry, and
the applicant's name and contact on an application (for the letters sent to them).

Written out in full, as 0001 and 0002 are, so that it keeps creating this schema when the models move on.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ACTIVE = sa.text("withdrawn_at IS NULL")


def _record_columns() -> list[sa.Column]:
    return [sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
            sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("withdrawn_reason", sa.Text(), nullable=True)]


def _active_unique(name: str, table: str, columns: list[str]) -> None:
    op.create_index(name, table, columns, unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable column referring to another table. SQLite cannot add a constraint to a table (only a copy of the
    table could, which its foreign keys refuse while other tables refer to it): there the column comes without its
    FOREIGN KEY, and the application keeps it right; PostgreSQL gets the constraint."""
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key(f"fk_{table}_{column}", table, target, [column], ["id"])


def upgrade() -> None:
    op.create_table("regions", *_record_columns(),
                    sa.Column("name", sa.String(255), nullable=False),
                    sa.Column("parent_id", sa.Integer(), sa.ForeignKey("regions.id"), nullable=True))
    _active_unique("uq_regions_name", "regions", ["name"])
    _add_reference("agencies", "region_id", "regions")
    op.create_table("users", *_record_columns(),
                    sa.Column("name", sa.String(64), nullable=False),
                    sa.Column("password_hash", sa.String(255), nullable=False),
                    sa.Column("role", sa.String(16), nullable=False),
                    sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=True),
                    sa.Column("region_id", sa.Integer(), sa.ForeignKey("regions.id"), nullable=True),
                    sa.Column("disabled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
                    sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
                    sa.CheckConstraint("role IN ('officer', 'supervisor', 'admin')", name="ck_users_role"))
    _active_unique("uq_users_name", "users", ["name"])
    op.create_table("web_sessions",
                    sa.Column("token_hash", sa.String(64), primary_key=True),
                    sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
                    sa.Column("kind", sa.String(8), nullable=False),
                    sa.Column("csrf", sa.String(64), nullable=False),
                    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False))
    op.create_index("ix_web_sessions_user", "web_sessions", ["user_id"])
    op.create_table("login_failures",
                    sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("name", sa.String(64), nullable=False),
                    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("client", sa.String(64), nullable=True))
    op.create_index("ix_login_failures_name", "login_failures", ["name", "at"])
    op.create_table("report_texts", *_record_columns(),
                    sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
                    sa.Column("year", sa.Integer(), nullable=False),
                    sa.Column("section", sa.Integer(), nullable=False),
                    sa.Column("text", sa.Text(), nullable=False))
    _active_unique("uq_report_texts", "report_texts", ["agency_id", "year", "section"])
    _add_reference("audit_log", "agency_id", "agencies")
    op.create_index("ix_audit_log_agency", "audit_log", ["agency_id", "at"])
    op.add_column("applications", sa.Column("applicant_name", sa.Text(), nullable=True))
    op.add_column("applications", sa.Column("contact", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("applications", "contact")
    op.drop_column("applications", "applicant_name")
    op.drop_index("ix_audit_log_agency", "audit_log")
    op.drop_column("audit_log", "agency_id")
    op.drop_table("report_texts")
    op.drop_table("login_failures")
    op.drop_table("web_sessions")
    op.drop_table("users")
    op.drop_column("agencies", "region_id")
    op.drop_table("regions")
