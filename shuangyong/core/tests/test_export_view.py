import io

import pytest
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


def _exporters_taking_an_id():
    from shuangyong.core.imports import EXPORTERS

    return sorted(kind for kind, exporter in EXPORTERS.items() if exporter.takes_id)


@pytest.mark.parametrize("kind", _exporters_taking_an_id())
@pytest.mark.parametrize("bad_id", ["", "²", "9" * 30, "12abc", "999999"])
def test_a_bad_id_is_a_message_not_a_500(client, people, kind, bad_id):
    """Every exporter finds its object through core.imports.object_for."""
    from shuangyong.access import can
    from shuangyong.core.imports import EXPORTERS

    who = next(p for p in vars(people).values() if can(p, EXPORTERS[kind].permission))
    client.force_login(who)
    response = client.get(reverse("core:export", args=[kind]), {"id": bad_id}, follow=True)
    assert response.redirect_chain and response.redirect_chain[0][1] == 302, kind
    assert response.status_code == 200
