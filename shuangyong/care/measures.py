"""The care figures a criterion may score by (standards.measures): visit coverage, the
yearly confirmation, needs answered on time and their satisfaction, payments on time.

Each counts in a fixed number of set-based queries, over the whole district.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangyong.care import months
from shuangyong.care.models import (
    BatchStatus,
    Confirmation,
    Need,
    NeedStatus,
    PaymentBatch,
    Satisfaction,
    Visit,
    VisitOccasion,
)
from shuangyong.care.registry import periodic_persons
from shuangyong.standards.measures import Figure, register


def visit_coverage(campaign) -> Figure:
    """Families on periodic payments visited in the latest visit round that has begun
    (three queries); a visit to anyone else does not count."""
    today = timezone.localdate()
    occasion = (
        VisitOccasion.objects.filter(starts_on__lte=today).order_by("-starts_on", "-id").first()
    )
    if occasion is None:
        return Figure(0, 0)
    periodic = periodic_persons()
    families = periodic.order_by().count()
    visited = (
        Visit.objects.filter(occasion=occasion, person__in=periodic.values("pk"))
        .order_by()
        .aggregate(n=Count("person", distinct=True))["n"]
    )
    return Figure(
        visited,
        families,
        note=str(occasion),
        url=reverse("care:occasion_detail", args=[occasion.pk]),
    )


def yearly_confirmation(campaign) -> Figure:
    """Persons on periodic payments confirmed for this year (two queries)."""
    year = timezone.localdate().year
    periodic = periodic_persons()
    total = periodic.order_by().count()
    done = Confirmation.objects.filter(year=year, person__in=periodic.values("pk")).count()
    return Figure(done, total, note=str(year), url=reverse("care:confirmations"))


def needs_on_time(campaign) -> Figure:
    """Needs whose deadline has come (or that were answered): answered by the deadline
    (one query)."""
    today = timezone.localdate()
    row = Need.objects.filter(Q(deadline__lt=today) | Q(replied_at__isnull=False)).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(replied_at__date__lte=F("deadline"))),
    )
    return Figure(row["done"], row["total"], url=reverse("care:need_list"))


def need_satisfaction(campaign) -> Figure:
    """Closed needs whose requester said they were satisfied (one query)."""
    row = Need.objects.filter(status=NeedStatus.CLOSED).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
    )
    return Figure(row["done"], row["total"], url=reverse("care:need_list"))


def payments_on_time(campaign) -> Figure:
    """This year's regular payment batches, due so far: approved by the end of the first
    month they pay (one query; a dozen rows a programme at most)."""
    today = timezone.localdate()
    now = months.index(today)
    first = today.year * 12
    rows = PaymentBatch.objects.filter(
        kind="regular", first_month__gte=first, first_month__lte=now
    ).values_list("first_month", "status", "approved_at")
    total = done = 0
    for first_month, status, approved_at in rows:
        total += 1
        if status == BatchStatus.APPROVED and approved_at is not None:
            approved_on = timezone.localtime(approved_at).date()
            done += approved_on < months.first_day(first_month + 1)
    return Figure(done, total, note=str(today.year), url=reverse("care:batch_list"))


register(
    "visit_coverage",
    label=_("Visit coverage"),
    description=_(
        "Families on periodic payments visited in the latest visit round, of all of them."
    ),
    compute=visit_coverage,
)
register(
    "yearly_confirmation",
    label=_("Yearly confirmation rate"),
    description=_("Persons on periodic payments confirmed for this year, of all of them."),
    compute=yearly_confirmation,
)
register(
    "needs_on_time",
    label=_("Needs answered on time"),
    description=_("Needs answered by their deadline, of those due or answered."),
    compute=needs_on_time,
)
register(
    "need_satisfaction",
    label=_("Need satisfaction"),
    description=_("Closed needs whose requester was satisfied, of all closed needs."),
    compute=need_satisfaction,
)
register(
    "payments_on_time",
    label=_("Payments on time"),
    description=_(
        "This year's regular payment batches due so far, approved by the end of their month."
    ),
    compute=payments_on_time,
)
