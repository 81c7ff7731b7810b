"""One calendar of a person's dates, and its private iCalendar feed."""

import datetime as dt

from django.urls import reverse

from shuangyong.campaigns.models import Task
from shuangyong.coordination import calendar, services
from shuangyong.coordination.models import CalendarToken, Meeting


def test_a_liaison_sees_their_units_deadlines_meetings_and_replies_due(
    people, district, campaign, next_week
):
    Task.objects.create(
        campaign=campaign, title="甲的任务", lead_unit=district.a, deadline=next_week
    )
    Task.objects.create(
        campaign=campaign, title="乙的任务", lead_unit=district.b, deadline=next_week
    )
    Task.objects.create(
        campaign=campaign, title="甲已完成", lead_unit=district.a, deadline=next_week, progress=100
    )
    Meeting.objects.create(campaign=campaign, kind="joint", title="军地联席会", held_on=next_week)
    services.send_notice(
        author=people.office,
        title="报材料",
        body="b",
        units=[district.a],
        requires_reply=True,
        reply_deadline=next_week,
    )
    today = dt.date.today()
    kinds = {(e.kind, e.title) for e in calendar.events(people.liaison_a, today, next_week)}
    assert ("meeting", "军地联席会") in kinds
    assert any(k == "deadline" and "甲的任务" in t for k, t in kinds)
    assert any(k == "notice" and "报材料" in t for k, t in kinds)
    assert not any("乙的任务" in t or "甲已完成" in t for _k, t in kinds)


def test_the_calendar_page_draws_the_month(client, people, district, campaign):
    day = dt.date.today().replace(day=15)
    Task.objects.create(campaign=campaign, title="月中任务", lead_unit=district.a, deadline=day)
    client.force_login(people.liaison_a)
    response = client.get(reverse("coordination:calendar") + f"?month={day:%Y-%m}")
    assert response.status_code == 200
    assert "月中任务" in response.content.decode()
    assert client.get(reverse("coordination:calendar") + "?month=garbage").status_code == 200


def test_the_feed_is_valid_icalendar_behind_a_private_token(
    client, people, district, campaign, next_week
):
    Task.objects.create(
        campaign=campaign,
        title="很长的任务名称" * 12 + "，含逗号;分号",
        lead_unit=district.a,
        deadline=next_week,
    )
    client.force_login(people.liaison_a)
    client.post(reverse("coordination:calendar_token"))
    token = CalendarToken.objects.get(user=people.liaison_a).token
    client.logout()
    response = client.get(reverse("coordination:calendar_feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"DTSTART;VALUE=DATE:{next_week:%Y%m%d}" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))  # folded
    unfolded = body.replace("\r\n ", "")
    assert "含逗号\\;分号" in unfolded


def test_a_new_token_revokes_the_old_and_a_disabled_account_has_no_feed(client, people):
    client.force_login(people.liaison_a)
    client.post(reverse("coordination:calendar_token"))
    old = CalendarToken.objects.get().token
    client.post(reverse("coordination:calendar_token"))
    new = CalendarToken.objects.get().token
    assert old != new
    assert client.get(reverse("coordination:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("coordination:calendar_feed", args=[new])).status_code == 200
    people.liaison_a.is_active = False
    people.liaison_a.save()
    assert client.get(reverse("coordination:calendar_feed", args=[new])).status_code == 404
