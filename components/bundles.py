"""The big script bundles of a first visit: AG Grid's on demand, and a head start for the ones
the page draws with.

Dash writes a script tag for every component library into every page: dash_ag_grid.min.js is
1.3 MB (some 340 KB on the wire), the largest file of a first visit after plotly.js, and the
overview, the scorecards and /methodology draw no grid. The index keeps every other script as
Dash writes it; the grid bundle's tag becomes that of ``assets/vendor/lazy-ag-grid.js``, a small
stand-in for ``dash_ag_grid.AgGrid`` that fetches the bundle (the same fingerprinted address,
in ``data-bundle``) when the first grid is rendered, then renders the real grid.

plotly.js is fetched by dcc.Graph only once the page's layout has come through two round trips
and a callback; the grid bundle, once the first grid renders. A page says which of them it
draws with (``dash.register_page(..., bundles=("plotly", "ag_grid"))``): its index then asks
the browser to fetch them at once (``<link rel="preload">``), beside Dash's own scripts, so that
the link is never idle while the page waits for its layout and callbacks.

Two of Dash's scripts are not needed at all. ``@babel/polyfill`` (99 KB, 35 KB on the wire)
polyfills ES2015+ for old browsers; in the browsers the app supports, its one use is the global
``regeneratorRuntime`` that dash-renderer and dcc call, so the index names a 7 KB
``assets/vendor/regenerator-runtime-*.min.js`` in its place (built by
``assets/vendor/build-regenerator.sh``). dash_table's bundle (10 KB on the wire) is left out: no
page shows a DataTable (tests/integration/test_static_files.py checks that none is imported).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import dash
import flask

VENDOR = Path(__file__).resolve().parents[1] / "assets" / "vendor"
STUB = VENDOR / "lazy-ag-grid.js"
# One built copy is kept (build-regenerator.sh removes the older ones).
REGENERATOR = next(VENDOR.glob("regenerator-runtime-*.min.js"))
_GRID_BUNDLE = re.compile(r'<script src="([^"]*/dash_ag_grid/dash_ag_grid\.[^"/]*\.js)"></script>')
KNOWN = ("plotly", "ag_grid")
_POLYFILL = re.compile(r'<script src="[^"]*/dash/deps/polyfill@[^"/]*\.js"></script>')
_DASH_TABLE = re.compile(r'<script src="[^"]*/dash/dash_table/bundle\.[^"/]*\.js"></script>\n?')


def without_polyfill_and_table(scripts: str, runtime_url: str) -> str:
    """Dash's script tags with @babel/polyfill's replaced by the regenerator runtime's
    (``runtime_url``), in the same place (before the scripts that call it), and no dash_table."""
    runtime = f'<script src="{html.escape(runtime_url)}"></script>'
    return _DASH_TABLE.sub("", _POLYFILL.sub(lambda _: runtime, scripts, count=1))


def grid_bundle_on_demand(scripts: str, stub_url: str) -> tuple[str, str | None]:
    """Dash's script tags with the AG Grid bundle's replaced by the stand-in's (``stub_url``),
    and the bundle's address (None when the tags name no grid bundle)."""
    found = _GRID_BUNDLE.search(scripts)
    if found is None:
        return scripts, None
    stand_in = f'<script src="{html.escape(stub_url)}" data-bundle="{html.escape(found.group(1))}"></script>'
    return scripts.replace(found.group(0), stand_in, 1), found.group(1)


def page_bundles(path: str, prefix: str = "/") -> tuple[str, ...]:
    """The ``bundles`` that the registered page at ``path`` declares (none for an unknown path)."""
    relative = "/" + path[len(prefix):] if path.startswith(prefix) else path
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if template:  # "/scorecard/<code>": each variable one segment of the path
            matched = re.fullmatch("[^/]+".join(re.escape(part) for part in re.split(r"<[^>]+>", template)), relative)
        else:
            matched = relative == page.get("path")
        if matched:
            return tuple(page.get("bundles", ()))
    return ()


def preload_tags(bundles: tuple[str, ...], addresses: dict[str, str]) -> str:
    """``<link rel="preload">`` tags for ``bundles`` whose address is known."""
    return "".join(f'\n<link rel="preload" href="{html.escape(addresses[b])}" as="script" fetchpriority="low">'
                   for b in bundles if b in addresses)


def install(dash_app: dash.Dash) -> None:
    """Write every page of ``dash_app`` with the stand-in in place of the AG Grid bundle, the
    regenerator runtime in place of @babel/polyfill, no dash_table, and the preloads of the
    bundles its page declares."""
    unknown = {b for page in dash.page_registry.values() for b in page.get("bundles", ()) if b not in KNOWN}
    if unknown:
        raise ValueError(f"register_page(bundles=...) names unknown bundles: {sorted(unknown)}")
    # The stand-in is under assets/vendor, which Dash does not add to pages by itself; the
    # modification time in the address, as Dash gives its own assets, renews browsers' copies.
    stub_url, runtime_url = (f"{dash_app.get_asset_url('vendor/' + path.name)}?m={os.path.getmtime(path)}"
                             for path in (STUB, REGENERATOR))
    prefix = dash_app.config.requests_pathname_prefix
    suites = f"{prefix}_dash-component-suites"
    interpolate = dash_app.interpolate_index

    def interpolate_index(**parts: str) -> str:
        scripts = without_polyfill_and_table(parts.get("scripts", ""), runtime_url)
        parts["scripts"], grid = grid_bundle_on_demand(scripts, stub_url)
        # The grid's own code fetches its async chunk as soon as it runs: preloaded with it.
        addresses = {"plotly": f"{suites}/plotly/package_data/plotly.min.js"}
        if grid:
            addresses["ag_grid"] = grid
        wanted = page_bundles(flask.request.path, prefix) if flask.has_request_context() else ()
        tags = preload_tags(wanted, addresses)
        if "ag_grid" in wanted and grid:
            tags += preload_tags(("chunk",), {"chunk": f"{suites}/dash_ag_grid/async-community.js"})
        parts["css"] = parts.get("css", "") + tags
        return interpolate(**parts)

    dash_app.interpolate_index = interpolate_index
