"""In Chromium: self-assessment, mock inspection, official result and the live score of one
campaign side by side, item by item, the largest difference first; the dashboard says
what its projected score is and links to the comparison."""

import datetime as dt

from conftest import browser_login
from shuangyong.campaigns import services
from shuangyong.campaigns.models import Assessment


def scored(campaign, kind, title, day, facts):
    assessment = Assessment.objects.create(
        campaign=campaign, kind=kind, title=title, held_on=day, assessors="评估组"
    )
    for code, data in facts.items():
        services.record_score(
            assessment=assessment,
            criterion=campaign.standard.criteria.get(code=code),
            facts=data,
            comment="",
            actor=None,
        )
    return assessment


def test_four_bases_side_by_side_largest_difference_first(page, campaign, people):
    # Self: 1.2 achieved (2) and 2.4 with no failure (3, checked). Mock: 1.2 missed, 2.4
    # three failures (0). Official: 1.2 achieved, 2.4 one failure (2). Live: nothing done.
    scored(campaign, "self", "自评", dt.date(2026, 9, 1),
           {"1.2": {"achieved": True}, "2.4": {}})  # fmt: skip
    scored(campaign, "mock", "模拟检查", dt.date(2026, 10, 1),
           {"1.2": {}, "2.4": {"failures": 3}})  # fmt: skip
    scored(campaign, "official", "正式考评", dt.date(2026, 11, 1),
           {"1.2": {"achieved": True}, "2.4": {"failures": 1}})  # fmt: skip
    browser_login(page, "leader")

    page.goto(f"{page.base}/supervision/campaigns/{campaign.pk}/dashboard/")
    basis = page.locator("[data-testid=dash-basis]")
    assert "live" in basis.inner_text().lower() or "实时" in basis.inner_text()
    basis.locator("a").click()
    page.wait_for_selector("[data-testid=four-way]")

    headers = page.locator("[data-testid=four-way] thead th[data-basis]")
    assert [headers.nth(i).get_attribute("data-basis") for i in range(4)] == [
        "self", "mock", "official", "live",
    ]  # fmt: skip
    assert "模拟检查" in headers.nth(1).inner_text() and "2026-10-01" in headers.nth(1).inner_text()
    rows = page.locator("[data-testid=four-way] tbody tr")
    # 2.4: 3 / 0 / 2 / live (unchecked: 3) → 3 apart; 1.2: 2 / 0 / 2 / 0 → 2 apart.
    first, second = rows.nth(0), rows.nth(1)
    assert first.get_attribute("data-code") == "2.4"
    assert first.locator("[data-testid=spread]").inner_text() == "3"
    assert second.get_attribute("data-code") == "1.2"
    assert second.locator("td").nth(3).inner_text() == "2"  # self
    assert second.locator("td").nth(4).inner_text() == "0"  # mock
    totals = page.locator("[data-testid=four-way-totals] td[data-basis]")
    assert totals.count() == 4 and all(totals.nth(i).inner_text() for i in range(4))
    assert "without items not yet verified" in totals.nth(3).inner_text() or "不含" in (
        totals.nth(3).inner_text()
    )
