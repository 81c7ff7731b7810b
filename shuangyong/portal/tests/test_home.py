import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuangyong.org.models import LeadingGroup, Unit
from shuangyong.portal.views import FACTS_SECONDS, forget_district_facts

URL = reverse("home")


def test_office_home_counts_the_district(client, people, district):
    LeadingGroup.objects.create(name="领导小组", term="2025—2028", starts_on=dt.date(2025, 1, 1))
    client.force_login(people.office)
    response = client.get(URL)
    assert response.context["counts"] == {"total": 7, "members": 4, "streets": 1, "garrison": 1}
    assert response.context["group"] is not None


def test_liaison_home_shows_their_unit_and_duties(client, people, district):
    district.a.duties = "落实军人子女教育优待"
    district.a.save()
    client.force_login(people.liaison_a)
    response = client.get(URL)
    body = response.content.decode()
    assert "落实军人子女教育优待" in body and "甲局下属所" in body
    assert response.context["counts"]["total"] == 2
    assert "乙局" not in body


def test_navigation_follows_the_role(client, people):
    client.force_login(people.auditor)
    labels = urls(client.get(URL).context["nav_items"])
    assert reverse("org:person_list") not in labels
    assert reverse("accounts:account_list") not in labels
    client.force_login(people.admin)
    labels = urls(client.get(URL).context["nav_items"])
    assert reverse("accounts:account_list") in labels


def urls(groups):
    return [str(item["url"]) for group in groups for item in group["items"]]


def test_the_menu_groups_a_section_into_one_dropdown(client, people):
    client.force_login(people.office)
    groups = client.get(URL).context["nav_items"]
    sections = [str(g["label"]) for g in groups]
    assert len(sections) == len(set(sections)) <= 7  # fits one bar
    coordination = next(
        g for g in groups if len(g["items"]) == 4 and "/coordination/" in g["items"][0]["url"]
    )
    assert [i["url"] for i in coordination["items"]][0] == reverse("coordination:notice_list")


def test_home_query_count_is_fixed(client, people, district):
    client.force_login(people.office)
    client.get(URL)  # the district's facts are computed once, then cached
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    Unit.objects.bulk_create(
        [Unit(code=f"Z{i}", name=f"单位{i}", kind="other", path=f"/z{i}/") for i in range(50)]
    )
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(large) == len(small)
    forget_district_facts()  # recomputing them costs the same whatever the data
    with CaptureQueriesContext(connection) as cold_large:
        client.get(URL)
    Unit.objects.bulk_create(
        [Unit(code=f"Y{i}", name=f"单位Y{i}", kind="other", path=f"/y{i}/") for i in range(50)]
    )
    forget_district_facts()
    with CaptureQueriesContext(connection) as cold_larger:
        client.get(URL)
    assert len(cold_larger) == len(cold_large) > len(small)


def test_district_facts_are_cached_and_dropped_by_changes(client, people, district):
    client.force_login(people.office)
    total = client.get(URL).context["counts"]["total"]
    Unit.objects.create(code="N1", name="新单位", kind="other", parent=district.root)
    assert client.get(URL).context["counts"]["total"] == total + 1  # a save drops them
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(URL)
        Unit.objects.bulk_create([Unit(code="N2", name="批量", kind="other", path="/n2/")])
        assert client.get(URL).context["counts"]["total"] == total + 1  # no signal: cached
        clock.shift(dt.timedelta(seconds=FACTS_SECONDS + 1))
        assert client.get(URL).context["counts"]["total"] == total + 2  # within the minute


def test_healthz(client, db):
    assert client.get(reverse("healthz")).content == b"ok"
