"""Contract test: schemathesis, with every one of its checks, against a live server.

The OpenAPI document the server publishes at /api/v1/openapi.json is the contract. A
live server (a thread on the test database, the way the browser tests run it) answers
requests schemathesis generates from it — valid ones and deliberately invalid ones —
for each role that uses the API, and every check runs on every answer: no server error,
every status documented with its body in the documented shape, valid requests accepted
(2xx, or 401/403/404/409 — a refusal the document lists), invalid ones rejected with a
4xx, no answer without a token, 405 with ``Allow`` for an undocumented method…

Each role's world is a little data behind every list and object: a campaign with a
task, an order, a notice, a meeting, a joint item, a conscription campaign and a
candidate, a placement case, an entitled person. The generated requests change it as
they may (a liaison signs the order, the office closes a decision…): that is the point.

``SCHEMATHESIS_EXAMPLES`` (default 6 per operation and role, CI's bound) raises the
count for a longer hunt by hand, e.g. ``SCHEMATHESIS_EXAMPLES=200 ./dev test tests/contract``.
"""

import datetime as dt
import logging
import os
from types import SimpleNamespace

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from shuangyong.api.v1 import api

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))
ROLES = ("office", "liaison_a", "care", "military")

DOCUMENT = api.get_openapi_schema(path_prefix="/api/v1")


def _schema(*, coverage: bool):
    """The document, with every check schemathesis has (each is on unless switched off;
    none is), ``EXAMPLES`` generated cases per operation (valid and invalid ones), and —
    for the office's run — the coverage phase's boundary and missing-part cases too."""
    config = {
        "generation": {"max-examples": EXAMPLES},
        "checks": {"enabled": True},
        "phases": {"coverage": {"enabled": coverage}},
    }
    return schemathesis.openapi.from_dict(DOCUMENT, config=SchemathesisConfig.from_dict(config))


FULL, FUZZ = _schema(coverage=True), _schema(coverage=False)


def _world():
    """Units, one account per role, a token each, and a record behind every endpoint."""
    from shuangyong.access import Role
    from shuangyong.api import services
    from shuangyong.campaigns.models import Campaign, Task
    from shuangyong.care import registry
    from shuangyong.care.models import EntitledPerson, Need
    from shuangyong.coordination import services as coordination
    from shuangyong.coordination.models import Attendee, Meeting
    from shuangyong.defence.models import Candidate, ConscriptionCampaign, PlacementCase
    from shuangyong.org.models import Person, Unit, UnitKind, User
    from shuangyong.standards.demo import example_standard
    from shuangyong.supervision import orders

    root = Unit.objects.create(code="D", name="测试区", kind=UnitKind.DISTRICT)
    office_unit = Unit.objects.create(code="O", name="双拥办", kind=UnitKind.DEPARTMENT,
                                      parent=root)  # fmt: skip
    unit_a = Unit.objects.create(code="A", name="甲局", kind=UnitKind.DEPARTMENT, parent=root,
                                 is_member=True)  # fmt: skip
    street = Unit.objects.create(code="S", name="东街道", kind=UnitKind.STREET, parent=root,
                                 is_member=True)  # fmt: skip
    garrison = Unit.objects.create(code="G", name="某部", kind=UnitKind.GARRISON, parent=root,
                                   is_member=True)  # fmt: skip

    def user(username, role, unit):
        person = Person.objects.create(name=f"{username}人", unit=unit, position="联络员")
        account = User(username=username, role=role, person=person)
        account.set_unusable_password()
        account.save()
        return account

    people = SimpleNamespace(
        office=user("office", Role.OFFICE, office_unit),
        liaison_a=user("liaison_a", Role.UNIT_LIAISON, unit_a),
        care=user("care", Role.CARE_OFFICER, street),
        military=user("military", Role.MILITARY_LIAISON, garrison),
    )
    campaign = Campaign.objects.create(name="创建", standard=example_standard(),
                                       district=root, start_year=2025, end_year=2028,
                                       target_score=90)  # fmt: skip
    far = dt.date.today() + dt.timedelta(days=400)
    task = Task.objects.create(campaign=campaign, title="任务", lead_unit=unit_a, deadline=far)
    Need.objects.create(source="family", requester="某军属", category="schooling", text="入学",
                        assignee=unit_a, deadline=far)  # fmt: skip
    meeting = Meeting.objects.create(campaign=campaign, kind="plenary", title="全体会议",
                                     held_on=dt.date(2026, 3, 2))  # fmt: skip
    Attendee.objects.create(meeting=meeting, person=people.liaison_a.person)
    coordination.add_decision(meeting=meeting, text="走访驻军", lead_unit=unit_a, deadline=far,
                              actor=people.office)  # fmt: skip
    coordination.raise_joint_item(campaign=campaign, title="训练场地", description="",
                                  local_unit=unit_a, garrison_unit=garrison,
                                  actor=people.office)  # fmt: skip
    coordination.send_notice(author=people.office, title="通知", body="请报送", units=[unit_a],
                             requires_reply=True, reply_deadline=far)  # fmt: skip
    orders.issue(campaign=campaign, unit=unit_a, tasks=[task], level="general", subject="督办",
                 requirement="按期完成", deadline=far, actor=people.office)  # fmt: skip
    drive = ConscriptionCampaign.objects.create(year=2026, half=1, quota=10)
    Candidate.objects.create(campaign=drive, name="应征", id_number="110101200601010011",
                             birth_date=dt.date(2006, 1, 1), street=street,
                             education="high_school")  # fmt: skip
    PlacementCase.objects.create(name="退役", id_number="110101199001010012", kind="soldier",
                                 method="arranged_job", street=street,
                                 discharged_on=dt.date(2026, 1, 5))  # fmt: skip
    person = EntitledPerson.objects.create(name="优抚", id_number="110101195001010013",
                                           sex="M", birth_date=dt.date(1950, 1, 1),
                                           street=street)  # fmt: skip
    registry.add_entitlement(person=person, category="disabled_veteran", grade=6, cause="war",
                             approved_on=dt.date(2026, 1, 10), actor=people.care)  # fmt: skip
    keys = {
        role: services.issue_token(user=getattr(people, role), name="contract")[1] for role in ROLES
    }
    return keys


