"""Data grids (AG Grid): sortable, filterable, with formatted numbers and translated headers."""

from __future__ import annotations

import dash_ag_grid as dag

# valueFormatter expressions run in the browser: the functions of assets/grid_functions.js, which
# write numbers as components/format.py does, in the page's language. Riels read in the short
# form of the cards, with every riel in the tooltip (and in the downloads).
FORMATTERS = {
    "percent": "percent(params.value, '{lang}')",
    "khr": "shortRiels(params.value, '{lang}')",
    "number": "number(params.value, 0, '{lang}')",
    "decimal": "number(params.value, 2, '{lang}')",
}


# AG Grid's own words (empty grid, pager, filter menus) in Khmer; English is the grid's default.
LOCALE_TEXT_KM = {
    "noRowsToShow": "គ្មានជួរដេកដើម្បីបង្ហាញ", "loadingOoo": "កំពុងផ្ទុក...", "page": "ទំព័រ", "of": "នៃ",
    "to": "ដល់", "more": "ច្រើនទៀត", "firstPage": "ទំព័រដំបូង", "previousPage": "ទំព័រមុន",
    "nextPage": "ទំព័របន្ទាប់", "lastPage": "ទំព័រចុងក្រោយ", "pageSizeSelectorLabel": "ទំហំទំព័រ:",
    "filterOoo": "តម្រង...", "equals": "ស្មើ", "notEqual": "មិនស្មើ", "contains": "មាន",
    "notContains": "មិនមាន", "startsWith": "ចាប់ផ្តើមដោយ", "endsWith": "បញ្ចប់ដោយ", "blank": "ទទេ",
    "notBlank": "មិនទទេ", "lessThan": "តិចជាង", "greaterThan": "ធំជាង", "lessThanOrEqual": "តិចជាង ឬស្មើ",
    "greaterThanOrEqual": "ធំជាង ឬស្មើ", "inRange": "ចន្លោះ", "inRangeStart": "ពី", "inRangeEnd": "ដល់",
    "andCondition": "និង", "orCondition": "ឬ", "applyFilter": "អនុវត្ត", "resetFilter": "កំណត់ឡើងវិញ",
    "clearFilter": "សម្អាត", "cancelFilter": "បោះបង់", "searchOoo": "ស្វែងរក...", "selectAll": "ជ្រើសទាំងអស់",
}


# The widest value of each kind, in pixels at the grid's font: "KHR 999.99 bn" or its Khmer
# form "៩៩៩,៩៩ ពាន់លាន", "100.0 %", a grouped count.
VALUE_WIDTHS = {"khr": 150, "percent": 100, "number": 100, "decimal": 120, "text": 110}
HEADER_PADDING = 56  # the sort and filter icons and the cell's padding
CHARACTER_WIDTH = 9  # an average character of the header font, Latin or Khmer


def _fitting_width(header: str, kind: str) -> int:
    """A column's least width: its widest value, and its header's longest word unbroken."""
    longest = max((len(word) for word in header.split()), default=0)
    return max(VALUE_WIDTHS.get(kind, 110), longest * CHARACTER_WIDTH + HEADER_PADDING)


def data_grid(grid_id: str, rows: list[dict], columns: list[dict], *, page_size: int | None = None,
              height: str | None = None, row_selection: str | None = None,
              row_id: str | None = None, lang: str = "en") -> dag.AgGrid:
    """An AG Grid of ``rows``; each column is a dict of ``field``, ``header`` and ``kind``."""
    defs = []
    for column in columns:
        kind = column.get("kind", "text")
        # A long text (a problem's message, a file name) shows whole on hover.
        spec = {"field": column["field"], "headerName": column["header"],
                "tooltipField": column.get("tooltip", column["field"] if kind == "text" else None)}
        if kind in FORMATTERS:
            spec.update(valueFormatter={"function": FORMATTERS[kind].format(lang=lang)}, type="rightAligned",
                        filter="agNumberColumnFilter")
        if kind == "khr":
            spec["tooltipValueGetter"] = {"function": f"exactRiels(params.value, '{lang}')"}
        if column.get("pinned"):
            spec["pinned"] = "left"
        spec["minWidth"] = max(column.get("width", 0), _fitting_width(column["header"], kind))
        defs.append({k: v for k, v in spec.items() if v is not None})
    options: dict = {"domLayout": "autoHeight"} if height is None else {}
    if page_size:
        options.update(pagination=True, paginationPageSize=page_size)
    if row_selection:
        options["rowSelection"] = row_selection
    if lang == "km":
        options["localeText"] = LOCALE_TEXT_KM
    extra = {"getRowId": f"params.data.{row_id}"} if row_id else {}
    return dag.AgGrid(
        **extra,
        id=grid_id, rowData=rows, columnDefs=defs,
        # Columns share the width but never narrower than their header's longest word and their
        # values need (_fitting_width), in either language; headers wrap between words. Nothing is
        # cut with an ellipsis: a narrow screen scrolls the grid sideways.
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={**options, "tooltipShowDelay": 300}, className="ag-theme-alpine",
        style={"height": height} if height else {"width": "100%"},
    )
