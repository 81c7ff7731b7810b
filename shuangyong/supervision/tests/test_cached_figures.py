"""The live score and the ranking come from the cache, and the writes that change them
show on the next page (issue 19); the pages' query counts do not grow with the data."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuangyong.campaigns import lights, responsibility
from shuangyong.campaigns.models import Task
from shuangyong.supervision import inspections, orders, signals
from shuangyong.supervision.models import Inspection
from shuangyong.supervision.tests.test_inspections_evaluation import make


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as found:
        assert client.get(url).status_code == 200
    return len(found)


def unit_row(client, campaign, unit):
    response = client.get(reverse("supervision:ranking", args=[campaign.pk]))
    return next(s for s in response.context["scores"] if s.unit_id == unit.pk)


def test_a_reviewed_report_shows_on_the_next_ranking(client, campaign, district, people):
    task = Task.objects.create(campaign=campaign, title="共建", lead_unit=district.a, progress=0)
    client.force_login(people.leader)
    assert unit_row(client, campaign, district.a).done == 0
    assert unit_row(client, campaign, district.a).done == 0  # from the cache
    report = responsibility.submit_report(
        task=task, user=people.liaison_a, text="完成", percent=100
    )
    responsibility.review_report(report=report, accept=True, note="", reviewer=people.office)
    row = unit_row(client, campaign, district.a)
    assert row.done == 1 and row.accepted == 1


def test_an_order_shows_on_the_next_ranking(client, campaign, district, people):
    task = Task.objects.create(
        campaign=campaign,
        title="共建",
        lead_unit=district.a,
        deadline=timezone.localdate() + dt.timedelta(days=20),
    )
    client.force_login(people.leader)
    assert unit_row(client, campaign, district.a).open_orders == 0
    orders.issue(
        campaign=campaign,
        unit=district.a,
        tasks=[task],
        level="key",
        subject="滞后",
        requirement="十日内完成",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        actor=people.supervisor,
    )
    assert unit_row(client, campaign, district.a).open_orders == 1


def test_a_finding_shows_on_the_next_dashboard(client, campaign, district, people, standard):
    client.force_login(people.leader)
    url = reverse("supervision:dashboard", args=[campaign.pk])
    before = client.get(url).context["total"].score
    assert client.get(url).context["total"].score == before  # from the cache
    inspection = Inspection.objects.create(
        campaign=campaign, held_on=dt.date(2026, 5, 1), team="督查组"
    )
    inspection.units.add(district.a)
    inspections.add_finding(
        inspection=inspection,
        unit=district.a,
        criterion=standard.criteria.get(code="3.5"),
        text="违章搭建",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        actor=people.supervisor,
    )
    after = client.get(url).context["total"].score
    assert before - after == 1  # one open rectification, one point


def test_tasks_written_in_bulk_show_on_the_next_dashboard(client, campaign, district, people):
    client.force_login(people.leader)
    url = reverse("supervision:dashboard", args=[campaign.pk])
    assert client.get(url).context["counts"]["red"] == 0
    make(campaign, district.b, 3, late=3)  # bulk_create: no signal
    response = client.get(url)
    assert response.context["counts"]["red"] == 3
    assert response.context["laggards"][0].name == "乙局"


def test_records_the_measures_count_make_every_campaign_stale():
    from django.apps import apps

    assert signals._concerns(apps.get_model("care", "Visit"))
    assert signals._concerns(apps.get_model("org", "Unit"))
    assert not signals._concerns(apps.get_model("org", "Person"))
    assert not signals._concerns(apps.get_model("supervision", "Snapshot"))
    assert not signals._concerns(apps.get_model("messaging", "Notification"))


@pytest.mark.parametrize("name", ["dashboard", "ranking"])
def test_query_counts_stay_put_with_the_data_warm_or_cold(client, campaign, district, people, name):
    client.force_login(people.leader)
    url = reverse(f"supervision:{name}", args=[campaign.pk])
    make(campaign, district.a, 3, done=1)
    lights.refresh_stale(campaign=campaign)  # as the worker would have
    cold_small, warm_small = queries(client, url), queries(client, url)
    make(campaign, district.b, 100, done=20, late=30, start=100)
    make(campaign, district.street, 60, done=5, start=300)
    lights.refresh_stale(campaign=campaign)
    cache.clear()
    assert (queries(client, url), queries(client, url)) == (cold_small, warm_small)
    assert warm_small < cold_small  # the cache spares the score's or ranking's queries
