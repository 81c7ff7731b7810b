"""API tokens obey the login rules: second factor, disabling, lockout, moving."""

from axes.models import AccessAttempt
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuangyong.access import Role
from shuangyong.api.models import ApiToken
from shuangyong.api.tests.test_api import bearer
from shuangyong.org.models import Person


def ok(client, headers) -> int:
    return client.get("/api/v1/units", headers=headers).status_code


def test_a_totp_required_roles_token_is_refused_before_enrolment(client, people, settings):
    settings.TOTP_REQUIRED_ROLES = ["care_officer"]
    headers = bearer(people.care)
    other = bearer(people.liaison_a)  # a role not required to: unaffected
    assert ok(client, headers) == 401 and ok(client, other) == 200
    TOTPDevice.objects.create(user=people.care, name="手机", confirmed=False)
    assert ok(client, headers) == 401  # started, not finished
    TOTPDevice.objects.filter(user=people.care).update(confirmed=True)
    assert ok(client, headers) == 200


def test_a_disabled_accounts_token_stops_at_once(client, people):
    headers = bearer(people.liaison_a)
    assert ok(client, headers) == 200
    people.liaison_a.is_active = False
    people.liaison_a.save()
    assert ok(client, headers) == 401


def test_a_locked_accounts_token_stops_while_locked(client, people, settings):
    headers = bearer(people.liaison_a)
    assert ok(client, headers) == 200
    attempt = AccessAttempt.objects.create(
        username="liaison_a",
        ip_address="10.0.0.1",
        user_agent="x",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    assert ok(client, headers) == 401
    attempt.delete()  # unlocked by the administrator
    assert ok(client, headers) == 200


def test_a_moved_accounts_token_is_revoked(client, people, district):
    headers = bearer(people.liaison_a)
    assert ok(client, headers) == 200
    Person.objects.filter(pk=people.liaison_a.person_id).update(unit=district.b)
    assert ok(client, headers) == 401
    assert ApiToken.objects.get(user=people.liaison_a).revoked_at is not None
    # Moving back does not bring it back: a new token is issued deliberately.
    Person.objects.filter(pk=people.liaison_a.person_id).update(unit=district.a)
    assert ok(client, headers) == 401


def test_a_new_scope_or_role_stops_the_token(client, people, district):
    scope = bearer(people.liaison_b)
    role = bearer(people.military)
    people.liaison_b.scope_unit = district.root
    people.liaison_b.save()
    people.military.role = Role.UNIT_LIAISON
    people.military.save()
    assert ok(client, scope) == 401 and ok(client, role) == 401
