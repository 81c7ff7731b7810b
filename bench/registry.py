"""The registry's pages at 10,000, 100,000 and 1,000,000 entitled persons.

The registry is built by ``bench/care.py``'s generator (one person, one entitlement,
one payable span each, set-based SQL), then spread over the six streets with varied
names in one UPDATE, one person given a real ID number (found through its blind
index), and ``VACUUM ANALYZE``. Each page is then requested in process through
Django's test client as the district's care officer (scope: the whole district),
``BENCH_REPEAT`` times (default 5): the min and median wall time and the number of
SQL queries are printed.

Pages: the registry's first page, a page in the middle of the registry, the registry
filtered by category (disabled veterans, 35 %) and by street, the search by name, by
the name's full pinyin and by ID number (blind index), by a surname (王) and by its
pinyin (wang), each held by a tenth of the registry, a person's page, and
``/api/v1/persons``: the first page, the next one (its ``next`` link; ``page=2`` on code
without it) and one in the middle; its search by name, by the surname and by "wang", and
the page after the first of "wang".
A "middle" page is reached as its code allows: a cursor at the middle person's key, or
the page number of the middle (an offset) on the code before keyset pages.

Target (issue 19): each page at 1,000,000 within 2× of its time at 10,000.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sy_registry_bench \\
        .venv/bin/python bench/registry.py     # database created, then dropped
    BENCH_ROWS=2000,20000 .venv/bin/python bench/registry.py   # smaller, on SQLite
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/http.py would stand in for the standard library's ``http`` if this folder led
# sys.path (it does for a script): siblings are imported as ``bench.<name>``.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

from bench import care as generator  # noqa: E402 - bench/care.py: settings, the district, the registry

SIZES = [int(s) for s in os.environ.get("BENCH_ROWS", "10000,100000,1000000").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
SURNAMES = "王李张刘陈杨赵黄周吴"
READINGS = ("wang", "li", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu")
PAGE = 50


def spread(rows: int) -> None:
    """The generated persons over the six streets, with names as a roster has them
    (surname, a given name, a number) and their pinyin search keys, one UPDATE; then
    VACUUM ANALYZE."""
    from django.db import connection

    from shuangyong.org.models import Unit

    streets = list(Unit.objects.filter(kind="street").order_by("path").values_list("pk", flat=True))
    street = "CASE id % {n} {whens} END".format(
        n=len(streets), whens=" ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(streets))
    )
    surname = "CASE id % 10 " + " ".join(f"WHEN {i} THEN '{s}'" for i, s in enumerate(SURNAMES))
    # The search key core.pinyin.search_key gives such a name ("王某12" → "wangmou12 wm1
    # wangmei12"; 某 reads mou or mei), written in SQL like the names.
    reading = "CASE id % 10 " + " ".join(f"WHEN {i} THEN '{r}'" for i, r in enumerate(READINGS))
    number = f"CAST((id * 7919) % {rows * 10} AS TEXT)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE care_entitledperson SET street_id = {street}, "
            f"name = {surname} END || '某' || {number}, "
            f"search_text = {reading} END || 'mou' || {number} || ' ' "
            f"|| substr({reading} END, 1, 1) || 'm' || substr({number}, 1, 1) || ' ' "
            f"|| {reading} END || 'mei' || {number}"
        )
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def known_person():
    """The person in the middle of the registry, given a real ID number (encrypted, its
    blind index set by the model): the one searched for and whose page is opened."""
    import datetime as dt

    from shuangyong.care.models import EntitledPerson
    from shuangyong.core import idnumber

    ordered = EntitledPerson.objects.order_by("street_id", "name", "id")
    middle = ordered[EntitledPerson.objects.count() // 2]
    middle.id_number = idnumber.make("110199", dt.date(1950, 1, 1), 7)
    middle.save()
    return middle


def middle_cursor(person) -> str:
    try:
        from shuangyong.core import keyset
    except ImportError:  # the code before keyset pages
        return ""
    return keyset.encode("a", (person.street_id, person.name, person.pk))


def timed(client, url: str, params: dict, headers: dict) -> tuple[list[float], int, object]:
    """The min and median of REPEAT requests after one counted (a wrapper around the
    connection's execute: it outlives the connection the request closes)."""
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, params, headers=headers)
    assert response.status_code == 200, (url, params, response.status_code)
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get(url, params, headers=headers)
        times.append(time.perf_counter() - started)
    return times, len(executed), response


