"""The defence figures a criterion may score by (standards.measures): conscription
completion and the share of college students, placement on time.

Each counts in a fixed number of queries, over the whole district.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangyong.defence.models import (
    Candidate,
    CandidateStatus,
    ConscriptionCampaign,
    PlacementCase,
    Stage,
)
from shuangyong.defence.models.conscription import COLLEGE
from shuangyong.standards.measures import Figure, register


def _latest_conscription():
    return ConscriptionCampaign.objects.order_by("-year", "-half").first()


def conscription_completion(campaign) -> Figure:
    """The latest conscription campaign: enlisted (dispatched and not returned) against the
    district quota (two queries)."""
    latest = _latest_conscription()
    if latest is None:
        return Figure(0, 0)
    row = Candidate.objects.filter(campaign=latest).aggregate(
        dispatched=Count("id", filter=Q(stage__gte=Stage.DISPATCHED)),
        returned=Count("id", filter=Q(status=CandidateStatus.RETURNED)),
    )
    enlisted = max(row["dispatched"] - row["returned"], 0)
    return Figure(
        min(enlisted, latest.quota),
        latest.quota,
        note=str(latest),
        url=reverse("defence:campaign_detail", args=[latest.pk]),
    )


def conscription_college(campaign) -> Figure:
    """The latest conscription campaign: college students among the approved (two queries)."""
    latest = _latest_conscription()
    if latest is None:
        return Figure(0, 0)
    row = Candidate.objects.filter(campaign=latest, stage__gte=Stage.APPROVED).aggregate(
        total=Count("id"), college=Count("id", filter=Q(education__in=COLLEGE))
    )
    return Figure(
        row["college"],
        row["total"],
        note=str(latest),
        url=reverse("defence:candidate_list", args=[latest.pk]),
    )


def placement_on_time(campaign) -> Figure:
    """Placement cases of those discharged in the campaign's cycle: no step done after its
    legal deadline and none overdue now (one query; the deadlines are computed per case)."""
    today = timezone.localdate()
    cases = PlacementCase.objects.filter(
        discharged_on__year__gte=campaign.start_year, discharged_on__year__lte=campaign.end_year
    ).only(
        "kind", "method", "discharged_on", "reported_on", "job_arranged_on", "on_post_on",
        "closed_on",
    )  # fmt: skip
    total = ok = 0
    for case in cases:
        total += 1
        overdue = (deadline := case.next_deadline(today)) is not None and deadline.light == "red"
        ok += not case.late_steps() and not overdue
    return Figure(ok, total, url=reverse("defence:placement_list"))


register(
    "conscription_completion",
    label=_("Conscription completion"),
    description=_(
        "The latest conscription campaign's conscripts dispatched and kept, of the quota."
    ),
    compute=conscription_completion,
)
register(
    "conscription_college",
    label=_("College students among conscripts"),
    description=_("College students among the approved conscripts of the latest campaign."),
    compute=conscription_college,
)
register(
    "placement_on_time",
    label=_("Placement on time"),
    description=_(
        "Placement cases of the cycle with every step done by its legal deadline, of all cases."
    ),
    compute=placement_on_time,
)
