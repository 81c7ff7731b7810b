from django.urls import reverse


def test_liaison_sees_a_colleague_but_outsider_does_not(client, people):
    url = reverse("org:person_detail", args=[people.liaison_a.person.pk])
    client.force_login(people.liaison_a)
    assert client.get(url).status_code == 200
    client.force_login(people.liaison_b)
    assert client.get(url).status_code == 404
