"""budget_fact without foreign keys: its codes are checked by the loader, set by set (issue 6)

A foreign key is a row-level trigger on PostgreSQL: eight of them (entity, five programme
levels, economic code, batch) made a 500,000-row load spend 18 of its 23 seconds of writing
in the checks. The loader validates every code of a file against the reference tables before
it writes (etl.validate), and the product never deletes a reference code, so the checks added
nothing but time. The other tables keep their foreign keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

"""
from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEYS = (
    ("entity_code", "admin_unit", "code"),
    ("programme_code", "programme", "code"),
    ("subprogramme_code", "programme", "code"),
    ("cluster_code", "programme", "code"),
    ("activity_code", "programme", "code"),
    ("item_code", "programme", "code"),
    ("economic_code", "economic_code", "code"),
    ("batch_id", "load_batch", "id"),
)


def _name(column: str, table: str) -> str:
    return f"fk_budget_fact_{column}_{table}"


def upgrade() -> None:
    # SQLite cannot drop a constraint: batch mode copies the table (once, in this transaction).
    with op.batch_alter_table("budget_fact") as batch:
        for column, table, _ in FOREIGN_KEYS:
            batch.drop_constraint(_name(column, table), type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("budget_fact") as batch:
        for column, table, key in FOREIGN_KEYS:
            batch.create_foreign_key(_name(column, table), table, [column], [key])
