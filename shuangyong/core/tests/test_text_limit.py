"""Every text field is bounded: the page states the limit, the server refuses more."""

import pytest
from django.urls import reverse

from shuangyong.api.tests.test_api import bearer
from shuangyong.coordination.models import Notice


@pytest.fixture
def small_limit(settings):
    settings.TEXT_MAX_CHARS = 50


def test_a_text_area_states_the_limit_and_carries_it(client, people, small_limit):
    client.force_login(people.office)
    page = client.get(reverse("coordination:notice_send")).content.decode()
    assert 'maxlength="50"' in page and "最多 50 个字。" in page


def test_a_form_field_past_the_limit_is_refused_before_the_view(client, people, small_limit):
    client.force_login(people.office)
    response = client.post(
        reverse("coordination:notice_send"), {"title": "通知", "body": "字" * 51}
    )
    assert response.status_code == 400 and "超过 50 个字" in response.content.decode()
    assert not Notice.objects.exists()


def test_an_api_string_past_the_limit_is_a_422_naming_it(client, people, small_limit):
    response = client.post(
        "/api/v1/needs",
        {"text": "字" * 51},
        content_type="application/json",
        headers=bearer(people.care),
    )
    assert response.status_code == 422 and list(response.json()["detail"]) == ["body.text"]


def test_text_within_the_limit_passes(client, people, small_limit):
    client.force_login(people.liaison_b)  # the outsider: the view runs and answers 404
    response = client.post(reverse("campaigns:report_submit", args=[999999]), {"text": "字" * 50})
    assert response.status_code == 404
