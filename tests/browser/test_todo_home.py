"""我的待办 in Chromium, as each of the demo's ten accounts: the home page lists the work
the demo gives that role, and one click on each item opens the page where it is done."""

import re

import pytest
from django.core.management import call_command

from conftest import browser_login, browser_logout
from shuangyong.core.demo import DEMO_PASSWORD

# The kinds of work the demo gives each role (at least these; the leader has the dashboard).
EXPECTED = {
    "office": {
        "reports_review",
        "orders_review",
        "batches_approve",
        "needs",
        "conscription_district",
    },
    "supervisor": {"orders_review"},
    "edu": {"needs"},
    "health": {"notice_replies", "tasks_due"},
    "qingxi": {"notice_replies", "conscription_street"},
    "garrison": {"notice_replies", "joint_military"},
    "care": {"orders_sign", "notice_replies", "needs"},
    "admin": {"reports_review", "conscription_district"},
    "auditor": set(),
}
WHERE = {
    "reports_review": "/campaigns/tasks/",
    "orders_review": "/supervision/orders/",
    "orders_sign": "/supervision/orders/",
    "batches_approve": "/care/batches/",
    "needs": "/care/needs/",
    "conscription_district": "/defence/candidates/",
    "conscription_street": "/defence/candidates/",
    "notice_replies": "/coordination/notices/",
    "tasks_due": "/campaigns/tasks/",
    "joint_military": "/coordination/joint/",
}


@pytest.fixture
def demo(transactional_db):
    call_command("demo", verbosity=0)


def shown_kinds(page) -> set[str]:
    groups = page.locator("[data-testid=todo-group]")
    return {group.get_attribute("data-kind") for group in groups.all()}


def test_each_role_is_led_to_its_next_step(page, demo):
    for username, expected in EXPECTED.items():
        browser_login(page, username, DEMO_PASSWORD)
        page.wait_for_selector("[data-testid=todo]")
        kinds = shown_kinds(page)
        assert expected <= kinds, (username, kinds)
        if not expected:
            assert page.locator("[data-testid=todo-empty]").is_visible()
        for kind in sorted(expected):
            card = page.locator(f"[data-testid=todo-group][data-kind={kind}]")
            count = int(card.locator("[data-testid=todo-count]").inner_text())
            items = card.locator("[data-testid=todo-item]")
            assert 1 <= items.count() <= min(count, 5)
            title = items.first.inner_text()
            items.first.click()  # one click to the page where it is done
            page.wait_for_load_state()
            assert WHERE[kind] in page.url, (username, kind, page.url)
            assert page.locator("h1").count() >= 1
            assert "403" not in page.title() and "404" not in page.title()
            if kind not in ("conscription_district", "conscription_street", "batches_approve"):
                assert title.split(" ")[-1][:10] in page.content(), (username, kind, title)
            page.goto(page.base + "/")
        browser_logout(page)
    # The leader's home is the leader dashboard.
    browser_login(page, "leader", DEMO_PASSWORD)
    assert re.search(r"/supervision/campaigns/\d+/dashboard/$", page.url)
