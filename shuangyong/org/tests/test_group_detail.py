import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.org.models import GroupPosition, LeadingGroup, Person, Position


@pytest.fixture
def group(district):
    return LeadingGroup.objects.create(
        name="测试区双拥工作领导小组", term="2025—2028", starts_on=dt.date(2025, 1, 1)
    )


def test_current_group_lists_positions_and_member_units(client, people, group, district):
    GroupPosition.objects.create(group=group, person=people.leader.person, position=Position.LEADER)
    client.force_login(people.liaison_b)
    response = client.get(reverse("org:group_current"))
    assert response.context["group"] == group
    assert response.context["is_current"] is True
    assert {u.code for u in response.context["member_units"]} == {"A", "B", "S", "G"}
    assert "沈书记" in response.content.decode()


def test_office_adds_positions_in_rank_order(client, people, group):
    client.force_login(people.office)
    add = reverse("org:position_add", args=[group.pk])
    client.post(add, {"person": people.liaison_a.person.pk, "position": Position.MEMBER})
    client.post(
        add, {"person": people.leader.person.pk, "position": Position.LEADER, "title": "区委书记"}
    )
    assert [p.person.name for p in group.positions.all()] == ["沈书记", "张三"]


def test_one_position_per_person_per_term(client, people, group):
    client.force_login(people.office)
    add = reverse("org:position_add", args=[group.pk])
    client.post(add, {"person": people.leader.person.pk, "position": Position.LEADER})
    client.post(add, {"person": people.leader.person.pk, "position": Position.DEPUTY})
    assert group.positions.count() == 1


def test_liaison_cannot_change_the_group(client, people, group):
    position = GroupPosition.objects.create(
        group=group, person=people.leader.person, position="leader"
    )
    client.force_login(people.liaison_a)
    remove = reverse("org:position_remove", args=[group.pk, position.pk])
    assert client.post(remove).status_code == 403
    assert GroupPosition.objects.filter(pk=position.pk).exists()


def test_term_cannot_end_before_it_starts(client, people):
    client.force_login(people.office)
    response = client.post(
        reverse("org:group_create"),
        {"name": "领导小组", "term": "x", "starts_on": "2025-01-01", "ends_on": "2024-01-01"},
    )
    assert response.status_code == 200 and "ends_on" in response.context["form"].errors


def test_query_count_is_fixed(client, people, group, district):
    client.force_login(people.office)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("org:group_current"))
    for i in range(40):
        person = Person.objects.create(name=f"成员{i}", unit=district.b)
        GroupPosition.objects.create(group=group, person=person, position=Position.MEMBER)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("org:group_current"))
    assert len(large) == len(small)
