"""The process-wide Flask extensions, kept here so nothing imports the app to reach them."""

from flask_compress import Compress
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
# Open data for everyone (open_data/): no sign-in, no session cookie, nothing of the signed-in app.
OPEN_PREFIX = "/open"


def is_open_path(path: str) -> bool:
    """Whether ``path`` is /open or under it (``/openx`` is not)."""
    return path == OPEN_PREFIX or path.startswith(OPEN_PREFIX + "/")


class StaticCompressionCache:
    """Compressed static files, kept per process (Flask-Compress's cache backend).

    Brotli spends some 100 ms on plotly.js (3.6 MB) for every first visit otherwise. Only
    static files are kept: their URLs carry a fingerprint or modification time, so a key never
    names two contents; every other response has the empty key, which is never stored.
    """

    def __init__(self) -> None:
        self._items: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(";") else self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";") and len(self._items) < 256:
            self._items[key] = value


def static_cache_key(request) -> str:
    """The cache key of a static file's compressed body; empty (never stored) for anything else."""
    return request.full_path if request.path.startswith(STATIC_PREFIXES) else ""
