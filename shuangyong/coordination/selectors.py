"""Reads of the coordination pages, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet

from shuangyong.access import scoped
from shuangyong.coordination.models import (
    Comment,
    JointItem,
    Meeting,
    MeetingFile,
    MeetingKind,
    Notice,
    Receipt,
)
from shuangyong.org.models import User


def visible_notices(user: User) -> QuerySet[Notice]:
    """Notices the user may open: all for district staff; for a unit, those it sent or
    received (its own unit or the units below it)."""
    notices = Notice.objects.select_related("sender_unit", "author")
    if not user.is_unit_scoped:
        return notices
    root = user.scope_root
    if root is None:
        return notices.none()
    received = Receipt.objects.filter(notice=OuterRef("pk"), unit__path__startswith=root.path)
    return notices.filter(Q(sender_unit__path__startswith=root.path) | Q(Exists(received)))


def notice_rows(user: User, *, box: str = "all") -> QuerySet[Notice]:
    """Notices for the list with their receipt counts; ``box`` is "in", "out" or "all"."""
    notices = (
        visible_notices(user)
        .annotate(
            n_units=Count("receipts"),
            n_read=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
            n_replied=Count("receipts", filter=Q(receipts__replied_at__isnull=False)),
        )
        .order_by("-sent_at", "-id")
    )
    if box == "out":
        notices = notices.filter(author=user) if user.is_unit_scoped else notices
    elif box == "in" and user.is_unit_scoped and user.scope_root is not None:
        notices = notices.filter(
            Exists(
                Receipt.objects.filter(
                    notice=OuterRef("pk"), unit__path__startswith=user.scope_root.path
                )
            )
        )
    return notices


@dataclass
class NoticeStatus:
    receipts: list[Receipt]
    unread: list[Receipt]
    not_replied: list[Receipt]
    late: list[Receipt]


def notice_status(notice: Notice) -> NoticeStatus:
    """Every recipient's receipt, and the units that have not read / not replied (one query)."""
    receipts = list(
        notice.receipts.select_related("unit", "read_by__person", "replied_by__person")
        .prefetch_related("files")
        .order_by("unit__path")
    )
    return NoticeStatus(
        receipts=receipts,
        unread=[r for r in receipts if r.read_at is None],
        not_replied=[r for r in receipts if notice.requires_reply and r.replied_at is None],
        late=[r for r in receipts if r.late],
    )


def visible_joint_items(user: User, *, state: str = "") -> QuerySet[JointItem]:
    """Joint items whose local or military side lies within the user's units; ``state``
    "open" keeps those a side has not signed, "closed" those both have, else all."""
    items = JointItem.objects.select_related("local_unit", "garrison_unit", "task", "campaign")
    items = scoped(user, items, via=("local_unit", "garrison_unit"))
    if state == "open":
        return items.filter(Q(local_signed_at=None) | Q(military_signed_at=None))
    if state == "closed":
        return items.exclude(local_signed_at=None).exclude(military_signed_at=None)
    return items


def meeting_rows(*, kind: str = "") -> QuerySet[Meeting]:
    """Meetings newest first with their attendance and decisions counted, of ``kind``
    when it is one (the list page and the API)."""
    meetings = (
        Meeting.objects.select_related("campaign")
        .annotate(
            n_attendees=Count("attendees", distinct=True),
            n_signed=Count(
                "attendees", filter=Q(attendees__signed_in_at__isnull=False), distinct=True
            ),
            n_decisions=Count("decisions", distinct=True),
            n_done=Count("decisions", filter=Q(decisions__task__progress__gte=100), distinct=True),
        )
        .order_by("-held_on", "-id")
    )
    if kind in MeetingKind.values:
        meetings = meetings.filter(kind=kind)
    return meetings


def visible_meeting_files(user: User, meeting: Meeting | None = None) -> QuerySet[MeetingFile]:
    """Meeting files the user may open (the meeting page's list and the download): the
    meeting's own (minutes, attachments, no unit) for everyone who sees meetings; a unit's
    duty report only for district staff and the accounts whose scope holds that unit."""
    files = MeetingFile.objects.select_related("unit")
    if meeting is not None:
        files = files.filter(meeting=meeting)
    if not user.is_unit_scoped:
        return files
    return files.filter(
        Q(unit__isnull=True) | Q(pk__in=scoped(user, MeetingFile.objects.all()).values("pk"))
    )


def comments_for(target: Model) -> list[Comment]:
    """The comments on one task, order or notice, oldest first (two queries)."""
    kind = ContentType.objects.get_for_model(type(target))
    return list(
        Comment.objects.filter(content_type=kind, object_id=target.pk)
        .select_related("author__person")
        .prefetch_related("mentions")
    )
