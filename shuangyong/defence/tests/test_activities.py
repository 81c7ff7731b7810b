"""Support activities and education bases; a photo with a task becomes its evidence.

People: unit A's liaison (records for 甲局, attaches to A's task), unit B's liaison
(the outsider for A's task), the garrison's liaison, the auditor (no pages).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangyong.campaigns.models import Evidence, Task
from shuangyong.defence.models import EducationBase, SupportActivity


@pytest.fixture
def task(campaign, district):
    return Task.objects.create(campaign=campaign, title="科技拥军", lead_unit=district.a)


def post(client, data, **files):
    base = {
        "kind": "science", "title": "为维修营培训无人机维护", "held_on": "2026-10-12",
        "people_reached": 40, "cost": "12000",
    }  # fmt: skip
    return client.post(reverse("defence:activity_new"), {**base, **data, **files})


def test_an_activity_with_a_photo_becomes_the_tasks_evidence(client, people, district, task):
    client.force_login(people.liaison_a)
    photo = SimpleUploadedFile("培训.pdf", b"%PDF-1.4 photo", content_type="application/pdf")
    response = post(
        client,
        {"unit": district.a.pk, "garrison": district.garrison.pk, "task": task.pk},
        file=photo,
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = SupportActivity.objects.get()
    evidence = Evidence.objects.get()
    assert activity.evidence == evidence and evidence.task == task
    assert (evidence.status, evidence.unit) == ("submitted", district.a)
    page = client.get(reverse("defence:activity_list")).content.decode()
    assert "为维修营培训无人机维护" in page


def test_a_file_needs_a_task_and_a_garrison_must_be_one(client, people, district, task):
    client.force_login(people.liaison_a)
    photo = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    assert post(client, {"unit": district.a.pk}, file=photo).status_code == 200
    assert post(client, {"unit": district.a.pk, "garrison": district.b.pk}).status_code == 200
    assert not SupportActivity.objects.exists() and not Evidence.objects.exists()


def test_the_outsider_records_nothing_for_another_unit(client, people, district, task):
    client.force_login(people.liaison_b)
    assert post(client, {"unit": district.a.pk}).status_code == 200  # A is not a choice
    photo = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = post(client, {"unit": district.b.pk, "task": task.pk}, file=photo)
    assert response.status_code == 200  # A's task is not among B's
    assert not SupportActivity.objects.exists()
    client.force_login(people.auditor)
    assert client.get(reverse("defence:activity_list")).status_code == 403


def test_the_garrison_records_its_help_and_a_base_counts_its_events(client, people, district):
    client.force_login(people.office)
    client.post(
        reverse("defence:base_list"),
        {"name": "明川国防教育馆", "unit": district.office.pk, "level": "区级"},
    )
    base = EducationBase.objects.get()
    client.force_login(people.military)
    response = post(
        client,
        {"kind": "defence_education", "unit": district.garrison.pk, "base": base.pk,
         "title": "全民国防教育日开放", "held_on": dt.date(2026, 9, 20).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("defence:base_list"))
    [row] = page.context["bases"]
    assert (row.events, row.people) == (1, 40)


def test_the_list_takes_a_fixed_number_of_queries(client, people, district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("defence:activity_list"))
        return len(queries)

    client.force_login(people.liaison_a)
    SupportActivity.objects.create(
        kind="health", title="义诊", held_on=dt.date(2026, 5, 1), unit=district.a
    )
    small = measure()
    for i in range(15):
        activity = SupportActivity.objects.create(
            kind="health", title=f"义诊{i}", held_on=dt.date(2026, 5, 1), unit=district.a,
            garrison=district.garrison,
        )  # fmt: skip
        activity.partners.add(district.b)
    assert measure() == small
