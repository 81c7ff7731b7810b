"""In Chromium: December and January computed before either is approved; the office
approves December, January is refused as stale; the care officer computes it again from
its page and the office approves it, December paid once. Then a death recorded late
shows as a recovery, never as a transfer."""

import datetime as dt

from conftest import browser_login, browser_logout, make_user
from shuangyong.access import Role
from shuangyong.care import payments, registry
from shuangyong.care.models import PaymentBatch
from shuangyong.care.tests.conftest import person, standard


def test_a_stale_batch_is_computed_again_and_an_overpayment_becomes_a_recovery(
    page, people, district
):
    officer = make_user(
        "care_district", Role.CARE_OFFICER, district.office, name="孙优抚", scope_unit=district.root
    )
    standard("war_veteran", "1200", per="month")
    veteran = person(district, name="欧阳参战")
    entitlement = registry.add_entitlement(
        person=veteran, category="war_veteran", grade=None, cause="", approved_on=None,
        pays_from=0, actor=officer,
    )  # fmt: skip
    november = payments.compute(programme="living", period="2026-11", actor=officer)
    payments.approve(batch=november, actor=people.office)
    december = payments.compute(programme="living", period="2026-12", actor=officer)
    january = payments.compute(programme="living", period="2027-01", actor=officer)
    assert january.total_cents == 240000  # December again, as arrears

    browser_login(page, "office")
    page.goto(f"{page.base}/care/batches/{december.pk}/")
    page.click("[data-testid=approve]")
    page.wait_for_selector(".alert-success")
    page.goto(f"{page.base}/care/batches/{january.pk}/")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=stale]")
    assert "重新计算" in page.locator(".alert-danger, .alert-warning").first.inner_text()
    assert page.locator("[data-testid=recompute]").count() == 0  # the office does not compute
    browser_logout(page)

    browser_login(page, "care_district")
    page.goto(f"{page.base}/care/batches/{january.pk}/")
    page.click("[data-testid=recompute]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=batch-total]").inner_text() == "1200.00"
    browser_logout(page)

    browser_login(page, "office")
    page.goto(f"{page.base}/care/batches/{january.pk}/")
    page.click("[data-testid=approve]")
    page.wait_for_selector(".alert-success")
    assert PaymentBatch.objects.get(pk=january.pk).is_approved
    browser_logout(page)

    registry.change_status(
        entitlement=entitlement, status="deceased", effective=dt.date(2026, 12, 20),
        reason="病故", actor=officer,
    )  # fmt: skip
    browser_login(page, "care_district")
    page.goto(f"{page.base}/care/batches/")
    page.select_option("select[name=programme]", "living")
    page.fill("input[name=period]", "2027-02")
    page.click("[data-testid=compute-form] button")
    page.wait_for_selector("[data-testid=batch-recovery]")
    assert page.locator("[data-testid=batch-recovery]").inner_text() == "1200.00"
    assert page.locator("[data-testid=batch-total]").inner_text() == "0.00"
    browser_logout(page)

    browser_login(page, "office")
    february = PaymentBatch.objects.get(period="2027-02")
    page.goto(f"{page.base}/care/batches/{february.pk}/")
    page.click("[data-testid=approve]")
    page.wait_for_selector(".alert-success")
    page.click("text=查看追回款")
    page.wait_for_selector("[data-testid=recoveries] >> text=欧阳参战")
    assert "2027-01" in page.locator("[data-testid=recoveries]").inner_text()
