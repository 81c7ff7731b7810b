"""Certificates, holiday visits with coverage, and needs that become units' tasks.

People: the street's care officer (东街道), the office, unit A's liaison (handles
the need assigned to A), unit B's liaison (the outsider), the garrison's liaison.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuangyong.campaigns.models import Task
from shuangyong.care.models import Certificate, Need, Visit, VisitOccasion
from shuangyong.care.tests.conftest import entitle, person
from shuangyong.messaging.models import Notification
from shuangyong.org.models import Unit, UnitKind


@pytest.fixture
def family(district, officer):
    who = person(district, name="陈军属")
    entitle(who, "war_veteran", officer)
    return who


# --- certificates ---------------------------------------------------------------------


def test_issue_lose_and_reissue_a_certificate(client, people, family):
    client.force_login(people.care)
    client.post(
        reverse("care:certificate_issue", args=[family.pk]),
        {"number": "YD 0001", "issued_on": "2026-01-05"},
    )
    first = Certificate.objects.get()
    assert (first.number, first.status) == ("YD0001", "valid")
    follow = client.post(
        reverse("care:certificate_issue", args=[family.pk]),
        {"number": "YD0002", "issued_on": "2026-02-05"},
        follow=True,
    )
    assert Certificate.objects.count() == 1  # one valid certificate at a time
    assert any(m.level_tag == "error" for m in follow.context["messages"])
    client.post(reverse("care:certificate_step", args=[first.pk, "lost"]))
    client.post(
        reverse("care:certificate_step", args=[first.pk, "reissue"]),
        {"number": "YD0002", "issued_on": "2026-03-01"},
    )
    first.refresh_from_db()
    second = Certificate.objects.get(number="YD0002")
    assert first.status != "valid" and second.status == "valid"
    body = client.get(reverse("care:person_detail", args=[family.pk])).content.decode()
    assert "YD0001" in body and "YD0002" in body


def test_the_outsider_cannot_touch_certificates(client, people, family):
    client.force_login(people.liaison_b)
    response = client.post(
        reverse("care:certificate_issue", args=[family.pk]),
        {"number": "YD0009", "issued_on": "2026-01-05"},
    )
    assert response.status_code == 403 and not Certificate.objects.exists()


# --- visits ---------------------------------------------------------------------------


@pytest.fixture
def spring(db):
    return VisitOccasion.objects.create(
        name="2027年春节走访慰问",
        kind="spring_festival",
        year=2027,
        starts_on=dt.date(2027, 1, 20),
        ends_on=dt.date(2027, 2, 20),
    )


def test_visits_and_coverage_per_street(client, people, officer, district, family, spring):
    entitle(person(district, name="林军属"), "war_veteran", officer)
    client.force_login(people.care)
    url = reverse("care:visit_add", args=[spring.pk])
    response = client.post(
        url,
        {
            "person": family.pk,
            "visited_on": "2027-01-28",
            "visitors": "街道主任",
            "gifts": "米、油",
            "money": "500",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("care:occasion_detail", args=[spring.pk]))
    [row] = page.context["rows"]
    assert (row["families"], row["visited"], row["percent"]) == (2, 1, 50)
    late = client.post(
        url, {"person": family.pk, "visited_on": "2027-03-01", "visitors": "街道主任"}
    )
    assert late.status_code == 400 and Visit.objects.count() == 1


def test_a_garrison_visit_and_the_outsider(client, people, district, spring):
    client.force_login(people.office)
    response = client.post(
        reverse("care:visit_add", args=[spring.pk]),
        {"garrison": district.garrison.pk, "visited_on": "2027-02-01", "visitors": "区领导"},
    )
    assert response.status_code == 302 and Visit.objects.get().garrison == district.garrison
    client.force_login(people.liaison_b)
    assert client.get(reverse("care:occasion_detail", args=[spring.pk])).status_code == 403
    assert client.get(reverse("care:occasion_list")).status_code == 403


def test_a_street_officer_cannot_record_a_family_of_another_street(
    client, people, officer, district, spring
):
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)
    outsider = person(SimpleNamespace(street=west), name="赵西街")
    entitle(outsider, "war_veteran", officer)
    client.force_login(people.care)
    response = client.post(
        reverse("care:visit_add", args=[spring.pk]),
        {"person": outsider.pk, "visited_on": "2027-01-28", "visitors": "x"},
    )
    assert response.status_code == 400 and not Visit.objects.exists()


def test_occasion_page_queries_are_fixed(client, people, officer, district, spring):
    def measure():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("care:occasion_detail", args=[spring.pk]))
        return len(queries)

    from shuangyong.care import support

    client.force_login(people.office)
    small = measure()
    for i in range(20):
        who = person(district, name=f"家{i}")
        entitle(who, "war_veteran", officer)
        support.record_visit(
            occasion=spring,
            person=who,
            garrison=None,
            visited_on=dt.date(2027, 2, 1),
            visitors="x",
            gifts="",
            money=None,
            actor=officer,
        )
    assert measure() == small


# --- needs ----------------------------------------------------------------------------


def raise_need(client, district, family, **extra):
    data = {
        "source": "person",
        "person": family.pk,
        "category": "employment",
        "text": "子女就业困难，希望推荐岗位",
        "assignee": district.a.pk,
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        **extra,
    }
    return client.post(reverse("care:need_new"), data)


def test_a_need_becomes_a_task_of_the_unit_and_flows_back(
    client, people, district, family, campaign
):
    client.force_login(people.care)
    response = raise_need(client, district, family)
    need = Need.objects.get()
    assert response.status_code == 302 and need.status == "open"
    task = Task.objects.get(pk=need.task_id)
    assert (task.kind, task.lead_unit, task.progress) == ("need", district.a, 0)
    assert Notification.objects.filter(recipient=people.liaison_a).exists()
    # the outsider neither sees nor answers it
    client.force_login(people.liaison_b)
    assert client.get(reverse("care:need_detail", args=[need.pk])).status_code == 404
    assert client.post(reverse("care:need_reply", args=[need.pk]), {"text": "x"}).status_code == 404
    # unit A answers: the task is done
    client.force_login(people.liaison_a)
    page = client.get(reverse("care:need_detail", args=[need.pk]))
    assert page.status_code == 200 and family.id_number not in page.content.decode()
    client.post(reverse("care:need_reply", args=[need.pk]), {"text": "已推荐到区人社局招聘会"})
    task.refresh_from_db()
    need.refresh_from_db()
    assert need.status == "replied" and task.progress == 100
    # the family is not satisfied: back to the unit, the task open again
    client.force_login(people.office)
    client.post(reverse("care:need_close", args=[need.pk]), {"satisfaction": "unsatisfied"})
    task.refresh_from_db()
    need.refresh_from_db()
    assert need.status == "open" and task.progress == 0 and task.done_at is None
    client.force_login(people.liaison_a)
    client.post(reverse("care:need_reply", args=[need.pk]), {"text": "已安排面试"})
    client.force_login(people.office)
    client.post(reverse("care:need_close", args=[need.pk]), {"satisfaction": "satisfied"})
    need.refresh_from_db()
    assert (need.status, need.satisfaction) == ("closed", "satisfied")


def test_need_input_is_checked(client, people, district, family, campaign):
    client.force_login(people.care)
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert raise_need(client, district, family, deadline=past).status_code == 200
    assert raise_need(client, district, family, text="  ").status_code == 200
    assert raise_need(client, district, family, source="garrison").status_code == 200
    assert not Need.objects.exists()


def test_a_garrison_raises_needs_for_itself_only(client, people, district, campaign):
    other = Unit.objects.create(
        code="G2", name="另一部", kind=UnitKind.GARRISON, parent=district.root
    )
    client.force_login(people.military)
    base = {
        "source": "garrison",
        "category": "schooling",
        "text": "官兵子女入学",
        "assignee": district.b.pk,
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }
    client.post(reverse("care:need_new"), {**base, "garrison": other.pk})
    assert not Need.objects.exists()
    response = client.post(reverse("care:need_new"), {**base, "garrison": district.garrison.pk})
    assert response.status_code == 302 and Need.objects.get().garrison == district.garrison


def test_need_list_is_scoped_and_its_queries_fixed(client, people, district, family, campaign):
    def measure(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("care:need_list"))
        return len(queries), len(response.context["page"].object_list)

    client.force_login(people.care)
    raise_need(client, district, family)
    small = measure(people.office)
    assert measure(people.liaison_b)[1] == 0
    client.force_login(people.care)
    for _ in range(15):
        raise_need(client, district, family)
    assert measure(people.office) == (small[0], 16)
    assert measure(people.liaison_a)[1] == 16


def test_coverage_counts_only_visits_to_families_on_periodic_payments(
    client, people, officer, district, family, spring
):
    """A visit to a registered person paid nothing periodically is still recorded, but
    it is not one of the families the percentage is about (it passed 100 % before)."""
    unpaid = person(district, name="未享受定期抚恤者")
    for who in (family, unpaid):
        Visit.objects.create(occasion=spring, person=who, visited_on=dt.date(2027, 1, 28),
                             visitors="街道主任")  # fmt: skip
    client.force_login(people.care)
    page = client.get(reverse("care:occasion_detail", args=[spring.pk]))
    [row] = page.context["rows"]
    assert (row["families"], row["visited"], row["percent"]) == (1, 1, 100)
    huge = "9" * 30
    url = reverse("care:occasion_detail", args=[spring.pk]) + f"?person={huge}"
    assert client.get(url).status_code == 200
    assert client.get(reverse("care:need_new") + f"?person={huge}").status_code in (200, 403)