@pytest.fixture(scope="module")
def live(django_db_setup, django_db_blocker):
    """A live server on the test database with the world in it (committed: the server's
    thread reads it through its own connection on PostgreSQL); emptied afterwards, as
    pytest-django empties the database after every live-server test."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        keys = _world()
        server = LiveServer("127.0.0.1")
        try:
            yield SimpleNamespace(url=server.url, keys=keys)
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def server(live):
    """The live server for one test. The test runs in a transaction (rolled back after
    it: on SQLite the server's thread shares the test's connection, so each role starts
    from the same world); the server must not close that connection after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    quiet = logging.getLogger("django.request")
    level, quiet.level = quiet.level, logging.CRITICAL  # every 4xx provoked on purpose
    yield live
    quiet.level = level
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


pytestmark = pytest.mark.django_db


def test_the_live_document_is_the_one_tested(server):
    import requests

    live = requests.get(f"{server.url}/api/v1/openapi.json", timeout=10).json()
    assert live == DOCUMENT


def _token(case, key: str) -> dict:
    """The role's token in place of the generated one; none where the generator left the
    header out on purpose (a negative case: the answer must be 401)."""
    sent = {name.lower() for name in (case.headers or {})}
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    if negative and "authorization" not in sent:
        return {}
    return {"Authorization": f"Bearer {key}"}


@FULL.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_contract_as_the_office(case, server, record_property):
    _call(case, "office", server, record_property)


@pytest.mark.parametrize("role", ROLES[1:])
@FUZZ.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_contract_as(case, role, server, record_property):
    _call(case, role, server, record_property)


def _call(case, role, server, record_property):
    # One call of this operation as this role, added up at the end of the run (conftest.py
    # prints calls per operation and role; hypothesis replays a failing example while
    # shrinking it, so a failure adds calls).
    record_property("counts", ("schemathesis", f"{case.operation.label} as {role}", 1))
    case.call_and_validate(base_url=server.url, headers=_token(case, server.keys[role]))
