"""The outbox: deliveries are written with the change that causes them, sent by the worker.

``enqueue`` / ``enqueue_many`` add deliveries (a repeat of channel, address and
key is ignored, so nothing is sent twice); ``work`` sends the ones that are due,
retrying failures with a growing delay until the channel's ``max_attempts``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from shuangyong.messaging import channels
from shuangyong.messaging.http import Undeliverable
from shuangyong.messaging.models import Delivery, DeliveryStatus

if TYPE_CHECKING:
    from shuangyong.org.models import User

# A claimed delivery is not taken by another worker for this long (a crashed worker's
# deliveries are tried again after it).
LEASE = dt.timedelta(minutes=5)
# Deliveries are claimed a few at a time and their results written before the next few
# are claimed: a claim must be settled within its lease (10 sends of at most two 10-second
# calls each), or a second worker would take the same rows and send them again.
CLAIM = 10
FIRST_RETRY = dt.timedelta(minutes=1)
MAX_RETRY = dt.timedelta(hours=6)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the n-th failed attempt: 1, 2, 4, 8… minutes, at most six hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)


def enqueue(
    *,
    channel: str,
    address: str,
    key: str,
    event: str,
    payload: dict[str, Any],
    user: User | None = None,
) -> bool:
    """Queue one delivery; False when this channel, address and key were queued before."""
    return (
        enqueue_many(
            [
                Delivery(
                    channel=channel,
                    address=address,
                    key=key,
                    event=event,
                    payload=payload,
                    user=user,
                )
            ]
        )
        == 1
    )


def enqueue_many(deliveries: list[Delivery]) -> int:
    """Queue deliveries in one insert, skipping any already queued; returns how many were new.

    Rules: the channel must be registered; (channel, address, key) is queued once.
    """
    if not deliveries:
        return 0
    now = timezone.now()
    for delivery in deliveries:
        if channels.get(delivery.channel) is None:
            raise ValueError(f"unknown channel {delivery.channel!r}")
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now
    triples = {(d.channel, d.address, d.key) for d in deliveries}
    before = set(
        Delivery.objects.filter(key__in={k for _c, _a, k in triples}).values_list(
            "channel", "address", "key"
        )
    )
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(triples - before)


def _claim(now: dt.datetime, limit: int) -> list[Delivery]:
    with transaction.atomic():
        due = Delivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRY], next_attempt_at__lte=now
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        batch = list(due[:limit])
        Delivery.objects.filter(pk__in=[d.pk for d in batch]).update(
            next_attempt_at=now + LEASE, attempts=F("attempts") + 1
        )
    for delivery in batch:
        delivery.attempts += 1
    return batch


def work(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send the deliveries that are due, at most ``limit``; returns how many went each way.

    Rules: a success is marked delivered; a failure is tried again after
    ``backoff(attempts)`` until the channel's ``max_attempts``, then given up; an
    ``Undeliverable`` answer is given up at once. Each delivery is claimed before it
    is sent, ``CLAIM`` at a time with their results written before the next claim, so
    two workers never send the same one.
    """
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "gave_up": 0}
    claimed = 0
    while claimed < limit:
        batch = _claim(now, min(CLAIM, limit - claimed))
        if not batch:
            break
        _send(batch, now, counts)
        claimed += len(batch)
    return counts


def _send(batch: list[Delivery], now: dt.datetime, counts: dict[str, int]) -> None:
    """Send one claimed batch and write every result (sent, retry later, given up)."""
    by_channel: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in batch:
        by_channel[delivery.channel].append(delivery)
    for name, deliveries in by_channel.items():
        channel = channels.get(name)
        if channel is None:
            results: list[Exception | None] = [Undeliverable("unknown channel")] * len(deliveries)
        else:
            try:
                results = channel.send_batch(deliveries)
            except Exception as broken:  # a channel that breaks must not stop the others
                results = [broken] * len(deliveries)
        for delivery, error in zip(deliveries, results, strict=True):
            if error is None:
                delivery.status = DeliveryStatus.SENT
                delivery.delivered_at = timezone.now()
                delivery.last_error = ""
                delivery.next_attempt_at = None
            elif isinstance(error, Undeliverable) or delivery.attempts >= (
                channel.max_attempts if channel else 1
            ):
                delivery.status = DeliveryStatus.GAVE_UP
                delivery.last_error = str(error)[:500] or type(error).__name__
                delivery.next_attempt_at = None
            else:
                delivery.status = DeliveryStatus.RETRY
                delivery.last_error = str(error)[:500] or type(error).__name__
                delivery.next_attempt_at = now + backoff(delivery.attempts)
            counts[delivery.status] += 1
    Delivery.objects.bulk_update(
        batch, ["status", "delivered_at", "last_error", "next_attempt_at"], batch_size=500
    )
