"""The roster out in the shape it comes in: ``shuangyong export persons`` and the registry
page's button; masked unless revealed with a reason (audited), limited to the officer's
streets, and the demo roster exported and imported back with --update changes nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import make_user
from shuangyong.access import Role
from shuangyong.audit.models import AuditEvent
from shuangyong.care.models import EntitledPerson, Entitlement
from shuangyong.care.roster import HEADERS, RosterImporter
from shuangyong.care.roster_workbook import write_roster
from shuangyong.core.testing import read_xlsx
from shuangyong.org.models import Unit, UnitKind


@pytest.fixture
def roster(district, community, tmp_path):
    """The demo's roster (600 persons, seed 2026) over two streets, imported by the care officer."""
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)
    Unit.objects.create(code="W1", name="西街道西苑社区", kind=UnitKind.COMMUNITY, parent=west)
    path = tmp_path / "明川区优抚对象花名册.xlsx"
    streets = [("东街道", ["东街社区"]), ("西街道", ["西苑社区"])]
    write_roster(path, 600, streets=streets, seed=2026, start_serial=500)
    result = RosterImporter().run(path)
    assert result.rejected == 0, result.errors[:3]
    return west


def test_the_demo_roster_exported_and_imported_back_changes_nothing(roster, tmp_path, capsys):
    before = list(
        EntitledPerson.objects.order_by("pk").values_list("pk", "updated_at", "name", "phone")
    )
    entitlements = Entitlement.objects.count()
    out = tmp_path / "花名册-导出.xlsx"
    call_command("export", "persons", "-o", str(out), "--full-id-numbers", "--reason", "年度核对")
    rows = read_xlsx(out)
    assert rows[0] == HEADERS and len(rows) == 1 + entitlements
    capsys.readouterr()
    call_command("import", "persons", str(out), "--json", "--update")
    result = json.loads(capsys.readouterr().out)
    assert (result["created"], result["updated"], result["rejected"]) == (0, 0, 0), result
    assert result["unchanged"] == EntitledPerson.objects.count() == 600
    after = list(
        EntitledPerson.objects.order_by("pk").values_list("pk", "updated_at", "name", "phone")
    )
    assert after == before and Entitlement.objects.count() == entitlements
    event = AuditEvent.objects.filter(object_type="export:persons").get()
    assert event.detail == {"full": True, "reason": "年度核对"}


def test_masked_by_default(roster, tmp_path):
    out = tmp_path / "花名册.xlsx"
    call_command("export", "persons", "-o", str(out))
    rows = read_xlsx(out)[1:]
    person = EntitledPerson.objects.get(name=rows[0][0], id_number_masked=rows[0][1])
    assert person.id_number not in json.dumps(rows, ensure_ascii=False, default=str)
    assert all("********" in r[1] and r[3] == "" for r in rows)  # no ID, no birth date
    assert all(r[4] == "" or "****" in r[4] for r in rows)  # phones masked


def test_the_registry_page_exports_only_the_officers_streets(client, people, roster, district):
    client.force_login(people.care)  # 东街道's care officer
    url = reverse("core:export", args=["persons"])
    response = client.get(url)
    assert response.status_code == 200
    rows = read_xlsx(io.BytesIO(response.content))
    streets = {r[5] for r in rows[1:]}
    assert (
        streets == {"东街道"}
        and len(rows) - 1 == Entitlement.objects.filter(person__street=district.street).count()
    )
    page = client.get(reverse("care:home")).content.decode()
    assert url in page


def test_revealing_needs_a_reason_and_the_permission(client, people, roster, district):
    client.force_login(people.care)
    url = reverse("core:export", args=["persons"])
    assert client.post(url, {"full": "1"}).status_code == 302  # no reason, no file
    response = client.post(url, {"full": "1", "reason": "银行代发核对"})
    assert response.status_code == 200
    rows = read_xlsx(io.BytesIO(response.content))
    assert all(len(r[1]) == 18 and "*" not in r[1] for r in rows[1:])
    office = make_user("office2", Role.OFFICE, district.office)
    client.force_login(office)
    assert client.post(url, {"full": "1", "reason": "想看看"}).status_code == 403


def test_outsiders_get_nothing(client, people, roster):
    client.force_login(people.liaison_b)
    assert client.get(reverse("core:export", args=["persons"])).status_code == 403
