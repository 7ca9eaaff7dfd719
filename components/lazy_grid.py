"""dash-ag-grid's bundle only on the pages that show a grid.

Dash writes a script tag for every component library into every page: dash_ag_grid.min.js is
1.3 MB (some 340 KB on the wire), the largest file of a first visit after plotly.js, and the
overview, the scorecards and /methodology draw no grid. The index keeps every other script as
Dash writes it; the grid bundle's tag becomes that of ``assets/vendor/lazy-ag-grid.js``, a small
stand-in for ``dash_ag_grid.AgGrid`` that fetches the bundle (the same fingerprinted address,
in ``data-bundle``) when the first grid is rendered, then renders the real grid.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import dash

STUB = Path(__file__).resolve().parents[1] / "assets" / "vendor" / "lazy-ag-grid.js"
_GRID_BUNDLE = re.compile(r'<script src="([^"]*/dash_ag_grid/dash_ag_grid\.[^"/]*\.js)"></script>')


def grid_bundle_on_demand(scripts: str, stub_url: str) -> str:
    """Dash's script tags with the AG Grid bundle's replaced by the stand-in's (``stub_url``)."""
    return _GRID_BUNDLE.sub(
        lambda found: f'<script src="{html.escape(stub_url)}" data-bundle="{html.escape(found.group(1))}"></script>',
        scripts, count=1)


def install(dash_app: dash.Dash) -> None:
    """Write every page of ``dash_app`` with the stand-in in place of the AG Grid bundle."""
    # The stand-in is under assets/vendor, which Dash does not add to pages by itself; the
    # modification time in the address, as Dash gives its own assets, renews browsers' copies.
    stub_url = f"{dash_app.get_asset_url('vendor/' + STUB.name)}?m={os.path.getmtime(STUB)}"
    interpolate = dash_app.interpolate_index

    def interpolate_index(**parts: str) -> str:
        parts["scripts"] = grid_bundle_on_demand(parts.get("scripts", ""), stub_url)
        return interpolate(**parts)

    dash_app.interpolate_index = interpolate_index
