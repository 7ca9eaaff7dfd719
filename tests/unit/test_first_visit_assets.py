"""What a first visit fetches: the AG Grid stand-in in place of the bundle, and the Khmer label font."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = """<script src="/_dash-component-suites/dash/deps/react@18.v4_4_1m1.3.1.min.js"></script>
<script src="/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m1796521288.min.js"></script>
<script src="/assets/grid_functions.js?m=1"></script>"""


def test_the_grid_bundles_tag_becomes_the_stand_ins_with_the_bundles_address():
    from components.lazy_grid import grid_bundle_on_demand

    out = grid_bundle_on_demand(SCRIPTS, "/assets/vendor/lazy-ag-grid.js?m=2")
    assert out.splitlines()[1] == ('<script src="/assets/vendor/lazy-ag-grid.js?m=2" data-bundle='
                                   '"/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m1796521288.min.js"></script>')
    # Every other script stays where Dash put it: the stand-in before the grid functions and the renderer.
    assert out.splitlines()[0] == SCRIPTS.splitlines()[0] and out.splitlines()[2] == SCRIPTS.splitlines()[2]
    assert grid_bundle_on_demand("<script src=\"/x.js\"></script>", "/stub.js") == "<script src=\"/x.js\"></script>"


def test_the_stand_in_tells_dash_what_the_real_grid_does():
    """The renderer reads dashRenderType and dashPersistence from a component before rendering it:
    the stand-in's must be those of the installed dash-ag-grid (compare after an upgrade)."""
    import dash_ag_grid

    from components.lazy_grid import STUB

    props = json.loads((Path(dash_ag_grid.__file__).parent / "metadata.json").read_text())
    props = next(iter(props.values()))["props"]
    stub = STUB.read_text()
    assert "dashRenderType" in props and "AgGrid.dashRenderType = true;" in stub
    persisted = re.search(r"AgGrid\.dashPersistence = \{persisted_props: (\[[^\]]*\]), persistence_type: '(\w+)'\}",
                          stub)
    assert persisted is not None
    assert persisted.group(1) == props["persisted_props"]["defaultValue"]["value"]
    assert f"'{persisted.group(2)}'" == props["persistence_type"]["defaultValue"]["value"]


def test_the_khmer_label_font_draws_the_language_switchs_label():
    from fontTools.ttLib import TTFont

    from i18n import t

    font = TTFont(ROOT / "assets" / "fonts" / "NotoSansKhmer-Label.woff2")
    assert {ord(c) for c in t("lang.km", "en")} <= set(font.getBestCmap())
    assert (ROOT / "assets" / "fonts" / "NotoSansKhmer-Label.woff2").stat().st_size < 5_000
