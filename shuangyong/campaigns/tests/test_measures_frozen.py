"""The campaign's own measures (duty reports, plans and summaries), frozen into an
assessment when it is taken; deduction items nobody has checked are not yet verified."""

import datetime as dt
from decimal import Decimal as D

from shuangyong.campaigns import responsibility, selectors, services
from shuangyong.campaigns.models import Task, UnitReport


def accept(campaign, people, unit, kind):
    report = UnitReport.objects.create(
        campaign=campaign, unit=unit, year=selectors.report_year(campaign), kind=kind, text="报告"
    )
    responsibility.review_unit_report(report=report, accept=True, note="", reviewer=people.office)
    return report


def test_duty_reports_and_plans_score_1_6_and_7_5_through_their_measures(
    campaign, people, district
):
    accept(campaign, people, district.a, "duty_report")
    total, sources = selectors.live_total(campaign)
    # 1 of the 4 member units (A, B, the street, the garrison): 25 % of 2 points.
    assert sources["1.6"].measure == "duty_reports" and total.by_code()["1.6"].earned == D("0.5")
    assert sources["1.6"].figure.url.endswith(f"/{campaign.pk}/unit-reports/")
    accept(campaign, people, district.a, "plan")
    assert selectors.live_total(campaign)[0].by_code()["7.5"].earned == 0  # no summary yet
    accept(campaign, people, district.a, "summary")
    assert selectors.live_total(campaign)[0].by_code()["7.5"].earned == D("0.5")


def test_an_assessment_keeps_the_figures_it_was_taken_with(campaign, assessment, people, district):
    accept(campaign, people, district.a, "duty_report")
    assert services.freeze_measures(assessment=assessment, actor=people.office) >= 1
    score = assessment.scores.get(criterion__code="1.6")
    assert score.earned == D("0.5")
    assert score.facts["measure"]["code"] == "duty_reports"
    assert (score.facts["measure"]["numerator"], score.facts["measure"]["denominator"]) == (1, 4)
    accept(campaign, people, district.b, "duty_report")
    assert selectors.live_total(campaign)[0].by_code()["1.6"].earned == D("1")
    assert assessment.evaluate().by_code()["1.6"].earned == D("0.5")  # frozen
    # Taken again, an item already scored is left as the assessors entered it.
    services.freeze_measures(assessment=assessment, actor=people.office)
    assert assessment.scores.get(criterion__code="1.6").earned == D("0.5")


def test_a_deduction_item_is_verified_by_a_rectification_even_when_closed(
    campaign, standard, district
):
    total, _sources = selectors.live_total(campaign)
    item = total.by_code()["3.5"]  # deduction, nothing recorded about it
    assert item.earned == D("2") and item.unverified
    assert total.verified_score == total.score - total.unverified_points
    assert "3.5" in {r.node.code for r in total.unverified}
    Task.objects.create(
        campaign=campaign, kind="rectification", criterion=standard.criteria.get(code="3.5"),
        title="整改", lead_unit=district.a, progress=100,
        deadline=dt.date.today(),
    )  # fmt: skip
    total, _sources = selectors.live_total(campaign)
    assert total.by_code()["3.5"].earned == D("2") and not total.by_code()["3.5"].unverified


def test_the_four_way_comparison_and_its_fixed_queries(
    client, campaign, assessment, people, standard, district
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    services.record_score(
        assessment=assessment, criterion=standard.criteria.get(code="1.2"),
        facts={"achieved": True}, comment="", actor=people.office,
    )  # fmt: skip
    bases, items = selectors.four_way(campaign)
    assert [b.key for b in bases] == ["self", "mock", "official", "live"]
    assert bases[0].assessment == assessment and bases[1].total is None
    assert items[0].criterion.code == "1.2" and items[0].spread == D("2")
    assert items[0].values == [D("2"), None, None, D("0")]
    url = reverse("campaigns:compare", args=[campaign.pk])
    client.force_login(people.office)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    Task.objects.bulk_create(
        Task(campaign=campaign, criterion=standard.criteria.get(code="1.5"), title=f"任务{i}",
             lead_unit=district.a, progress=100 * (i % 2))
        for i in range(60)
    )  # fmt: skip
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
    client.force_login(people.liaison_b)  # the outsider
    assert client.get(url).status_code == 403


def test_an_accepted_duty_report_is_filed_as_evidence_of_its_criterion(
    client, campaign, people, district
):
    from django.urls import reverse

    from shuangyong.campaigns.models import Evidence

    report = UnitReport.objects.create(
        campaign=campaign, unit=district.a, year=selectors.report_year(campaign),
        kind="duty_report", text="本年度述职：完成全部任务。", author=people.liaison_a,
    )  # fmt: skip
    assert not Evidence.objects.exists()  # not before it is accepted
    responsibility.review_unit_report(report=report, accept=True, note="", reviewer=people.office)
    evidence = Evidence.objects.get()
    assert evidence.criterion.code == "1.6" and evidence.unit == district.a
    assert evidence.status == "accepted" and evidence.unit_report == report
    assert evidence.file.read().decode() == "本年度述职：完成全部任务。"
    ledger = {r["criterion"].code: r for r in selectors.evidence_ledger(campaign)}
    cell = next(c for c in ledger["1.6"]["cells"] if c["year"] == report.year)
    assert cell["approved"] == 1 and not cell["missing"]
    url = reverse("campaigns:evidence_download", args=[evidence.pk])
    client.force_login(people.liaison_a)
    assert client.get(url).status_code == 200
    client.force_login(people.liaison_b)  # the outsider
    assert client.get(url).status_code == 404
    returned = UnitReport.objects.create(
        campaign=campaign, unit=district.b, year=report.year, kind="duty_report", text="x"
    )
    responsibility.review_unit_report(
        report=returned, accept=False, note="重写", reviewer=people.office
    )
    assert Evidence.objects.count() == 1  # a returned report is not filed
