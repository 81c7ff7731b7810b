"""In Chromium: a notice to three units, two replies, the third chased in one click."""

import datetime as dt

from conftest import browser_login, browser_logout
from shuangyong.coordination.models import Notice, Receipt
from shuangyong.messaging.models import Notification


def reply(page, url, text):
    page.goto(url)
    page.fill("[data-testid=reply-form] textarea[name=text]", text)
    page.click("[data-testid=reply-form] button")
    page.wait_for_selector("[data-testid=own-receipt]")
    assert text in page.locator("[data-testid=own-receipt]").inner_text()


def test_send_reply_see_who_has_not_and_chase(page, people, district):
    browser_login(page, "office")
    page.click("nav >> text=综合协调")  # the section's dropdown
    page.click("nav >> text=通知公告")
    page.click("[data-testid=new-notice]")
    page.fill("input[name=title]", "关于报送双拥工作半年总结的通知")
    page.fill("textarea[name=body]", "请各单位于期限内报送半年总结。")
    # The recipient picker: type to find a unit, tick it.
    picker = page.locator("[data-testid=recipient-picker]")
    for unit in (district.a, district.b, district.street):
        picker.locator("input[type=search]").fill(unit.name)
        shown = picker.locator("[data-picker-item]:visible").all_inner_texts()
        assert shown and all(unit.name in text for text in shown), shown
        picker.locator(f"#sy-unit-{unit.pk}").check()
    picker.locator("input[type=search]").fill("")
    assert picker.locator("[data-picker-item]:visible").count() == 7
    page.check("input[name=requires_reply]")
    page.fill("input[name=reply_deadline]", (dt.date.today() + dt.timedelta(days=5)).isoformat())
    page.click("[data-testid=notice-form] button.btn-primary")
    page.wait_for_selector("[data-testid=receipts]")
    notice_url = page.url
    assert page.locator("[data-testid=receipts] tbody tr").count() == 3
    browser_logout(page)

    browser_login(page, "liaison_a")  # A finds it through the bell
    page.click("[data-testid=bell]")
    page.click("[data-testid=notifications] a >> nth=0")
    assert page.url == notice_url
    reply(page, notice_url, "甲局半年总结已报送")
    browser_logout(page)

    browser_login(page, "liaison_b")
    reply(page, notice_url, "乙局半年总结已报送")
    browser_logout(page)

    browser_login(page, "office")
    page.goto(notice_url)
    not_replied = page.locator("[data-testid=not-replied]").inner_text()
    assert "东街道" in not_replied and "甲局" not in not_replied and "乙局" not in not_replied
    assert "甲局半年总结已报送" in page.locator("[data-testid=receipts]").inner_text()
    page.click("[data-testid=chase]")
    page.wait_for_selector(".alert-success")
    assert "已提醒" in page.locator("[data-testid=not-replied]").inner_text()
    browser_logout(page)

    notice = Notice.objects.get()
    assert Receipt.objects.filter(notice=notice, replied_at__isnull=False).count() == 2
    chased = Notification.objects.filter(kind="chase")
    assert list(chased.values_list("recipient__username", flat=True)) == ["care"]

    browser_login(page, "care")  # the street's officer sees the reminder on the bell
    assert page.locator("[data-testid=bell] .badge").inner_text() == "2"  # notice + reminder
    page.click("[data-testid=bell]")
    assert (
        "催办：关于报送双拥工作半年总结的通知"
        in page.locator("[data-testid=notifications]").inner_text()
    )
