"""Model fields for sensitive values: encrypted at rest, searchable by blind index.

``EncryptedField`` stores SM4-GCM ciphertext and gives back plaintext in
Python. Saving (and assigning, for ``bulk_update``) also fills its
blind-index sibling, so ``filter(id_number_index=field.index_of(x))`` finds a
row without decrypting the table. ``QuerySet.update()`` does not: change
sensitive values through ``save()`` or ``bulk_update()``. The only lookup
allowed on the encrypted column itself is ``isnull``; an ``exact`` lookup
would silently never match.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from shuangyong.core import crypto


class _EncryptedAttribute(DeferredAttribute):
    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value
        if self.field.blind_index:
            normalized = self.field.normalizer(value) if value else ""
            instance.__dict__[self.field.blind_index] = crypto.blind_index(normalized)


class EncryptedField(models.TextField):
    descriptor_class = _EncryptedAttribute

    def __init__(
        self,
        *args,
        blind_index: str = "",
        normalizer: Callable[[str], str] = str,
        masker: Callable[[str], str] = lambda v: "*" * len(v or ""),
        **kwargs,
    ):
        self.blind_index = blind_index
        self.normalizer = normalizer
        self.masker = masker
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["blind_index"] = self.blind_index
        for key in ("blank", "default"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    @property
    def context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if self.blind_index:
            setattr(model_instance, self.blind_index, self.index_of(value))
        return value

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        return crypto.decrypt(value, context=self.context)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return ""
        return crypto.encrypt(self.normalizer(value), context=self.context)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            via = self.blind_index or "a blind index"
            raise FieldError(f"{self.name} is encrypted: look it up through {via}")
        return super().get_lookup(lookup_name)

    def audit_value(self, value) -> str:
        """What the audit trail stores: the masked value, never the plaintext."""
        return self.masker(value) if value else ""

    def index_of(self, value) -> str:
        return crypto.blind_index(self.normalizer(value) if value else "")


class IdNumberField(EncryptedField):
    """A resident ID number: validated (GB 11643), encrypted, masked in the trail.

    ``masked_copy`` names a plain column kept equal to the masked number on every save
    (bulk inserts included), so lists and exports show it without decrypting anything.
    """

    def __init__(self, *args, masked_copy: str = "", **kwargs):
        from shuangyong.core import idnumber

        self.masked_copy = masked_copy
        kwargs.setdefault("normalizer", idnumber.normalize)
        kwargs.setdefault("masker", idnumber.mask)
        kwargs.setdefault("validators", [idnumber.validate_id_number])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)  # behaviour, not schema: no migration for either
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if self.masked_copy:  # declared before the copy's column, so saved with it
            setattr(model_instance, self.masked_copy, self.masker(value) if value else "")
        return value

    def formfield(self, **kwargs):
        from django import forms

        return forms.CharField(
            label=self.verbose_name,
            required=not self.blank,
            max_length=30,
            validators=self.validators,
            help_text=self.help_text,
        )


def encrypt_plain_column(
    schema_editor,
    table: str,
    column: str,
    *,
    normalizer: Callable[[str], str] = str,
    index_column: str = "",
    reverse: bool = False,
) -> int:
    """A data migration's step: encrypt a column that held plaintext, in batches of 500
    (and fill its blind index), or with ``reverse`` decrypt it back.

    Rules: a value already encrypted (``sm4gcm:``) is left as it is, so the step can run
    twice; the key ring must be present when there are values to encrypt. Returns how
    many values were changed.
    """
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    context = f"{table}.{column}"
    # Table and column names come from the migration, quoted; values are parameters.
    select = (
        f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608
        f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
    )
    with connection.cursor() as cursor:
        cursor.execute(select)
        found = cursor.fetchall()
    updates = []
    for pk, value in found:
        encrypted = value.startswith("sm4gcm:")
        if reverse and encrypted:
            plain = crypto.decrypt(value, context=context)
            updates.append((pk, plain, ""))
        elif not reverse and not encrypted:
            plain = normalizer(value)
            updates.append((pk, crypto.encrypt(plain, context=context), crypto.blind_index(plain)))
    sets = f"{quote(column)} = %s" + (f", {quote(index_column)} = %s" if index_column else "")
    sql = f"UPDATE {quote(table)} SET {sets} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(updates), 500):
            batch = updates[start : start + 500]
            cursor.executemany(
                sql,
                [(value, index, pk) if index_column else (value, pk) for pk, value, index in batch],
            )
    return len(updates)
