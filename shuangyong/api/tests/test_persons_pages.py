"""/api/v1/persons at any size: ``next``/``previous`` (keyset cursors), the documented
``page`` still answering as before, ``count`` exact while small (``count_estimated``
false), a fixed number of queries on every page, the caller's streets only; a search in
the order persons were registered.

People: the district's care officer (``officer``), the street's care officer
(``people.care``, 东街道), unit A's liaison (the outsider)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from shuangyong.access import Role
from shuangyong.api.tests.test_api import bearer
from shuangyong.care.tests.conftest import entitle, person
from shuangyong.core import keyset
from shuangyong.org.models import Unit, UnitKind

URL = "/api/v1/persons"


@pytest.fixture
def officer(district):
    return make_user(
        "care_district", Role.CARE_OFFICER, district.office, name="孙优抚", scope_unit=district.root
    )


def crowd(district, officer, n, *, where=None, prefix="人"):
    for i in range(n):
        entitle(person(district, name=f"{prefix}{i:03d}", street=where), "war_veteran", officer)


def follow(client, headers, link):
    parts = urlsplit(link)
    assert parts.path == URL
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return client.get(URL, params, headers=headers).json()


def test_next_and_previous_walk_the_whole_list(client, people, officer, district):
    crowd(district, officer, 12)
    headers = bearer(officer)
    first = client.get(URL, {"page_size": 5}, headers=headers).json()
    assert first["count"] == 12 and first["count_estimated"] is False
    assert first["previous"] is None and "page_size=5" in first["next"]
    names, body = [p["name"] for p in first["items"]], first
    while body["next"]:
        body = follow(client, headers, body["next"])
        names += [p["name"] for p in body["items"]]
    assert names == [f"人{i:03d}" for i in range(12)] and body["next"] is None
    back = follow(client, headers, body["previous"])
    assert [p["name"] for p in back["items"]] == names[5:10]
    # the documented pages still answer, and lead on by cursor
    second = client.get(URL, {"page": 2, "page_size": 5}, headers=headers).json()
    assert [p["name"] for p in second["items"]] == names[5:10] and second["count"] == 12
    assert [p["name"] for p in follow(client, headers, second["next"])["items"]] == names[10:]
    assert [p["name"] for p in follow(client, headers, second["previous"])["items"]] == names[:5]


def test_filters_and_search_hold_across_pages(client, people, officer, district):
    crowd(district, officer, 7, prefix="王")
    crowd(district, officer, 3, prefix="李")
    headers = bearer(officer)
    body = client.get(URL, {"q": "王", "page_size": 4}, headers=headers).json()
    assert body["count"] == 7
    later = follow(client, headers, body["next"])
    assert [p["name"] for p in later["items"]] == ["王004", "王005", "王006"]
    body = client.get(URL, {"category": "war_veteran", "status": "suspended"}, headers=headers)
    assert body.json()["count"] == 0 and body.json()["items"] == []


def test_a_search_pages_in_the_order_persons_were_registered(client, people, officer, district):
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)
    # registered in the reverse of the registry's order (street, then name)
    for i in reversed(range(8)):
        entitle(person(district, name=f"王{i}", street=[west, None][i % 2]), "war_veteran", officer)
    entitle(person(district, name="李0"), "war_veteran", officer)
    registered = [f"王{i}" for i in reversed(range(8))]
    headers = bearer(officer)
    body = client.get(URL, {"q": "王", "page_size": 3}, headers=headers).json()
    assert body["count"] == 8 and body["count_estimated"] is False and body["previous"] is None
    names = [p["name"] for p in body["items"]]
    while body["next"]:
        body = follow(client, headers, body["next"])
        names += [p["name"] for p in body["items"]]
    assert names == registered
    back = follow(client, headers, body["previous"])
    assert [p["name"] for p in back["items"]] == registered[3:6]
    assert [p["name"] for p in follow(client, headers, back["previous"])["items"]] == registered[:3]
    numbered = client.get(URL, {"q": "王", "page": 2, "page_size": 3}, headers=headers).json()
    assert [p["name"] for p in numbered["items"]] == registered[3:6]
    assert [p["name"] for p in follow(client, headers, numbered["next"])["items"]] == registered[6:]
    # the filters hold, and a street officer finds only its street's
    held = {"q": "王", "street": west.pk, "category": "war_veteran"}
    assert [p["name"] for p in client.get(URL, held, headers=headers).json()["items"]] == [
        "王6", "王4", "王2", "王0"
    ]  # fmt: skip
    care = client.get(URL, {"q": "王"}, headers=bearer(people.care)).json()
    assert [p["name"] for p in care["items"]] == ["王7", "王5", "王3", "王1"] and care["count"] == 4
    forged = keyset.encode("a", (0,))  # a cursor made up to start before everyone
    found = client.get(URL, {"q": "王", "cursor": forged}, headers=bearer(people.care)).json()
    assert {p["street_id"] for p in found["items"]} == {district.street.pk}
    assert client.get(URL, {"q": "王"}, headers=bearer(people.liaison_a)).status_code == 403


def test_the_street_officer_and_the_outsider(client, people, officer, district):
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)
    crowd(district, officer, 3, prefix="东")
    crowd(district, officer, 3, where=west, prefix="西")
    care = bearer(people.care)
    body = client.get(URL, headers=care).json()
    assert [p["name"] for p in body["items"]] == ["东000", "东001", "东002"] and body["count"] == 3
    forged = keyset.encode("a", (0, "", 0))  # a cursor made up to start before every street
    found = client.get(URL, {"cursor": forged}, headers=care).json()["items"]
    assert {p["street_id"] for p in found} == {district.street.pk}
    assert client.get(URL, {"street": west.pk}, headers=care).json()["items"] == []
    assert client.get(URL, headers=bearer(people.liaison_a)).status_code == 403


def test_every_page_takes_the_same_queries(client, people, officer, district):
    crowd(district, officer, 3)
    headers = bearer(officer)
    client.get("/api/v1/me", headers=headers)  # the first use notes the token's last use
    # the first search reads the statistics of the index of pieces (then cached, care.pieces)
    client.get(URL, {"q": "多"}, headers=headers)

    def measure(params):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(URL, params, headers=headers).json()
        return len(queries), body

    small, _ = measure({"page_size": 2})
    searched, _ = measure({"q": "多", "page_size": 2})
    crowd(district, officer, 40, prefix="多")
    first, body = measure({"page_size": 2})
    later, _ = measure({"cursor": parse_qs(urlsplit(body["next"]).query)["cursor"][0]})
    assert small == first == later
    found, body = measure({"q": "多", "page_size": 2})
    cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0]
    assert searched == found == measure({"q": "多", "cursor": cursor})[0]


def test_the_document_describes_the_links(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert {"page", "page_size", "cursor"} <= parameters
    ref = schema["paths"][URL]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    name = ref["$ref"].rsplit("/", 1)[1]
    fields = schema["components"]["schemas"][name]["properties"]
    assert {"items", "count", "count_estimated", "next", "previous"} <= set(fields)
