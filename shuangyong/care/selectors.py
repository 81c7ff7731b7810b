"""Reads of the care pages: search, a batch's review and its bank-transfer rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.functional import Promise

from shuangyong.access import can, scoped
from shuangyong.care import months, pieces
from shuangyong.care.categories import Category
from shuangyong.care.models import (
    BatchKind,
    BatchLine,
    BatchStatus,
    Confirmation,
    EntitledPerson,
    Entitlement,
    EntitlementStatus,
    Need,
    PaymentBatch,
    StatusChange,
    Visit,
    VisitOccasion,
)
from shuangyong.care.models.registry import PersonQuerySet
from shuangyong.care.registry import periodic_persons
from shuangyong.core import keyset
from shuangyong.core.pinyin import normalize_query
from shuangyong.core.validators import parse_id
from shuangyong.org.models import Unit, UnitKind, User
from shuangyong.org.selectors import garrison_units, streets_for


def persons(user: User) -> PersonQuerySet:
    """Entitled persons within the user's units (their street), for search and pages."""
    return scoped(user, EntitledPerson.objects.select_related("street", "community"), via="street")


Listing = TypeVar("Listing", bound=QuerySet)

SEARCH_LIMIT = pieces.PAGE  # persons a search shows: it finds someone, it does not list

# The registry's order: by street (in tree order), then name and id; the index
# care_person_street_name (street, name, id) serves every page of it (core.keyset).
REGISTRY_ORDER = ("name", "id")


@dataclass
class Registry:
    """A listing of the registry: the persons (a queryset: for counts and filters) and
    the streets they may be in, in tree order (its pages are read street by street)."""

    persons: QuerySet
    streets: list[int]

    def page(self, *, cursor: str = "", size: int = 50, columns: bool = False) -> keyset.KeysetPage:
        """One page from where ``cursor`` says (the first without one): a query for the
        ids, one for the persons (and, with ``columns``, one for their entitlements)."""
        persons = with_entitlements(self.persons) if columns else self.persons
        return keyset.partitioned_page(
            persons,
            partition="street_id",
            values=self.streets,
            order=REGISTRY_ORDER,
            cursor=cursor,
            size=size,
        )

    def offset_page(self, *, offset: int, size: int = 50) -> keyset.KeysetPage:
        """The page ``offset`` persons in, for the API's numbered pages (the cost grows
        with the offset); its links lead on by cursor."""
        ordered = self.persons.filter(street_id__in=self.streets)
        return keyset.offset_page(
            ordered.order_by("street__path", *REGISTRY_ORDER),
            order=("street_id", *REGISTRY_ORDER),
            offset=offset,
            size=size,
        )

    def count(self) -> keyset.Count:
        return keyset.count(self.persons.filter(street_id__in=self.streets))


def registry_streets(user: User, *, street: str | int | None = None) -> list[int]:
    """The ids of the streets (active or not) within the user's units, in tree order, or
    only ``street`` when it is one of them: one query."""
    streets = Unit._base_manager.filter(kind=UnitKind.STREET)
    if user.is_unit_scoped:
        root = user.scope_root
        if root is None:
            return []
        streets = streets.filter(path__startswith=root.path)
    found = list(streets.order_by("path").values_list("pk", flat=True))
    if street is not None and street != "":
        chosen = parse_id(street)
        return [chosen] if chosen in found else []
    return found


def browse(
    user: User, *, street: str | int | None = None, category: str = "", status: str = ""
) -> Registry:
    """The registry as its officers page through it (care.edit: nobody else browses),
    by street and name, filtered by street, category and the status of an entitlement;
    the ID numbers and accounts are not loaded."""
    if not can(user, "care.edit"):
        return Registry(EntitledPerson.objects.none(), [])
    streets = registry_streets(user, street=street)
    listing = (
        EntitledPerson.objects.select_related("street", "community")
        .defer("id_number", "bank_account")
        .filter(street_id__in=streets)
    )
    return Registry(holding(listing, category=category, status=status), streets)


def holding(listing: Listing, *, category: str = "", status: str = "") -> Listing:
    """The persons of ``listing`` with an entitlement of ``category``, in ``status`` (both
    given: the same entitlement); unchanged when neither is one of the choices."""
    held = Entitlement.objects.filter(person=OuterRef("pk"))
    if category in Category.values:
        held = held.filter(category=category)
    if status in EntitlementStatus.values:
        held = held.filter(status=status)
    if category in Category.values or status in EntitlementStatus.values:
        listing = listing.filter(Exists(held))
    return listing


