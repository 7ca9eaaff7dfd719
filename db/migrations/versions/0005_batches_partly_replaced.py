"""load_batch.partly_replaced_by: the later batches that replaced some of a batch's rows

A file for one entity and period replaces that entity's rows of the period in a ministry-wide
file loaded earlier; the earlier batch keeps its other rows and stays 'loaded'. The history
now says which later batches took rows from it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("load_batch") as batch:
        batch.add_column(sa.Column("partly_replaced_by", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("load_batch") as batch:
        batch.drop_column("partly_replaced_by")
