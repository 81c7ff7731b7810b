"""Reminders for notices that ask for a reply: before the deadline and daily after it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from shuangyong.coordination.models import Receipt
from shuangyong.messaging import notify
from shuangyong.org.models import User

REMIND_DAYS = 3


def notice_reminders(today: dt.date) -> list[tuple[User, notify.Message]]:
    """(user, message) pairs for units that still owe a reply (two queries)."""
    receipts = list(
        Receipt.objects.filter(
            replied_at=None,
            notice__requires_reply=True,
            notice__reply_deadline__lte=today + dt.timedelta(days=REMIND_DAYS),
        ).select_related("notice")
    )
    users = notify.liaisons_by_unit({r.unit_id for r in receipts})
    pairs: list[tuple[User, notify.Message]] = []
    for receipt in receipts:
        notice = receipt.notice
        assert notice.reply_deadline is not None  # selected by its reply deadline
        days = (notice.reply_deadline - today).days
        link = reverse("coordination:notice_detail", args=[notice.pk])
        if days >= 0:
            message = notify.Message(
                "notice_due",
                _("Reply due in %(n)d days: %(t)s") % {"n": days, "t": notice.title},
                "",
                link,
                f"notice-due:{receipt.pk}:{notice.reply_deadline}",
            )
        else:
            message = notify.Message(
                "notice_overdue",
                _("Reply overdue: %(t)s") % {"t": notice.title},
                "",
                link,
                f"notice-overdue:{receipt.pk}:{today}",
            )
        pairs += [(u, message) for u in users.get(receipt.unit_id, [])]
    return pairs
