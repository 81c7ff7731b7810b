import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuangyong.campaigns.models import Indicator, Task


def make_tasks(campaign, unit, n, start=0, co_unit=None):
    tasks = Task.objects.bulk_create(
        [
            Task(
                campaign=campaign,
                title=f"任务{start + i}",
                lead_unit=unit,
                deadline=timezone.localdate() + dt.timedelta(days=i % 30),
            )
            for i in range(n)
        ]
    )
    Indicator.objects.bulk_create([Indicator(task=t, name="指标", target=1) for t in tasks])
    if co_unit is not None:
        for task in tasks:
            task.co_units.add(co_unit)
    return tasks


def test_a_liaison_sees_lead_and_co_unit_tasks_only(client, campaign, people, district):
    own = make_tasks(campaign, district.a, 2)
    helping = make_tasks(campaign, district.b, 1, start=10, co_unit=district.a)
    child = make_tasks(campaign, district.a_child, 1, start=20)
    make_tasks(campaign, district.b, 3, start=30)
    client.force_login(people.liaison_a)
    response = client.get(reverse("campaigns:task_list", args=[campaign.pk]))
    titles = {t.title for t in response.context["tasks"]}
    assert titles == {t.title for t in [*own, *helping, *child]}
    assert list(response.context["week"])  # deadlines today and tomorrow


def test_outsider_gets_404_on_a_task(client, campaign, people, district):
    [task] = make_tasks(campaign, district.a, 1)
    client.force_login(people.liaison_b)
    assert client.get(reverse("campaigns:task_detail", args=[task.pk])).status_code == 404


def test_filters(client, campaign, people, district):
    tasks = make_tasks(campaign, district.a, 3)
    Task.objects.filter(pk=tasks[0].pk).update(progress=100)
    Task.objects.filter(pk=tasks[1].pk).update(deadline=dt.date(2020, 1, 1))
    client.force_login(people.office)
    url = reverse("campaigns:task_list", args=[campaign.pk])
    assert [t.pk for t in client.get(url, {"state": "done"}).context["tasks"]] == [tasks[0].pk]
    assert [t.pk for t in client.get(url, {"state": "overdue"}).context["tasks"]] == [tasks[1].pk]


def test_query_count_is_the_same_at_two_sizes(client, campaign, people, district):
    client.force_login(people.liaison_a)
    url = reverse("campaigns:task_list", args=[campaign.pk])
    make_tasks(campaign, district.a, 3, co_unit=district.b)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    make_tasks(campaign, district.a, 60, start=100, co_unit=district.b)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["page"].paginator.count == 63
    assert len(large) == len(small)


def test_the_office_overview_query_count_is_the_same_at_two_sizes(
    client, campaign, people, district
):
    client.force_login(people.office)
    url = reverse("campaigns:task_list", args=[campaign.pk])
    # Rows written in bulk get their kept lights on the first page after them, in batches
    # the backend allows (SQLite: about 200 rows an UPDATE); the page itself is measured
    # once they are kept, as the daily job leaves them.
    make_tasks(campaign, district.b, 5, co_unit=district.a)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    make_tasks(campaign, district.b, 250, start=100, co_unit=district.a)
    client.get(url)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["page"].paginator.count == 255 and len(response.context["tasks"]) == 100
    assert len(large) == len(small)