@dataclass
class Found:
    """A search as the API pages through it: ``persons``, those it may find (the user's
    streets and the filters, a queryset the caller may narrow further), and the query,
    matched as a page is read. In the order persons were registered (id), so that a
    query that finds a tenth of a million (a surname) reads about ten persons for each
    one shown, on any page, instead of every name that sorts before the surname's."""

    persons: PersonQuerySet
    query: str

    @cached_property
    def many(self) -> bool:
        """Whether the query is expected to find many (``care.pieces.finds_many``)."""
        db = self.persons.db
        return connections[db].vendor == "postgresql" and pieces.finds_many(
            normalize_query(self.query), using=db
        )

    def matched(self) -> PersonQuerySet:
        return self.persons.search(self.query, many=self.many)

    def page(self, *, cursor: str = "", size: int = 50) -> keyset.KeysetPage:
        """One page from where ``cursor`` says (the first without one): one query."""
        return keyset.page(self.matched(), order=("pk",), cursor=cursor, size=size)

    def offset_page(self, *, offset: int, size: int = 50) -> keyset.KeysetPage:
        """The page ``offset`` persons in (the cost grows with the offset)."""
        return keyset.offset_page(self.matched(), order=("pk",), offset=offset, size=size)

    def count(self) -> keyset.Count:
        """How many the query finds: counted through the index of pieces up to
        ``keyset.EXACT_BELOW``; for a query expected to find many and more than that,
        the planner's estimate of ``persons`` times the share the query is expected to
        find (``pieces.expected_share``), not counted (one query instead of two, which
        would read the first EXACT_BELOW found)."""
        if self.many:
            share = pieces.expected_share(normalize_query(self.query), using=self.persons.db)
            within = keyset.estimate(self.persons.order_by().values("pk"))
            if share is not None and within and share * within > keyset.EXACT_BELOW:
                return keyset.Count(round(share * within), estimated=True)
        return keyset.count(self.persons.search(self.query, many=False))


def find(
    user: User, query: str, *, street: str | int | None = None, category: str = "", status: str = ""
) -> Found:
    """The persons in the user's streets (or ``street``, one of them) a query finds, as
    the API pages through them (``Found``), with an entitlement of ``category`` in
    ``status`` when given; the ID numbers and accounts are not loaded."""
    within = persons(user).defer("id_number", "bank_account")
    within = within.filter(street_id__in=registry_streets(user, street=street))
    return Found(holding(within, category=category, status=status), query)


def with_entitlements(listing: QuerySet[EntitledPerson]) -> QuerySet[EntitledPerson]:
    """The persons with their entitlements, in one more query (the registry's columns)."""
    return listing.prefetch_related(
        Prefetch("entitlements", queryset=Entitlement.objects.order_by("category"))
    )


# What a person's page shows of each history, newest first (the page links nothing
# further: a record decades long still loads one screen).
HISTORY_SHOWN = 10
LISTED = 20


def person_page(person: EntitledPerson) -> dict[str, list[Any]]:
    """What a person's page lists beside the person: the entitlements, each with its
    latest HISTORY_SHOWN status changes (oldest first) and how many there are in all,
    and the latest LISTED servicemen links, certificates, visits and needs.

    Eight queries whatever the length of the person's history."""
    latest = StatusChange.objects.select_related("by__person").order_by(
        F("effective").desc(nulls_last=True), "-id"
    )
    entitlements = list(
        person.entitlements.annotate(history_count=Count("history"))
        .order_by("category")
        .prefetch_related(Prefetch("history", latest[:HISTORY_SHOWN], to_attr="recent_history"))
    )
    for entitlement in entitlements:
        entitlement.recent_history.reverse()
    return {
        "entitlements": entitlements,
        "links": list(person.links.order_by("id")[:LISTED]),
        "certificates": list(person.certificates.all()[:LISTED]),
        "visits": list(person.visits.select_related("occasion")[:LISTED]),
        "needs": list(person.needs.select_related("assignee")[:LISTED]),
    }


