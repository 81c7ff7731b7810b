"""TOTP: optional for everyone, enforceable per role, with recovery codes."""

import time

import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD

SETUP = reverse("accounts:otp_setup")
VERIFY = reverse("accounts:otp_verify")


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client) -> list[str]:
    client.get(SETUP)
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(SETUP, {"token": current_code(device)})
    assert response.status_code == 200, response.content
    return response.context["codes"]


def test_enrolment_then_login_asks_for_the_code(client, people):
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    codes = enrol(client)
    assert len(codes) == 10
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    response = client.get(reverse("org:unit_list"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    device = TOTPDevice.objects.get(user=people.office, confirmed=True)
    # A code is accepted once: the next login uses the next 30-second code.
    with time_machine.travel(time.time() + 31):
        response = client.post(VERIFY + "?next=/org/units/", {"token": current_code(device)})
        assert response.status_code == 302 and response.url == "/org/units/"
        assert client.get(reverse("org:unit_list")).status_code == 200


def test_the_enrolment_code_cannot_be_replayed(client, people):
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    enrol(client)
    device = TOTPDevice.objects.get(user=people.office, confirmed=True)
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    assert client.post(VERIFY, {"token": current_code(device)}).status_code == 200


def test_a_recovery_code_works_once(client, people):
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    codes = enrol(client)
    for attempt in range(2):
        client.post(reverse("accounts:logout"))
        client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
        response = client.post(VERIFY, {"token": codes[0]})
        if attempt == 0:
            assert response.status_code == 302
        else:
            assert response.status_code == 200  # already used


def test_role_that_requires_it_must_enrol_first(client, people, settings):
    settings.TOTP_REQUIRED_ROLES = ["care_officer"]
    client.post(reverse("accounts:login"), {"username": "care", "password": PASSWORD})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == SETUP
    enrol(client)
    assert client.get(reverse("home")).status_code == 200
    # and cannot turn it off
    client.post(reverse("accounts:otp_disable"))
    assert TOTPDevice.objects.filter(user=people.care, confirmed=True).exists()


def test_roles_not_listed_are_not_forced(client, people, settings):
    settings.TOTP_REQUIRED_ROLES = ["care_officer"]
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200


def test_admin_removes_a_lost_authenticator(client, people):
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    enrol(client)
    admin = type(client)()
    admin.force_login(people.admin)
    admin.post(reverse("accounts:account_reset_2fa", args=[people.office.pk]))
    assert not TOTPDevice.objects.filter(user=people.office).exists()


def test_a_wrong_code_is_refused_and_throttles(client, people):
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    enrol(client)
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    device = TOTPDevice.objects.get(user=people.office, confirmed=True)
    with time_machine.travel(time.time() + 31, tick=False):
        wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
        response = client.post(VERIFY, {"token": wrong})
        assert response.status_code == 200 and response.context["form"].errors
        # django-otp backs off after a failure: even the right code waits a moment.
        assert client.post(VERIFY, {"token": current_code(device)}).status_code == 200
        assert client.get(reverse("home")).status_code == 302


def test_roles_that_reveal_personal_data_must_enrol_when_enforced(client, people, settings):
    settings.TOTP_FOR_PERSONAL_DATA = True
    client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    assert client.get(reverse("home")).url == SETUP  # office may reveal ID numbers
    other = type(client)()
    other.post(reverse("accounts:login"), {"username": "liaison_a", "password": PASSWORD})
    assert other.get(reverse("home")).status_code == 200  # a liaison may not
