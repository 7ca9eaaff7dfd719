"""Costing benefit options: the benefit catalogue, eligible population, macro figures and saved scenarios

Revision ID: 0009
Revises: 0008
Create Date: 2027-01-15

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "benefit",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("name_km", sa.String(300), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("payments_per_year", sa.Float(), nullable=False),
        sa.Column("cluster_code", sa.String(32), nullable=False),
        sa.Column("economic_code", sa.String(32), nullable=False),
        sa.Column("indicator_code", sa.String(32), nullable=False),
        sa.Column("eligible_key", sa.String(64), nullable=False),
        sa.CheckConstraint("amount >= 0 AND payments_per_year >= 0", name=op.f("ck_benefit_non_negative")),
        sa.ForeignKeyConstraint(["cluster_code"], ["programme.code"], name=op.f("fk_benefit_cluster_code_programme")),
        sa.ForeignKeyConstraint(["economic_code"], ["economic_code.code"],
                                name=op.f("fk_benefit_economic_code_economic_code")),
        sa.ForeignKeyConstraint(["indicator_code"], ["indicator.code"],
                                name=op.f("fk_benefit_indicator_code_indicator")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_benefit")),
    )
    op.create_table(
        "eligible_population",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(6), nullable=False),
        sa.Column("eligible_key", sa.String(64), nullable=False),
        sa.Column("count", sa.Float(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_eligible_population_count_non_negative")),
        sa.CheckConstraint("year BETWEEN 2015 AND 2035", name=op.f("ck_eligible_population_year_range")),
        sa.ForeignKeyConstraint(["unit_code"], ["admin_unit.code"],
                                name=op.f("fk_eligible_population_unit_code_admin_unit")),
        sa.PrimaryKeyConstraint("year", "unit_code", "eligible_key", name=op.f("pk_eligible_population")),
    )
    op.create_table(
        "macro",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("gdp", sa.BigInteger(), nullable=False),
        sa.Column("government_expenditure", sa.BigInteger(), nullable=False),
        sa.Column("cpi_inflation", sa.Float(), nullable=False),
        sa.Column("usd_rate", sa.Float(), nullable=True),
        sa.CheckConstraint("year BETWEEN 2015 AND 2035", name=op.f("ck_macro_year_range")),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_macro")),
    )
    op.create_table(
        "costing_scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("first_year BETWEEN 2015 AND 2035", name=op.f("ck_costing_scenario_first_year_range")),
        sa.CheckConstraint("years BETWEEN 1 AND 10", name=op.f("ck_costing_scenario_years_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_costing_scenario")),
    )


def downgrade() -> None:
    op.drop_table("costing_scenario")
    op.drop_table("macro")
    op.drop_table("eligible_population")
    op.drop_table("benefit")
