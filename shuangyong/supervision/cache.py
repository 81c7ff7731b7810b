"""The campaign figures that are expensive and shared, cached: the live score and the ranking.

A cached figure's key carries its campaign's version, a global version and the day:
a write that changes a campaign's figures bumps that campaign's version (so the
next page computes them afresh), a write in an app whose records the measures count
(care, defence, coordination… whichever registered a measure), or to the units,
bumps the global version, and a new day is a new key (overdue tasks, measures "as of
today"). ``TIMEOUT`` bounds what a write that sends no signal (a bulk update
outside the paths that refresh tasks) can leave stale. The versions and their bumps
(at once and again at commit) are ``core.cache``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone, translation

from shuangyong.core import cache as versioned

TIMEOUT = 300  # seconds
EVERY_CAMPAIGN = "supervision:campaigns"


def _of(campaign_id: int) -> str:
    return f"supervision:campaign:{campaign_id}"


def bump(campaign_id: int) -> None:
    """The campaign's cached figures are stale (now, and again when the write commits)."""
    versioned.bump(_of(campaign_id))


def bump_all() -> None:
    """Every campaign's cached figures are stale (units, measures' records)."""
    versioned.bump(EVERY_CAMPAIGN)


def cached(
    campaign: Any, name: str, compute: Callable[[], Any], *, today: dt.date | None = None
) -> Any:
    """``compute()`` for the campaign, from the cache while nothing it reads has changed."""
    today = today or timezone.localdate()
    # created_at tells apart campaigns that share an id (a restored or recreated database).
    born = int(campaign.created_at.timestamp() * 1_000_000) if campaign.created_at else 0
    parts = (name, campaign.pk, born, today.isoformat(), translation.get_language() or "")
    return versioned.cached(parts, (_of(campaign.pk), EVERY_CAMPAIGN), compute, timeout=TIMEOUT)