def visible_needs(user: User) -> QuerySet[Need]:
    """Needs a user may see: all for district staff; a unit those it handles or raised (its
    garrison); a care officer also those of the families in its streets. The persons' ID
    numbers and accounts are not loaded."""
    needs = Need.objects.select_related(
        "assignee", "garrison", "person__street", "task", "created_by__person__unit"
    ).defer("person__id_number", "person__bank_account")
    if not user.is_unit_scoped:
        return needs
    root = user.scope_root
    if root is None:
        return needs.none()
    inside = root.path
    seen = Q(assignee__path__startswith=inside) | Q(garrison__path__startswith=inside)
    if can(user, "care.view"):  # the families' own care officer
        seen |= Q(person__street__path__startswith=inside)
    return needs.filter(seen)


def need_sources(user: User) -> tuple[QuerySet[EntitledPerson], QuerySet[Unit]]:
    """Whom ``user`` may raise a need for: the entitled persons it may see (none without
    care.view) and the garrison units (its own only, for a garrison's liaison)."""
    people = persons(user) if can(user, "care.view") else EntitledPerson.objects.none()
    garrisons = garrison_units()
    if user.is_unit_scoped:
        garrisons = scoped(user, garrisons, via="")
    return people, garrisons


def search(user: User, query: str) -> list[EntitledPerson]:
    """Up to ``SEARCH_LIMIT`` persons in the user's streets a query finds, in the registry's
    order, with their entitlements; the ID numbers and accounts are not loaded.

    A query expected to find few (``care.pieces.finds_many``) shows the first of them
    in the registry's order: all are found through the index of pieces, then sorted. One
    expected to find many (a surname, a common syllable) shows the first found
    in the order persons were registered, sorted: reading in the registry's order would
    first pass every name before the surname's, and a clerk narrows such a search anyway
    (the page says there are more)."""
    shown = persons(user).defer("id_number", "bank_account")
    many = connections[shown.db].vendor == "postgresql" and pieces.finds_many(
        normalize_query(query), using=shown.db
    )
    found = shown.search(query, many=many)
    if many:
        found = shown.filter(pk__in=found.order_by("pk").values("pk")[:SEARCH_LIMIT])
    return list(with_entitlements(found)[:SEARCH_LIMIT])


def yuan(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))


@dataclass
class Review:
    batch: PaymentBatch
    # labels of categories and kinds are lazy translations
    by_category: list[tuple[str | Promise, int, Decimal]]
    by_street: list[tuple[str, int, Decimal]]
    by_kind: list[tuple[str | Promise, int, Decimal]]
    previous: PaymentBatch | None
    added: int = 0
    dropped: int = 0
    change: Decimal = Decimal(0)
    unconfirmed: int = 0
    notes: list[str] = field(default_factory=list)


def review(batch: PaymentBatch) -> Review:
    """Totals by category, street and kind; change against the previous regular batch;
    persons paid but not confirmed this year. A fixed number of queries whatever the
    batch's size, none of them over the whole registry (``overpaid`` is that one)."""
    lines = BatchLine.objects.filter(batch=batch)
    labels = dict(Category.choices)
    by_category: list[tuple[str | Promise, int, Decimal]] = [
        (labels.get(r["entitlement__category"], r["entitlement__category"]), r["n"], yuan(r["s"]))
        for r in lines.values("entitlement__category")
        .annotate(n=Count("person", distinct=True), s=Sum("amount_cents"))
        .order_by("entitlement__category")
    ]
    by_street = [
        (r["person__street__name"], r["n"], yuan(r["s"]))
        for r in lines.values("person__street__name", "person__street__path")
        .annotate(n=Count("person", distinct=True), s=Sum("amount_cents"))
        .order_by("person__street__path")
    ]
    from shuangyong.care.models import LineKind

    kinds = dict(LineKind.choices)
    by_kind: list[tuple[str | Promise, int, Decimal]] = [
        (kinds[r["kind"]], r["n"], yuan(r["s"]))
        for r in lines.values("kind")
        .annotate(n=Count("person", distinct=True), s=Sum("amount_cents"))
        .order_by("kind")
    ]
    previous = (
        PaymentBatch.objects.filter(
            programme=batch.programme,
            kind=BatchKind.REGULAR,
            status=BatchStatus.APPROVED,
            first_month__lt=batch.first_month,
        )
        .order_by("-first_month")
        .first()
    )
    result = Review(batch, by_category, by_street, by_kind, previous)
    if previous is not None:
        now, before = lines.values("person_id"), previous.lines.values("person_id")
        result.added = now.exclude(person_id__in=before).distinct().count()
        result.dropped = before.exclude(person_id__in=now).distinct().count()
        result.change = batch.total - previous.total
    year = batch.first_month // 12
    paid = lines.values("person_id").distinct()
    confirmed = Confirmation.objects.filter(year=year, person_id__in=paid).values("person_id")
    result.unconfirmed = (
        lines.exclude(person_id__in=confirmed).values("person_id").distinct().count()
    )
    return result


