"""Open data: the periods the budget unit has published, whose aggregates /open shows to everyone

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "publication",
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("published_by", sa.String(80), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("fiscal_year BETWEEN 2015 AND 2035", name=op.f("ck_publication_fiscal_year_range")),
        sa.PrimaryKeyConstraint("fiscal_year", "period", name=op.f("pk_publication")),
    )


def downgrade() -> None:
    op.drop_table("publication")
