"""Create forms carry a one-time token: the same form sent twice creates one object."""

import re

from django.urls import reverse

from shuangyong.coordination.models import Notice
from shuangyong.core.once import new_token


def token_of(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def test_the_same_notice_form_sent_twice_sends_one_notice(client, people, district):
    client.force_login(people.office)
    url = reverse("coordination:notice_send")
    token = token_of(client, url)
    assert token != token_of(client, url)  # a new token every time the form is shown
    data = {"title": "通知", "body": "请落实。", "units": [district.a.pk], "form_token": token}
    first, again = client.post(url, data), client.post(url, data)
    notice = Notice.objects.get()
    assert first.status_code == again.status_code == 302
    assert again.url == first.url == reverse("coordination:notice_detail", args=[notice.pk])
    client.post(url, {**data, "form_token": token_of(client, url)})  # another form
    assert Notice.objects.count() == 2


def test_a_refused_form_frees_its_token_for_the_corrected_one(client, people, district):
    client.force_login(people.office)
    url = reverse("coordination:notice_send")
    token = token_of(client, url)
    refused = client.post(url, {"title": "通知", "body": "请落实。", "form_token": token})
    assert refused.status_code == 200 and not Notice.objects.exists()  # no recipients
    data = {"title": "通知", "body": "请落实。", "units": [district.a.pk], "form_token": token}
    assert client.post(url, data).status_code == 302 and Notice.objects.count() == 1


def test_a_token_is_the_users_own(client, people, district):
    """Another account sending a token it saw does not get the first one's redirect."""
    client.force_login(people.office)
    url = reverse("coordination:notice_send")
    token = new_token()
    data = {"title": "通知", "body": "请落实。", "units": [district.a.pk], "form_token": token}
    client.post(url, data)
    client.force_login(people.admin)
    client.post(url, data)
    assert Notice.objects.count() == 2


def test_the_outsider_gets_no_form(client, people):
    client.force_login(people.auditor)
    url = reverse("coordination:notice_send")
    assert client.post(url, {"form_token": "x" * 20}).status_code == 403
