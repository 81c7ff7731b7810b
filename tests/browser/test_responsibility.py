"""In Chromium: the office imports the decomposition, a liaison reports with a file,
the office accepts, and the criterion's live score moves."""

from conftest import browser_login, browser_logout
from shuangyong.campaigns.imports import HEADERS
from shuangyong.core.testing import write_xlsx


def test_from_decomposition_to_live_score(page, people, district, campaign, tmp_path):
    table = write_xlsx(
        tmp_path / "任务分解表.xlsx",
        [
            HEADERS,
            [
                "1.2",
                "健全双拥工作领导小组",
                "甲局",
                "",
                "张三",
                "每年",
                "职责分工文件",
                1,
                "份",
                "调整文件",
            ],
            ["1.5", "纳入目标管理考核", "乙局", "", "", "每年", "", "", "", "考核办法"],
        ],
    )
    browser_login(page, "office")
    page.goto(f"{page.base}/data/import/decomposition/?campaign={campaign.pk}")
    page.set_input_files("input[name=file]", str(table))
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=import-result] .alert-success")
    page.goto(f"{page.base}/campaigns/{campaign.pk}/live/")
    before = float(page.locator("[data-testid=live-score]").inner_text())
    assert page.locator("[data-testid='live-1.2']").inner_text().startswith("0 / 2")
    browser_logout(page)

    browser_login(page, "liaison_a")
    page.goto(f"{page.base}/campaigns/my-tasks/")
    rows = page.locator("[data-testid=tasks] tbody tr").all_inner_texts()
    assert len(rows) == 1 and "健全双拥工作领导小组" in rows[0]
    page.click("text=健全双拥工作领导小组")
    evidence = tmp_path / "调整文件.pdf"
    evidence.write_bytes(b"%PDF-1.4 the group's new members")
    form = page.locator("[data-testid=report-form]")
    form.locator("textarea[name=text]").fill("领导小组已按届调整，职责分工已印发。")
    form.locator("input[name=percent]").fill("100")
    form.locator("input[name^=indicator_]").fill("1")
    form.locator("input[name=files]").set_input_files(str(evidence))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=report]")
    assert "调整文件.pdf" in page.locator("[data-testid=report]").inner_text()
    task_url = page.url
    browser_logout(page)

    browser_login(page, "office")
    page.goto(task_url)
    page.click("[data-testid=report] button[value=accept]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=progress]").inner_text() == "100%"
    page.goto(f"{page.base}/campaigns/{campaign.pk}/live/")
    assert page.locator("[data-testid='live-1.2']").inner_text().startswith("2 / 2")
    assert float(page.locator("[data-testid=live-score]").inner_text()) == before + 2
