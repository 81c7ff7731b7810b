"""Meetings, joint items and the calendar run a fixed number of queries whatever the data."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.campaigns.models import Task
from shuangyong.coordination import services
from shuangyong.coordination.models import Attendee, Meeting
from shuangyong.org.models import Person


def counts(client, urls):
    found = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        found.append(len(queries))
    return found


def grow(campaign, people, district, start, n):
    today = dt.date.today()
    for i in range(start, start + n):
        meeting = Meeting.objects.create(
            campaign=campaign,
            kind="office",
            title=f"会{i}",
            held_on=today + dt.timedelta(days=i % 20),
        )
        person = Person.objects.create(name=f"参会{i}", unit=district.a)
        Attendee.objects.create(
            meeting=meeting, person=person, signed_in_at=dt.datetime.now(dt.UTC)
        )
        services.add_decision(
            meeting=meeting,
            text=f"议定{i}",
            lead_unit=district.a,
            deadline=today,
            actor=people.office,
        )
        services.raise_joint_item(
            campaign=campaign,
            title=f"联动{i}",
            description="",
            local_unit=district.a,
            garrison_unit=district.garrison,
            actor=people.office,
        )
        Task.objects.create(
            campaign=campaign,
            title=f"任务{i}",
            lead_unit=district.a,
            deadline=today + dt.timedelta(days=i % 20),
        )


def test_pages_keep_their_query_counts(client, campaign, people, district):
    grow(campaign, people, district, 0, 2)
    first = Meeting.objects.order_by("pk").first()
    urls = [
        reverse("coordination:meeting_list"),
        reverse("coordination:meeting_detail", args=[first.pk]),
        reverse("coordination:joint_list"),
        reverse("coordination:calendar"),
        reverse("campaigns:task_detail", args=[first.decisions.get().task_id]),
    ]
    for who in (people.office, people.liaison_a):
        client.force_login(who)
        counts(client, urls)  # warm the per-process caches (content types)
        small = counts(client, urls)
        grow(campaign, people, district, 100 if who == people.office else 200, 25)
        for i in range(10):
            person = Person.objects.create(name=f"加{who.pk}-{i}", unit=district.b)
            Attendee.objects.create(meeting=first, person=person)
        assert counts(client, urls) == small, who
