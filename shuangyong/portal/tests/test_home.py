import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.org.models import LeadingGroup, Unit

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
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    Unit.objects.bulk_create(
        [Unit(code=f"Z{i}", name=f"单位{i}", kind="other", path=f"/z{i}/") for i in range(50)]
    )
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(large) == len(small)


def test_healthz(client, db):
    assert client.get(reverse("healthz")).content == b"ok"
