import pytest
from django.urls import reverse

from conftest import PASSWORD

LOGIN = reverse("accounts:login")


def login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_with_a_good_password_goes_home(client, people):
    response = login(client, "liaison_a", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_says_so_without_saying_which_part(client, people):
    response = login(client, "liaison_a", "nope")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    # An English browser still gets Chinese; the language switcher's cookie changes it.
    browser_says_en = client.post(
        LOGIN, {"username": "liaison_a", "password": "nope"}, headers={"Accept-Language": "en"}
    )
    assert "用户名或密码错误" in browser_says_en.content.decode()
    client.cookies["django_language"] = "en"
    english = client.post(LOGIN, {"username": "liaison_a", "password": "nope"})
    assert "Wrong username or password" in english.content.decode()


def test_lockout_after_repeated_failures(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "liaison_a", "wrong-password")
    response = login(client, "liaison_a", PASSWORD)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    # Another account on the same address is not affected.
    assert login(client, "liaison_b", PASSWORD).status_code == 302


def test_admin_unlocks(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "liaison_a", "wrong-password")
    admin = type(client)()
    admin.force_login(people.admin)
    admin.post(reverse("accounts:account_unlock", args=[people.liaison_a.pk]))
    assert login(client, "liaison_a", PASSWORD).status_code == 302


def test_logout_needs_post_and_ends_the_session(client, people):
    client.force_login(people.office)
    client.post(reverse("accounts:logout"))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_open_redirect_after_login_is_refused(client, people):
    response = client.post(
        LOGIN + "?next=https://evil.example/", {"username": "office", "password": PASSWORD}
    )
    assert response.url == reverse("home")


@pytest.mark.parametrize("anonymous_url", [reverse("home"), reverse("org:unit_list")])
def test_pages_need_login(client, db, anonymous_url):
    response = client.get(anonymous_url)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
