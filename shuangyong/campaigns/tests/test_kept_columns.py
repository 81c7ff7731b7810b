"""The kept columns (Task.light_color, light_on, latest_report_*) against the computation
they replace, over random sequences of the writes that change them (issue 19)."""

import datetime as dt
import importlib
import os
from unittest import mock

import pytest
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from shuangyong.campaigns import lights, responsibility
from shuangyong.campaigns.models import LightRules, ProgressReport, ReviewStatus, Task

START = dt.date(2026, 6, 1)


def oracle(campaign, today) -> dict[int, tuple]:
    """What the pages used to work out per request: the latest report by a subquery, the
    light from it (the pre-issue-19 task_rows and campaign_lights)."""
    rules = LightRules.for_campaign(campaign)
    latest = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-submitted_at", "-id")
    rows = Task.objects.filter(campaign=campaign).annotate(
        status=Subquery(latest.values("status")[:1]),
        at=Subquery(latest.values("submitted_at")[:1]),
    )
    return {
        t.pk: (
            lights.light(
                deadline=t.deadline,
                progress=t.progress,
                last_report=t.status,
                veto=bool(t.criterion and t.criterion.is_veto),
                today=today,
                rules=rules,
            ).color,
            t.status or "",
            t.at,
        )
        for t in rows.select_related("criterion")
    }


def kept(campaign, *, fresh_on=None) -> dict[int, tuple]:
    rows = Task.objects.filter(campaign=campaign)
    if fresh_on is not None:
        rows = rows.filter(light_on=fresh_on)
    return {
        pk: (color, status, at)
        for pk, color, status, at in rows.values_list(
            "pk", "light_color", "latest_report_status", "latest_report_at"
        )
    }


def kept_machine(campaign, district, people, standard):
    veto = standard.criteria.filter(is_veto=True).first()
    plain = standard.criteria.exclude(rule_type="").filter(is_veto=False).first()

    class KeptColumns(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.today = START
            self.clock = mock.patch("django.utils.timezone.localdate", lambda *a, **k: self.today)
            self.clock.start()
            self.tasks: list[int] = []

        def teardown(self):
            self.clock.stop()
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def _task(self, pick: int) -> Task:
            return Task.objects.get(pk=self.tasks[pick % len(self.tasks)])

        @initialize(n=st.integers(1, 3), due=st.integers(-5, 20))
        def start(self, n, due):
            for i in range(n):
                self.new_task(due=due + i, is_veto=False, bulk=False)

        @rule(due=st.integers(-5, 30) | st.none(), is_veto=st.booleans(), bulk=st.booleans())
        def new_task(self, due, is_veto, bulk):
            task = Task(
                campaign=campaign,
                title=f"任务{len(self.tasks)}",
                lead_unit=district.a,
                criterion=veto if is_veto else plain,
                deadline=None if due is None else self.today + dt.timedelta(days=due),
            )
            if bulk:  # an import: no signal, no light_on until a page or the worker
                Task.objects.bulk_create([task])
            else:
                task.save()
            self.tasks.append(task.pk)

        @rule(pick=st.integers(0, 9), progress=st.integers(0, 100), move=st.integers(-10, 10))
        def edit_task(self, pick, progress, move):
            task = self._task(pick)
            task.progress = progress
            if task.deadline:
                task.deadline += dt.timedelta(days=move)
            task.save()

        @rule(pick=st.integers(0, 9), percent=st.integers(0, 100))
        def submit(self, pick, percent):
            responsibility.submit_report(
                task=self._task(pick), user=people.liaison_a, text="进展", percent=percent
            )

        @rule(pick=st.integers(0, 9), accept=st.booleans())
        def review(self, pick, accept):
            waiting = list(
                ProgressReport.objects.filter(
                    task__campaign=campaign, status=ReviewStatus.SUBMITTED
                ).order_by("pk")
            )
            if waiting:
                responsibility.review_report(
                    report=waiting[pick % len(waiting)],
                    accept=accept,
                    note="" if accept else "材料不全",
                    reviewer=people.office,
                )

        @rule(pick=st.integers(0, 9))
        def delete_report(self, pick):
            reports = list(ProgressReport.objects.filter(task__campaign=campaign).order_by("pk"))
            if reports:
                reports[pick % len(reports)].delete()

        @rule(yellow=st.integers(3, 30), red=st.integers(0, 3), below=st.integers(0, 100))
        def change_rules(self, yellow, red, below):
            rules = LightRules.for_campaign(campaign)
            rules.yellow_days, rules.red_days = yellow, red
            rules.yellow_below, rules.red_below = below, below // 2
            rules.save()

        @rule(days=st.integers(1, 5))
        def days_pass(self, days):
            self.today += dt.timedelta(days=days)

        @rule()
        def worker_or_page(self):
            lights.refresh_stale(campaign=campaign)
            assert kept(campaign) == oracle(campaign, self.today)

        @invariant()
        def fresh_rows_are_right(self):
            # A row that says it was worked out today must be exactly what the old
            # computation gives; rows not yet worked out are what pages refresh first.
            expected = oracle(campaign, self.today)
            for pk, found in kept(campaign, fresh_on=self.today).items():
                assert found == expected[pk], (pk, found, expected[pk])

    return KeptColumns


@pytest.mark.django_db
def test_kept_columns_match_the_computation_after_any_writes(campaign, district, people, standard):
    run_state_machine_as_test(
        kept_machine(campaign, district, people, standard),
        settings=settings(
            max_examples=int(os.environ.get("KEPT_EXAMPLES", "25")),
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_a_bulk_write_is_caught_up_by_the_next_page_or_the_worker(campaign, district):
    [task] = Task.objects.bulk_create(
        [Task(campaign=campaign, title="导入", lead_unit=district.a, deadline=START)]
    )
    assert Task.objects.get(pk=task.pk).light_on is None
    assert lights.refresh_stale(campaign=campaign) == 1
    task.refresh_from_db()
    assert task.light_on == timezone.localdate() and task.light_color == lights.RED  # overdue
    assert lights.refresh_stale(campaign=campaign) == 0


def test_the_data_migration_fills_the_columns(campaign, district):
    from django.apps import apps

    fill = importlib.import_module(
        "shuangyong.campaigns.migrations.0008_task_kept_light_and_latest_report"
    ).fill
    tasks = Task.objects.bulk_create(
        [
            Task(campaign=campaign, title=f"任务{i}", lead_unit=district.a, deadline=START)
            for i in range(3)
        ]
    )
    ProgressReport.objects.bulk_create(
        [
            ProgressReport(task=tasks[0], unit=district.a, text="a", percent=10),
            ProgressReport(task=tasks[0], unit=district.a, text="b", percent=20, status="returned"),
        ]
    )
    fill(apps, None)
    assert kept(campaign) == oracle(campaign, timezone.localdate())
    assert Task.objects.get(pk=tasks[0].pk).latest_report_status == "returned"
