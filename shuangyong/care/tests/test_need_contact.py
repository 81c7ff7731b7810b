"""The unit handling a need can reach whoever registered it (and through them the
requester): the registrar's name, unit and phone on the need's page; the family's own
details stay hidden from the unit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shuangyong.care import support
from shuangyong.care.tests.conftest import entitle, person


@pytest.fixture
def need(people, district, officer, campaign):
    people.care.person.phone = "13800002222"
    people.care.person.save()
    family = person(district, name="周军属")
    entitle(family, "conscript_family", officer)
    return support.add_need(
        source="person", person=family, garrison=None, requester="周军属", category="employment",
        text="子女就业困难", assignee=district.a,
        deadline=timezone.localdate() + dt.timedelta(days=10), actor=people.care,
    )  # fmt: skip


def test_the_handling_unit_sees_who_to_call(client, people, need):
    client.force_login(people.liaison_a)
    page = client.get(reverse("care:need_detail", args=[need.pk])).content.decode()
    assert 'data-testid="need-registrar"' in page
    assert "蔡优" in page and 'href="tel:13800002222"' in page
    assert need.person.id_number not in page


def test_the_page_stays_within_its_queries(client, people, need, django_assert_max_num_queries):
    client.force_login(people.liaison_a)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("care:need_detail", args=[need.pk])).status_code == 200


def test_outsiders(client, people, need):
    client.force_login(people.liaison_b)
    assert client.get(reverse("care:need_detail", args=[need.pk])).status_code == 404
