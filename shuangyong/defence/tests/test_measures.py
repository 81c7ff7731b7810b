"""Defence measures bound to criteria of the example standard: the live score moves when
the conscripts and placement cases behind them change."""

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from shuangyong.campaigns.selectors import live_total
from shuangyong.core import idnumber
from shuangyong.defence.models import Candidate, ConscriptionCampaign, PlacementCase

_serial = iter(range(1, 1000))


def live(campaign, code):
    total, sources = live_total(campaign)
    return total.by_code()[code], sources[code]


def candidate(conscription, district, *, stage, education="high_school", status="active"):
    born = dt.date(2006, 5, 1)
    return Candidate.objects.create(
        campaign=conscription, name="应征", id_number=idnumber.make("110199", born, next(_serial)),
        birth_date=born, street=district.street, education=education, stage=stage, status=status,
    )  # fmt: skip


def test_conscription_completion_scores_3_6_and_the_college_share_5_4(campaign, district):
    conscription = ConscriptionCampaign.objects.create(year=2026, half=2, quota=3)
    assert live(campaign, "3.6")[1].figure.numerator == 0
    kept = candidate(conscription, district, stage=5, education="college_student")
    candidate(conscription, district, stage=5, status="returned")
    candidate(conscription, district, stage=4)
    result, source = live(campaign, "3.6")
    assert (source.figure.numerator, source.figure.denominator) == (1, 3)
    assert result.earned == 0  # two short of the quota, 1 point each, of 2
    college, college_source = live(campaign, "5.4")
    # Approved or further: three, one of them a college student: 33.33 % of target 80.
    assert college_source.figure.percent == D("33.33") and college.earned == D("1.25")
    Candidate.objects.exclude(pk=kept.pk).update(stage=5, status="active")
    assert live(campaign, "3.6")[0].earned == D("2")
    Candidate.objects.update(education="college_graduate")
    assert live(campaign, "5.4")[0].earned == D("3")


def test_placement_on_time_scores_2_4(campaign, district):
    today = timezone.localdate()
    discharged = today - dt.timedelta(days=200)
    on_time = PlacementCase.objects.create(
        name="赵退役", id_number=idnumber.make("110199", dt.date(2002, 4, 4), 5),
        kind="soldier", method="self_employment", street=district.street,
        discharged_on=discharged, reported_on=discharged + dt.timedelta(days=10),
        closed_on=discharged + dt.timedelta(days=20),
    )  # fmt: skip
    late = PlacementCase.objects.create(
        name="钱退役", id_number=idnumber.make("110199", dt.date(2002, 4, 5), 6),
        kind="soldier", method="self_employment", street=district.street,
        discharged_on=discharged, reported_on=discharged + dt.timedelta(days=90),
    )  # fmt: skip
    result, source = live(campaign, "2.4")
    assert (source.figure.numerator, source.figure.denominator) == (1, 2)
    assert result.earned == D("2") and source.checked  # one failure of 1 point, of 3
    assert on_time.late_steps() == [] and late.late_steps()
    PlacementCase.objects.filter(pk=late.pk).update(reported_on=discharged + dt.timedelta(days=5))
    assert live(campaign, "2.4")[0].earned == D("3")
