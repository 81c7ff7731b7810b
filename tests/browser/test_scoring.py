"""In Chromium: score three items of the example standard; the totals and readiness follow."""

import re

from playwright.sync_api import expect

from conftest import browser_login


def test_scoring_moves_the_category_total_and_the_readiness_list(page, standard, assessment):
    criteria = {c.code: c for c in standard.criteria.all()}
    browser_login(page, "office")

    page.goto(f"{page.base}/campaigns/assessments/{assessment.pk}/readiness/")
    before = page.locator("[data-testid=readiness] tbody").inner_text()
    assert "双拥工作纳入目标管理考核" in before  # 1.5, not yet scored

    page.goto(f"{page.base}/campaigns/assessments/{assessment.pk}/")
    category = page.locator("[data-testid='category-1']")
    assert category.inner_text().startswith("0 / 15")
    page.wait_for_selector("[data-chart][data-rendered]")

    for code, control in (("1.2", "achieved"), ("1.5", "achieved"), ("1.1", "elements_0")):
        with page.expect_response(lambda r, c=code: f"/score/{criteria[c].pk}/" in r.url):
            page.check(f"#id_c{criteria[code].pk}-{control}")
    # Locator assertions poll without evaluating strings, which the page's CSP forbids.
    expect(category).to_have_text(re.compile(r"^\s*5 / 15"))
    assert page.locator("[data-testid='earned-1.1']").inner_text().startswith("1 / 2")
    assert page.locator("[data-testid=total-score]").inner_text() == "16.00"  # 5 + 11 deduction
    page.wait_for_selector("[data-chart][data-rendered]")  # redrawn after the swap

    page.goto(f"{page.base}/campaigns/assessments/{assessment.pk}/readiness/")
    after = page.locator("[data-testid=readiness] tbody").inner_text()
    assert "双拥工作纳入目标管理考核" not in after and "领导小组健全" not in after
    assert "区委常委会每年专题研究双拥工作至少一次" not in after  # the element achieved
    assert "区政府常务会每年专题研究双拥工作至少一次" in after  # the one still missing
