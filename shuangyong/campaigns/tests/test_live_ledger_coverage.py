"""The campaign seen whole: live score from the work, the evidence ledger, coverage."""

import datetime as dt
import io
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.campaigns import responsibility, selectors
from shuangyong.campaigns.models import Campaign, Evidence, Indicator, Task, UnitReport
from shuangyong.core.testing import read_xlsx


def item(standard, code):
    return standard.criteria.get(code=code)


def done(task, people, values=None):
    report = responsibility.submit_report(
        task=task, user=people.office, text="完成", percent=100, values=values or {}
    )
    responsibility.review_report(report=report, accept=True, note="", reviewer=people.office)


def test_live_score_moves_as_work_is_accepted(campaign, standard, people, district):
    base, _ = selectors.live_total(campaign)
    task = Task.objects.create(
        campaign=campaign, criterion=item(standard, "1.2"), title="健全小组", lead_unit=district.a
    )
    done(task, people)
    after, sources = selectors.live_total(campaign)
    assert after.score - base.score == D("2") and sources["1.2"].done == 1
    visits = Task.objects.create(
        campaign=campaign, criterion=item(standard, "2.2"), title="走访", lead_unit=district.b
    )
    indicator = Indicator.objects.create(task=visits, name="覆盖率", target=100)
    done(visits, people, {indicator.pk: D("96")})
    assert selectors.live_total(campaign)[0].by_code()["2.2"].earned == D("2")


def test_evidence_approval_opens_an_evidence_gated_item(campaign, standard, people, district):
    task = Task.objects.create(
        campaign=campaign, criterion=item(standard, "1.7"), title="经费保障", lead_unit=district.a
    )
    done(task, people)
    assert selectors.live_total(campaign)[0].by_code()["1.7"].earned == 0
    evidence = responsibility.upload_evidence(
        task=task,
        user=people.office,
        year=2026,
        upload=SimpleUploadedFile("拨付凭证.pdf", b"%PDF-1.4 voucher"),
    )
    responsibility.review_evidence(evidence=evidence, approve=True, note="", reviewer=people.office)
    assert selectors.live_total(campaign)[0].by_code()["1.7"].earned == D("2")


def test_duty_reports_feed_their_criterion(campaign, standard, people, district):
    campaign.duty_report_criterion = item(standard, "1.6")
    campaign.save()
    this_year = min(max(dt.date.today().year, campaign.start_year), campaign.end_year)
    for unit in (district.a, district.b):
        report = UnitReport.objects.create(
            campaign=campaign, unit=unit, year=this_year, kind="duty_report", text="述职"
        )
        responsibility.review_unit_report(
            report=report, accept=True, note="", reviewer=people.office
        )
    # 2 of the 4 member units (A, B, the street, the garrison): 50 % → 1 of 2 points
    assert selectors.live_total(campaign)[0].by_code()["1.6"].earned == D("1")


def make_evidence(campaign, task, n, status="accepted"):
    Evidence.objects.bulk_create(
        [
            Evidence(
                campaign=campaign,
                task=task,
                criterion=task.criterion,
                unit=task.lead_unit,
                year=2026,
                title=f"台账{i}",
                file=f"evidence/x{i}.pdf",
                original_name="x.pdf",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
                status=status,
            )
            for i in range(n)
        ]
    )


def test_ledger_counts_and_missing(client, campaign, standard, people, district):
    task = Task.objects.create(
        campaign=campaign, criterion=item(standard, "1.1"), title="研究", lead_unit=district.a
    )
    make_evidence(campaign, task, 2)
    make_evidence(campaign, task, 1, status="submitted")
    rows = {r["criterion"].code: r for r in selectors.evidence_ledger(campaign)}
    cell = next(c for c in rows["1.1"]["cells"] if c["year"] == 2026)
    assert (cell["approved"], cell["waiting"], cell["missing"]) == (2, 1, False)
    assert next(c for c in rows["1.2"]["cells"] if c["year"] == 2026)["missing"] is True
    client.force_login(people.office)
    url = reverse("campaigns:ledger", args=[campaign.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    make_evidence(campaign, task, 300)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_coverage_lists_who_and_what_has_no_indicator(client, campaign, standard, people, district):
    task = Task.objects.create(
        campaign=campaign,
        criterion=item(standard, "1.1"),
        title="研究",
        lead_unit=district.a,
        owner=people.liaison_a.person,
    )
    task.co_units.add(district.street)
    Indicator.objects.create(task=task, name="次数", target=1)
    Task.objects.create(
        campaign=campaign,
        criterion=item(standard, "1.2"),
        title="无指标",
        lead_unit=district.b,
        owner=people.liaison_b.person,
    )
    found = selectors.coverage(campaign)
    assert {u.code for u in found["units_without"]} == {"B", "G"}
    assert [u.code for u in found["units_unassigned"]] == ["G"]  # B leads a task, S co-leads
    assert [p["name"] for p in found["people_without"]] == ["李四"]
    assert "1.1" not in {c.code for c in found["criteria_without"]}
    assert "1.2" not in {c.code for c in found["criteria_without"]}
    assert found["criteria"] == 46 + 3
    client.force_login(people.office)
    response = client.get(reverse("core:export", args=["coverage"]), {"id": campaign.pk})
    assert read_xlsx(io.BytesIO(response.content))[1:] == [["B", "乙局"], ["G", "某部"]]


def test_a_new_cycle_starts_as_a_copy(campaign, standard, people, district):
    task = Task.objects.create(
        campaign=campaign,
        criterion=item(standard, "1.1"),
        title="研究",
        lead_unit=district.a,
        deadline=dt.date(2026, 6, 30),
        progress=100,
    )
    task.co_units.add(district.b)
    Indicator.objects.create(task=task, name="次数", target=1, actual=1)
    later = Campaign.objects.create(
        name="下一周期",
        standard=standard,
        district=district.root,
        start_year=2029,
        end_year=2032,
        target_score=90,
    )
    assert responsibility.copy_decomposition(source=campaign, target=later, actor=None) == 1
    copy = later.tasks.get()
    # the cycles start four years apart: so does the deadline
    assert (copy.deadline, copy.progress, copy.criterion.code) == (dt.date(2030, 6, 30), 0, "1.1")
    assert list(copy.co_units.all()) == [district.b]
    assert copy.indicators.get().actual is None


def test_liaison_submits_a_duty_report(client, campaign, people, district):
    client.force_login(people.liaison_a)
    url = reverse("campaigns:unit_reports", args=[campaign.pk])
    response = client.post(
        url,
        {
            "unit": district.a.pk,
            "year": 2026,
            "kind": "duty_report",
            "text": "本年度履职情况",
            "file": SimpleUploadedFile("述职.pdf", b"%PDF-1.4 duty"),
        },
    )
    assert response.status_code == 302
    report = UnitReport.objects.get()
    assert report.unit == district.a and report.file
    response = client.post(url, {"unit": district.b.pk, "year": 2026, "kind": "plan", "text": "x"})
    assert response.status_code == 200 and "unit" in response.context["form"].errors


def test_live_page(client, campaign, people):
    client.force_login(people.leader)
    response = client.get(reverse("campaigns:live", args=[campaign.pk]))
    assert response.status_code == 200 and response.context["total"].score == D("11")
