"""On a 390 × 844 phone: a unit liaison (the demo's edu) opens the menu, finds the unit's
task among the cards, and reports progress with a file; nothing is cut or scrolls sideways."""

from conftest import browser_login
from shuangyong.campaigns.models import Indicator, ProgressReport, Task

PHONE = {"width": 390, "height": 844}


def assert_fits(page):
    """The page is no wider than the phone: nothing to scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_liaison_reports_progress_with_a_file_on_a_phone(
    page, people, district, campaign, tmp_path
):
    task = Task.objects.create(
        campaign=campaign,
        title="开展国防教育进校园活动并完成全区中小学全覆盖",
        lead_unit=district.a,
    )
    Indicator.objects.create(task=task, name="开课学校比例", target=100, measure="%")
    Task.objects.create(campaign=campaign, title="乙局的任务", lead_unit=district.b)
    page.set_viewport_size(PHONE)
    browser_login(page, "liaison_a")
    assert_fits(page)

    # The menu folds into the toggler; the liaison finds 我的任务 in it.
    assert not page.locator("nav >> text=我的任务").is_visible()
    page.click(".navbar-toggler")
    page.click("nav >> text=创建工作")
    page.click("nav >> text=我的任务")
    page.wait_for_selector("[data-testid=tasks]")
    assert_fits(page)
    cards = page.locator("[data-testid=tasks] tbody tr")
    assert cards.count() == 1  # unit B's task is not here
    card = cards.first
    # A card, not a squeezed table row: the title spans a line of its own, wider than
    # a few characters, and each value carries its column's name.
    title = card.locator(".sy-card-title")
    assert title.bounding_box()["width"] > 250
    assert title.bounding_box()["height"] < 80
    assert card.locator("td[data-label=完成时限]").count() == 1
    # No value spills out of its cell over the next one.
    spilled = page.evaluate(
        "Array.from(document.querySelectorAll('[data-testid=tasks] td'))"
        ".filter(td => td.scrollWidth > td.clientWidth + 1).length"
    )
    assert spilled == 0
    assert page.locator("[data-testid=tasks] thead").bounding_box()["height"] <= 1

    title.locator("a").click()
    form = page.locator("[data-testid=report-form]")
    form.wait_for()
    assert_fits(page)
    assert "目标 100%" in form.inner_text() and "E+" not in form.inner_text()
    # One column: the text box as wide as the form.
    text_box = form.locator("textarea[name=text]").bounding_box()
    assert text_box["width"] > 300
    evidence = tmp_path / "进校园活动照片.pdf"
    evidence.write_bytes(b"%PDF-1.4 photos of the lessons")
    form.locator("textarea[name=text]").fill("已在全区12所中小学开设国防教育课。")
    form.locator("input[name=percent]").fill("60")
    form.locator("input[name^=indicator_]").fill("60")
    form.locator("input[name=files]").set_input_files(str(evidence))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=report]")
    assert_fits(page)
    assert "进校园活动照片.pdf" in page.locator("[data-testid=report]").inner_text()
    report = ProgressReport.objects.get(task=task)
    assert report.percent == 60 and report.status == "submitted"
    assert report.evidence.get().title.startswith("进校园活动照片")
