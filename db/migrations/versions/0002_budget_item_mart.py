"""National item mart and the budget_fact item index (issue 6: the bars at 10 million rows)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budget_item_mart",
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column("programme_code", sa.String(length=32), nullable=False),
        sa.Column("subprogramme_code", sa.String(length=32), nullable=False),
        sa.Column("cluster_code", sa.String(length=32), nullable=False),
        sa.Column("revised", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("fiscal_year", "period", "item_code", name=op.f("pk_budget_item_mart")),
    )
    op.create_index("ix_budget_fact_item", "budget_fact",
                    ["fiscal_year", "item_code", "entity_code", "period", "paid"])
    # Databases that already hold facts get their mart now, in the migration's transaction.
    op.execute(
        "INSERT INTO budget_item_mart (fiscal_year, period, item_code, programme_code, subprogramme_code, "
        "cluster_code, revised, paid, row_count) "
        "SELECT fiscal_year, period, item_code, MIN(programme_code), MIN(subprogramme_code), MIN(cluster_code), "
        "SUM(revised), SUM(paid), COUNT(*) FROM budget_fact GROUP BY fiscal_year, period, item_code"
    )


def downgrade() -> None:
    op.drop_index("ix_budget_fact_item", table_name="budget_fact")
    op.drop_table("budget_item_mart")
