"""Care measures bound to criteria of the example standard: the live score moves when the
visits, needs and payment batches behind them change."""

import datetime as dt
from decimal import Decimal as D

import time_machine
from django.utils import timezone

from shuangyong.campaigns.selectors import live_total
from shuangyong.care.models import (
    Confirmation,
    Need,
    PaymentBatch,
    Visit,
    VisitOccasion,
)
from shuangyong.care.tests.conftest import entitle, person
from shuangyong.standards import measures

TODAY = timezone.localdate


def live(campaign, code):
    total, sources = live_total(campaign)
    return total.by_code()[code], sources[code]


def test_visit_coverage_scores_2_2(campaign, district, officer):
    families = [person(district, name=n) for n in ("陈军属", "林军属")]
    for who in families:
        entitle(who, "war_veteran", officer)
    occasion = VisitOccasion.objects.create(
        name="慰问", kind="other", year=TODAY().year,
        starts_on=TODAY() - dt.timedelta(days=3), ends_on=TODAY() + dt.timedelta(days=3),
    )  # fmt: skip
    result, source = live(campaign, "2.2")
    assert source.measure == "visit_coverage" and source.figure.percent == 0
    assert result.earned == 0
    Visit.objects.create(occasion=occasion, person=families[0], visited_on=TODAY(), visitors="甲")
    result, source = live(campaign, "2.2")
    assert (source.figure.numerator, source.figure.denominator) == (1, 2)
    assert result.earned == 0  # 50 % is below the lowest tier (85)
    Visit.objects.create(occasion=occasion, person=families[1], visited_on=TODAY(), visitors="甲")
    result, source = live(campaign, "2.2")
    assert source.figure.percent == 100 and result.earned == D("3")
    assert source.figure.url.endswith(f"/visits/{occasion.pk}/")


def need(district, *, deadline, replied=None, satisfaction="", status="open"):
    return Need.objects.create(
        source="family", requester="王家", category="other", text="求助",
        assignee=district.a, deadline=deadline, replied_at=replied,
        satisfaction=satisfaction, status=status,
    )  # fmt: skip


def test_needs_on_time_scores_2_6_and_satisfaction_scores_8_2(campaign, district):
    yesterday = TODAY() - dt.timedelta(days=1)
    on_time = timezone.now() - dt.timedelta(days=3)
    late = timezone.now()
    assert live(campaign, "2.6")[1].figure.has_data is False
    need(district, deadline=yesterday, replied=on_time, satisfaction="satisfied", status="closed")
    need(district, deadline=yesterday, replied=late, satisfaction="unsatisfied", status="closed")
    result, source = live(campaign, "2.6")
    assert source.figure.percent == 50 and result.earned == 0
    satisfaction, figure = live(campaign, "8.2")
    assert figure.figure.percent == 50 and satisfaction.earned == 0
    Need.objects.filter(replied_at=late).update(replied_at=on_time, satisfaction="satisfied")
    assert live(campaign, "2.6")[0].earned == D("2")
    assert live(campaign, "8.2")[0].earned == D("3")


@time_machine.travel(dt.datetime(2026, 6, 15, 4, tzinfo=dt.UTC), tick=False)
def test_payments_on_time_score_2_1(campaign):
    today = TODAY()
    month = today.year * 12 + today.month - 1
    approved_late = timezone.make_aware(dt.datetime(today.year, today.month, 1, 12)) + (
        dt.timedelta(days=40)
    )
    PaymentBatch.objects.create(
        programme="living", kind="regular", period="a", first_month=month - 1,
        last_month=month - 1, status="approved",
        approved_at=timezone.make_aware(dt.datetime(today.year, today.month - 1, 2, 12)),
    )  # fmt: skip
    late = PaymentBatch.objects.create(
        programme="living", kind="regular", period="b", first_month=month, last_month=month,
        status="approved", approved_at=approved_late,
    )  # fmt: skip
    result, source = live(campaign, "2.1")
    assert (source.figure.numerator, source.figure.denominator) == (1, 2)
    assert result.earned == D("1")  # 50 % of target 100, of 2 points
    PaymentBatch.objects.filter(pk=late.pk).update(approved_at=timezone.now())
    assert live(campaign, "2.1")[0].earned == D("2")


def test_yearly_confirmation_scores_2_8(campaign, district, officer, people):
    families = [person(district, name=n) for n in ("甲", "乙", "丙", "丁")]
    for who in families:
        entitle(who, "war_veteran", officer)
    result, source = live(campaign, "2.8")
    assert source.measure == "yearly_confirmation" and result.earned == 0
    Confirmation.objects.create(person=families[0], year=TODAY().year, confirmed_by=people.care)
    Confirmation.objects.create(person=families[1], year=TODAY().year - 1, confirmed_by=people.care)
    result, source = live(campaign, "2.8")
    assert (source.figure.numerator, source.figure.denominator) == (1, 4)
    assert result.earned == D("0.25")  # last year's confirmation does not count
    for who in families[1:]:
        Confirmation.objects.create(person=who, year=TODAY().year, confirmed_by=people.care)
    assert live(campaign, "2.8")[0].earned == D("1")
    assert measures.label("yearly_confirmation") != "yearly_confirmation"
