"""In Chromium: the office queues the readiness pack, a worker round builds it, the
office watches the bar reach 100 %, downloads the zip and finds the folder of criterion
1.1 with its files and the self-assessment report."""

import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from conftest import browser_login
from shuangyong.campaigns import responsibility
from shuangyong.campaigns.models import Task
from shuangyong.reports import pack as packs


def test_build_watch_and_download_the_pack(page, people, district, campaign, standard, settings,
                                           tmp_path):  # fmt: skip
    settings.DATA_DIR = tmp_path
    task = Task.objects.create(campaign=campaign, criterion=standard.criteria.get(code="1.1"),
                               title="专题研究", lead_unit=district.a)  # fmt: skip
    for name in ("常委会纪要.pdf", "常务会纪要.pdf"):
        item = responsibility.upload_evidence(
            task=task, user=people.liaison_a, year=2026,
            upload=SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode()),
        )  # fmt: skip
        # Only approved files are packed (unless the office ticks the box).
        responsibility.review_evidence(evidence=item, approve=True, note="", reviewer=people.office)

    browser_login(page, "office")
    page.goto(f"{page.base}/reports/campaigns/{campaign.pk}/pack/")
    page.click("[data-testid=pack-start]")
    expect(page.locator("[data-testid=pack-progress]")).to_contain_text("排队中")
    assert packs.work_queued() == 1  # a round of `shuangyong worker`, in this process
    expect(page.locator("[data-testid=pack-percent]")).to_have_text("100%", timeout=20_000)
    with page.expect_download() as info:
        page.click("[data-testid=pack-download]")
    path = tmp_path / "pack.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert sum(1 for n in names if n.startswith("1.1/2026/")) == 2
    assert "台账索引.xlsx" in names
    assert "自评报告.pdf" in names  # CI installs the Chinese font with Chromium
