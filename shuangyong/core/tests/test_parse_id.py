"""Ids typed into query strings: only ASCII digits that fit the database's integers."""

import pytest
from django.urls import reverse

from shuangyong.core.validators import parse_id


def test_parse_id():
    assert parse_id("42") == 42 and parse_id(7) == 7
    for bad in ("", None, "²", "٣", "12abc", "-1", "9" * 19, " 1"):
        assert parse_id(bad) is None, bad


@pytest.mark.parametrize("bad", ["²", "9" * 30])
def test_pages_that_read_an_id_from_the_query_do_not_fail_on_garbage(client, people, campaign, bad):
    client.force_login(people.office)
    for url in (
        reverse("campaigns:task_list", args=[campaign.pk]) + f"?unit={bad}",
        reverse("org:person_list") + f"?unit={bad}",
        reverse("coordination:joint_raise") + f"?task={bad}",
    ):
        assert client.get(url).status_code in (200, 302), url
    client.force_login(people.supervisor)
    url = reverse("supervision:order_issue", args=[campaign.pk]) + f"?unit={bad}"
    assert client.get(url).status_code == 200
