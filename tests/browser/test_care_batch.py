"""In Chromium: the care officer finds a veteran by pinyin, reveals the ID for a reason,
computes the month's batch; the office approves it as the second person."""

from conftest import browser_login, browser_logout, make_user
from shuangyong.access import Role
from shuangyong.audit.models import AuditEvent
from shuangyong.care import registry
from shuangyong.care.models import PaymentBatch
from shuangyong.care.tests.conftest import person, standard


def test_search_reveal_compute_then_the_second_person_approves(page, people, district):
    officer = make_user(
        "care_district", Role.CARE_OFFICER, district.office, name="孙优抚", scope_unit=district.root
    )
    standard("war_veteran", "1200", per="month")
    veteran = person(district, name="欧阳参战")
    registry.add_entitlement(
        person=veteran, category="war_veteran", grade=None, cause="", approved_on=None,
        pays_from=0, actor=officer,
    )  # fmt: skip

    browser_login(page, "care_district")
    page.click("nav >> text=优抚")
    page.click("nav >> text=优抚对象")
    page.fill("#id_q", "oycz")  # initials: the htmx search answers as one types
    page.wait_for_selector("#results >> text=欧阳参战")
    page.click("#results >> text=欧阳参战")
    assert veteran.id_number_masked in page.locator("[data-testid=id-masked]").inner_text()
    page.fill("#id-number input[name=reason]", "核对银行代发信息")
    page.click("#id-number button[type=submit]")
    page.wait_for_selector("[data-testid=id-full]")
    assert page.locator("[data-testid=id-full]").inner_text() == veteran.id_number
    assert AuditEvent.objects.filter(action="reveal", object_id=str(veteran.pk)).exists()

    page.goto(page.base + "/care/batches/")
    page.select_option("select[name=programme]", "living")
    page.fill("input[name=period]", "2026-11")
    page.click("[data-testid=compute-form] button")
    page.wait_for_selector("[data-testid=batch-status]")
    assert page.locator("[data-testid=batch-total]").inner_text() == "1200.00"
    assert page.locator("[data-testid=approve]").count() == 0  # not the maker
    batch_url = page.url
    browser_logout(page)

    browser_login(page, "office")
    page.goto(batch_url)
    page.click("[data-testid=approve]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=batch-status]").inner_text() == "已审批"
    assert page.locator("[data-testid=approve]").count() == 0
    batch = PaymentBatch.objects.get()
    assert (batch.status, batch.computed_by, batch.approved_by) == (
        "approved",
        officer,
        people.office,
    )
