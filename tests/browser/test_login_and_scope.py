"""In Chromium: a unit liaison logs in, works in Chinese, and cannot open another unit."""

import re

from playwright.sync_api import expect

from conftest import browser_login


def test_liaison_logs_in_and_cannot_open_another_unit(page, people, district):
    browser_login(page, "liaison_a")
    assert page.url == page.base + "/"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "甲局" in page.content()
    # Their own unit opens…
    page.goto(f"{page.base}/org/units/{district.a.pk}/")
    assert page.locator("h1").first.inner_text().startswith("甲局")
    # …unit B does not.
    response = page.goto(f"{page.base}/org/units/{district.b.pk}/")
    assert response.status in (403, 404)
    assert "乙局" not in page.locator("main").inner_text()
    # And the units list shows only A's subtree.
    page.goto(page.base + "/org/units/")
    rows = page.locator("tbody tr").all_inner_texts()
    assert len(rows) == 2 and all("甲局" in row for row in rows)


def test_wrong_password_shows_a_chinese_message(page, people):
    browser_login(page, "liaison_a", "wrong-password")
    assert page.url.startswith(page.base + "/accounts/login/")
    assert re.search("用户名或密码错误", page.content())


def test_office_searches_people_by_initials_with_htmx(page, people, district):
    browser_login(page, "office")
    page.goto(page.base + "/org/people/")
    with page.expect_response(lambda r: "q=zs" in r.url):
        page.fill("[data-testid=people-search]", "zs")
    expect(page.locator("#people-results")).not_to_contain_text("李四")
    results = page.locator("#people-results tbody").inner_text()
    assert "张三" in results and "李四" not in results
    assert "q=zs" in page.url  # the search is in the address bar, so it can be shared


def test_language_switch_to_english(page, people):
    browser_login(page, "office")
    with page.expect_navigation():
        page.select_option("#sy-language", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Log out" in page.content()
