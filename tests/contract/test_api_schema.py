"""Contract test: schemathesis generates requests from the live OpenAPI schema of
/api/v1/ (a bounded number of examples per operation) and checks that no response is a
server error and every documented response matches its schema.

It runs in-process against the WSGI app on the test database, with a token of the
office (which sees every endpoint) and a little data behind each list.

``SCHEMATHESIS_EXAMPLES`` (default 25 per operation, CI's bound) raises the count for
a longer hunt by hand, e.g. ``SCHEMATHESIS_EXAMPLES=500 ./dev test tests/contract``.
"""

import datetime as dt
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from shuangyong.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The raw WSGI app closes database connections when a request ends; inside a test
    transaction that would close the test's own (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def office_key(people, campaign, district):
    from shuangyong.api import services
    from shuangyong.campaigns.models import Task
    from shuangyong.care.models import Need
    from shuangyong.coordination import services as coordination
    from shuangyong.coordination.models import Attendee, Meeting

    Task.objects.create(campaign=campaign, title="任务", lead_unit=district.a,
                        deadline=dt.date(2026, 6, 1))  # fmt: skip
    Need.objects.create(source="family", requester="某军属", category="schooling", text="入学",
                        assignee=district.a, deadline=dt.date(2099, 1, 1))  # fmt: skip
    meeting = Meeting.objects.create(campaign=campaign, kind="plenary", title="全体会议",
                                     held_on=dt.date(2026, 3, 2))  # fmt: skip
    Attendee.objects.create(meeting=meeting, person=people.liaison_a.person)
    coordination.add_decision(meeting=meeting, text="走访驻军", lead_unit=district.a,
                              deadline=dt.date(2099, 1, 1), actor=people.office)  # fmt: skip
    coordination.raise_joint_item(campaign=campaign, title="训练场地", description="",
                                  local_unit=district.a, garrison_unit=district.garrison,
                                  actor=people.office)  # fmt: skip
    _token, key = services.issue_token(user=people.office, name="contract")
    return key


CALLED: dict[str, int] = {}
FAILED: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def _say_what_was_called():
    """One line per operation with its generated calls and failed ones, for CI's output
    (hypothesis replays a failing example while shrinking it, so failures count calls)."""
    yield
    print()  # off pytest's line of dots
    for label, calls in sorted(CALLED.items()):
        print(f"schemathesis: {label}: {calls} calls, {FAILED.get(label, 0)} failed")
    print(f"schemathesis: {len(CALLED)} operations, {sum(CALLED.values())} calls, "
          f"{sum(FAILED.values())} failed")  # fmt: skip


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much],
)  # fmt: skip
@pytest.mark.django_db
def test_api_contract(case, office_key):
    label = case.operation.label
    CALLED[label] = CALLED.get(label, 0) + 1
    try:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {office_key}"},
            checks=[not_a_server_error, response_schema_conformance],
        )
    except Exception:
        FAILED[label] = FAILED.get(label, 0) + 1
        raise
