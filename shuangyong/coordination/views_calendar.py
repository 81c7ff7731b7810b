"""The calendar of a person's dates (deadlines, meetings, inspections, replies, orders): the
month page, a new private feed address, and the iCalendar feed."""

from __future__ import annotations

import calendar as month_grid
import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, require
from shuangyong.coordination import calendar
from shuangyong.coordination.models import CalendarToken


def _month(text: str) -> dt.date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        return timezone.localdate().replace(day=1)


@require("calendar.view")
def calendar_page(request):
    first = _month(request.GET.get("month", ""))
    weeks = month_grid.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    items = calendar.events(request.user, weeks[0][0], weeks[-1][-1])
    by_day: dict[dt.date, list] = {}
    for event in items:
        by_day.setdefault(event.day, []).append(event)
    token = CalendarToken.objects.filter(user=request.user).first()
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "coordination/calendar.html",
        {
            "first": first,
            "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
            "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
            "today": timezone.localdate(),
            "previous": previous,
            "following": following,
            "upcoming": [e for e in items if e.day >= timezone.localdate()][:20],
            "feed_url": request.build_absolute_uri(
                reverse("coordination:calendar_feed", args=[token.token])
            )
            if token
            else "",
        },
    )


@require_POST
@require("calendar.view")
def calendar_token(request):
    """A new private feed address; the old one stops working at once."""
    CalendarToken.objects.update_or_create(
        user=request.user, defaults={"token": CalendarToken.new_token()}
    )
    messages.success(request, _("New calendar address made; the old one no longer works."))
    return redirect("coordination:calendar")


def calendar_feed(request, token: str):
    """The iCalendar feed: no login (calendar apps cannot log in), the token is the key."""
    entry = get_object_or_404(
        CalendarToken.objects.select_related("user__person__unit"), token=token
    )
    user = entry.user
    if not (user.is_active and can(user, "calendar.view")):
        raise Http404
    today = timezone.localdate()
    items = calendar.events(user, today - dt.timedelta(days=60), today + dt.timedelta(days=400))
    body = calendar.ics(
        items, base_url=request.build_absolute_uri("/").rstrip("/"), stamp=timezone.now()
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
