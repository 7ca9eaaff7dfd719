"""Background jobs in the database: every server of the application reads a job's progress and
result, so a load started through one server can be polled through another

Revision ID: 0010
Revises: 0009
Create Date: 2027-02-01

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "background_job",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("pid_started", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column("set_props", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('running', 'done', 'collected', 'died', 'cancelled')",
                           name=op.f("ck_background_job_status")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_background_job")),
    )


def downgrade() -> None:
    op.drop_table("background_job")
