import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from shuangyong.org.models import User


@pytest.mark.parametrize(
    "password,code",
    [
        ("Sh0rt!", "password_too_short"),
        ("alllowercaseletters", "password_too_plain"),
        ("liaison_aX#2026", "password_has_username"),
        ("X#a_nosiail2026", "password_has_username"),  # the username backwards
        ("12345678901234", "password_entirely_numeric"),
    ],
)
def test_weak_passwords_are_refused(db, password, code):
    user = User(username="liaison_a")
    with pytest.raises(ValidationError) as info:
        validate_password(password, user)
    assert code in [e.code for e in info.value.error_list]


def test_a_good_password_passes(db):
    validate_password("Qingxi#Duty2026", User(username="qingxi_liaison"))


def test_change_password_page_applies_the_policy(client, people):
    client.force_login(people.liaison_a)
    url = reverse("accounts:password_change")
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": "weakweak", "new_password2": "weakweak"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Better#Pass2027",
            "new_password2": "Better#Pass2027",
        },
    )
    assert response.status_code == 302
    people.liaison_a.refresh_from_db()
    assert people.liaison_a.check_password("Better#Pass2027")
    assert people.liaison_a.password_changed_at is not None
