"""Spreadsheets safe to open: text that looks like a formula is written as text."""

import io

from openpyxl import load_workbook

from shuangyong.core import excel
from shuangyong.core.imports import EXPORTERS, IMPORTERS
from shuangyong.org.models import Unit

# One name per dangerous first character (OWASP: = + - @ tab carriage return).
DANGEROUS = [
    '=HYPERLINK("http://evil.example/?x","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+2",
    "\r=3+4",
]


def _read(text: str) -> str:
    """What a reader sees: XML turns a carriage return into a line feed."""
    return text.replace("\r", "\n")


def _cells(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_formula_like_text_is_a_quote_prefixed_text_cell_and_numbers_stay_numbers():
    buffer = io.BytesIO()
    excel.write_workbook(buffer, [("t", ["=head"], [[*DANGEROUS, 42, -3.5, "plain"]])])
    cells = list(_cells(buffer.getvalue()))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value = {c.value: c for c in cells}
    for text in map(_read, [*DANGEROUS, "=head"]):
        assert by_value[text].data_type == "s" and by_value[text].quotePrefix, repr(text)
    assert by_value[42].data_type == "n" and by_value[-3.5].data_type == "n"
    assert not by_value["plain"].quotePrefix


def test_units_named_with_each_prefix_export_as_text_and_import_back(db, people, district):
    for number, name in enumerate(DANGEROUS):
        Unit.objects.create(code=f"X{number}", name=name, kind="other", parent=district.root)
    buffer = io.BytesIO()
    EXPORTERS["units"].write(buffer, actor=people.office)
    data = buffer.getvalue()
    cells = list(_cells(data))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    written = {c.value for c in cells}
    assert {_read(n) for n in DANGEROUS} <= written

    # Rename them, then import the export: every name comes back.
    for number in range(len(DANGEROUS)):
        Unit.objects.filter(code=f"X{number}").update(name=f"renamed{number}")
    upload = io.BytesIO(data)
    result = IMPORTERS["units"](actor=people.office).run(upload, name="units.xlsx")
    assert result.rejected == 0, result.errors
    names = dict(Unit.objects.filter(code__startswith="X").values_list("code", "name"))
    # The import trims surrounding whitespace (as every form does), so a leading tab or
    # carriage return is the one thing that does not come back; the rest is unchanged.
    assert [names[f"X{n}"] for n in range(len(DANGEROUS))] == [n.strip() for n in DANGEROUS]
    assert names["X0"] == DANGEROUS[0]
