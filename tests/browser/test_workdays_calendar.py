"""In Chromium: the office finds the working-day calendar in the menu, reads the year's
holidays and make-up working days, and sees that a year not yet known is refused."""

from conftest import browser_login
from shuangyong.core.testing import library_up_to


def test_the_office_reads_the_calendar_and_the_unknown_year(page, people, monkeypatch):
    library_up_to(monkeypatch, 2026)  # 2027 unknown even after a release that carries it
    browser_login(page, "office")
    page.goto(f"{page.base}/data/workdays/?year=2026")
    table = page.locator("[data-testid=workdays]").inner_text()
    assert "2026-10-10" in table and "调休上班" in table and "国庆节" in table
    assert "2026-10-01" in table and "节假日" in table
    page.click("[aria-label=下一年]")
    assert "2027 年的节假日安排尚未掌握" in page.locator(".alert-warning").inner_text()
    page.click("text=导入年度节假日安排")
    assert "节假日安排" in page.locator("h1").inner_text()
