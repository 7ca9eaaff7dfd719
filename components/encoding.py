"""Dash's answers encoded to JSON in one pass of orjson, with the text plotly would give.

Dash encodes every callback answer (and the layout) with plotly's ``to_json_plotly``. With
orjson installed, that first tries ``orjson.dumps`` on the answer, and when the answer holds
one Dash component or figure anywhere (orjson knows neither), it throws that attempt away and
walks the whole answer again in Python (``clean_to_json_compatible``: a function call per dict,
list and string), then encodes the copy. A page's answer of ~190 KB is ~10,000 such calls: under
the load test it was about a tenth of the server's time.

:func:`to_json` makes the same first attempt, then gives orjson a ``default`` instead of the
copy: called only for what orjson does not encode itself, a component gives its
``to_plotly_json()`` and anything else goes through plotly's own conversion of that one value
(numpy, pandas, dates, decimals), so the text is plotly's; the dicts, lists and strings around
them stay in orjson's C code.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
from dash.development.base_component import Component
from plotly.basedatatypes import BaseFigure, BasePlotlyType
from plotly.io import _json as plotly_json

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY  # plotly's
# The second pass leaves numpy to ``_default`` (as plotly's cleaning does): a datetime64 array is
# then the strings plotly writes, not orjson's own.
_SECOND_PASS = orjson.OPT_NON_STR_KEYS
_MODULES: dict[str, Any] | None = None


def _modules() -> dict[str, Any]:
    """The optional modules plotly's conversion looks for, found once (plotly does it per call)."""
    global _MODULES
    if _MODULES is None:
        from _plotly_utils.optional_imports import get_module

        _MODULES = {"sage_all": get_module("sage.all", should_load=False),
                    "np": get_module("numpy", should_load=False),
                    "pd": get_module("pandas", should_load=False),
                    "image": get_module("PIL.Image", should_load=False)}
    return _MODULES


def _default(value: Any) -> Any:
    # A component or a figure becomes the dict it stands for; orjson encodes its props, calling
    # this again for the components inside them.
    if isinstance(value, (Component, BasePlotlyType, BaseFigure)):
        return value.to_plotly_json()
    converted = plotly_json.clean_to_json_compatible(value, numpy_allowed=True, datetime_allowed=True,
                                                     modules=_modules())
    if converted is value or isinstance(converted, np.ndarray):
        # What plotly's cleaning leaves to orjson's numpy support (arrays of numbers, numpy
        # scalars): encoded by it, as plotly does; anything else is refused (TypeError) there.
        return orjson.Fragment(orjson.dumps(converted, option=_OPTIONS))
    return converted


def to_json(value: Any) -> str:
    """``value`` (a callback's answer, a layout) as JSON: the text ``plotly.io.json.to_json_plotly``
    gives with orjson, without plotly's walk of the whole answer in Python."""
    try:  # as plotly: an answer of plain data is orjson's alone
        text = orjson.dumps(value, option=_OPTIONS)
    except TypeError:  # a component, a figure or a value orjson does not know, somewhere in it
        text = orjson.dumps(value, default=_default, option=_SECOND_PASS)
    return plotly_json._safe(text.decode("utf8"), plotly_json._swap_orjson)


def install() -> None:
    """Dash's encoder of callback answers and layouts replaced by :func:`to_json`.

    Dash imports its ``to_json`` by name into the modules that send answers, so it is replaced
    there; a Dash that no longer has it in one of them fails here, at start-up, not on a request.
    """
    import dash._callback
    import dash._utils
    import dash.dash

    for module in (dash._utils, dash._callback, dash.dash):
        if not callable(getattr(module, "to_json", None)):
            raise RuntimeError(f"{module.__name__}.to_json is gone: components/encoding.py needs updating")
        module.to_json = to_json
