"""The registry at any size: keyset pages (cursor = the last row's street, name and id),
counts exact while small and estimated past EXACT_BELOW, the person's page bounded
however long the history, the scope kept on every page.

People: the district's care officer (``officer``, the whole district), the street's care
officer (``people.care``, 东街道 only), unit A's liaison (the outsider)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.care import registry, selectors
from shuangyong.care.models import Certificate, EntitledPerson
from shuangyong.care.tests.conftest import entitle, person
from shuangyong.core import keyset
from shuangyong.org.models import Unit, UnitKind

HOME = reverse("care:home")


def street(district, code, name):
    return Unit.objects.create(code=code, name=name, kind=UnitKind.STREET, parent=district.root)


def crowd(district, officer, n, *, where=None, prefix="人"):
    made = []
    for i in range(n):
        who = person(district, name=f"{prefix}{i:03d}", street=where)
        entitle(who, "war_veteran", officer)
        made.append(who)
    return made


def read_all(client, params=None):
    """Every page by its "next" link: the names in order and the pages' sizes."""
    names, sizes, cursor = [], [], ""
    while True:
        response = client.get(HOME, {**(params or {}), "cursor": cursor})
        assert response.status_code == 200
        page = response.context["browse"]
        names += [p.name for p in page]
        sizes.append(len(page))
        if not page.next:
            return names, sizes, response
        cursor = page.next


def test_pages_follow_the_cursor_through_every_street_in_order(client, people, officer, district):
    west = street(district, "W", "西街道")
    crowd(district, officer, 30, prefix="东")
    crowd(district, officer, 30, where=west, prefix="西")
    client.force_login(officer)
    names, sizes, last = read_all(client)
    assert sizes == [50, 10]
    west.refresh_from_db()
    district.street.refresh_from_db()
    east_first = district.street.path < west.path  # streets in tree order
    expected = [f"东{i:03d}" for i in range(30)], [f"西{i:03d}" for i in range(30)]
    assert names == (expected[0] + expected[1] if east_first else expected[1] + expected[0])
    assert last.context["total"] == keyset.Count(60)
    assert '<p class="small text-muted" data-testid="registry-total">60 ' in last.content.decode()
    back = client.get(HOME, {"cursor": last.context["browse"].previous}).context["browse"]
    assert [p.name for p in back] == names[:50] and back.next and not back.previous


def test_the_street_officer_pages_through_its_street_only(client, people, officer, district):
    west = street(district, "W", "西街道")
    crowd(district, officer, 52, prefix="东")
    crowd(district, officer, 3, where=west, prefix="西")
    client.force_login(people.care)  # 东街道's officer
    names, sizes, last = read_all(client)
    assert names == [f"东{i:03d}" for i in range(52)] and sizes == [50, 2]
    assert last.context["total"].value == 52
    # a cursor made up to point into the other street still shows only the officer's own
    forged = keyset.encode("a", (west.pk, "", 0))  # the first page: never the other street
    assert {p.street_id for p in client.get(HOME, {"cursor": forged}).context["browse"]} == {
        district.street.pk
    }
    assert client.get(HOME, {"street": west.pk}).context["total"].value == 0


def test_filters_hold_across_pages_and_a_bad_cursor_is_the_first_page(
    client, people, officer, district
):
    made = crowd(district, officer, 55, prefix="甲")
    for who in made[::2]:
        entitle(who, "martyr_survivor", officer)
    client.force_login(officer)
    names, sizes, _last = read_all(client, {"category": "martyr_survivor"})
    assert names == [p.name for p in made[::2]] and sizes == [28]
    forged = keyset.encode("a", (district.street.pk, "甲", 2**70))  # beyond a bigint
    for junk in (
        "x",
        "!!",
        keyset.encode("a", ("x", "y")),
        keyset.encode("q", (1, "a", 1)),
        forged,
    ):
        page = client.get(HOME, {"cursor": junk}).context["browse"]
        assert [p.name for p in page] == [p.name for p in made[:50]]


def test_counts_are_estimated_past_the_limit(client, people, officer, district, monkeypatch):
    crowd(district, officer, 8)
    listing = selectors.browse(officer).persons
    assert keyset.count(listing) == keyset.Count(8)
    assert keyset.count(listing.filter(street_id__in=[])) == keyset.Count(0)  # never sent
    nothing = EntitledPerson.objects.none()  # what a search for nothing gives
    page = keyset.partitioned_page(
        nothing, partition="street_id", values=[district.street.pk], order=("name", "id")
    )
    assert list(page) == [] and not page.next
    small = keyset.count(listing, exact_below=5)
    if connection.vendor == "postgresql":
        assert small.estimated and small.value >= 6
    else:
        assert small == keyset.Count(8)
    monkeypatch.setattr(keyset, "EXACT_BELOW", 5)
    monkeypatch.setattr(keyset, "estimate", lambda queryset: 123_456)
    client.force_login(officer)
    page = client.get(HOME).content.decode()
    total = page.split('data-testid="registry-total">', 1)[1].split("</p>", 1)[0]
    assert total.replace(",", "") in ("约 123456 人", "About 123456 persons")  # (.mo compiled?)


def test_the_list_takes_the_same_queries_on_any_page(client, people, officer, district):
    crowd(district, officer, 120)
    client.force_login(officer)

    def measure(params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(HOME, params)
        return len(queries), response.context["browse"].next

    first, cursor = measure({})
    second, cursor = measure({"cursor": cursor})
    third, _ = measure({"cursor": cursor, "category": "war_veteran"})
    assert first == second == third


def test_outsiders_get_nothing(client, people, officer, district):
    crowd(district, officer, 3)
    client.force_login(people.liaison_a)
    assert client.get(HOME).status_code == 403
    cursor = keyset.encode("a", (district.street.pk, "", 0))
    assert client.get(HOME, {"cursor": cursor}).status_code == 403
    client.force_login(people.office)  # searches, does not browse
    assert client.get(HOME, {"cursor": cursor}).context["browse"] is None


def test_the_person_page_is_bounded_however_long_the_history(client, people, officer, district):
    who = person(district, name="王老兵")
    held = entitle(who, "war_veteran", officer)
    client.force_login(people.care)
    url = reverse("care:person_detail", args=[who.pk])

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response

    small, _ = measure()
    for i in range(8):  # 16 more changes: suspended and restored again and again
        for status in ("suspended", "active"):
            registry.change_status(
                entitlement=held,
                status=status,
                effective=dt.date(2020 + i, 3 if status == "suspended" else 6, 1),
                reason=f"第{i}次",
                actor=officer,
            )
            held.refresh_from_db()
    for i in range(25):
        registry.add_link(person=who, serviceman_name=f"军人{i}", relation="child",
                          serviceman_unit="", actor=officer)  # fmt: skip
        Certificate.objects.create(person=who, number=f"C{i}", issued_on=dt.date(2020, 1, 1),
                                   status="replaced")  # fmt: skip
    large, response = measure()
    assert large == small
    shown = response.context["entitlements"][0]
    assert len(shown.recent_history) == selectors.HISTORY_SHOWN and shown.history_count == 17
    assert shown.recent_history[-1].reason == "第7次"  # the latest, shown last
    assert len(response.context["links"]) == len(response.context["certificates"]) == 20
    assert 'data-testid="history-more"' in response.content.decode()
    assert who.id_number not in response.content.decode()
    assert EntitledPerson.objects.get(pk=who.pk).id_number_masked in response.content.decode()
