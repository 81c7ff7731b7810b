"""Conscription pages and the Excel in and out.

People: the office (the district's conscription office), the street's liaison
(东街道: registers and records its own candidates), unit B's liaison (a department:
sees no candidate), the care officer (no conscription pages at all).
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from shuangyong.access import Role
from shuangyong.core import idnumber
from shuangyong.core.testing import read_xlsx, write_xlsx
from shuangyong.defence import conscription
from shuangyong.defence.imports import CandidateImporter
from shuangyong.defence.models import Candidate, StreetQuota
from shuangyong.org.models import Unit, UnitKind


@pytest.fixture
def street_liaison(district):
    return make_user("street_liaison", Role.UNIT_LIAISON, district.street, name="街道武装部长")


@pytest.fixture
def campaign(people):
    return conscription.create_campaign(year=2026, half=2, quota=10, actor=people.office)


def today():
    """Read when the test runs, not at import: a run can cross midnight in Beijing."""
    return timezone.localdate().isoformat()


def young(i, born=dt.date(2006, 3, 1)):
    return idnumber.make("110199", born, i)


def test_the_office_opens_a_campaign_and_splits_the_quota(client, people, district):
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)
    client.force_login(people.office)
    response = client.post(reverse("defence:campaign_list"), {"year": 2027, "half": 1, "quota": 8})
    campaign = conscription.ConscriptionCampaign.objects.get()
    assert response.url == reverse("defence:campaign_detail", args=[campaign.pk])
    url = reverse("defence:campaign_quotas", args=[campaign.pk])
    bad = client.post(url, {f"quota-{district.street.pk}": 5, f"quota-{west.pk}": 2}, follow=True)
    assert not StreetQuota.objects.exists()
    assert any("7" in str(m) and "8" in str(m) for m in bad.context["messages"])
    client.post(url, {f"quota-{district.street.pk}": 5, f"quota-{west.pk}": 3})
    assert dict(StreetQuota.objects.values_list("street_id", "quota")) == {
        district.street.pk: 5,
        west.pk: 3,
    }


def test_a_street_registers_and_records_but_the_district_approves(
    client, people, district, campaign, street_liaison
):
    client.force_login(street_liaison)
    response = client.post(
        reverse("defence:candidate_new", args=[campaign.pk]),
        {"name": "陈应征", "id_number": young(1), "street": district.street.pk,
         "education": "college_student", "family_name": "陈父", "family_relation": "父亲",
         "family_id_number": idnumber.make("110199", dt.date(1975, 5, 5), 3)},
    )  # fmt: skip
    candidate = Candidate.objects.get()
    assert response.url == reverse("defence:candidate_detail", args=[candidate.pk])
    step = reverse("defence:candidate_step", args=[candidate.pk])
    for stage in (1, 2, 3):
        client.post(step, {"action": "advance", "to": stage, "on": today()})
    candidate.refresh_from_db()
    assert candidate.stage == 3
    assert client.post(step, {"action": "approve", "on": today()}).status_code == 403
    page = client.get(reverse("defence:candidate_detail", args=[candidate.pk])).content.decode()
    assert candidate.id_number_masked in page and candidate.id_number not in page


def test_a_skipped_step_is_refused_with_a_message(client, people, district, campaign):
    candidate = conscription.register(
        campaign=campaign, name="闫应征", id_number=young(2), street=district.street,
        education="high_school", actor=people.office,
    )  # fmt: skip
    client.force_login(people.office)
    response = client.post(
        reverse("defence:candidate_step", args=[candidate.pk]),
        {"action": "advance", "to": 3, "on": today()},
        follow=True,
    )
    candidate.refresh_from_db()
    assert candidate.stage == 0
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_outsiders(client, people, district, campaign):
    candidate = conscription.register(
        campaign=campaign, name="闫应征", id_number=young(2), street=district.street,
        education="high_school", actor=people.office,
    )  # fmt: skip
    client.force_login(people.liaison_b)  # a department: no candidate of its own
    assert client.get(reverse("defence:candidate_detail", args=[candidate.pk])).status_code == 404
    listing = client.get(reverse("defence:candidate_list", args=[campaign.pk]))
    assert "闫应征" not in listing.content.decode()
    client.force_login(people.care)
    assert client.get(reverse("defence:campaign_list")).status_code == 403


def test_import_registrations_names_every_fault_and_writes_nothing(
    tmp_path, people, district, campaign, capsys
):
    rows = [
        ["姓名", "公民身份号码", "联系电话", "所属街道", "文化程度", "家属姓名", "家属关系",
         "家属公民身份号码", "家属联系电话"],
        ["甲", young(11), "13800000001", "东街道", "高中", "甲父", "父亲", "", ""],
        ["乙", young(12)[:-1] + "0", "", "东街道", "本科", "", "", "", ""],  # check digit
        ["丙", young(13, dt.date(2000, 1, 1)), "", "东街道", "高中", "", "", "", ""],  # 26
        ["丁", young(14), "", "北街道", "研究生", "", "", "", ""],  # unknown street
        ["戊", young(11), "", "东街道", "高中", "", "", "", ""],  # the same as row 2
        ["己", young(15), "", "东街道", "小学", "", "", "", ""],  # education
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "报名.xlsx", rows)
    result = CandidateImporter(campaign=campaign.pk, actor=people.office).run(path)
    named = sorted((e.row, e.column) for e in result.errors)
    assert named == [(3, "公民身份号码"), (4, "公民身份号码"), (5, "所属街道"),
                     (6, "公民身份号码"), (7, "文化程度")]  # fmt: skip
    assert not Candidate.objects.exists()
    good = write_xlsx(tmp_path / "ok.xlsx", [rows[0], rows[1]])
    call_command("import", "candidates", str(good), "--campaign", str(campaign.pk), "--json")
    assert '"created": 1' in capsys.readouterr().out
    assert Candidate.objects.get().steps.get().event == "registered"


def test_the_stage_lists_export_masked(client, people, district, campaign):
    for i in range(3):
        candidate = conscription.register(
            campaign=campaign, name=f"应征{i}", id_number=young(20 + i), street=district.street,
            education="high_school", actor=people.office,
        )  # fmt: skip
    conscription.advance(candidate=candidate, to=1, on=timezone.localdate(), actor=people.office)
    client.force_login(people.office)
    response = client.get(reverse("core:export", args=["candidates"]), {"id": campaign.pk})
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 7  # six stages and those out or returned
    rows = read_xlsx(io.BytesIO(response.content))
    assert len(rows) == 1 + 2 and all("********" in r[1] for r in rows[1:])


def test_pages_take_a_fixed_number_of_queries(client, people, district, campaign):
    def measure():
        counts = []
        for url in (
            reverse("defence:campaign_detail", args=[campaign.pk]),
            reverse("defence:candidate_list", args=[campaign.pk]),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    client.force_login(people.office)
    conscription.register(
        campaign=campaign, name="甲", id_number=young(30), street=district.street,
        education="high_school", actor=people.office,
    )  # fmt: skip
    small = measure()
    for i in range(25):
        conscription.register(
            campaign=campaign, name=f"乙{i}", id_number=young(31 + i), street=district.street,
            education="college_student", actor=people.office,
        )  # fmt: skip
    assert measure() == small


def test_odd_input_is_not_a_server_error(client, people, campaign, district, tmp_path):
    client.force_login(people.office)
    url = reverse("defence:campaign_quotas", args=[campaign.pk])
    assert client.post(url, {f"quota-{district.street.pk}": "²"}).status_code == 302
    listing = reverse("defence:candidate_list", args=[campaign.pk])
    assert client.get(listing, {"stage": "²"}).status_code == 200
    from shuangyong.core.imports import ImportFileError

    with pytest.raises(ImportFileError) as info:
        CandidateImporter(campaign="abc", actor=people.office).run(
            write_xlsx(
                tmp_path / "x.xlsx",
                [
                    ["姓名", "公民身份号码", "所属街道", "文化程度"],
                    ["甲", young(40), "东街道", "高中"],
                ],
            )
        )
    assert "abc" in str(info.value)
    from shuangyong.org.models import User

    bare = User.objects.create(username="bare_admin", role="admin")
    client.force_login(bare)
    assert client.get(reverse("defence:activity_new")).status_code == 200


HEAD = ["姓名", "公民身份号码", "联系电话", "所属街道", "文化程度", "家属姓名", "家属关系",
        "家属公民身份号码", "家属联系电话"]  # fmt: skip


def test_import_names_a_family_id_without_a_name_a_bad_phone_and_the_registered(
    tmp_path, people, district, campaign
):
    conscription.register(
        campaign=campaign,
        name="已报",
        id_number=young(21),
        street=district.street,
        education="high_school",
        actor=people.office,
    )
    rows = [
        HEAD,
        ["甲", young(22), "12345", "东街道", "高中", "", "", "", ""],  # phone
        ["乙", young(23), "", "东街道", "高中", "", "", idnumber.make("110199",
         dt.date(1975, 5, 5), 3), ""],  # family ID, no name: no allowance would follow
        ["丙", young(21), "", "东街道", "高中", "", "", "", ""],  # registered already
        ["丁", young(24, dt.date(1990, 1, 1)), "", "东街道", "小学", "", "", "", ""],  # education
    ]  # fmt: skip
    result = CandidateImporter(campaign=campaign.pk, actor=people.office).run(
        write_xlsx(tmp_path / "报名.xlsx", rows)
    )
    named = sorted((e.row, e.column) for e in result.errors)
    # row 5: only the education, not also an age judged against the wrong education
    assert named == [(2, "联系电话"), (3, "家属姓名"), (4, "公民身份号码"), (5, "文化程度")]
    assert Candidate.objects.count() == 1


def test_import_checks_registrations_without_a_query_per_row(
    tmp_path, people, district, campaign, django_assert_max_num_queries
):
    def run(n, offset):
        rows = [HEAD] + [[f"人{i}", young(offset + i), "", "东街道", "高中", "", "", "", ""]
                         for i in range(n)]  # fmt: skip
        path = write_xlsx(tmp_path / f"报名{n}.xlsx", rows)
        with CaptureQueriesContext(connection) as queries:
            assert CandidateImporter(campaign=campaign.pk, actor=people.office).run(path).created
        return len(queries)

    assert run(30, 100) - run(3, 200) < 5  # the steps and rows are bulk-written


def test_the_steps_read_in_chinese_and_the_street_cannot_drop_an_approved_one(
    client, people, district, campaign, street_liaison
):
    candidate = conscription.register(campaign=campaign, name="陈应征", id_number=young(31),
                                      street=district.street, education="high_school",
                                      actor=people.office)  # fmt: skip
    Candidate.objects.filter(pk=candidate.pk).update(stage=4)  # approved (定兵)
    client.force_login(street_liaison)
    page = client.get(reverse("defence:candidate_detail", args=[candidate.pk])).content.decode()
    assert "登记" in page and "registered" not in page
    assert 'data-testid="drop"' not in page
    client.force_login(people.office)
    page = client.get(reverse("defence:candidate_detail", args=[candidate.pk])).content.decode()
    assert 'data-testid="drop"' in page
