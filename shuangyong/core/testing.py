"""Helpers for tests across apps: spreadsheets in, spreadsheets out."""

from pathlib import Path

from openpyxl import Workbook, load_workbook


def write_xlsx(path: Path, rows: list[list], title_rows: list[list] | None = None) -> Path:
    """A workbook with optional title rows above ``rows`` (header first)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in [*(title_rows or []), *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def read_xlsx(source, sheet: int = 0) -> list[list]:
    """Every row of a sheet as a list of values, empty cells as ''."""
    workbook = load_workbook(source, read_only=True)
    worksheet = workbook.worksheets[sheet]
    return [["" if v is None else v for v in row] for row in worksheet.iter_rows(values_only=True)]
