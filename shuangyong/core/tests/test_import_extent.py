"""Spreadsheets are measured before they are parsed: too many rows is refused at once."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangyong.core.imports import IMPORTERS, ImportFileError, check_extent
from shuangyong.core.testing import write_xlsx
from shuangyong.org.models import Unit

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


def sheet_xlsx(rows: int, *, dimension: str = "", row: bytes = ROW) -> bytes:
    """A minimal workbook whose one sheet holds ``rows`` rows, streamed into the zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(HEAD)
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            block = row * 100_000
            for _ in range(rows // 100_000):
                sheet.write(block)
            sheet.write(row * (rows % 100_000))
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture(scope="module")
def two_million_rows():
    return sheet_xlsx(2_000_000, dimension="A1:A2000000")


def test_a_286_kb_workbook_of_two_million_rows_is_refused_in_a_fraction_of_a_second(
    client, people, two_million_rows
):
    assert len(two_million_rows) < 300_000
    client.force_login(people.office)
    before = Unit.objects.count()
    client.get(reverse("core:import", args=["units"]))  # the page warm: time the refusal
    upload = SimpleUploadedFile("units.xlsx", two_million_rows)
    started = time.perf_counter()
    response = client.post(reverse("core:import", args=["units"]), {"file": upload})
    elapsed = time.perf_counter() - started
    print(f"2,000,000 rows in {len(two_million_rows):,} bytes refused in {elapsed:.3f} s")
    assert response.status_code == 200
    assert "1,048,576" in response.context["file_error"]
    assert Unit.objects.count() == before


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda: sheet_xlsx(1_100_000), id="no dimension: counted"),
        pytest.param(lambda: sheet_xlsx(1_100_000, dimension="A1:A5"), id="lying dimension"),
        pytest.param(
            lambda: sheet_xlsx(1, row=b'<row r="2000000"><c r="A2000000"><v>1</v></c></row>'),
            id="one row numbered 2,000,000",
        ),
        pytest.param(lambda: sheet_xlsx(1, dimension="A1:XFD3000"), id="too many cells"),
    ],
)
def test_a_sheet_is_measured_whatever_its_dimension_says(data, english):
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="too large"):
        check_extent(io.BytesIO(data()), "big.xlsx")
    print(f"refused in {time.perf_counter() - started:.3f} s")


def test_a_csv_of_too_many_lines_is_refused(settings, english):
    settings.IMPORT_MAX_ROWS = 10
    with pytest.raises(ImportFileError, match="too large"):
        check_extent(io.BytesIO(b"a,b\n" * 11), "big.csv")
    check_extent(io.BytesIO(b"a,b\n" * 10), "ok.csv")


def test_an_ordinary_import_is_untouched(people, district, tmp_path, settings, english):
    settings.IMPORT_MAX_ROWS = 3  # the header and two units fit
    header = ["编码", "名称", "简称", "类型", "上级编码", "成员单位"]
    path = write_xlsx(tmp_path / "u.xlsx", [header, ["X1", "新单位一", "", "部门", "D", "是"],
                                            ["X2", "新单位二", "", "部门", "D", "否"]])  # fmt: skip
    result = IMPORTERS["units"](actor=people.office).run(path)
    assert result.rejected == 0 and result.created == 2
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportFileError, match="too large"):
        IMPORTERS["units"](actor=people.office).run(path)
