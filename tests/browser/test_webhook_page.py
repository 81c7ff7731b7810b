"""On a 390 × 844 phone: the system administrator registers a webhook for two events,
chosen by their Chinese names, and copies its secret; nothing scrolls sideways. Unit B's
liaison (the outsider) is refused the page."""

from conftest import browser_login
from shuangyong.api.models import Webhook

PHONE = {"width": 390, "height": 844}


def assert_fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_administrator_registers_a_webhook_on_a_phone(page, people):
    page.set_viewport_size(PHONE)
    browser_login(page, "admin")
    page.goto(page.base + "/api/tokens/webhooks/")
    assert_fits(page)
    page.fill("#hook-name", "市双拥平台")
    page.fill("#hook-url", "https://shuangyong.city.example/hooks/district-platform-receiver")
    page.check("label:has-text('通知回复逾期')")
    page.check("label:has-text('发放批次待审批')")
    page.click("text=登记回调")
    secret = page.locator("[data-testid=new-secret] .font-monospace").inner_text()
    hook = Webhook.objects.get()
    assert hook.events == ["notice_overdue", "batch_ready"] and hook.secret == secret
    assert "通知回复逾期、发放批次待审批" in page.locator("[data-testid=webhooks]").inner_text()
    assert_fits(page)  # the secret (43 characters, no space) wraps


def test_the_outsider_is_refused_the_webhook_page(page, people):
    browser_login(page, "liaison_b")
    response = page.goto(page.base + "/api/tokens/webhooks/")
    assert response.status == 403
