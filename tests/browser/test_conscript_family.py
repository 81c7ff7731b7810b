"""In Chromium: the office approves a conscript (定兵); the family is then entitled to the
conscript family allowance in the care registry, where the care officer finds it."""

from django.utils import timezone

from conftest import browser_login, browser_logout, make_user
from shuangyong.access import Role
from shuangyong.care.models import Entitlement
from shuangyong.defence.tests.test_future_clock import on_notice_for_a_month


def test_approve_a_conscript_and_find_the_family_entitled(page, people, district):
    # On the notice for a month, on today's date: the calendar is given the office's entry
    # for a year the library does not carry yet (the same scenario runs under clocks in
    # 2027 and 2028 in defence/tests/test_future_clock.py).
    today = timezone.localdate()
    candidate = on_notice_for_a_month(people.office, district)
    campaign = candidate.campaign

    browser_login(page, "office")
    page.click("nav >> text=国防动员")
    page.click("nav >> text=征兵")
    page.click(f"text={campaign}")
    page.click("text=应征青年")
    page.click("text=周应征")
    page.click("[data-testid=approve]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=candidate-stage]").inner_text() == "已定兵"
    assert "义务兵家庭" in page.locator("[data-testid=family]").inner_text()
    browser_logout(page)

    make_user(
        "care_district", Role.CARE_OFFICER, district.office, name="孙优抚", scope_unit=district.root
    )
    browser_login(page, "care_district")
    page.goto(page.base + "/care/")
    page.fill("#id_q", "周军属")
    page.wait_for_selector("#results >> text=周军属")
    page.click("#results >> text=周军属")
    assert "义务兵家庭" in page.locator("[data-testid=entitlement]").inner_text()
    entitlement = Entitlement.objects.get(category="conscript_family")
    assert entitlement.person.name == "周军属" and entitlement.approved_on == today
