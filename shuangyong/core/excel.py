"""Writing workbooks: one helper, streaming, so a large export stays in bounded memory.

Every workbook the product produces goes through ``write_workbook`` (exports, error
workbooks, templates, the bank list, the readiness pack's index). Text that a
spreadsheet would take for a formula (the OWASP CSV-injection rule: a first
character of ``= + - @``, tab or carriage return) is written as a text cell with
Excel's quote prefix: Excel and WPS show it as typed and never evaluate it, even
when the cell is edited, and the stored value is the text itself, so an import
reads it back unchanged. Numbers stay numbers.
"""

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

Sheet = tuple[str, list[str], Iterable[Iterable[Any]]]


def write_workbook(target, sheets: list[Sheet], *, stable: bool = False) -> None:
    """Write ``sheets`` (title, header, rows) to a path or a binary file object.

    ``stable`` makes the bytes depend on the content only (fixed timestamps in
    the document properties and the zip), so that an export can be compared
    byte for byte with another; it buffers the workbook in memory to do so.
    """
    workbook = Workbook(write_only=True)
    if stable:
        workbook.properties.created = workbook.properties.modified = STABLE_TIME
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        header_cells = []
        for text in headers:
            cell = _text_cell(sheet, str(text))
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            header_cells.append(cell)
        for index, text in enumerate(headers):
            letter = _column_letter(index)
            sheet.column_dimensions[letter].width = max(10, min(40, len(str(text)) * 2 + 4))
        sheet.freeze_panes = "A2"
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_cell_value(sheet, v) for v in row])
    if not stable:
        workbook.save(target)
        return
    buffer = io.BytesIO()
    workbook.save(buffer)
    stable_bytes = _stable_zip(buffer.getvalue())
    if hasattr(target, "write"):
        target.write(stable_bytes)
    else:
        with open(target, "wb") as handle:
            handle.write(stable_bytes)


STABLE_TIME = dt.datetime(2000, 1, 1)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _stable_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed (openpyxl stamps "modified" itself)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(fixed, content)
    return out.getvalue()


# First characters that make a spreadsheet evaluate text (OWASP, "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could take ``text`` for a formula."""
    return text.startswith(FORMULA_PREFIXES)


def _text_cell(sheet, text: str):
    """A cell holding ``text`` as text: quote-prefixed when it looks like a formula."""
    cell = WriteOnlyCell(sheet, value=text)
    if is_formula_like(text):
        cell.data_type = "s"  # openpyxl made it "f" for a leading "="
        cell.quotePrefix = True
    return cell


def _cell_value(sheet, value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "__html__") or type(value).__name__ == "__proxy__":
        value = str(value)
    if isinstance(value, str) and is_formula_like(value):
        return _text_cell(sheet, value)
    return value


def _sheet_title(title: str) -> str:
    # Excel forbids these characters in sheet names and caps them at 31.
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return str(title)[:31] or "Sheet"


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
