"""Reports submitted to a supervising office (政务公开办): per agency and year a series of versions, each with its
file, the flat cell data and findings read from it once at upload, and its state; and a decision per finding.

Written out in full, as 0001–0003 are, so that it keeps creating this schema when the models move on.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STATES = "'submitted', 'failed', 'returned', 'accepted', 'published'"


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(128), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flat", sa.Text(), nullable=False),
        sa.Column("prose", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("source IN ('upload', 'register')", name="ck_submissions_source"),
        sa.CheckConstraint(f"state IN ({STATES})", name="ck_submissions_state"),
    )
    op.create_index("uq_submissions_version", "submissions", ["agency_id", "year", "version"], unique=True)
    op.create_table(
        "finding_decisions",
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), primary_key=True),
        sa.Column("finding", sa.Integer(), primary_key=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(128), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IN ('confirmed', 'dismissed')", name="ck_finding_decisions_decision"),
    )


def downgrade() -> None:
    op.drop_table("finding_decisions")
    op.drop_table("submissions")
