"""The submission: next year's request, its lines, targets, versions and MEF's ceiling; the
budget mart keeps the activity cluster

A submission line is (entity, activity cluster, economic chapter, funding source), and its
last-year figures are read from the budget mart, which therefore gains ``cluster_code`` in its
key. The mart is rebuilt from the facts here, in SQL, in the migration's transaction.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUMS = ("sum(f.approved), sum(f.revised), sum(f.committed), sum(f.paid), count(*) "
         "FROM budget_fact f JOIN economic_code e ON e.code = f.economic_code ")


def _mart_table(with_cluster: bool) -> None:
    key = ["fiscal_year", "period", "entity_code", "programme_code", "subprogramme_code",
           *(["cluster_code"] if with_cluster else []), "chapter_code", "funding_source"]
    op.create_table(
        "budget_mart",
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("entity_code", sa.String(6), nullable=False),
        sa.Column("programme_code", sa.String(32), nullable=False),
        sa.Column("subprogramme_code", sa.String(32), nullable=False),
        *([sa.Column("cluster_code", sa.String(32), nullable=False)] if with_cluster else []),
        sa.Column("chapter_code", sa.String(32), nullable=False),
        sa.Column("funding_source", sa.String(3), nullable=False),
        sa.Column("approved", sa.BigInteger(), nullable=False),
        sa.Column("revised", sa.BigInteger(), nullable=False),
        sa.Column("committed", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["entity_code"], ["admin_unit.code"],
                                name=op.f("fk_budget_mart_entity_code_admin_unit")),
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_budget_mart")),
    )
    cluster = "f.cluster_code, " if with_cluster else ""
    op.execute(
        "INSERT INTO budget_mart (fiscal_year, period, entity_code, programme_code, subprogramme_code, "
        f"{cluster.replace('f.', '')}chapter_code, funding_source, approved, revised, committed, paid, row_count) "
        f"SELECT f.fiscal_year, f.period, f.entity_code, f.programme_code, f.subprogramme_code, {cluster}"
        f"coalesce(e.parent_code, e.code), f.funding_source, {_SUMS}"
        f"GROUP BY f.fiscal_year, f.period, f.entity_code, f.programme_code, f.subprogramme_code, {cluster}"
        "coalesce(e.parent_code, e.code), f.funding_source"
    )


def upgrade() -> None:
    op.drop_table("budget_mart")
    _mart_table(with_cluster=True)

    op.create_table(
        "ceiling",
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("programme_code", sa.String(32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.String(80), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_ceiling_amount_non_negative")),
        sa.PrimaryKeyConstraint("fiscal_year", "programme_code", name=op.f("pk_ceiling")),
    )
    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("open_to_provinces", sa.Boolean(), nullable=False),
        sa.Column("above_ceiling_justification", sa.Text(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'endorsed')",
                           name=op.f("ck_submission_status")),
        sa.CheckConstraint("fiscal_year BETWEEN 2015 AND 2035", name=op.f("ck_submission_fiscal_year_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        sa.UniqueConstraint("fiscal_year", name=op.f("uq_submission_fiscal_year")),
    )
    op.create_table(
        "submission_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("entity_code", sa.String(6), nullable=False),
        sa.Column("cluster_code", sa.String(32), nullable=False),
        sa.Column("economic_code", sa.String(32), nullable=False),
        sa.Column("funding_source", sa.String(3), nullable=False),
        sa.Column("request_y1", sa.BigInteger(), nullable=False),
        sa.Column("request_y2", sa.BigInteger(), nullable=False),
        sa.Column("request_y3", sa.BigInteger(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("funding_source IN ('RGC', 'DP')", name=op.f("ck_submission_line_funding_source")),
        sa.CheckConstraint("request_y1 >= 0 AND request_y2 >= 0 AND request_y3 >= 0",
                           name=op.f("ck_submission_line_request_non_negative")),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name=op.f("fk_submission_line_submission_id_submission")),
        sa.ForeignKeyConstraint(["entity_code"], ["admin_unit.code"],
                                name=op.f("fk_submission_line_entity_code_admin_unit")),
        sa.ForeignKeyConstraint(["cluster_code"], ["programme.code"],
                                name=op.f("fk_submission_line_cluster_code_programme")),
        sa.ForeignKeyConstraint(["economic_code"], ["economic_code.code"],
                                name=op.f("fk_submission_line_economic_code_economic_code")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_line")),
        sa.UniqueConstraint("submission_id", "entity_code", "cluster_code", "economic_code", "funding_source",
                            name="uq_submission_line_key"),
    )
    op.create_index(op.f("ix_submission_line_submission_id"), "submission_line", ["submission_id"])
    op.create_table(
        "submission_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("indicator_code", sa.String(32), nullable=False),
        sa.Column("unit_code", sa.String(6), nullable=False),
        sa.Column("target_y1", sa.Float(), nullable=True),
        sa.Column("target_y2", sa.Float(), nullable=True),
        sa.Column("target_y3", sa.Float(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name=op.f("fk_submission_target_submission_id_submission")),
        sa.ForeignKeyConstraint(["indicator_code"], ["indicator.code"],
                                name=op.f("fk_submission_target_indicator_code_indicator")),
        sa.ForeignKeyConstraint(["unit_code"], ["admin_unit.code"],
                                name=op.f("fk_submission_target_unit_code_admin_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_target")),
        sa.UniqueConstraint("submission_id", "indicator_code", "unit_code", name="uq_submission_target_key"),
    )
    op.create_index(op.f("ix_submission_target_submission_id"), "submission_target", ["submission_id"])
    op.create_table(
        "submission_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("taken_by", sa.String(80), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name=op.f("fk_submission_version_submission_id_submission")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_version")),
        sa.UniqueConstraint("submission_id", "version", name="uq_submission_version_key"),
    )
    op.create_index(op.f("ix_submission_version_submission_id"), "submission_version", ["submission_id"])
    op.create_table(
        "submission_province",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(6), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_by", sa.String(80), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name=op.f("fk_submission_province_submission_id_submission")),
        sa.ForeignKeyConstraint(["province_code"], ["admin_unit.code"],
                                name=op.f("fk_submission_province_province_code_admin_unit")),
        sa.PrimaryKeyConstraint("submission_id", "province_code", name=op.f("pk_submission_province")),
    )


def downgrade() -> None:
    for table in ("submission_province", "submission_version", "submission_target", "submission_line",
                  "submission", "ceiling"):
        op.drop_table(table)
    op.drop_table("budget_mart")
    _mart_table(with_cluster=False)
