"""Key rotation: re-encrypt every encrypted column with a new key, without downtime.

The new key is added to the ring and made active first, so rows written while
the rotation runs are already under the new key and every row stays readable
(each ciphertext names its key). Rows are then re-encrypted in batches, each
batch in its own short transaction; the old key is kept in the ring until a
later ``keys retire`` removes keys that no row uses any more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.apps import apps
from django.db import transaction

from shuangyong.core import crypto
from shuangyong.core.fields import EncryptedField

BATCH = 500


def encrypted_columns() -> Iterator[tuple[type, EncryptedField]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedField):
                yield model, field


def _stored_values(model, field) -> Iterator[tuple[int, str]]:
    """(pk, raw ciphertext) without decrypting: read the column as plain text."""
    from django.db import connection

    table, column = model._meta.db_table, field.column
    pk_column = model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(pk_column)}, {quote(column)} FROM {quote(table)} "  # noqa: S608
            f"WHERE {quote(column)} <> '' ORDER BY {quote(pk_column)}"
        )
        while rows := cursor.fetchmany(BATCH):
            yield from rows


def key_usage() -> dict[str, int]:
    """How many stored values each key id protects."""
    usage: dict[str, int] = {}
    for model, field in encrypted_columns():
        for _pk, stored in _stored_values(model, field):
            kid = crypto.key_id_of(stored)
            usage[kid] = usage.get(kid, 0) + 1
    return usage


def rotate(*, progress: Callable[[str], None] = lambda _m: None) -> int:
    """Make a new key active and re-encrypt every value under it; return rows rewritten.

    Rules: the ring is written (new key active, old keys kept) before any row
    changes; each batch is one transaction; a value that does not decrypt
    stops the rotation with the row named, leaving every row readable.
    """
    ring = crypto.key_ring()
    kid = crypto.new_key_id()
    new_ring = crypto.KeyRing(
        kid, {**ring.keys, kid: crypto.secrets.token_bytes(16)}, ring.index_key
    )
    path = crypto.write_key_file(new_ring)
    crypto.key_ring.cache_clear()
    progress(f"new active key {kid} written to {path}")
    rewritten = 0
    for model, field in encrypted_columns():
        pending = [
            (pk, stored)
            for pk, stored in _stored_values(model, field)
            if crypto.key_id_of(stored) != kid
        ]
        for start in range(0, len(pending), BATCH):
            with transaction.atomic():
                for pk, stored in pending[start : start + BATCH]:
                    plain = crypto.decrypt(stored, context=field.context, ring=new_ring)
                    model._base_manager.filter(pk=pk).update(**{field.attname: plain})
                    rewritten += 1
        progress(f"{model._meta.label}.{field.name}: {len(pending)} re-encrypted")
    return rewritten


def retire() -> list[str]:
    """Drop keys that protect no stored value any more (never the active one)."""
    ring = crypto.key_ring()
    used = key_usage()
    keep = {kid: key for kid, key in ring.keys.items() if kid == ring.active or used.get(kid)}
    dropped = sorted(set(ring.keys) - set(keep))
    if dropped:
        crypto.write_key_file(crypto.KeyRing(ring.active, keep, ring.index_key))
        crypto.key_ring.cache_clear()
    return dropped


def check() -> list[str]:
    """Every stored value decrypts with the configured keys; returns the problems found."""
    problems = []
    ring = crypto.key_ring()
    for model, field in encrypted_columns():
        for pk, stored in _stored_values(model, field):
            try:
                crypto.decrypt(stored, context=field.context, ring=ring)
            except crypto.DecryptionError as exc:
                problems.append(f"{model._meta.label} #{pk}: {exc}")
                if len(problems) >= 20:
                    return problems
    return problems
