"""The reminder job: before a deadline, every day after it, and escalation to the head.

Each message carries a key (task, deadline, day); a person never gets the same
key twice, so the job can run as often as the worker likes, even twice at
once (the second run waits for, or skips past, the first and finds nothing new).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import Role
from shuangyong.campaigns.models import LightRules, Task
from shuangyong.messaging import notify
from shuangyong.messaging.jobs import job_lock
from shuangyong.org.models import User
from shuangyong.supervision.models import OrderStatus, SupervisionOrder

# Apps above this one add their own reminders (notices awaiting replies…): each hook
# takes the day and returns (user, Message) pairs, sent with the rest, once per key.
EXTRA_REMINDERS: list = []


def run_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """Send the day's reminders and escalations; returns how many of each were new.

    Rules: ``remind_days`` before a deadline the lead and co-units' liaisons are
    reminded once; every day after it, once a day; ``escalate_days`` after it the
    unit's head and the office are told once. Done tasks are left alone.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        job = job_lock("reminders")
        if job is None:
            return {"skipped": 1}
        job.last_started = timezone.now()
        counts = _send(today)
        job.last_finished = timezone.now()
        job.last_result = ", ".join(f"{k}={v}" for k, v in counts.items())
        job.save()
    return counts


def _send(today: dt.date) -> dict[str, int]:
    rules = {r.campaign_id: r for r in LightRules.objects.all()}
    default = LightRules()
    horizon = today + dt.timedelta(
        days=max([default.remind_days, *(r.remind_days for r in rules.values())])
    )
    tasks = list(
        Task.objects.filter(progress__lt=100, deadline__isnull=False, deadline__lte=horizon)
        .select_related("lead_unit__head")
        .prefetch_related("co_units")
    )
    units = {t.lead_unit_id for t in tasks} | {u.pk for t in tasks for u in t.co_units.all()}
    liaisons = notify.liaisons_by_unit(units)
    office = list(User.objects.filter(is_active=True, role=Role.OFFICE).select_related("person"))
    heads_with_account = {
        u.person_id: u
        for u in User.objects.filter(
            is_active=True,
            person_id__in={t.lead_unit.head_id for t in tasks if t.lead_unit.head_id},
        ).select_related("person")
    }
    pairs, outside = [], []
    counts = {"due": 0, "overdue": 0, "escalated": 0, "orders": 0}
    for task in tasks:
        rule = rules.get(task.campaign_id, default)
        assert task.deadline is not None  # selected by its deadline
        days = (task.deadline - today).days
        link = reverse("campaigns:task_detail", args=[task.pk])
        units_of_task = [task.lead_unit_id, *(u.pk for u in task.co_units.all())]
        recipients = [u for unit_id in units_of_task for u in liaisons.get(unit_id, [])]
        if 0 <= days <= rule.remind_days:
            message = notify.Message(
                "due",
                _("Due in %(n)d days: %(task)s") % {"n": days, "task": task.title},
                _("Deadline %(d)s, %(p)d%% done.") % {"d": task.deadline, "p": task.progress},
                link,
                f"due:{task.pk}:{task.deadline}",
            )
            pairs += [(u, message) for u in recipients]
            counts["due"] += 1
        elif days < 0:
            message = notify.Message(
                "overdue",
                _("Overdue by %(n)d days: %(task)s") % {"n": -days, "task": task.title},
                _("The deadline was %(d)s; report progress or explain the delay.")
                % {"d": task.deadline},
                link,
                f"overdue:{task.pk}:{today}",
            )
            pairs += [(u, message) for u in recipients]
            counts["overdue"] += 1
            if -days >= rule.escalate_days:
                escalation = notify.Message(
                    "escalation",
                    _("Escalated: %(unit)s is %(n)d days late on %(task)s")
                    % {"unit": task.lead_unit.name, "n": -days, "task": task.title},
                    _("Deadline %(d)s, %(p)d%% done.") % {"d": task.deadline, "p": task.progress},
                    link,
                    f"escalate:{task.pk}:{task.deadline}",
                )
                pairs += [(u, escalation) for u in office]
                head = task.lead_unit.head
                if head is not None and head.pk in heads_with_account:
                    pairs.append((heads_with_account[head.pk], escalation))
                elif head is not None:
                    outside.append((head, escalation))
                counts["escalated"] += 1
    late_orders = list(
        SupervisionOrder.objects.filter(
            status__in=[OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED], deadline__lt=today
        )
    )
    order_liaisons = notify.liaisons_by_unit({o.unit_id for o in late_orders})
    for order in late_orders:
        message = notify.Message(
            "order",
            _("%(ref)s is past its deadline") % {"ref": order.reference},
            order.subject,
            reverse("supervision:order_detail", args=[order.pk]),
            f"order:{order.pk}:{today}",
        )
        pairs += [(u, message) for u in order_liaisons.get(order.unit_id, [])]
        counts["orders"] += 1
    for hook in EXTRA_REMINDERS:
        extra = hook(today)
        counts[hook.__name__] = len(extra)
        pairs += extra
    counts["sent"] = notify.send(pairs) + notify.to_people_without_accounts(outside)
    return counts
