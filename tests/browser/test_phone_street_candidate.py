"""On a 390 × 844 phone: a street's liaison (the demo's qingxi) finds a candidate among the
street's cards and records the step passed; the district's own buttons are not there."""

from django.utils import timezone

from conftest import browser_login, make_user
from shuangyong.access import Role
from shuangyong.core import idnumber
from shuangyong.defence import conscription
from shuangyong.defence.models import Candidate

PHONE = {"width": 390, "height": 844}


def test_a_street_records_a_candidate_step_on_a_phone(page, people, district):
    make_user("street_liaison", Role.UNIT_LIAISON, district.street, name="彭雨桐")
    campaign = conscription.create_campaign(year=2026, half=2, quota=10, actor=people.office)
    born = timezone.localdate().replace(year=timezone.localdate().year - 19, month=3, day=1)
    for i, name in enumerate(["陈应征", "周应征"], start=1):
        conscription.register(
            campaign=campaign, name=name, id_number=idnumber.make("110199", born, i),
            street=district.street, education="college_student", actor=people.office,
        )  # fmt: skip
    page.set_viewport_size(PHONE)
    browser_login(page, "street_liaison")
    page.goto(f"{page.base}/defence/conscription/{campaign.pk}/candidates/")
    cards = page.locator("[data-testid=candidates] tbody tr")
    assert cards.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    card = cards.filter(has_text="陈应征")
    assert card.locator(".sy-card-title").bounding_box()["width"] > 250
    id_cell = card.locator("td[data-label=身份证号码]")
    assert "*" in id_cell.inner_text()  # masked, on the phone as on the desktop

    card.locator(".sy-card-title a").click()
    form = page.locator("[data-testid=step-form]")
    form.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("[data-testid=approve]").count() == 0  # the district approves
    advance = page.locator("[data-testid=advance]")
    assert advance.bounding_box()["height"] >= 32  # a button a thumb can hit
    advance.click()
    page.wait_for_selector(".alert-success")
    assert Candidate.objects.get(name="陈应征").stage == 1
    assert Candidate.objects.get(name="周应征").stage == 0
    assert len(page.locator("[data-testid=steps] li").all()) == 2  # registered, then passed
