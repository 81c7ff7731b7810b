"""The registry of entitled persons (优抚对象): who they are, what they are entitled to,
since when and in what state, and the yearly confirmation of those paid periodically."""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models
from django.db.models import Case, Q, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from shuangyong.care import pieces
from shuangyong.care.categories import Category, Cause, Hukou
from shuangyong.core.fields import EncryptedField, IdNumberField
from shuangyong.core.pinyin import search_key
from shuangyong.core.validators import (
    LANDLINE_RE,
    MOBILE_RE,
    mask_phone,
    normalize_phone,
    validate_phone,
)
from shuangyong.org.models import Unit


def mask_account(value: str) -> str:
    """A bank account as pages show it: the last four digits only."""
    value = "".join((value or "").split())
    return "*" * max(len(value) - 4, 0) + value[-4:] if value else ""


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PersonQuerySet(models.QuerySet):
    def with_id_number(self, number: str) -> PersonQuerySet:
        """Exact match through the blind index; nothing is decrypted."""
        field = EntitledPerson._meta.get_field("id_number")
        return self.filter(id_number_index=field.index_of(number))

    def with_phone(self, number: str) -> PersonQuerySet:
        """Exact phone number through the blind index; nothing is decrypted."""
        field = EntitledPerson._meta.get_field("phone")
        return self.filter(phone_index=field.index_of(number))

    def search(self, query: str, *, many: bool | None = None) -> PersonQuerySet:
        """By name, pinyin or initials, an exact ID number (18 characters) or an exact
        phone number. ``many``: whether the query is expected to find many persons
        (``care.pieces.finds_many``, asked here unless the caller already knows)."""
        from shuangyong.core import idnumber
        from shuangyong.core.pinyin import normalize_query

        q = normalize_query(query)
        if not q:
            return self.none()
        if len(idnumber.normalize(q)) == 18:
            return self.with_id_number(q)
        phone = normalize_phone(q)
        if MOBILE_RE.match(phone) or LANDLINE_RE.match(phone):
            return self.with_phone(phone)
        matched = Q(name__icontains=q) | Q(search_text__contains=q)
        if connections[self.db].vendor != "postgresql":
            return self.filter(matched)
        index = pieces.index_for(q)
        wanted = pieces.of(q, index=index) if index else []
        if many is None:
            many = pieces.finds_many(q, using=self.db)
        if not wanted or many:
            # Read person by person until a page is found (care.selectors.search). In
            # CASE, PostgreSQL does not estimate the match: it would take a pattern of
            # the upper-cased name (no statistics) to be rare, and find all to sort them.
            return self.filter(Case(When(matched, then=True), default=False))
        # The persons with the query's rarest pieces, read from an index (migration 0008)
        # instead of all of them: implied by the match, which still decides. The
        # expressions must be the indexes'.
        asked = pieces.rarest(wanted, index=index, using=self.db)
        boolean = models.BooleanField()
        if index == pieces.NAME_INDEX:
            held = RawSQL(
                'sy_grams(lower("care_entitledperson"."name"), 1) @> %s::text[]', [asked], boolean
            )
        else:
            held = RawSQL(
                'sy_grams("care_entitledperson"."search_text", 2) @> %s::text[]', [asked], boolean
            )
        return self.filter(matched, held)


