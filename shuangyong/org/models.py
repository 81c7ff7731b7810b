"""Units, people, accounts and the leading group.

The unit tree is stored with a materialised path ("/1/4/17/") so that "this
unit and everything below it", the scope of a unit liaison, is one indexed
prefix filter whatever the depth.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangyong.access.roles import UNIT_SCOPED_ROLES, Role
from shuangyong.core.fields import IdNumberField
from shuangyong.core.pinyin import search_key
from shuangyong.core.validators import validate_phone


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    DEPARTMENT = "department", _("Department")
    GARRISON = "garrison", _("Garrison unit")
    ARMED_FORCES_DEPT = "armed_forces_dept", _("Armed forces department")
    HOSPITAL = "hospital", _("Hospital")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)

    def member_units(self) -> UnitQuerySet:
        return self.filter(is_member=True, is_active=True)

    def search(self, query: str) -> UnitQuerySet:
        from shuangyong.core.pinyin import normalize_query

        q = normalize_query(query)
        if not q:
            return self
        return self.filter(
            Q(name__icontains=q)
            | Q(short_name__icontains=q)
            | Q(code__iexact=q)
            | Q(search_text__contains=q)
        )


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    is_member = models.BooleanField(_("member unit"), default=False)
    head = models.ForeignKey(
        "Person",
        verbose_name=_("head of unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Overdue tasks are escalated to this person."),
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    duties = models.TextField(_("duties"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(blank=True, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["short_name"],
                condition=~Q(short_name=""),
                name="unit_short_name_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = " ".join(
            filter(None, [search_key(self.name), search_key(self.short_name)])
        )
        super().save(*args, **kwargs)
        old_path = self.path
        new_path = (self.parent.path if self.parent_id else "/") + path_segment(
            self.sort_order, self.pk
        )
        if new_path != old_path:
            Unit.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                rebuild_paths()

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or below it."""
        return bool(other.path) and self.path.startswith(other.path)

    def clean(self) -> None:
        if self.parent_id and self.pk:
            parent = self.parent
            if parent.pk == self.pk or (self.path and parent.path.startswith(self.path)):
                raise ValidationError({"parent": _("A unit cannot be placed under itself.")})


def path_segment(sort_order: int, pk: int) -> str:
    """One level of a unit's path: sorting paths as text gives the tree in display order."""
    return f"{sort_order:05d}.{pk:08d}/"


def rebuild_paths() -> int:
    """Recompute every unit's path from the parent links in two queries; return changes.

    Used after a unit moves and after bulk imports. Raises ValueError on a cycle.
    """
    rows = list(Unit.objects.values_list("pk", "parent_id", "path", "sort_order"))
    parent_of = {pk: parent for pk, parent, _path, _order in rows}
    order_of = {pk: order for pk, _parent, _path, order in rows}
    computed: dict[int, str] = {}

    def path_of(pk: int, trail: tuple[int, ...] = ()) -> str:
        if pk in computed:
            return computed[pk]
        if pk in trail:
            raise ValueError(f"cycle in unit tree at {pk}")
        parent = parent_of[pk]
        prefix = path_of(parent, (*trail, pk)) if parent else "/"
        computed[pk] = prefix + path_segment(order_of[pk], pk)
        return computed[pk]

    changed = []
    for pk, _parent, path, _order in rows:
        new = path_of(pk)
        if new != path:
            changed.append(Unit(pk=pk, path=new))
    Unit.objects.bulk_update(changed, ["path"], batch_size=500)
    return len(changed)


class PersonQuerySet(models.QuerySet):
    def with_id_number(self, number: str) -> PersonQuerySet:
        """Exact match on the ID number through its blind index; nothing is decrypted."""
        return self.filter(id_number_index=Person._meta.get_field("id_number").index_of(number))

    def search(self, query: str) -> PersonQuerySet:
        from shuangyong.core.pinyin import normalize_query

        q = normalize_query(query)
        if not q:
            return self
        return self.filter(
            Q(name__icontains=q) | Q(search_text__contains=q) | Q(phone__startswith=q)
        )


