"""The registry's search by name, pinyin or initials: what it finds, and on PostgreSQL
that it can be read from the indexes of two- and three-character pieces (migration 0008)
rather than by reading every person, asking them for the query's rarest pieces.

No people: the queryset is searched directly (the pages and the API call this method)."""

from unittest import mock

import pytest
from django.db import connection
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shuangyong.care import pieces
from shuangyong.care.models import EntitledPerson
from shuangyong.care.tests.conftest import person
from shuangyong.core.pinyin import normalize_query, search_key
from shuangyong.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def names(query: str) -> set[str]:
    return set(EntitledPerson.objects.search(query).values_list("name", flat=True))


def test_found_by_any_part_of_the_name_its_pinyin_or_initials(district):
    for name in ("王老兵", "李老兵", "王大山", "Ayi·Maimaiti"):
        person(district, name=name)
    assert names("老兵") == {"王老兵", "李老兵"}
    assert names("王") == {"王老兵", "王大山"}  # one character: no pieces, still found
    assert names("王老兵") == {"王老兵"}
    assert names("laobing") == {"王老兵", "李老兵"}
    assert names("wlb") == {"王老兵"}
    assert names("maimai") == {"Ayi·Maimaiti"}  # Latin letters in any case
    assert names("兵王") == set()  # every piece present (兵, 王) is not enough: in order
    assert names("老 兵") == {"王老兵", "李老兵"}  # spaces typed in the query do not count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
