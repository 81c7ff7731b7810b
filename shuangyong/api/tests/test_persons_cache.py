"""/api/v1/persons kept per token (core.pagecache): a kept answer is served without
checking the token again, but a revocation is a write, so a revoked token is refused
though an answer was kept for it.

People: the street's care officer (``people.care``), who holds the token. These tests
commit: what they check happens at COMMIT.
"""

import pytest
from django.test import Client

from shuangyong.api import services
from shuangyong.api.models import ApiToken
from shuangyong.care.tests.conftest import person
from shuangyong.core.pagecache import HIT_HEADER

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/v1/persons"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


def test_kept_per_token_and_refused_once_revoked(people, district):
    person(district, name="王老兵")
    token, key = services.issue_token(user=people.care, name="市平台")
    client = Client()
    headers = {"Authorization": f"Bearer {key}"}
    # The first call notes the token's first use (a write: its answer is not kept).
    client.get(URL, headers=headers)
    first = client.get(URL, headers=headers)
    second = client.get(URL, headers=headers)
    assert first.status_code == 200 and second.get(HIT_HEADER) == "hit"
    assert second.json() == first.json() and second.json()["items"][0]["name"] == "王老兵"

    _other, other_key = services.issue_token(user=people.care, name="另一个")
    assert client.get(URL, headers={"Authorization": f"Bearer {other_key}"}).get(HIT_HEADER) is None

    services.revoke_token(token=ApiToken.objects.get(pk=token.pk), actor=people.care)
    assert client.get(URL, headers=headers).status_code == 401
    assert client.get(URL, headers={"Authorization": "Bearer sy_nope"}).status_code == 401


def test_a_holder_disabled_meanwhile_is_refused_though_an_answer_was_kept(people, district):
    person(district, name="王老兵")
    _token, key = services.issue_token(user=people.care, name="市平台")
    client = Client()
    headers = {"Authorization": f"Bearer {key}"}
    for _ in range(2):  # the first notes the token's use; the second is kept
        client.get(URL, headers=headers)
    assert client.get(URL, headers=headers).get(HIT_HEADER) == "hit"
    people.care.is_active = False
    people.care.save()
    assert client.get(URL, headers=headers).status_code == 401
