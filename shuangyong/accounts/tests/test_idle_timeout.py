"""The idle timeout without a session write per request (accounts.middleware)."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD
from shuangyong.accounts.middleware import ACTIVITY_KEY

HOME = reverse("home")
LOGIN = reverse("accounts:login")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().startswith(("UPDATE", "INSERT"))
    ]


def logged_in(client, people):
    response = client.post(LOGIN, {"username": "office", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[ACTIVITY_KEY]  # the login's own write carries the time


def test_settings_keep_the_timeout_and_drop_the_write_per_request(settings):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_ACTIVITY_SECONDS == 60
    # The store keeps a session a step longer than the timeout: the middleware decides.
    assert settings.SESSION_COOKIE_AGE == 31 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_no_session_write_within_the_step(client, people):
    with time_machine.travel(START, tick=False) as clock:
        logged_in(client, people)
        client.get(HOME)  # the home page's cached facts computed: the same queries next
        with CaptureQueriesContext(connection) as first:
            assert client.get(HOME).status_code == 200
        clock.shift(dt.timedelta(seconds=59))
        with CaptureQueriesContext(connection) as second:
            assert client.get(HOME).status_code == 200
        assert session_writes(first) == [] and session_writes(second) == []
        assert len(second) == len(first)
        # A step later the time is saved again: one write, still logged in.
        clock.shift(dt.timedelta(seconds=2))
        with CaptureQueriesContext(connection) as third:
            assert client.get(HOME).status_code == 200
        assert len(session_writes(third)) == 1


def test_activity_keeps_the_session_for_hours(client, people):
    with time_machine.travel(START, tick=False) as clock:
        logged_in(client, people)
        for _ in range(8):  # a request every 25 minutes for over three hours
            clock.shift(dt.timedelta(minutes=25))
            assert client.get(HOME).status_code == 200


def test_logged_out_after_the_idle_time(client, people):
    with time_machine.travel(START, tick=False) as clock:
        logged_in(client, people)
        assert client.get(HOME).status_code == 200
        clock.shift(dt.timedelta(minutes=29, seconds=59))
        assert client.get(HOME).status_code == 200
        clock.shift(dt.timedelta(minutes=30, seconds=1))
        response = client.get(HOME)
        assert response.status_code == 302 and response.url.startswith(LOGIN)
        # The session is gone from the store, not only refused once.
        clock.shift(dt.timedelta(seconds=1))
        assert client.get(HOME).status_code == 302


def test_idle_counts_from_the_recorded_time_so_it_may_end_early_never_late(client, people):
    """Requests within the step are not recorded: idleness counts from the last saved
    time, at most one step before the real last request."""
    with time_machine.travel(START, tick=False) as clock:
        logged_in(client, people)
        clock.shift(dt.timedelta(seconds=50))
        assert client.get(HOME).status_code == 200  # not recorded (within the step)
        clock.shift(dt.timedelta(minutes=29, seconds=15))  # 30:05 after the recorded time
        assert client.get(HOME).status_code == 302


def test_a_shorter_timeout_from_the_environment(client, people, settings):
    settings.SESSION_IDLE_SECONDS = 5 * 60
    settings.SESSION_ACTIVITY_SECONDS = 30
    with time_machine.travel(START, tick=False) as clock:
        logged_in(client, people)
        clock.shift(dt.timedelta(minutes=4))
        assert client.get(HOME).status_code == 200
        clock.shift(dt.timedelta(minutes=5, seconds=1))
        assert client.get(HOME).status_code == 302


def test_no_write_on_the_first_page_after_login(client, people):
    client.force_login(people.office)
    assert client.session[ACTIVITY_KEY]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    assert session_writes(queries) == []


def test_a_page_polling_by_itself_does_not_keep_the_session_alive(client, people):
    # The readiness pack's progress polls every second while the pack waits: a tab left
    # open on it must still time out.
    with time_machine.travel(START, tick=False) as clock:
        logged_in(client, people)
        for _ in range(40):  # 40 minutes of polling, no click
            clock.shift(dt.timedelta(minutes=1))
            client.get(HOME, headers={"X-Sy-Poll": "1"})
        response = client.get(HOME)
        assert response.status_code == 302 and response.url.startswith(LOGIN)
