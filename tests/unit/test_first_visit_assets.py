"""What a first visit fetches: the AG Grid stand-in in place of the bundle, and the Khmer label font."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = """<script src="/_dash-component-suites/dash/deps/react@18.v4_4_1m1.3.1.min.js"></script>
<script src="/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m1796521288.min.js"></script>
<script src="/assets/grid_functions.js?m=1"></script>"""


def test_the_grid_bundles_tag_becomes_the_stand_ins_with_the_bundles_address():
    from components.bundles import grid_bundle_on_demand

    bundle = "/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m1796521288.min.js"
    out, found = grid_bundle_on_demand(SCRIPTS, "/assets/vendor/lazy-ag-grid.js?m=2")
    assert found == bundle
    assert out.splitlines()[1] == f'<script src="/assets/vendor/lazy-ag-grid.js?m=2" data-bundle="{bundle}"></script>'
    # Every other script stays where Dash put it: the stand-in before the grid functions and the renderer.
    assert out.splitlines()[0] == SCRIPTS.splitlines()[0] and out.splitlines()[2] == SCRIPTS.splitlines()[2]
    assert grid_bundle_on_demand('<script src="/x.js"></script>', "/stub.js") == ('<script src="/x.js"></script>', None)


def test_a_page_gets_a_head_start_on_the_bundles_it_declares(monkeypatch):
    import dash

    from components import bundles

    monkeypatch.setattr(dash, "page_registry", {
        "pages.overview": {"path": "/", "bundles": ("plotly",)},
        "pages.scorecard": {"path": "/scorecard/none", "path_template": "/scorecard/<code>", "bundles": ("plotly",)},
        "pages.users": {"path": "/users", "bundles": ("ag_grid",)},
        "pages.methodology": {"path": "/methodology"},
    })
    assert bundles.page_bundles("/") == ("plotly",)
    assert bundles.page_bundles("/scorecard/07") == ("plotly",)
    assert bundles.page_bundles("/scorecard/07/print") == ()
    assert bundles.page_bundles("/users") == ("ag_grid",) and bundles.page_bundles("/methodology") == ()
    assert bundles.page_bundles("/nowhere") == ()
    tags = bundles.preload_tags(("plotly", "ag_grid"), {"plotly": "/p.js"})
    assert tags == '\n<link rel="preload" href="/p.js" as="script" fetchpriority="low">'


def test_every_page_that_draws_a_chart_or_a_grid_declares_its_bundle():
    """A page with a dcc.Graph that forgot ``bundles=("plotly",)`` would still work, a slow link later."""
    for page in sorted((ROOT / "pages").glob("*.py")):
        source = page.read_text()
        declared = re.search(r"bundles=\(([^)]*)\)", source)
        declared = declared.group(1) if declared else ""
        assert ("dcc.Graph" in source) == ('"plotly"' in declared), page.name
        assert bool(re.search(r"AgGrid|data_grid\(", source)) == ('"ag_grid"' in declared), page.name


def test_the_stand_in_tells_dash_what_the_real_grid_does():
    """The renderer reads dashRenderType and dashPersistence from a component before rendering it:
    the stand-in's must be those of the installed dash-ag-grid (compare after an upgrade)."""
    import dash_ag_grid

    from components.bundles import STUB

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
