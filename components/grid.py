"""Data grids (AG Grid): sortable, filterable, with formatted numbers and translated headers."""

from __future__ import annotations

import dash_ag_grid as dag

# valueFormatter expressions run in the browser (dash-ag-grid evaluates them with d3 available).
FORMATTERS = {
    "percent": {"function": "params.value == null ? '–' : d3.format('.1%')(params.value)"},
    "khr": {"function": "params.value == null ? '–' : d3.format(',.0f')(params.value)"},
    "number": {"function": "params.value == null ? '–' : d3.format(',.0f')(params.value)"},
    "decimal": {"function": "params.value == null ? '–' : d3.format(',.2f')(params.value)"},
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


def data_grid(grid_id: str, rows: list[dict], columns: list[dict], *, page_size: int | None = None,
              height: str | None = None, row_selection: str | None = None,
              row_id: str | None = None, lang: str = "en") -> dag.AgGrid:
    """An AG Grid of ``rows``; each column is a dict of ``field``, ``header`` and ``kind``."""
    defs = []
    for column in columns:
        kind = column.get("kind", "text")
        spec = {"field": column["field"], "headerName": column["header"], "tooltipField": column.get("tooltip")}
        if kind in FORMATTERS:
            spec.update(valueFormatter=FORMATTERS[kind], type="rightAligned", filter="agNumberColumnFilter")
        if column.get("pinned"):
            spec["pinned"] = "left"
        if column.get("width"):
            spec["minWidth"] = column["width"]
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
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1, "minWidth": 110},
        dashGridOptions=options, className="ag-theme-alpine",
        style={"height": height} if height else {"width": "100%"},
    )