class Person(models.Model):
    """Someone in the people directory; an account's profile when they log in."""

    name = models.CharField(_("name"), max_length=50)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    id_number = IdNumberField(_("resident ID number"), blind_index="id_number_index")
    id_number_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(blank=True, editable=False)

    objects = PersonQuerySet.as_manager()
    audit_ignore = ("id_number_index",)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["unit__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="person_unique_name_in_unit"),
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index=""),
                name="person_unique_id_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = search_key(self.name)
        super().save(*args, **kwargs)


class AccountManager(UserManager):
    def get_queryset(self):
        # Every request needs the person, their unit and the scope unit.
        return super().get_queryset().select_related("person__unit", "scope_unit")


class User(AbstractUser):
    """A login. The role says what they may do; the unit says where."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    scope_unit = models.ForeignKey(
        Unit,
        verbose_name=_("scope unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "For unit-scoped roles: the unit whose subtree this account sees. "
            "Empty means the person's own unit."
        ),
    )
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)

    objects = AccountManager()

    def without_secrets(self) -> User:
        """This user, fit to be kept in the shared cache: the password hash and the person's
        ID number left out (deferred: read from the database if anything asks), the
        session check's hash of the password computed now."""
        self.session_auth_hash = self.get_session_auth_hash()
        self.__dict__.pop("password", None)
        person = self._state.fields_cache.get("person")
        if person is not None:
            person.__dict__.pop("id_number", None)
        return self

    def get_session_auth_hash(self) -> str:
        # A user kept by accounts.backends carries the hash computed when it was loaded
        # (its password hash is not kept with it).
        kept = self.__dict__.get("session_auth_hash")
        return kept if kept is not None else super().get_session_auth_hash()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）"

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id else (self.get_full_name() or self.username)

    @property
    def unit(self) -> Unit | None:
        return self.person.unit if self.person_id else None

    @property
    def is_unit_scoped(self) -> bool:
        return self.role in UNIT_SCOPED_ROLES

    @property
    def scope_root(self) -> Unit | None:
        """The unit whose subtree a unit-scoped account sees (None: sees nothing)."""
        return self.scope_unit or self.unit

    def save(self, *args, **kwargs) -> None:
        # createsuperuser knows nothing of roles; a superuser administers.
        if self.is_superuser and not self.role:
            self.role = Role.ADMIN
        super().save(*args, **kwargs)

    def set_password(self, raw_password) -> None:
        self.__dict__.pop("session_auth_hash", None)  # a kept user's is the old password's
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class Position(models.TextChoices):
    LEADER = "leader", _("Leader")
    FIRST_DEPUTY = "first_deputy", _("First deputy leader")
    DEPUTY = "deputy", _("Deputy leader")
    OFFICE_DIRECTOR = "office_director", _("Office director")
    MEMBER = "member", _("Member")


POSITION_ORDER = {p: i for i, p in enumerate(Position.values)}


class LeadingGroupQuerySet(models.QuerySet):
    def current(self, today: dt.date | None = None) -> LeadingGroup | None:
        today = today or timezone.localdate()
        return (
            self.filter(starts_on__lte=today)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .order_by("-starts_on")
            .first()
        )


class LeadingGroup(models.Model):
    """The double-support leading group (双拥工作领导小组) for one term."""

    name = models.CharField(_("name"), max_length=100)
    term = models.CharField(_("term"), max_length=50, help_text=_("e.g. 2025–2028"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    document_no = models.CharField(_("founding document no."), max_length=100, blank=True)

    objects = LeadingGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("leading group")
        verbose_name_plural = _("leading groups")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.name}（{self.term}）"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The term cannot end before it starts.")})


class GroupPosition(models.Model):
    group = models.ForeignKey(LeadingGroup, on_delete=models.CASCADE, related_name="positions")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="group_positions"
    )
    position = models.CharField(_("position in group"), max_length=32, choices=Position.choices)
    title = models.CharField(
        _("official title"), max_length=100, blank=True, help_text=_("e.g. 区委书记")
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("group position")
        verbose_name_plural = _("group positions")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="one_position_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.person}"
