"""The registry's search by name, pinyin or initials: what it finds, and on PostgreSQL
that it can be read from the two-character indexes (migration 0007) rather than by
reading every person.

No people: the queryset is searched directly (the pages and the API call this method)."""

import pytest
from django.db import connection

from shuangyong.care.models import EntitledPerson
from shuangyong.care.tests.conftest import person

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
        ("王老兵", "care_person_name_bigrams"),
        ("老兵", "care_person_name_bigrams"),
        ("wanglaobing", "care_person_pinyin_bigrams"),
        ("wlb", "care_person_pinyin_bigrams"),
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
