"""The hash chain: how an event is hashed, appended, verified and pruned.

Each event's hash is SM3 over its previous hash and a canonical JSON form of
its content (number, time, action, actor, object, changes, detail). Editing
any field of any event, deleting one, or renumbering breaks the chain at
that point; ``verify`` names the first event where it breaks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, cast

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.audit.models import GENESIS_HASH, Anchor, AuditEvent, ChainHead

HASHED_FIELDS = (
    "seq", "at", "action", "actor_id", "actor_name", "actor_unit_id", "actor_unit_name", "ip",
    "object_type", "object_id", "object_repr", "object_unit_id", "changes", "detail",
)  # fmt: skip


def _canonical_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def content_hash(prev_hash: str, values: dict[str, Any]) -> str:
    """SM3 of the previous hash and the event's canonical content."""
    content = {name: values[name] for name in HASHED_FIELDS}
    content["at"] = _canonical_time(content["at"])
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.new("sm3", (prev_hash + text).encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """JSON leaves as the database gives them back: str, int, bool or None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


_TEXT_LIMITS = {
    name: cast(models.Field[Any, Any], AuditEvent._meta.get_field(name)).max_length
    for name in ("actor_name", "actor_unit_name", "ip", "object_type", "object_id", "object_repr")
}


def append(**values: Any) -> AuditEvent:
    """Append one event at the head of the chain, in the caller's transaction.

    The chain head row is locked (SELECT … FOR UPDATE; SQLite's write lock does
    the same), so concurrent writers queue instead of forking the chain.
    """
    with transaction.atomic(savepoint=False):
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = ChainHead.objects.create(pk=1)
            head = ChainHead.objects.select_for_update().get(pk=1)
        values = {
            "at": timezone.now(),
            "changes": {},
            "detail": {},
            "actor_id": None,
            "actor_unit_id": None,
            "object_unit_id": None,
            **values,
        }
        values["changes"] = _plain(values["changes"])
        values["detail"] = _plain(values["detail"])
        for name, limit in _TEXT_LIMITS.items():
            # cut to the column: a typed id or name too long to keep must not turn the
            # action it records into a database error (PostgreSQL enforces the length)
            values[name] = str(values.get(name) or "")[:limit]
        values["seq"] = head.last_seq + 1
        values["hash"] = content_hash(head.last_hash, values)
        event = AuditEvent(prev_hash=head.last_hash, **values)
        event.save()
        head.last_seq, head.last_hash = event.seq, event.hash
        head.save(update_fields=["last_seq", "last_hash"])
        return event


@dataclass
class Verdict:
    intact: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""


def verify(chunk_size: int = 2000) -> Verdict:
    """Walk the chain from its anchor; report the first broken event, or intact."""
    anchor = Anchor.objects.order_by("-first_seq").first()
    expected_prev = anchor.prev_hash if anchor else GENESIS_HASH
    expected_seq = anchor.first_seq if anchor else 1
    count = 0
    rows = AuditEvent.objects.order_by("seq").values(*HASHED_FIELDS, "prev_hash", "hash")
    for row in rows.iterator(chunk_size=chunk_size):
        seq = row["seq"]
        if seq != expected_seq:
            if seq > expected_seq:
                reason = _("events #%(a)d–#%(b)d are missing") % {"a": expected_seq, "b": seq - 1}
            else:
                reason = _("event #%(n)d is out of order") % {"n": seq}
            return Verdict(False, count, seq, reason)
        if row["prev_hash"] != expected_prev:
            return Verdict(False, count, seq, _("its link to the previous event is broken"))
        if content_hash(row["prev_hash"], row) != row["hash"]:
            return Verdict(False, count, seq, _("its content was changed after it was written"))
        expected_prev, expected_seq = row["hash"], expected_seq + 1
        count += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head and (head.last_seq != expected_seq - 1 or head.last_hash != expected_prev):
        reason = _("events after #%(n)d are missing (the chain head is at #%(head)d)") % {
            "n": expected_seq - 1,
            "head": head.last_seq,
        }
        return Verdict(False, count, expected_seq, reason)
    return Verdict(True, count)


@transaction.atomic
def prune(*, before: dt.datetime) -> int:
    """Delete the events older than ``before`` and anchor the first one kept.

    Only a prefix of the chain can go (never a hole in the middle), so what is
    kept verifies from the anchor. Returns how many events were removed.
    """
    ChainHead.objects.select_for_update().filter(pk=1).first()
    first_kept = AuditEvent.objects.filter(at__gte=before).order_by("seq").first()
    if first_kept is None:
        return 0
    old = AuditEvent.objects.filter(seq__lt=first_kept.seq)
    if not old.exists():
        return 0
    removed = old.count()
    Anchor.objects.create(first_seq=first_kept.seq, prev_hash=first_kept.prev_hash, pruned=removed)
    old.delete()
    return removed