def measure(rows: int) -> dict[str, tuple[float, float, int]]:
    from urllib.parse import parse_qs, urlsplit

    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from shuangyong.api import services
    from shuangyong.core.pinyin import search_key
    from shuangyong.org.models import Unit, User

    cache.clear()  # what an earlier size left (the search's piece statistics) is not reused
    user = User.objects.get(username="bench")
    client = Client()
    client.force_login(user)
    _token, key = services.issue_token(user=user, name="基准")
    api = {"Authorization": f"Bearer {key}"}
    who = known_person()
    cursor = middle_cursor(who)
    middle = {"cursor": cursor} if cursor else {"page": rows // 2 // PAGE + 1}
    home, api_url = reverse("care:home"), "/api/v1/persons"
    street = Unit.objects.get(code="S3").pk
    pages = [
        ("registry: first page", home, {}, {}),
        ("registry: middle page", home, middle, {}),
        ("registry: by category", home, {"category": "disabled_veteran"}, {}),
        ("registry: by street", home, {"street": street}, {}),
        ("registry: search by name", home, {"q": who.name}, {}),
        ("registry: search by pinyin", home, {"q": search_key(who.name).split()[0]}, {}),
        ("registry: search by ID", home, {"q": who.id_number}, {}),
        # What a tenth of the registry holds: a surname, and its pinyin.
        ("registry: search by surname", home, {"q": SURNAMES[0]}, {}),
        ("registry: search by 'wang'", home, {"q": READINGS[0]}, {}),
        ("person page", reverse("care:person_detail", args=[who.pk]), {}, {}),
        ("api persons: first page", api_url, {}, api),
        ("api persons: search by name", api_url, {"q": who.name}, api),
        ("api persons: search by surname", api_url, {"q": SURNAMES[0]}, api),
        ("api persons: search by 'wang'", api_url, {"q": READINGS[0]}, api),
    ]
    results = {}
    client.get(home)  # warm: templates, translations
    for label, url, params, headers in pages:
        times, queries, response = timed(client, url, params, headers)
        results[label] = (min(times), statistics.median(times), queries)
        if label not in ("api persons: first page", "api persons: search by 'wang'"):
            continue
        # the page after: its ``next`` link (``page=2`` on code without it)
        link = response.json().get("next")
        following = (
            {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
            if link
            else {**params, "page": 2}
        )
        times, queries, _ = timed(client, api_url, following, api)
        then = "api persons: 'wang', next page" if params else "api persons: next page"
        results[then] = (min(times), statistics.median(times), queries)
        if not params:
            times, queries, _ = timed(client, api_url, middle, api)
            results["api persons: middle page"] = (min(times), statistics.median(times), queries)
    return results


def drop_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    engine = generator.setup_database()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host; queries captured with DEBUG off
    load = os.getloadavg()
    print(f"Registry bench on {engine}; sizes {SIZES}; {REPEAT} runs each; load {load[0]:.1f}\n")
    table: dict[int, dict[str, tuple[float, float, int]]] = {}
    try:
        for rows in SIZES:
            generator.fresh_district()
            started = time.perf_counter()
            generator.registry(rows)
            spread(rows)
            print(f"{rows:,} persons built in {time.perf_counter() - started:.0f} s")
            table[rows] = measure(rows)
            for label, (low, middle, queries) in table[rows].items():
                print(f"  {label:32} min {low * 1000:7.1f} ms  median {middle * 1000:7.1f} ms"
                      f"  {queries:3d} queries")  # fmt: skip
            print()
    finally:
        drop_database()
    if len(SIZES) > 1:
        small, large = SIZES[0], SIZES[-1]
        print(f"{large:,} / {small:,} persons, by min time (target ≤ 2×):")
        for label in table[small]:
            ratio = table[large][label][0] / table[small][label][0]
            print(f"  {label:32} {ratio:6.1f}×")
    print(f"\nload at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