@dataclass(frozen=True)
class Overpaid:
    persons: int
    amount: Decimal


def overpaid(batch: PaymentBatch) -> Overpaid:
    """Months paid more than they are now due (a death recorded late): for an adjustment.

    The batch computation over the whole registry: the page loads it apart, once."""
    persons_count, cents = _overpaid(batch)
    return Overpaid(persons_count, yuan(cents))


def _overpaid(batch: PaymentBatch) -> tuple[int, int]:
    from shuangyong.care.payments import difference_sql, window_for

    period = months.parse_period(batch.period)
    window = window_for(batch.programme, period, BatchKind.REGULAR)
    sql, params = difference_sql(batch.programme, window)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(DISTINCT person_id), SUM(cents) FROM ({sql}) d WHERE d.cents < 0", params
        )
        persons_count, cents = cursor.fetchone()
    return persons_count or 0, -(cents or 0)


@dataclass
class TransferRow:
    number: int
    name: str
    id_number: str
    bank: str
    account: str
    amount: Decimal
    street: str
    detail: str


def transfer_rows(
    batch: PaymentBatch, *, full: bool, user: User | None = None
) -> list[TransferRow]:
    """One row per person: the amount and what it pays; ID and account masked unless ``full``.

    Only what goes to the bank: recovery lines are owed back (their own list), never a
    negative transfer, and a person whose payment an offset took whole has no row.
    Two queries: the sums per person and month kind, then the persons."""
    from shuangyong.care.models import TRANSFER_KINDS, LineKind

    sums: dict[int, int] = defaultdict(int)
    parts: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    transfers = batch.lines.filter(kind__in=TRANSFER_KINDS)
    for person_id, kind, month, cents in transfers.values_list(
        "person_id", "kind", "month", "amount_cents"
    ):
        sums[person_id] += cents
        parts[person_id][kind].append(month)
    kinds = dict(LineKind.choices)
    paid = [person_id for person_id, cents in sums.items() if cents > 0]
    people = EntitledPerson.objects.filter(pk__in=paid).select_related("street")
    if user is not None:  # a street's officer exports the street's persons only
        people = scoped(user, people, via="street")
    if not full:  # nothing to decrypt: the masked forms are stored beside the ciphertext
        people = people.defer("id_number", "bank_account")
    people = people.order_by("street__path", "name", "pk")
    rows = []
    for number, person in enumerate(people, start=1):
        detail = "；".join(
            f"{kinds[kind]} {_span_text(sorted(set(found)))}"
            for kind, found in sorted(parts[person.pk].items())
        )
        rows.append(
            TransferRow(
                number,
                person.name,
                person.id_number if full else person.id_number_masked,
                person.bank_name,
                person.bank_account if full else person.bank_account_masked,
                yuan(sums[person.pk]),
                person.street.name,
                detail,
            )
        )
    return rows


def _span_text(found: list[int]) -> str:
    if len(found) == 1:
        return months.label(found[0])
    return f"{months.label(found[0])}—{months.label(found[-1])}"


def visit_coverage(occasion: VisitOccasion, user: User) -> list[dict[str, Any]]:
    """Per street: the families on periodic payments, and how many of those were visited
    (two queries). A visit to anyone else does not count, so it never passes 100 %."""
    periodic = periodic_persons()
    families = (
        periodic.order_by()  # the model's ordering would split the groups
        .values("street_id")
        .annotate(n=Count("id", distinct=True))
    )
    visited = (
        Visit.objects.filter(occasion=occasion, person__in=periodic.values("pk"))
        .order_by()
        .values("person__street_id")
        .annotate(n=Count("person", distinct=True))
    )
    done = {r["person__street_id"]: r["n"] for r in visited}
    streets = {u.pk: u for u in streets_for(user=user)}
    rows = []
    for row in families:
        street = streets.get(row["street_id"])
        if street is None:
            continue
        n = done.get(row["street_id"], 0)
        rows.append(
            {
                "street": street,
                "families": row["n"],
                "visited": n,
                "percent": round(100 * n / row["n"]) if row["n"] else 0,
            }
        )
    return sorted(rows, key=lambda r: r["street"].path)
