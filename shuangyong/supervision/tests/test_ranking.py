"""The ranking index: no data is no data, every member unit, a documented tie rule, and a
red list (红榜) only for real completion."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from shuangyong.campaigns.models import ProgressReport, Task
from shuangyong.org.models import Unit, UnitKind
from shuangyong.supervision import evaluation

pytestmark = pytest.mark.django_db


def tasks(campaign, unit, n, *, done=0, late=0, overdue_open=0):
    """``n`` tasks of ``unit``: ``done`` done (``late`` of them after their deadline), and
    ``overdue_open`` of the open ones past their deadline; the rest due in 20 days."""
    today = timezone.localdate()
    made = []
    for i in range(n):
        is_done = i < done
        if is_done:
            deadline = today - dt.timedelta(days=10)
            done_at = timezone.now() - dt.timedelta(days=5 if i < late else 20)
        else:
            deadline = today + dt.timedelta(days=-3 if i - done < overdue_open else 20)
            done_at = None
        made.append(
            Task(
                campaign=campaign,
                title=f"{unit.code}-{i}",
                lead_unit=unit,
                deadline=deadline,
                progress=100 if is_done else 0,
                done_at=done_at,
            )
        )
    return Task.objects.bulk_create(made)


def by_name(scores):
    return {s.name: s for s in scores}


def test_a_unit_with_nothing_due_is_not_ranked_above_a_unit_with_real_progress(campaign, district):
    # 甲局: one task, not due, nothing done, no report: nothing may count as 100 %.
    tasks(campaign, district.a, 1)
    # 乙局: one of four done on time, three open past their deadline.
    tasks(campaign, district.b, 4, done=1, overdue_open=3)
    scores = by_name(evaluation.unit_performance(campaign))
    idle, working = scores["甲局"], scores["乙局"]
    assert idle.completion == 0 and idle.timeliness is None and idle.quality is None
    assert idle.index == D("0.0")
    assert working.completion == D("0.25") and working.timeliness == D("0.25")
    assert working.index == D("25.0")  # (40 % × 0.25 + 30 % × 0.25) / 70 %
    assert working.rank < idle.rank
    assert not idle.red_list and not working.red_list


def test_every_member_unit_appears_and_one_with_nothing_assigned_is_flagged(campaign, district):
    office = district.office  # not a member unit, but it leads a task: ranked too
    tasks(campaign, office, 1, done=1)
    tasks(campaign, district.a, 2, done=1)
    Unit.objects.create(
        code="X",
        name="已撤销单位",
        kind=UnitKind.DEPARTMENT,
        is_member=True,
        is_active=False,
        parent=district.root,
    )
    scores = evaluation.unit_performance(campaign)
    names = [s.name for s in scores]
    assert set(names) == {"测试区双拥办", "甲局", "乙局", "东街道", "某部"}
    unassigned = [s for s in scores if not s.assigned]
    assert [s.name for s in unassigned] == names[-3:]  # after every ranked unit
    assert all(s.index is None and s.rank is None for s in unassigned)
    assert not any(s.red_list or s.yellow_list for s in unassigned)


def test_ties_are_broken_by_completion_then_tasks_done_then_shared(campaign, district):
    # Same index 100 for 甲局 and 乙局 (all done on time); 乙局 did more tasks.
    tasks(campaign, district.a, 1, done=1)
    tasks(campaign, district.b, 3, done=3)
    # 东街道 and 某部: equal on every key: they share a rank, listed by name.
    tasks(campaign, district.street, 2)
    tasks(campaign, district.garrison, 2)
    scores = evaluation.unit_performance(campaign)
    assert [(s.name, s.rank, s.tied) for s in scores] == [
        ("乙局", 1, False),
        ("甲局", 2, False),
        ("东街道", 3, True),
        ("某部", 3, True),
    ]


def test_the_red_list_needs_half_the_tasks_done(campaign, district, people):
    # 甲局: 2 of 5 done, on time, reports accepted: a high index, 40 % done: not commended.
    made = tasks(campaign, district.a, 5, done=2)
    ProgressReport.objects.bulk_create(
        [
            ProgressReport(
                task=t,
                unit=district.a,
                text="完成",
                percent=100,
                status="accepted",
                author=people.liaison_a,
            )
            for t in made[:2]
        ]
    )
    # 乙局: 1 of 2 done, late: a lower index, but half done: commended.
    tasks(campaign, district.b, 2, done=1, late=1, overdue_open=1)
    scores = by_name(evaluation.unit_performance(campaign))
    assert scores["甲局"].index == D("76.0") and scores["甲局"].completion == D("0.4")
    assert scores["乙局"].index < scores["甲局"].index
    assert [s.name for s in evaluation.red_list(list(scores.values()))] == ["乙局"]
    assert not scores["甲局"].red_list


def test_the_yellow_list_is_for_units_with_a_shortfall(campaign, district):
    tasks(campaign, district.a, 2)  # nothing due yet: not warned
    tasks(campaign, district.b, 2, overdue_open=2)  # both late: warned
    tasks(campaign, district.street, 5, done=1)  # one of five done, on time, none late
    scores = evaluation.unit_performance(campaign)
    assert [s.name for s in evaluation.yellow_list(scores)] == ["乙局"]


def test_the_ranking_page_shows_the_formula_and_every_unit(client, campaign, district, people):
    tasks(campaign, district.a, 2, done=1)
    client.force_login(people.leader)
    response = client.get(reverse("supervision:ranking", args=[campaign.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="ranking-formula"' in body
    for name in ("甲局", "乙局", "东街道", "某部"):
        assert f'data-unit="{name}"' in body
    client.force_login(people.liaison_b)  # the outsider: a unit's liaison sees no ranking
    assert client.get(reverse("supervision:ranking", args=[campaign.pk])).status_code == 403
