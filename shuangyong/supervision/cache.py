"""The campaign figures that are expensive and shared, cached: the live score and the ranking.

A cached figure's key carries its campaign's version, a global version and the day:
a write that changes a campaign's figures bumps that campaign's version (so the
next page computes them afresh), a write in an app whose records the measures count
(care, defence, coordination… whichever registered a measure), or to the units,
bumps the global version, and a new day is a new key (overdue tasks, measures "as of
today"). ``TIMEOUT`` bounds what a write that sends no signal (a bulk update
outside the paths that refresh tasks) can leave stale.

Uses ``django.core.cache`` (local memory unless settings name another backend);
a version is created with a timestamp, not 1, so an evicted version never brings
back an older figure.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone, translation

TIMEOUT = 300  # seconds
PREFIX = "sy:supervision"


def _version(key: str) -> int:
    found = cache.get(key)
    if found is None:
        cache.add(key, time.time_ns(), timeout=None)
        found = cache.get(key)
    return found


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # never set, or evicted: any fresh value is new
        cache.set(key, time.time_ns(), timeout=None)


def bump(campaign_id: int) -> None:
    """The campaign's cached figures are stale."""
    _bump(f"{PREFIX}:campaign:{campaign_id}:version")


def bump_all() -> None:
    """Every campaign's cached figures are stale (units, measures' records)."""
    _bump(f"{PREFIX}:version")


def cached(campaign, name: str, compute: Callable, *, today: dt.date | None = None):
    """``compute()`` for the campaign, from the cache while nothing it reads has changed."""
    today = today or timezone.localdate()
    # created_at tells apart campaigns that share an id (a restored or recreated database).
    born = int(campaign.created_at.timestamp() * 1_000_000) if campaign.created_at else 0
    key = ":".join(
        str(part)
        for part in (
            PREFIX,
            name,
            campaign.pk,
            born,
            today.isoformat(),
            translation.get_language() or "",  # figures carry translated reasons
            _version(f"{PREFIX}:campaign:{campaign.pk}:version"),
            _version(f"{PREFIX}:version"),
        )
    )
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=TIMEOUT)
    return found
