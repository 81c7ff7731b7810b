"""A progress report submitted twice (a double click, a retry, five at once) is filed once."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from shuangyong.api.tests.test_api import bearer
from shuangyong.campaigns.models import ProgressReport, Task
from shuangyong.campaigns.responsibility import REPORT_TEXT_MAX
from shuangyong.core.testing import at_once

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@pytest.fixture
def task(campaign, district):
    return Task.objects.create(campaign=campaign, title="研究双拥工作", lead_unit=district.a)


def form_token(client, task) -> str:
    page = client.get(reverse("campaigns:task_detail", args=[task.pk]))
    return page.context["report_form"]["submission"].value()


def test_the_same_form_submitted_twice_files_one_report(client, people, task):
    client.force_login(people.liaison_a)
    token = form_token(client, task)
    assert token and token != form_token(client, task)  # a new one for every form shown
    url = reverse("campaigns:report_submit", args=[task.pk])
    data = {"text": "已完成", "percent": "100", "submission": token}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert ProgressReport.objects.filter(task=task).count() == 1
    # Another form (a new token) is another report.
    client.post(url, {**data, "submission": form_token(client, task)})
    assert ProgressReport.objects.filter(task=task).count() == 2


def test_the_outsider_cannot_submit_even_with_a_token(client, people, task):
    client.force_login(people.liaison_b)
    url = reverse("campaigns:report_submit", args=[task.pk])
    response = client.post(url, {"text": "x", "percent": "1", "submission": "abc"})
    assert response.status_code == 404 and not ProgressReport.objects.exists()


def test_report_text_has_a_stated_limit(client, people, task):
    client.force_login(people.liaison_a)
    page = client.get(reverse("campaigns:task_detail", args=[task.pk])).content.decode()
    assert f"{REPORT_TEXT_MAX}" in page and f'maxlength="{REPORT_TEXT_MAX}"' in page
    url = reverse("campaigns:report_submit", args=[task.pk])
    too_long = {"text": "字" * (REPORT_TEXT_MAX + 1), "percent": "10"}
    assert client.post(url, too_long).status_code == 400
    headers = bearer(people.liaison_a)
    api = client.post(
        f"/api/v1/tasks/{task.pk}/reports",
        {"text": "字" * (REPORT_TEXT_MAX + 1), "percent": 10},
        content_type="application/json",
        headers=headers,
    )
    assert api.status_code == 422 and not ProgressReport.objects.exists()


def test_an_api_post_repeated_with_its_key_gets_the_first_answer(client, people, task):
    headers = {**bearer(people.liaison_a), "Idempotency-Key": "report-2026-11-01"}
    url = f"/api/v1/tasks/{task.pk}/reports"
    body = {"text": "已完成", "percent": 100}
    first = client.post(url, body, content_type="application/json", headers=headers)
    again = client.post(url, body, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert ProgressReport.objects.count() == 1
    other = client.post(url, {**body, "percent": 50}, content_type="application/json",
                        headers=headers)  # fmt: skip
    assert other.status_code == 422 and ProgressReport.objects.count() == 1
    # Another user's identical key is theirs: it does not replay liaison_a's answer.
    theirs = {**bearer(people.office), "Idempotency-Key": "report-2026-11-01"}
    assert client.post(url, body, content_type="application/json", headers=theirs).status_code in (
        201,
        403,
    )
    assert client.post(url, body, content_type="application/json").status_code == 401


@on_postgresql
def test_five_simultaneous_identical_form_posts_file_one_report(transactional_db, people, task):
    client = Client()
    client.force_login(people.liaison_a)
    token = form_token(client, task)
    cookies = client.cookies
    url = reverse("campaigns:report_submit", args=[task.pk])

    def send(_i):
        mine = Client()
        mine.cookies = cookies
        return mine.post(url, {"text": "已完成", "percent": "100", "submission": token}).status_code

    statuses = at_once(5, send)
    assert statuses == [302] * 5
    assert ProgressReport.objects.filter(task=task).count() == 1


@on_postgresql
def test_five_simultaneous_identical_api_posts_file_one_report(transactional_db, people, task):
    headers = {**bearer(people.liaison_a), "Idempotency-Key": "k-1"}
    url = f"/api/v1/tasks/{task.pk}/reports"

    def send(_i):
        return Client().post(
            url,
            {"text": "已完成", "percent": 100},
            content_type="application/json",
            headers=headers,
        )

    responses = at_once(5, send)
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) >= 1 and set(statuses) <= {201, 409}, statuses
    assert ProgressReport.objects.filter(task=task).count() == 1
