import io

from django.urls import reverse

from shuangyong.core.testing import read_xlsx


def test_office_exports_units_as_xlsx(client, people, district):
    client.force_login(people.office)
    response = client.get(reverse("core:export", args=["units"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(io.BytesIO(response.content))
    assert rows[0][:2] == ["编码", "名称"] and len(rows) == 1 + 7


def test_supervisor_exports_units_but_not_people(client, people, district):
    client.force_login(people.supervisor)
    assert client.get(reverse("core:export", args=["units"])).status_code == 200
    assert client.get(reverse("core:export", args=["people"])).status_code == 403


def test_outsider_cannot_export(client, people):
    client.force_login(people.liaison_b)
    assert client.get(reverse("core:export", args=["units"])).status_code == 403