@pytest.mark.parametrize(
    "query, index",
    [
        ("王老兵", pieces.NAME_INDEX),
        ("老兵", pieces.NAME_INDEX),
        ("wanglaobing", pieces.PINYIN_INDEX),
        ("wlb", pieces.PINYIN_INDEX),
    ],
)
def test_postgresql_can_read_a_search_from_an_index(district, query, index):
    person(district, name="王老兵")
    found = EntitledPerson.objects.search(query).order_by()
    assert [p.name for p in found] == ["王老兵"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: force the choice
        sql, params = found.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


def test_a_query_is_cut_as_the_index_cuts_a_name():
    name, pinyin = pieces.NAME_INDEX, pieces.PINYIN_INDEX
    assert pieces.of("王", index=name) == ["王"]  # a name's single characters are held
    assert pieces.of("w", index=pinyin) == []  # a single letter is not: everyone has it
    assert pieces.of("老兵", index=name) == ["老兵"]
    assert pieces.of("王老兵", index=name) == ["王老兵"]
    assert pieces.of("wangwang", index=pinyin) == ["wan", "ang", "ngw", "gwa"]  # each once


def test_the_index_is_asked_for_the_rarest_pieces_only(monkeypatch):
    shares = {"wan": 0.12, "ang": 0.4, "ngl": 0.02, "gla": 0.03, "lao": 0.05, "aob": 0.2}
    monkeypatch.setattr(pieces, "statistics", lambda **kwargs: pieces.Statistics(shares, 1e6))
    asked = pieces.rarest(
        pieces.of("wanglaobing", index=pieces.PINYIN_INDEX),
        index=pieces.PINYIN_INDEX,
        using="default",
    )
    assert asked == ["obi", "bin", "ing"]  # unlisted by the statistics: rarer than any
    asked = pieces.rarest(["ang", "wan", "ngl", "lao"], index=pieces.PINYIN_INDEX, using="x")
    assert asked == ["ngl", "lao"]  # "wan" is third rarest, but held by more than a tenth
    assert pieces.rarest(["ang", "aob"], index=pieces.PINYIN_INDEX, using="x") == ["aob"]


def test_how_many_a_query_finds_is_estimated_from_its_pieces(monkeypatch):
    # A million persons: a tenth 王某 and a number ("王某1" a hundredth), a tenth liu.
    shares = {"王": 0.1, "某": 1.0, "1": 0.5, "王某": 0.1, "某1": 0.11, "王某1": 0.011}
    shares |= {"某10": 0.011, "liu": 0.1, "iu": 0.1, "wan": 0.05, "an": 0.45, "ang": 0.4}
    monkeypatch.setattr(pieces, "statistics", lambda **kwargs: pieces.Statistics(shares, 1e6))
    # the chance of 某10 after 某1 (0.011 / 0.11) times 王某1's share; not 王某1's share
    assert pieces.share(["王某1", "某10"], shares) == pytest.approx(0.0011)
    assert pieces.share(["liu"], shares) == 0.1
    assert pieces.share(["xyz"], shares) == 0.005  # unlisted: half the least listed, ≤ 0.5 %
    many = {q: pieces.finds_many(q, using="default") for q in ("王", "王某", "liu", "wang")}
    assert many == {"王": True, "王某": True, "liu": True, "wang": True}
    # √(50 / 1e6) = 0.7 %: 0.11 % is few, and so is anything the statistics do not list
    few = {q: pieces.finds_many(q, using="default") for q in ("王某10", "xyzw", "鑫")}
    assert few == {"王某10": False, "xyzw": False, "鑫": False}
    assert pieces.finds_many("w", using="default")  # a single letter: no piece, many


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statistics are PostgreSQL's")
def test_what_everyone_holds_is_not_asked_for(district):
    for i in range(200):
        person(district, name=f"王某{i:03d}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE care_entitledperson")
    known = pieces.statistics(index=pieces.PINYIN_INDEX, using="default")
    assert known.shares["mou"] > 0.9 and known.shares["wan"] > 0.9 and known.persons == 200
    asked = pieces.rarest(
        pieces.of("wangmou123", index=pieces.PINYIN_INDEX),
        index=pieces.PINYIN_INDEX,
        using="default",
    )
    assert asked[0] in ("u12", "123") and not {"wan", "ang", "ngm", "gmo", "mou"} & set(asked)
    assert names("wangmou123") == {"王某123"}
    assert names("王某123") == {"王某123"}


NAMES = ["王老兵", "李老兵", "王大山", "老王", "张三丰", "Ayi Maimaiti", "赵A12", "钱a21b"]
NAMES += [f"孙{i}号" for i in range(12)] + ["王王王老", "兵兵", "aaa", "单于"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_neither_way_of_reading_loses_a_person_the_match_finds(district, data):
    if not EntitledPerson.objects.exists():  # one registry for every example
        for name in NAMES:
            person(district, name=name)
    source = data.draw(st.sampled_from(NAMES + [search_key(n) for n in NAMES]))
    start = data.draw(st.integers(0, max(len(source) - 1, 0)))
    query = normalize_query(source[start : start + data.draw(st.integers(1, 6))])
    assume(query)  # a blank query finds nobody, by rule
    expected = {n for n in NAMES if query in n.lower() or query in search_key(n)}
    many = data.draw(st.booleans())  # read one by one, or found through the index
    with mock.patch.object(pieces, "finds_many", lambda q, using: many):
        assert names(query) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statistics are PostgreSQL's")
def test_a_search_that_finds_many_shows_a_page_of_the_first_registered(district, officer):
    from shuangyong.care import selectors

    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)
    streets = [west, district.street]
    made = [
        person(district, name=f"王{chr(0x4E00 + (97 * i) % 500)}", street=streets[i % 2])
        for i in range(120)
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE care_entitledperson")
    assert pieces.finds_many("王", using="default")  # 120 × 1.0² > 50
    shown = selectors.search(officer, "王")
    assert {p.pk for p in shown} == {p.pk for p in made[:50]}
    in_order = sorted(shown, key=lambda p: (p.street.path, p.name, p.pk))
    assert [p.pk for p in shown] == [p.pk for p in in_order]  # still the registry's order
    rare = made[77]
    assert not pieces.finds_many(normalize_query(rare.name), using="default")
    assert [p.pk for p in selectors.search(officer, rare.name)] == [rare.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statistics are PostgreSQL's")
def test_the_api_pages_a_search_that_finds_many_by_id_and_estimates_its_count(
    district, officer, monkeypatch
):
    from shuangyong.care import selectors
    from shuangyong.core import keyset

    made = [person(district, name=f"王{chr(0x4E00 + (97 * i) % 500)}") for i in range(120)]
    person(district, name="李某")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE care_entitledperson")
    found = selectors.find(officer, "王")
    assert found.many  # 120 × 1.0² > 50: read in id order until a page is found
    page = found.page(size=50)
    assert [p.pk for p in page] == [p.pk for p in made[:50]]
    assert [p.pk for p in found.page(cursor=page.next, size=100)] == [p.pk for p in made[50:]]
    assert found.count() == keyset.Count(120)  # no more than EXACT_BELOW: counted
    monkeypatch.setattr(keyset, "EXACT_BELOW", 60)
    estimated = found.count()  # more: the share its piece is held by, of the 121
    assert estimated.estimated and 100 <= estimated.value <= 121, estimated
    rare = selectors.find(officer, made[77].name)
    assert not rare.many and rare.count() == keyset.Count(1)
    assert [p.pk for p in rare.page()] == [made[77].pk]
