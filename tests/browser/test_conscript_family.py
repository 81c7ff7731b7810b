"""In Chromium: the office approves a conscript (定兵); the family is then entitled to the
conscript family allowance in the care registry, where the care officer finds it."""

import datetime as dt

import time_machine
from django.utils import timezone

from conftest import browser_login, browser_logout, make_user
from shuangyong.access import Role
from shuangyong.care.models import Entitlement
from shuangyong.core import idnumber
from shuangyong.defence import conscription


def test_approve_a_conscript_and_find_the_family_entitled(page, people, district):
    office = people.office
    today = timezone.localdate()
    campaign = conscription.create_campaign(year=today.year, half=2, quota=1, actor=office)
    candidate = conscription.register(
        campaign=campaign, name="周应征", id_number=idnumber.make("110199", dt.date(2006, 2, 2), 1),
        street=district.street, education="college_student", family_name="周军属",
        family_relation="母亲", family_id_number=idnumber.make("110199", dt.date(1978, 3, 3), 2),
        registered_on=today - dt.timedelta(days=30), actor=office,
    )  # fmt: skip
    for stage in (1, 2, 3):
        conscription.advance(
            candidate=candidate, to=stage, on=today - dt.timedelta(days=20), actor=office
        )
    # Posted two weeks ago: the notice is recorded on the day it starts (no back-dating).
    with time_machine.travel(timezone.now() - dt.timedelta(days=14)):
        conscription.publish_notice(
            campaign=campaign, on=today - dt.timedelta(days=14), actor=office
        )

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
