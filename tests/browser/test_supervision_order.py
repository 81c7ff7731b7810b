"""In Chromium: a supervision order's whole loop, each step by the side that may take it;
the unit's answers carry files; an order on a task at 0 % cannot be closed without the
override, and the override with its reason is in the order's history."""

import datetime as dt

from conftest import browser_login, browser_logout
from shuangyong.campaigns.models import Task


def status(page):
    return page.locator("[data-testid=order-status]").inner_text()


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def attach(page, name):
    page.set_input_files("#respond-files", {"name": name, "mimeType": "image/png", "buffer": PNG})


def test_issue_acknowledge_respond_send_back_respond_close(page, people, district, campaign):
    task = Task.objects.create(
        campaign=campaign,
        title="建设军民共建点",
        lead_unit=district.a,
        deadline=dt.date.today() - dt.timedelta(days=10),
        progress=0,
    )
    browser_login(page, "supervisor")
    page.goto(f"{page.base}/supervision/campaigns/{campaign.pk}/orders/new/?unit={district.a.pk}")
    page.check(f"input[name=tasks][value='{task.pk}']")
    page.select_option("select[name=level]", "key")
    page.fill("input[name=subject]", "共建点建设滞后")
    page.fill("textarea[name=requirement]", "十日内完成并报送共建协议")
    page.fill("input[name=deadline]", (dt.date.today() + dt.timedelta(days=10)).isoformat())
    page.click("main button.btn-danger")
    page.wait_for_selector("[data-testid=order]")
    order_url = page.url
    assert "督办〔" in page.locator("[data-testid=order]").inner_text()
    assert status(page) == "已下发，待签收"
    assert page.locator("[data-testid=acknowledge]").count() == 0  # not the supervisor's step
    browser_logout(page)

    browser_login(page, "liaison_b")  # another unit: does not even see it
    assert page.goto(order_url).status == 404
    browser_logout(page)

    browser_login(page, "liaison_a")
    page.click("[data-testid=bell]")
    page.click("[data-testid=notifications] a >> nth=0")  # "新督办单…"
    assert page.url == order_url
    page.click("[data-testid=acknowledge]")
    assert status(page) == "已签收，办理中"
    page.fill("#respond-text", "已建成 12 个共建点")
    attach(page, "共建点照片.png")
    page.click("[data-testid=respond]")
    assert status(page) == "已答复，待复核"
    assert page.locator("[data-testid=close]").count() == 0  # the unit cannot close it
    browser_logout(page)

    browser_login(page, "office")
    page.goto(order_url)
    page.fill("#recheck-text", "请附共建协议")
    page.click("[data-testid=send-back]")
    assert status(page) == "已签收，办理中"
    browser_logout(page)

    browser_login(page, "liaison_a")
    page.goto(order_url)
    page.fill("#respond-text", "已补充共建协议")
    attach(page, "共建协议.png")
    page.click("[data-testid=respond]")
    browser_logout(page)

    browser_login(page, "supervisor")
    page.goto(order_url)
    assert "共建点照片.png" in page.locator("[data-testid=order-history]").inner_text()
    assert "✗ 建设军民共建点：0%" in page.locator("[data-testid=closure]").inner_text()
    page.fill("#recheck-text", "复核通过")
    page.click("[data-testid=close]")  # the task is at 0 %: refused
    assert "完成 0%" in page.locator(".alert-danger").inner_text()
    assert status(page) == "已答复，待复核"
    page.fill("#recheck-text", "共建点已建成，系统进度未更新，经领导小组同意")
    page.check("[data-testid=override-check]")
    page.click("[data-testid=close]")
    assert status(page) == "已销号"
    history = page.locator("[data-testid=order-history]").inner_text()
    assert history.count("答复") == 2 and "退回" in history
    override = page.locator("[data-testid=order-history] li").last.inner_text()
    assert "强制销号" in override and "经领导小组同意" in override and "完成 0%" in override
    assert (
        page.locator(
            "[data-testid=close], [data-testid=respond], [data-testid=acknowledge]"
        ).count()
        == 0
    )
