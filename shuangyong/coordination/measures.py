"""The coordination figure a criterion may score by (standards.measures): notices
answered on time."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangyong.coordination.models import Receipt
from shuangyong.standards.measures import Figure, register


def notice_replies(campaign) -> Figure:
    """Receipts of the cycle's notices that ask for a reply, due or answered: answered by
    the deadline (one query)."""
    today = timezone.localdate()
    row = Receipt.objects.filter(
        Q(notice__reply_deadline__lt=today) | Q(replied_at__isnull=False),
        notice__requires_reply=True,
        notice__sent_at__year__gte=campaign.start_year,
        notice__sent_at__year__lte=campaign.end_year,
    ).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(replied_at__isnull=False, late=False)),
    )
    return Figure(row["done"], row["total"], url=reverse("coordination:notice_list"))


register(
    "notice_replies",
    label=_("Notices answered on time"),
    description=_("Replies to notices that ask for one, given by the deadline, of those due."),
    compute=notice_replies,
)
