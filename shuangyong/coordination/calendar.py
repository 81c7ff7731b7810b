"""A person's dates in one place: task deadlines, meetings, inspections, notice replies,
supervision orders; as a page and as an iCalendar feed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shuangyong.access import can, scoped
from shuangyong.campaigns.models import Task
from shuangyong.campaigns.selectors import tasks_in_scope
from shuangyong.coordination.models import Meeting, Receipt
from shuangyong.supervision.models import Inspection, OrderStatus, SupervisionOrder


@dataclass(frozen=True)
class Event:
    day: dt.date
    kind: str
    title: str
    link: str
    uid: str


def events(user, start: dt.date, end: dt.date) -> list[Event]:
    """What concerns ``user`` between two dates, in date order (five queries)."""
    from django.urls import reverse

    found = []
    open_tasks = Task.objects.filter(progress__lt=100, deadline__range=(start, end))
    tasks = tasks_in_scope(user, open_tasks)
    for task in tasks.only("pk", "title", "deadline"):
        found.append(
            Event(
                task.deadline,
                "deadline",
                _("Due: %(t)s") % {"t": task.title},
                reverse("campaigns:task_detail", args=[task.pk]),
                f"task-{task.pk}",
            )
        )
    for meeting in Meeting.objects.filter(held_on__range=(start, end)).only(
        "pk", "title", "held_on"
    ):
        found.append(
            Event(
                meeting.held_on,
                "meeting",
                meeting.title,
                reverse("coordination:meeting_detail", args=[meeting.pk]),
                f"meeting-{meeting.pk}",
            )
        )
    if can(user, "inspections.view"):
        for inspection in Inspection.objects.filter(held_on__range=(start, end)):
            found.append(
                Event(
                    inspection.held_on,
                    "inspection",
                    _("Inspection: %(t)s") % {"t": inspection.team},
                    reverse("supervision:inspection_detail", args=[inspection.pk]),
                    f"inspection-{inspection.pk}",
                )
            )
    receipts = scoped(
        user,
        Receipt.objects.filter(
            replied_at=None, notice__requires_reply=True, notice__reply_deadline__range=(start, end)
        ),
    )
    seen_notices = set()  # district staff see every unit's receipt: one entry per notice
    for receipt in receipts.select_related("notice").order_by("notice_id", "pk"):
        if receipt.notice_id in seen_notices:
            continue
        seen_notices.add(receipt.notice_id)
        found.append(
            Event(
                receipt.notice.reply_deadline,
                "notice",
                _("Reply due: %(t)s") % {"t": receipt.notice.title},
                reverse("coordination:notice_detail", args=[receipt.notice_id]),
                f"notice-{receipt.notice_id}",
            )
        )
    orders = scoped(
        user,
        SupervisionOrder.objects.exclude(status=OrderStatus.CLOSED).filter(
            deadline__range=(start, end)
        ),
    )
    for order in orders:
        found.append(
            Event(
                order.deadline,
                "order",
                f"{order.reference} {order.subject}",
                reverse("supervision:order_detail", args=[order.pk]),
                f"order-{order.pk}",
            )
        )
    return sorted(found, key=lambda e: (e.day, e.kind, e.title))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics(items: list[Event], *, base_url: str, stamp: dt.datetime) -> str:
    """An RFC 5545 calendar of all-day events (lines folded at 75 octets)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Shuangyong//Calendar//ZH",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:双拥工作日程",
    ]
    for event in items:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}@shuangyong",
            f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(event.title)}",
            f"URL:{base_url}{event.link}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _fold(line: str) -> str:
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)
