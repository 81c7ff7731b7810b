import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuangyong.campaigns import responsibility
from shuangyong.campaigns.models import Indicator, Task
from shuangyong.campaigns.selectors import live_total
from shuangyong.supervision import evaluation, inspections
from shuangyong.supervision.models import Inspection, Snapshot


@pytest.fixture
def inspection(campaign, district):
    inspection = Inspection.objects.create(
        campaign=campaign, held_on=dt.date(2026, 5, 1), team="督查组"
    )
    inspection.units.add(district.a)
    return inspection


def test_a_finding_becomes_a_rectification_that_costs_points(
    inspection, standard, district, people
):
    before = live_total(inspection.campaign)[0].by_code()["3.5"].earned
    finding = inspections.add_finding(
        inspection=inspection,
        unit=district.a,
        criterion=standard.criteria.get(code="3.5"),
        text="军事设施周边违章搭建",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        actor=people.supervisor,
    )
    task = finding.rectification
    assert task.kind == "rectification" and task.lead_unit == district.a
    after = live_total(inspection.campaign)[0].by_code()["3.5"].earned
    assert before - after == D("1")  # one open rectification = one failure of 1 point
    report = responsibility.submit_report(
        task=task, user=people.liaison_a, text="已拆除", percent=100
    )
    responsibility.review_report(report=report, accept=True, note="", reviewer=people.office)
    assert live_total(inspection.campaign)[0].by_code()["3.5"].earned == before


def test_a_finding_for_a_unit_not_inspected(inspection, district, people):
    with pytest.raises(ValidationError):
        inspections.add_finding(
            inspection=inspection,
            unit=district.b,
            criterion=None,
            text="x",
            deadline=timezone.localdate(),
            actor=people.supervisor,
        )


def make(campaign, unit, n, *, done=0, late=0, start=0):
    today = timezone.localdate()
    tasks = Task.objects.bulk_create(
        [
            Task(
                campaign=campaign,
                title=f"任务{start + i}",
                lead_unit=unit,
                deadline=today + dt.timedelta(days=-5 if i < late else 20),
                progress=100 if i < done else 10,
                done_at=timezone.now() - dt.timedelta(days=30) if i < done else None,
            )
            for i in range(n)
        ]
    )
    Indicator.objects.bulk_create([Indicator(task=t, name="指标", target=1) for t in tasks])
    return tasks


def test_the_index_and_the_ranking(campaign, district):
    make(campaign, district.a, 4, done=4)
    make(campaign, district.b, 4, done=1, late=3, start=10)
    first, second, *unassigned = evaluation.unit_performance(campaign)
    assert first.name == "甲局" and first.index == D("100.0")
    # B: completion 1/4; of the three due (one done, two open past the deadline), the one
    # done on time; no reports reviewed, so report quality has no data and the index is
    # the weighted mean of the other two parts: (40 × 0.25 + 30 × 0.3333) / 70.
    assert second.completion == D("0.25") and second.timeliness == D("0.3333")
    assert second.quality is None and second.index == D("28.6")
    assert {s.name for s in unassigned} == {"东街道", "某部"}  # members with no task


def test_one_snapshot_a_day(campaign, district):
    make(campaign, district.a, 3, done=1)
    evaluation.take_snapshot(campaign)
    evaluation.take_snapshot(campaign)
    snapshot = Snapshot.objects.get()
    assert snapshot.lights and str(district.a.pk) in snapshot.units
    assert evaluation.take_due_snapshots() == 0  # the weekly one is already there


def test_dashboard_and_ranking_keep_their_query_counts(client, campaign, district, people):
    client.force_login(people.leader)
    pages = [
        reverse("supervision:dashboard", args=[campaign.pk]),
        reverse("supervision:ranking", args=[campaign.pk]),
        reverse("supervision:lights", args=[campaign.pk]),
    ]
    make(campaign, district.a, 3, done=1)
    small = []
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        small.append(len(queries))
    make(campaign, district.b, 80, done=20, late=30, start=100)
    make(campaign, district.street, 40, done=5, start=300)
    large = []
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        large.append(len(queries))
    assert large == small


def test_the_dashboard_shows_the_score_gap_and_laggards(client, campaign, district, people):
    make(campaign, district.a, 2, done=2)
    make(campaign, district.b, 3, late=3, start=10)
    client.force_login(people.leader)
    response = client.get(reverse("supervision:dashboard", args=[campaign.pk]))
    assert response.context["gap"] == campaign.target_score - response.context["total"].score
    assert response.context["laggards"][0].name == "乙局"
    assert response.context["counts"]["red"] == 3


def test_an_inspection_that_looked_at_an_item_verifies_it(inspection, standard):
    assert live_total(inspection.campaign)[0].by_code()["6.5"].unverified
    inspection.criteria.add(standard.criteria.get(code="6.5"))  # it found nothing
    result = live_total(inspection.campaign)[0].by_code()["6.5"]
    assert not result.unverified and result.earned == D("2")
