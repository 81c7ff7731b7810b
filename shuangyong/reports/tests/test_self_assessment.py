"""The self-assessment report's figures: the engine's scores on a chosen basis, the
gaps largest first after vetoes, a bar per category; fixed queries whatever the size."""

import datetime as dt
from decimal import Decimal as D

import pytest

from shuangyong.campaigns.models import Assessment, Campaign, Task
from shuangyong.reports.self_assessment import LIVE, pick_basis, self_assessment_report


def test_the_report_states_the_assessments_scores_reasons_and_vetoes(campaign, scored):
    report = self_assessment_report(campaign=campaign, assessment=scored)
    assert report.total.score == scored.evaluate().score
    assert report.total.ineligible and "10.2" in report.total.vetoes[0]
    assert len(report.rows) == campaign.standard.criteria.count()
    rows = {row.criterion.code: row for row in report.rows}
    assert rows["2.1"].result.scored == rows["2.1"].criterion.points
    assert rows["1.2"].result.scored == rows["1.2"].criterion.points
    assert rows["1.1"].explanation  # the engine says why 1.1 earned nothing
    assert [g.criterion.code for g in report.gaps][0] == "10.2"
    stakes = [g.result.at_stake for g in report.gaps[1:]]
    assert stakes == sorted(stakes, reverse=True)
    assert "2.1" not in {g.criterion.code for g in report.gaps}
    assert report.shortfall == D(90) - report.total.score


def test_a_bar_per_category_and_none_for_the_veto_category(campaign, scored):
    report = self_assessment_report(campaign=campaign, assessment=scored)
    top = [c for c in campaign.standard.criteria.all() if c.parent_id is None]
    assert [b.code for b in report.categories] == sorted((c.code for c in top), key=int)
    charted = {b.code for b in report.charted_categories}
    assert "10" not in charted and "1" in charted
    first = next(b for b in report.categories if b.code == "1")
    assert first.percent == round(first.earned * 100 / first.points)


def test_live_basis_scores_the_work_as_it_stands(campaign, district, standard):
    before = self_assessment_report(campaign=campaign, assessment=None).total.score
    Task.objects.create(campaign=campaign, criterion=standard.criteria.get(code="1.2"),
                        title="召开常委会", lead_unit=district.a, progress=100)  # fmt: skip
    after = self_assessment_report(campaign=campaign, assessment=None)
    assert after.assessment is None and after.total.score == before + D(2)


def test_the_basis_defaults_to_the_latest_self_assessment(campaign, scored, standard, district):
    later_mock = Assessment.objects.create(
        campaign=campaign, kind="mock", title="模拟", held_on=dt.date(2026, 12, 1), assessors="督"
    )
    other = Campaign.objects.create(name="别的创建", standard=standard, district=district.root,
                                    start_year=2025, end_year=2028, target_score=90)  # fmt: skip
    foreign = Assessment.objects.create(campaign=other, kind="self", title="别人的",
                                        held_on=dt.date(2026, 12, 2), assessors="某")  # fmt: skip
    assert pick_basis(campaign, None) == scored
    assert pick_basis(campaign, LIVE) is None
    assert pick_basis(campaign, str(later_mock.pk)) == later_mock
    assert pick_basis(campaign, str(foreign.pk)) == scored  # not this campaign's
    assert pick_basis(campaign, "1 or 1=1") == scored
    assert pick_basis(campaign, "9" * 40) == scored  # past the database's integers
    assert pick_basis(campaign, "²") == scored
    with pytest.raises(ValueError):
        self_assessment_report(campaign=campaign, assessment=foreign)


def _grow(campaign, district, standard, n):
    criteria = list(standard.criteria.filter(rule_type="all_or_nothing"))
    Task.objects.bulk_create(
        Task(campaign=campaign, criterion=criteria[i % len(criteria)], title=f"任务{i}",
             lead_unit=district.a, progress=100 * (i % 2))
        for i in range(n)
    )  # fmt: skip


@pytest.mark.parametrize("on_assessment", [True, False])
def test_queries_do_not_grow_with_the_work(
    campaign, scored, district, standard, django_assert_num_queries, on_assessment
):
    basis = scored if on_assessment else None
    campaign = Campaign.objects.select_related("standard").get(pk=campaign.pk)
    _grow(campaign, district, standard, 5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        self_assessment_report(campaign=campaign, assessment=basis)
    # As the docstring says: two on an assessment; live, nine and a fixed few per measure
    # the standard names (the example names ten of them).
    assert len(small) == (2 if on_assessment else 24)
    _grow(campaign, district, standard, 200)
    with django_assert_num_queries(len(small)):
        self_assessment_report(campaign=campaign, assessment=basis)
