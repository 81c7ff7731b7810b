"""In Chromium: the office opens the self-assessment report, switches from the
self-assessment to the live evaluation, and downloads the PDF of what it sees."""

import re

from playwright.sync_api import expect

from conftest import browser_login
from shuangyong.campaigns import services
from shuangyong.campaigns.models import Task
from shuangyong.reports.self_assessment import points, self_assessment_report


def test_read_switch_basis_and_download_the_pdf(page, people, district, campaign, assessment,
                                                 standard, tmp_path):  # fmt: skip
    services.record_score(assessment=assessment, criterion=standard.criteria.get(code="1.2"),
                          facts={"achieved": True}, comment="", actor=None)  # fmt: skip
    for code in ("1.1", "1.2"):  # the work as it stands is ahead of the assessment
        Task.objects.create(campaign=campaign, criterion=standard.criteria.get(code=code),
                            title=f"任务{code}", lead_unit=district.a, progress=100)  # fmt: skip
    on_assessment = points(assessment.evaluate().score)
    live = points(self_assessment_report(campaign=campaign, assessment=None).total.score)
    assert on_assessment != live

    browser_login(page, "office")
    page.goto(f"{page.base}/reports/annual/")
    page.click("[data-testid=self-assessment-link]")
    expect(page.locator("h1")).to_contain_text("测试区创建自评报告")
    expect(page.locator("[data-testid=report-score]")).to_have_text(on_assessment)
    expect(page.locator("[data-testid=category-bars] .progress")).not_to_have_count(0)

    page.select_option("#basis", "live")  # the form submits itself
    expect(page).to_have_url(re.compile(r"basis=live"))
    expect(page.locator("[data-testid=report-score]")).to_have_text(live)

    with page.expect_download() as info:
        page.click("[data-testid=pdf-link]")
    assert info.value.suggested_filename.endswith(".pdf")
    path = tmp_path / "report.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
