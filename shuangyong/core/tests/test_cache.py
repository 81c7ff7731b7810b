"""Versioned cache keys (core.cache) and the cache and session configuration."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.db import transaction

from shuangyong.core.cache import VERSION_PREFIX, bump, cached

pytestmark = pytest.mark.django_db  # bump looks at the transaction


def _clear_local_cache():
    from django.conf import settings

    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):  # never flush Redis
        cache.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    _clear_local_cache()
    yield
    _clear_local_cache()


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"calls": self.calls}


def test_computed_once_then_read():
    compute = Counter()
    assert cached(["ranking", 7], "scores:7", compute) == {"calls": 1}
    assert cached(["ranking", 7], "scores:7", compute) == {"calls": 1}
    assert compute.calls == 1
    # Other key parts, other values; the same version.
    assert cached(["ranking", 8], "scores:7", compute) == {"calls": 2}


def test_a_bump_invalidates_every_value_of_its_version_only():
    ranking, lights, other = Counter(), Counter(), Counter()
    cached(["ranking"], "scores:7", ranking)
    cached(["lights", "unit", 3], "scores:7", lights)
    cached(["ranking"], "scores:8", other)
    bump("scores:7")
    cached(["ranking"], "scores:7", ranking)
    cached(["lights", "unit", 3], "scores:7", lights)
    cached(["ranking"], "scores:8", other)
    assert (ranking.calls, lights.calls, other.calls) == (2, 2, 1)


def test_bumped_at_once_and_again_when_the_write_commits(django_capture_on_commit_callbacks):
    compute = Counter()
    cached([], "scores:7", compute)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        bump("scores:7")
        cached([], "scores:7", compute)  # the writer reads its own change
        assert compute.calls == 2
        # Another process reading now sees the data before the commit and caches it.
        cached([], "scores:7", compute)
    cached([], "scores:7", compute)  # the commit's bump drops that
    assert compute.calls == 3


def test_a_lost_version_never_brings_back_old_values():
    compute = Counter()
    cached([], "scores:7", compute)
    cache.delete(VERSION_PREFIX + "scores:7")  # evicted, or Redis restarted
    cached([], "scores:7", compute)
    assert compute.calls == 2
    bump("scores:9")  # bumping a version never read starts it
    assert cache.get(VERSION_PREFIX + "scores:9")


def test_none_is_a_value_like_any_other():
    calls = []
    for _ in range(2):
        cached([], "empty", lambda: calls.append(1))
    assert calls == [1]


def _settings_in_a_subprocess(**env):
    code = (
        "import json; from shuangyong import settings as s; "
        "print(json.dumps([s.CACHES['default']['BACKEND'], s.SESSION_ENGINE]))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL")}
    out = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def test_redis_when_configured_local_memory_otherwise():
    assert _settings_in_a_subprocess() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]
    # Sessions go through the cache only when it is shared: a per-process copy would
    # keep a logged-out session alive in the other processes.
    assert _settings_in_a_subprocess(REDIS_URL="redis://127.0.0.1:6379/3") == [
        "shuangyong.core.redis_cache.RedisCache",
        "shuangyong.core.sessions",  # cached_db that reads a kept page along
    ]
    assert _settings_in_a_subprocess(CACHE_URL="redis://127.0.0.1:6379/3")[0].endswith("RedisCache")


def _redis_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_versioned_keys_on_redis(settings):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "shuangyong.core.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",
            "KEY_PREFIX": "sy-test-" + secrets.token_hex(4),
        }
    }
    try:
        compute = Counter()
        cached(["x"], "scores:1", compute, timeout=30)
        cached(["x"], "scores:1", compute, timeout=30)
        bump("scores:1")
        cached(["x"], "scores:1", compute, timeout=30)
        assert compute.calls == 2
    finally:
        caches["default"].delete(VERSION_PREFIX + "scores:1")  # the values expire


def test_a_value_taken_from_the_cache_counts_the_tables_it_was_made_from_as_read(district):
    from shuangyong.core.cache import reading
    from shuangyong.org.models import Unit

    def names():
        return sorted(Unit.objects.values_list("name", flat=True))

    with reading() as made:
        first = cached(("names",), "units", names)
    with reading() as taken:  # a hit: no statement, yet the units were read
        assert cached(("names",), "units", names) == first
    assert "org_unit" in made and "org_unit" in taken
    with reading() as outer, reading() as inner:
        Unit.objects.count()
    assert "org_unit" in outer and "org_unit" in inner  # nested blocks both see it
