"""The review: MEF's line decisions, comment threads, deviation explanations, and a counter of
people's writes that the query cache keys on

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "line_decision",
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("recommended", sa.BigInteger(), nullable=True),
        sa.Column("decided_by", sa.String(80), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.CheckConstraint("decision IN ('agree', 'adjust', 'question')", name=op.f("ck_line_decision_decision")),
        sa.CheckConstraint("recommended IS NULL OR recommended >= 0",
                           name=op.f("ck_line_decision_recommended_non_negative")),
        sa.ForeignKeyConstraint(["line_id"], ["submission_line.id"],
                                name=op.f("fk_line_decision_line_id_submission_line")),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name=op.f("fk_line_decision_submission_id_submission")),
        sa.PrimaryKeyConstraint("line_id", name=op.f("pk_line_decision")),
    )
    op.create_index(op.f("ix_line_decision_submission_id"), "line_decision", ["submission_id"])
    op.create_table(
        "submission_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.Column("entity_code", sa.String(6), nullable=True),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name=op.f("fk_submission_comment_submission_id_submission")),
        sa.ForeignKeyConstraint(["line_id"], ["submission_line.id"],
                                name=op.f("fk_submission_comment_line_id_submission_line")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_comment")),
    )
    op.create_index("ix_submission_comment_thread", "submission_comment", ["submission_id", "line_id", "id"])
    op.create_table(
        "explanation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("unit_code", sa.String(6), nullable=False),
        sa.Column("indicator_code", sa.String(32), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(80), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=True),
        sa.Column("oversight", sa.Text(), nullable=False),
        sa.Column("oversight_by", sa.String(80), nullable=False),
        sa.Column("oversight_at", sa.DateTime(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_code"], ["admin_unit.code"], name=op.f("fk_explanation_unit_code_admin_unit")),
        sa.ForeignKeyConstraint(["indicator_code"], ["indicator.code"],
                                name=op.f("fk_explanation_indicator_code_indicator")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explanation")),
        sa.UniqueConstraint("fiscal_year", "period", "unit_code", "indicator_code", name="uq_explanation_key"),
    )
    op.create_table(
        "write_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_write_counter")),
    )
    op.execute("INSERT INTO write_counter (id, value) VALUES (1, 0)")


def downgrade() -> None:
    for table in ("write_counter", "explanation", "submission_comment", "line_decision"):
        op.drop_table(table)
