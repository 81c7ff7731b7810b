"""A rejected roster row can be fixed from the error workbook: the care officer (who may
reveal ID numbers) gets them in full there, audited; other roles and the command line get
them masked. The page's list of faults names whose row it is."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_user
from shuangyong.access import Role
from shuangyong.audit.models import AuditEvent
from shuangyong.care.roster import RosterImporter
from shuangyong.care.tests.roster import write_faulty_roster
from shuangyong.core.testing import read_xlsx


@pytest.fixture
def faulty(district, community, tmp_path):
    path = tmp_path / "花名册.xlsx"
    planted = write_faulty_roster(path, 40, streets=[("东街道", ["东街社区"])], faults=7, seed=11)
    return path, planted


def test_the_care_officer_fixes_rows_from_the_workbook_with_full_ids(client, people, faulty):
    path, planted = faulty
    client.force_login(people.care)
    response = client.post(
        reverse("core:import", args=["persons"]),
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    page = response.content.decode()
    result = response.context["result"]
    assert result.rejected == 7
    source = {r[0]: r for r in read_xlsx(path)[2:] if r and r[0]}
    for error in result.errors:
        assert error.name and error.name in source  # whose row it is
        assert f"<td>{error.name}</td>" in page
    token = response.context["error_token"]
    workbook = client.get(reverse("core:import_errors", args=[token]))
    rows = read_xlsx(io.BytesIO(b"".join(workbook.streaming_content)))[1:]
    assert len(rows) == 7
    for row in rows:
        # The ID, birth date and phone as the file had them: nothing masked.
        assert "*" not in str(row[1]) and "*" not in str(row[4])
        assert str(row[1]) == str(source[row[0]][1])
    event = AuditEvent.objects.get(action="reveal", object_type="import:persons")
    assert event.actor_id == people.care.pk and event.detail["rows"] == 7
    assert set(event.detail["columns"]) == {"公民身份号码", "出生日期", "联系电话"}


def test_a_role_that_may_not_reveal_gets_a_masked_workbook(district, faulty, tmp_path):
    path, _planted = faulty
    office = make_user("office2", Role.OFFICE, district.office)
    for actor in (office, None):  # the office, and the command line
        result = RosterImporter(actor=actor).run(path)
        out = tmp_path / "errors.xlsx"
        result.write_error_workbook(out)
        ids = [str(r[1]) for r in read_xlsx(out)[1:]]
        assert all("********" in i or len(i.replace(" ", "")) != 18 for i in ids)
    assert not AuditEvent.objects.filter(action="reveal").exists()
