"""The registry and a person's page kept per session (core.pagecache): what is kept never
holds a full ID number, a reveal is never kept, and a change to the person shows at once.

People: the street's care officer (``people.care``, 东街道), unit A's liaison (the
outsider). These tests commit: what they check happens at COMMIT.
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from shuangyong.care.tests.conftest import person
from shuangyong.core.pagecache import HIT_HEADER

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


def kept_pages() -> list[bytes]:
    store = cache._cache  # the local-memory cache's own dict: every value, pickled
    return [value for key, value in store.items() if ":page:" in key]


def test_a_person_page_is_kept_with_the_id_number_masked_and_the_reveal_never(people, district):
    veteran = person(district, name="王老兵")
    veteran.phone = "13912345678"  # encrypted at rest, shown in full on the page
    veteran.save()
    care = Client()
    care.force_login(people.care)
    url = reverse("care:person_detail", args=[veteran.pk])
    care.get(url)
    kept = care.get(url)
    assert kept.get(HIT_HEADER) == "hit" and "13912345678" in kept.content.decode()
    assert kept_pages()
    for page in kept_pages():
        assert veteran.id_number.encode() not in page and b"13912345678" not in page
        assert "王老兵".encode() not in page  # the whole page is sealed

    revealed = care.post(
        reverse("care:person_reveal", args=[veteran.pk]), {"reason": "核对发放名单"}
    )
    assert veteran.id_number in revealed.content.decode()
    assert not any(veteran.id_number.encode() in page for page in kept_pages())
    # The reveal wrote only its audit entry, which the page does not show: still kept,
    # and masked.
    again = care.get(url)
    assert again.get(HIT_HEADER) == "hit" and veteran.id_number not in again.content.decode()


def test_an_edit_shows_at_once_and_the_outsider_is_refused_as_before(people, district):
    veteran = person(district, name="王老兵")
    care = Client()
    care.force_login(people.care)
    care.get(reverse("care:home"), {"q": "王老兵"})
    assert care.get(reverse("care:home"), {"q": "王老兵"}).get(HIT_HEADER) == "hit"
    veteran.name = "王老兵（更正）"
    veteran.save()
    assert "王老兵（更正）" in care.get(reverse("care:home"), {"q": "王老兵"}).content.decode()

    outsider = Client()
    outsider.force_login(people.liaison_a)
    for url in (reverse("care:home"), reverse("care:person_detail", args=[veteran.pk])):
        assert outsider.get(url).status_code in (403, 404), url
