"""Workbooks written part by part, as an attacker would: what openpyxl would never write.

Each is a few hundred bytes to a few kilobytes, and would make an unguarded reader allocate
gigabytes.
"""

from __future__ import annotations

import io
import re
import zipfile

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def sheet_xml(cells: dict[str, object], dimension: str | None = None, extra_cells: str = "") -> str:
    """A worksheet holding ``cells`` (reference → number or text), with an optional ``<dimension>``.

    ``extra_cells`` is raw XML put into the first row (cells written in unusual ways).
    """
    rows: dict[int, list[str]] = {}
    for ref, value in cells.items():
        row = int(re.sub(r"\D", "", ref))
        cell = (f'<c r="{ref}"><v>{value}</v></c>' if isinstance(value, (int, float))
                else f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        rows.setdefault(row, []).append(cell)
    if extra_cells:
        rows.setdefault(min(rows, default=1), []).append(extra_cells)
    body = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{dim}'
            f"<sheetData>{body}</sheetData></worksheet>")


def workbook(sheets: dict[str, str], shared_strings: bytes | None = None) -> bytes:
    """An .xlsx of the given sheets (name → worksheet XML) and, optionally, a shared strings part."""
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                        for i in range(1, len(sheets) + 1))
    if shared_strings is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_STRINGS_TYPE}"/>'
    types = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
             f"{overrides}</Types>")
    package_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
                    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                    "</Relationships>")
    listed = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1))
    book = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f"<sheets>{listed}</sheets></workbook>")
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    if shared_strings is not None:
        rels += f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels",
                         f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">{rels}</Relationships>')
        for i, xml in enumerate(sheets.values(), 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()


def one_sheet(cells: dict[str, object], dimension: str | None = None, **kwargs) -> bytes:
    """A workbook of one sheet named ``data``."""
    return workbook({"data": sheet_xml(cells, dimension, kwargs.pop("extra_cells", ""))}, **kwargs)


def shared_strings(strings: list[str], unique_count: int | None = None) -> bytes:
    """A shared strings part; ``unique_count`` is what it declares (the real count unless given)."""
    count = len(strings) if unique_count is None else unique_count
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{count}" '
            f'uniqueCount="{count}">{items}</sst>').encode()
