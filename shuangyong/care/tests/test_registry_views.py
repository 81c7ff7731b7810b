"""The registry pages: search first, a person's page, reveal, entitlements and status.

People: the district's care officer (``officer``), the street's care officer
(``people.care``, scoped to 东街道), the office (sees, does not edit), unit A's
liaison (the outsider: no access to personal data at all).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.audit.models import AuditEvent
from shuangyong.care.models import EntitledPerson, Entitlement, StatusChange
from shuangyong.care.tests.conftest import entitle, person
from shuangyong.org.models import Unit, UnitKind


@pytest.fixture
def west(district):
    return Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)


@pytest.fixture
def veteran(district, officer):
    who = person(district, name="王老兵")
    entitle(who, "disabled_veteran", officer, grade=4, cause="war")
    return who


def test_search_by_name_pinyin_and_exact_id(client, people, veteran):
    client.force_login(people.care)
    url = reverse("care:home")
    for query in ("王老", "wlb", veteran.id_number):
        body = client.get(url, {"q": query}).content.decode()
        assert "王老兵" in body, query
    other = veteran.id_number[:-1] + ("1" if veteran.id_number.endswith("0") else "0")
    body = client.get(url, {"q": other}).content.decode()
    assert "王老兵" not in body
    # the page never shows the full number, even to the one who typed it
    assert veteran.id_number not in client.get(url, {"q": "王老"}).content.decode()


def test_the_htmx_search_returns_only_the_results(client, people, veteran):
    client.force_login(people.care)
    response = client.get(reverse("care:home"), {"q": "王"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "王老兵" in body and "<html" not in body


def test_a_search_that_shows_its_limit_says_there_may_be_more(
    client, people, district, monkeypatch
):
    from shuangyong.care import selectors

    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 2)
    for name in ("孙甲", "孙乙", "孙丙"):
        person(district, name=name)
    client.force_login(people.care)
    page = client.get(reverse("care:home"), {"q": "孙"}).content.decode()
    said = page.split('data-testid="search-count">', 1)[1].split("</p>", 1)[0]
    assert said in (
        "显示找到的前 2 人：多输入几个字可缩小范围",
        "The first 2 persons found: type more to narrow the search",
    )
    page = client.get(reverse("care:home"), {"q": "孙甲"}).content.decode()
    said = page.split('data-testid="search-count">', 1)[1].split("</p>", 1)[0]
    assert said in ("找到 1 人", "1 person found")
    client.force_login(people.liaison_a)  # the outsider
    assert client.get(reverse("care:home"), {"q": "孙"}).status_code == 403


def _ns(street):
    from types import SimpleNamespace

    return SimpleNamespace(street=street)


def test_only_editing_roles_browse_and_only_their_streets(client, people, veteran, west):
    person(_ns(west), name="赵西街")
    client.force_login(people.care)
    body = client.get(reverse("care:home")).content.decode()
    assert "王老兵" in body and "赵西街" not in body
    client.force_login(people.office)  # finds a person it searches for, browses nobody
    assert "王老兵" not in client.get(reverse("care:home")).content.decode()
    assert "王老兵" in client.get(reverse("care:home"), {"q": "王"}).content.decode()


def test_a_street_officer_finds_nobody_outside_the_street(client, people, officer, west):
    outsider = person(_ns(west), name="赵西街")
    client.force_login(people.care)
    assert "赵西街" not in client.get(reverse("care:home"), {"q": "赵"}).content.decode()
    url = reverse("care:person_detail", args=[outsider.pk])
    assert client.get(url).status_code == 404
    client.force_login(officer)  # the district's officer sees every street
    assert client.get(url).status_code == 200


def test_the_outsider_sees_nothing(client, people, veteran):
    client.force_login(people.liaison_a)
    assert client.get(reverse("care:home"), {"q": "王"}).status_code == 403
    url = reverse("care:person_detail", args=[veteran.pk])
    assert client.get(url).status_code == 403
    response = client.post(reverse("care:person_reveal", args=[veteran.pk]), {"reason": "核对"})
    assert response.status_code == 403


def test_the_page_masks_the_id_and_reveal_is_audited(client, people, veteran):
    client.force_login(people.care)
    url = reverse("care:person_detail", args=[veteran.pk])
    body = client.get(url).content.decode()
    assert veteran.id_number_masked in body and veteran.id_number not in body
    response = client.post(
        reverse("care:person_reveal", args=[veteran.pk]),
        {"reason": "核对发放名册"},
        headers={"HX-Request": "true"},
    )
    assert veteran.id_number in response.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert event.detail == {"field": "id_number", "reason": "核对发放名册"}
    assert (event.object_id, event.actor_name) == (str(veteran.pk), "蔡优（care）")
    # without a reason there is nothing to see
    response = client.post(reverse("care:person_reveal", args=[veteran.pk]), {"reason": ""})
    assert veteran.id_number not in response.content.decode()


def test_the_office_may_not_reveal_or_edit(client, people, veteran):
    client.force_login(people.office)
    assert client.get(reverse("care:person_detail", args=[veteran.pk])).status_code == 200
    post = client.post(reverse("care:person_reveal", args=[veteran.pk]), {"reason": "看看"})
    assert post.status_code == 403
    assert client.get(reverse("care:person_edit", args=[veteran.pk])).status_code == 403


def test_register_a_person_in_the_browser_form(client, people, district):
    from shuangyong.core import idnumber

    number = idnumber.make("110199", dt.date(1948, 8, 1), 11)
    client.force_login(people.care)
    response = client.post(
        reverse("care:person_new"),
        {
            "name": "钱老兵",
            "id_number": number.lower(),
            "sex": "M",
            "birth_date": "1948-08-01",
            "phone": "13800001111",
            "street": district.street.pk,
            "hukou": "urban",
            "address": "东街 1 号",
            "category": "war_veteran",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = EntitledPerson.objects.get(name="钱老兵")
    assert saved.id_number == number.upper() and saved.birth_date == dt.date(1948, 8, 1)
    # the same number again is refused and named
    again = client.post(
        reverse("care:person_new"),
        {
            "name": "钱老兵二",
            "id_number": number,
            "sex": "M",
            "birth_date": "1948-08-01",
            "street": district.street.pk,
            "hukou": "urban",
        },
    )
    assert again.status_code == 200 and "id_number" in again.context["form"].errors


def test_sex_and_birth_date_come_from_the_id(client, people, district):
    from shuangyong.core import idnumber

    number = idnumber.make("110199", dt.date(1952, 2, 29), 12)  # even serial: a woman
    client.force_login(people.care)
    response = client.post(
        reverse("care:person_new"),
        {
            "name": "孙某",
            "id_number": number,
            "street": district.street.pk,
            "hukou": "urban",
            "category": "martyr_survivor",
        },
    )
    assert response.status_code == 302
    saved = EntitledPerson.objects.get(name="孙某")
    assert (saved.sex, saved.birth_date) == ("F", dt.date(1952, 2, 29))
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client.post(
        reverse("care:person_new"),
        {"name": "错号", "id_number": bad, "street": district.street.pk, "hukou": "urban"},
    )
    assert response.status_code == 200 and "id_number" in response.context["form"].errors


def test_entitlement_then_suspension_through_the_pages(client, people, district):
    who = person(district, name="周烈属")
    client.force_login(people.care)
    response = client.post(
        reverse("care:entitlement_add", args=[who.pk]),
        {"category": "martyr_survivor", "approved_on": "2026-03-05"},
    )
    assert response.status_code == 302
    entitlement = Entitlement.objects.get(person=who)
    assert entitlement.status == "active"
    client.post(
        reverse("care:entitlement_status", args=[entitlement.pk]),
        {"status": "suspended", "effective": "2026-09-15", "reason": "服刑"},
    )
    entitlement.refresh_from_db()
    assert entitlement.status == "suspended"
    change = StatusChange.objects.filter(entitlement=entitlement).latest("pk")
    assert change.reason == "服刑" and change.by == people.care
    body = client.get(reverse("care:person_detail", args=[who.pk])).content.decode()
    assert "服刑" in body


def test_a_disability_without_a_grade_is_refused_with_a_message(client, people, district):
    who = person(district, name="吴伤残")
    client.force_login(people.care)
    response = client.post(
        reverse("care:entitlement_add", args=[who.pk]),
        {"category": "disabled_veteran", "approved_on": "2026-03-05"},
        follow=True,
    )
    assert not Entitlement.objects.filter(person=who).exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_another_streets_officer_cannot_change_an_entitlement(client, people, officer, west):
    outsider = person(_ns(west), name="赵西街")
    entitlement = entitle(outsider, "martyr_survivor", officer)
    client.force_login(people.care)
    response = client.post(
        reverse("care:entitlement_status", args=[entitlement.pk]),
        {"status": "stopped", "effective": "2026-09-15", "reason": "x"},
    )
    assert response.status_code == 404
    entitlement.refresh_from_db()
    assert entitlement.status == "active"


def test_yearly_confirmation_page(client, people, officer, district):
    first = person(district, name="甲优抚")
    second = person(district, name="乙优抚")
    for who in (first, second):
        entitle(who, "war_veteran", officer)
    client.force_login(people.care)
    url = reverse("care:confirmations")
    assert client.get(url).context["pending"] == 2
    client.post(url, {"person": [first.pk], "method": "上门"})
    page = client.get(url)
    assert page.context["pending"] == 1 and "乙优抚" in page.content.decode()
    client.force_login(people.liaison_a)
    assert client.get(url).status_code == 403


def test_home_and_person_pages_take_a_fixed_number_of_queries(client, people, officer, district):
    def measure(url, params=None):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params or {}).status_code == 200
        return len(queries)

    first = person(district, name="孙一")
    entitle(first, "disabled_veteran", officer, grade=5, cause="duty")
    client.force_login(people.care)
    home = reverse("care:home")
    detail = reverse("care:person_detail", args=[first.pk])
    # The search's first query in a while also reads the index's statistics (one query,
    # then cached: care.pieces.statistics); what is pinned is every search after it.
    client.get(home, {"q": "孙"})
    small = (measure(home), measure(home, {"q": "孙"}), measure(detail))
    for i in range(30):
        extra = person(district, name=f"孙{i}号")
        entitle(extra, "war_veteran", officer)
    entitle(first, "war_veteran", officer)
    from shuangyong.care import support

    certificate = support.issue_certificate(
        person=first, number="C1", issued_on=dt.date(2026, 1, 1), actor=officer
    )
    support.report_lost(certificate=certificate, lost_on=dt.date(2026, 5, 1), actor=officer)
    support.reissue(
        certificate=certificate, number="C2", issued_on=dt.date(2026, 6, 1), actor=officer
    )
    large = (measure(home), measure(home, {"q": "孙"}), measure(detail))
    assert large == small
