"""Kept pages answer what a page made afresh would, whatever the order (hypothesis stateful).

A state machine interleaves, in any order: people opening the home page, the task list
and the campaign's page (two of the office, whose pages are shared, unit A's liaison and
two of the district's care officers), and writes that change what those pages show or
who may see them — a task retitled in bulk (no signal), a notification arriving and
being read, an account's role changed, a person moved to another unit, a new login, a
batch computed by one of them and approved (a care officer's to-do leaves out the batch
they computed). After every page opened: the answer (from the session's copy, the shared
page, or made) is, but for its tokens, byte for byte what the same person gets from the
page made afresh with nothing kept, and has the same status (a role that may not see the
page gets its 403, never a kept page).
"""

from __future__ import annotations

import itertools
import os
import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from conftest import make_user
from shuangyong.access import Role
from shuangyong.campaigns.models import Task
from shuangyong.care.models import PaymentBatch
from shuangyong.core import pagecache
from shuangyong.messaging.models import Notification
from shuangyong.org.models import Person, User

pytestmark = pytest.mark.django_db(transaction=True)

BACKEND = "shuangyong.accounts.backends.ModelBackendKeepingUsers"
PEOPLE = ["office", "office2", "liaison_a", "care", "care2"]
ROLES = [Role.OFFICE, Role.UNIT_LIAISON, Role.AUDITOR, Role.CARE_OFFICER]
TITLES = ["走访慰问", "双拥宣传", "拥军优属", "军民共建"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def without_tokens(response) -> str:
    page = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())
    return re.sub(r'(name="form_token" value=")[^"]+"', r"\1FORM", page)


def page_machine(people, district, campaign):
    users = {
        "office": people.office,
        "office2": make_user("office2", Role.OFFICE, district.office, name="林二"),
        "liaison_a": people.liaison_a,
        # Two care officers of the whole district, in the office's unit (an office member
        # given the role shares their view): the batch one computes waits for the other.
        "care": make_user(
            "care_d", Role.CARE_OFFICER, district.office, name="蔡区", scope_unit=district.root
        ),
        "care2": make_user(
            "care_d2", Role.CARE_OFFICER, district.office, name="蔡二", scope_unit=district.root
        ),
    }
    first = {
        name: (user.role, user.person.unit_id, user.scope_unit_id) for name, user in users.items()
    }
    units = {"office": district.office, "a": district.a, "b": district.b}
    tasks = [
        Task.objects.create(campaign=campaign, title=title, lead_unit=unit)
        for title, unit in zip(
            TITLES, [district.a, district.b, district.a, district.office], strict=True
        )
    ]
    pages = [
        "/",
        reverse("campaigns:task_list", args=[campaign.pk]),
        reverse("campaigns:campaign_detail", args=[campaign.pk]),
    ]
    keys = itertools.count()

    class PageMachine(RuleBasedStateMachine):
        @initialize()
        def start(self):
            cache.clear()
            for name, (role, unit_id, scope_id) in first.items():
                User.objects.filter(pk=users[name].pk).update(role=role, scope_unit_id=scope_id)
                Person.objects.filter(pk=users[name].person_id).update(unit_id=unit_id)
            self.clients = {name: logged_in(user) for name, user in users.items()}

        @rule(page=st.sampled_from(pages), order=st.permutations(PEOPLE))
        def everyone_opens(self, page, order):
            """Everyone opens the page, one after another in the order drawn: who comes
            first makes what the others may be answered from."""
            for who in order:
                answer = self.clients[who].get(page)
                with mock.patch.object(pagecache, "enabled", return_value=False):
                    fresh = logged_in(User.objects.get(pk=users[who].pk)).get(page)
                assert answer.status_code == fresh.status_code, (who, page)
                if answer.status_code == 200:
                    assert without_tokens(answer) == without_tokens(fresh), (
                        who,
                        page,
                        answer.get(pagecache.HIT_HEADER),
                    )

        @rule(task=st.sampled_from(range(len(TITLES))), title=st.sampled_from(TITLES))
        def retitle_a_task_in_bulk(self, task, title):
            Task.objects.filter(pk=tasks[task].pk).update(title=f"{title}{task}")

        @rule(who=st.sampled_from(PEOPLE))
        def notify(self, who):
            Notification.objects.create(
                recipient=users[who], kind="x", title="新通知", key=f"k{next(keys)}"
            )

        @rule(who=st.sampled_from(PEOPLE))
        def read_notifications(self, who):
            Notification.objects.filter(recipient=users[who]).update(read_at=timezone.now())

        @rule(who=st.sampled_from(PEOPLE), role=st.sampled_from(ROLES))
        def change_role(self, who, role):
            # A care officer of the whole district: the one whose to-do lists batches.
            scope = district.root if role == Role.CARE_OFFICER else None
            User.objects.filter(pk=users[who].pk).update(role=role, scope_unit=scope)

        @rule(who=st.sampled_from(PEOPLE), unit=st.sampled_from(sorted(units)))
        def move_to_another_unit(self, who, unit):
            Person.objects.filter(pk=users[who].person_id).update(unit=units[unit])

        @rule(who=st.sampled_from(PEOPLE))
        def compute_a_batch(self, who):
            PaymentBatch.objects.create(
                programme="living", kind="regular", period=f"2026-{next(keys)}",
                first_month=1, last_month=1, computed_by=users[who], computed_at=timezone.now(),
            )  # fmt: skip

        @rule()
        def approve_the_batches(self):
            PaymentBatch.objects.filter(status="draft").update(status="approved")

        @rule(who=st.sampled_from(PEOPLE))
        def log_in_again(self, who):
            self.clients[who] = logged_in(User.objects.get(pk=users[who].pk))

    return PageMachine


@pytest.mark.slow
def test_kept_pages_answer_what_a_fresh_making_would_in_any_order(
    people, district, campaign, settings_page_cache
):
    run_state_machine_as_test(
        page_machine(people, district, campaign),
        settings=settings(
            max_examples=int(os.environ.get("PAGE_EXAMPLES", "30")),
            stateful_step_count=int(os.environ.get("PAGE_STEPS", "20")),
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


@pytest.fixture
def settings_page_cache(settings):
    settings.PAGE_CACHE = True