class EntitledPerson(models.Model):
    name = models.CharField(_("name"), max_length=50)
    id_number = IdNumberField(
        _("resident ID number"), blind_index="id_number_index", masked_copy="id_number_masked"
    )
    id_number_index = models.CharField(max_length=64, editable=False, db_index=True)
    # The masked form, kept beside the ciphertext: lists and exports show it without
    # decrypting anything (a million rows would mean a million decryptions).
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    # Encrypted like the ID number; found by exact number through its blind index.
    phone = EncryptedField(
        _("phone"),
        blind_index="phone_index",
        normalizer=normalize_phone,
        masker=mask_phone,
        validators=[validate_phone],
    )
    phone_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    street = models.ForeignKey(
        Unit, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Unit,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("home address"), max_length=200, blank=True)
    hukou = models.CharField(_("hukou"), max_length=10, choices=Hukou.choices, blank=True)
    enlisted_on = models.DateField(_("enlisted"), null=True, blank=True)
    discharged_on = models.DateField(_("discharged"), null=True, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = EncryptedField(_("bank account"), masker=mask_account)
    bank_account_masked = models.CharField(max_length=40, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()
    audit_ignore = (
        "id_number_index",
        "search_text",
        "id_number_masked",
        "bank_account_masked",
        "phone_index",
    )
    audit_unit_field = "street"  # the auditor finds a person's changes under its street

    class Meta:
        verbose_name = _("entitled person")
        verbose_name_plural = _("entitled persons")
        ordering = ["street__path", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="care_unique_id_number"),
        ]
        # The registry's pages (care.selectors.REGISTRY_ORDER): each read from here and
        # stopped after one page, whether the list is the district's, a street's or
        # those after a cursor.
        indexes = [models.Index(fields=["street", "name", "id"], name="care_person_street_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = search_key(self.name)
        self.bank_account_masked = mask_account(self.bank_account)
        super().save(*args, **kwargs)


class EntitlementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    STOPPED = "stopped", _("Stopped")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class Entitlement(models.Model):
    """One category a person is entitled under, with its grade and cause where relevant."""

    person = models.ForeignKey(
        EntitledPerson, on_delete=models.CASCADE, related_name="entitlements"
    )
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True)
    cause = models.CharField(_("cause"), max_length=10, choices=Cause.choices, blank=True)
    approved_on = models.DateField(_("approved"), null=True, blank=True)
    pays_from = models.IntegerField(
        _("paid from (month)"),
        default=0,
        help_text=_("The first month paid; 0 for persons paid since before this system."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EntitlementStatus.choices, default="active"
    )
    status_since = models.DateField(_("since"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # The month the status took effect (death month for the funeral aid), as an integer.
    status_month = models.IntegerField(null=True, blank=True, editable=False)
    # Payments bookkeeping: past months to compare again with what was paid (arrears),
    # and when anything that changes the amounts last changed (a draft older than
    # that cannot be approved).
    recheck_from = models.IntegerField(null=True, blank=True, editable=False)
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        constraints = [
            models.UniqueConstraint(fields=["person", "category"], name="care_one_category_each"),
        ]
        indexes = [
            models.Index(fields=["category", "status"]),
            # The few marked for the next batch (approving clears them).
            models.Index(
                fields=["category"],
                condition=models.Q(recheck_from__isnull=False),
                name="care_ent_marked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_category_display()}"

    @property
    def grade_label(self) -> str:
        return f"{self.grade}级" if self.grade else ""


class PayableSpan(models.Model):
    """A run of months an entitlement is paid for, with the grade, cause and hukou that
    held in it; a suspension or stop closes it, a change of grade starts a new one.

    Kept as rows (not derived from the history at compute time) so a batch is one
    join whatever the number of persons, and a past month is priced as it was then.
    Spans of one entitlement never overlap.
    """

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="spans")
    first_month = models.IntegerField()
    last_month = models.IntegerField(null=True, blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    cause = models.CharField(max_length=10, blank=True)
    hukou = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [models.Index(fields=["entitlement", "first_month"])]

    def __str__(self) -> str:
        return f"{self.entitlement_id}: {self.first_month}–{self.last_month or ''}"


class StatusChange(models.Model):
    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=20, choices=EntitlementStatus.choices)
    # Unknown (null) for the entitlement of someone paid since before this system.
    effective = models.DateField(_("effective"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective", "id"]

    def __str__(self) -> str:
        return f"{self.entitlement} → {self.status}"


class Relation(models.TextChoices):
    PARENT = "parent", _("Parent")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    SELF = "self", _("Self")
    OTHER = "other", _("Other")


class ServicemanLink(models.Model):
    """The serviceman a family member is entitled through (a martyr, a conscript…)."""

    person = models.ForeignKey(EntitledPerson, on_delete=models.CASCADE, related_name="links")
    serviceman_name = models.CharField(_("serviceman"), max_length=50)
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    serviceman_unit = models.CharField(_("serviceman's unit"), max_length=100, blank=True)

    def __str__(self) -> str:
        return f"{self.person} → {self.serviceman_name}"


class Confirmation(models.Model):
    """The yearly confirmation (年度确认) that a person paid periodically is alive and eligible."""

    person = models.ForeignKey(
        EntitledPerson, on_delete=models.CASCADE, related_name="confirmations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(_("how"), max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="care_confirm_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}"
