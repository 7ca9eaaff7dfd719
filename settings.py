"""Configuration read once from the environment, with safe defaults (docs/architecture.md)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PIB_INSTANCE_DIR", ROOT / "instance"))


def database_url() -> str:
    """The SQLAlchemy URL of the database: ``PIB_DATABASE_URL`` or a SQLite file under instance/."""
    url = os.environ.get("PIB_DATABASE_URL")
    if url:
        return url
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'pib.sqlite3'}"


def secret_key() -> str:
    """``PIB_SECRET_KEY``, or a random key made once and kept in instance/ so restarts keep sessions."""
    key = os.environ.get("PIB_SECRET_KEY")
    if key:
        return key
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def usd_rate() -> float:
    """Riels per US dollar for the secondary USD display (``PIB_USD_RATE``, default 4100)."""
    try:
        rate = float(os.environ.get("PIB_USD_RATE", "4100"))
    except ValueError:
        rate = 4100.0
    return rate if rate > 0 else 4100.0


def host() -> str:
    return os.environ.get("PIB_HOST", "127.0.0.1")


def port() -> int:
    return int(os.environ.get("PIB_PORT", "8050"))


def proxy_hops() -> int:
    """``PIB_PROXY_HOPS``: how many reverse proxies stand in front of the app (default 0).

    Only then are ``X-Forwarded-For`` and ``X-Forwarded-Proto`` believed: a client could
    otherwise choose its own address for the sign-in throttle, or claim HTTPS.
    """
    value = os.environ.get("PIB_PROXY_HOPS", "0").strip()
    return min(int(value), 4) if value.isascii() and value.isdigit() and len(value) < 3 else 0


def boundary_geojson() -> Path | None:
    """``PIB_BOUNDARY_GEOJSON``: a GeoJSON of province boundaries (features carry the two-digit
    province code in ``properties.code``); when set and readable, maps are true choropleths."""
    value = os.environ.get("PIB_BOUNDARY_GEOJSON", "").strip()
    path = Path(value) if value else None
    return path if path is not None and path.is_file() else None


def open_rate_limit() -> int:
    """``PIB_OPEN_RATE_LIMIT``: requests per minute one address may make to /open (default 60;
    ``0`` turns the limit off). Counted in each server process (a sliding window per worker)."""
    value = os.environ.get("PIB_OPEN_RATE_LIMIT", "60").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 60


def warm_up_years() -> int:
    """``PIB_WARM_UP_YEARS``: how many of the newest years gunicorn's start-up warm-up computes
    the default period's answers of (default 2; ``0`` turns the warm-up off, as the test suite
    does for the servers it starts)."""
    value = os.environ.get("PIB_WARM_UP_YEARS", "2").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 3 else 2
