"""The batch page loads its overpayment check after it shows (htmx). A user who logs out
while that request is still being answered (the browser test did, once) ended the
session under it: the answer must not be a 400, and the session must stay ended."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from shuangyong.care import payments, selectors
from shuangyong.care.tests.conftest import person, standard


def test_a_logout_while_the_overpayment_check_loads_leaves_the_session_ended(
    client, people, district, officer, monkeypatch
):
    standard("war_veteran", "1200", per="month")
    from shuangyong.care import registry

    registry.add_entitlement(
        person=person(district), category="war_veteran", grade=None, cause="",
        approved_on=None, pays_from=0, actor=officer,
    )  # fmt: skip
    batch = payments.compute(programme="living", period="2026-11", actor=officer)
    client.force_login(officer)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    check = selectors.overpaid

    def logged_out_meanwhile(found):
        Session.objects.filter(session_key=key).delete()  # the logout, in another request
        return check(found)

    monkeypatch.setattr(selectors, "overpaid", logged_out_meanwhile)
    response = client.get(reverse("care:batch_overpaid", args=[batch.pk]))

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # no new cookie handed out
    assert not Session.objects.filter(session_key=key).exists()  # nor the session revived
    monkeypatch.setattr(selectors, "overpaid", check)
    assert client.get(reverse("care:batch_list")).status_code == 302  # to the login page
