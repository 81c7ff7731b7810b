"""Every output, as every role: each exporter and each file download gives a role
exactly the rows its pages show it, and nothing to a role that may not open them.

``EXPORTS`` names every registered exporter and ``DOWNLOADS`` every URL that hands
out a file; a new one missing from its table fails ``test_every_exporter_is_in_the_table``
or ``test_every_download_url_is_in_the_table``. An exporter that a unit-scoped role
may use must say how its rows compare with a page (``page_rows``): otherwise
``test_unit_visible_exporters_compare_rows_with_a_page`` fails.
"""

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from conftest import build_campaign, build_district, build_people, data_for_module, make_user
from shuangyong.access import Role
from shuangyong.access.tests.test_role_url_matrix import named_urls
from shuangyong.campaigns.models import Campaign, Evidence, Task, UnitReport
from shuangyong.care.models import BatchLine, PaymentBatch, Recovery
from shuangyong.care.tests.conftest import entitle, person
from shuangyong.coordination.models import (
    Meeting,
    MeetingFile,
    Notice,
    NoticeFile,
    Receipt,
    ReplyFile,
)
from shuangyong.core.imports import EXPORTERS
from shuangyong.core.testing import read_xlsx
from shuangyong.defence.models import Candidate, ConscriptionCampaign
from shuangyong.org.models import Unit, UnitKind
from shuangyong.standards.models import Criterion
from shuangyong.supervision.models import OrderFile, OrderStep, SupervisionOrder

ROLES = [
    "office",
    "supervisor",
    "liaison_a",
    "liaison_b",
    "street",  # the liaison of 东街道, whose candidates and persons live there
    "military",
    "care",
    "leader",
    "auditor",
    "admin",
]
EVERYONE = set(ROLES)
WORKING = EVERYONE - {"auditor"}
DISTRICT_STAFF = {"office", "supervisor", "leader", "admin"}
OFFICE_ADMIN = {"office", "admin"}
CARE_READERS = {"office", "care"}
CONSCRIPTION = DISTRICT_STAFF | {"liaison_a", "liaison_b", "street", "military"}
UNIT_SCOPED = {"liaison_a", "liaison_b", "street", "military", "care"}
OUTSIDERS_OF_A = {"liaison_b", "street", "military", "care"}


def _names(response, attribute="name"):
    return sorted(str(getattr(o, attribute)) for o in response.context["page"])


def tasks_page(client, w):
    response = client.get(reverse("campaigns:task_list", args=[w.campaign.pk]))
    return _names(response, "title")


def candidates_page(client, w):
    return _names(client.get(reverse("defence:candidate_list", args=[w.draft.pk])))


def batch_page(client, w):
    response = client.get(reverse("care:batch_detail", args=[w.batch.pk]))
    return sorted(line.person.name for line in response.context["page"])


def recoveries_page(client, w):
    response = client.get(reverse("care:recovery_list"), {"state": ""})
    return sorted(r.person.name for r in response.context["page"])


def persons_page(client, w):
    """The registry as the role sees it (the care officer pages through its streets; the
    office searches the district): the persons selectors.persons gives that user."""
    from django.contrib.auth import get_user_model

    from shuangyong.care import selectors

    user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    return sorted(p.name for p in selectors.persons(user))


def same_for_everyone(client, w):
    """District-wide data (no unit in it): every allowed role gets the office's rows."""
    return None


# kind -> (query, roles allowed, which column holds the row's name, the page to compare with)
EXPORTS = {
    "units": (lambda w: {}, DISTRICT_STAFF, None, None),
    "people": (lambda w: {}, OFFICE_ADMIN, None, None),
    "standard": (lambda w: {"id": w.standard.pk}, WORKING, 1, same_for_everyone),
    "allowance_standards": (lambda w: {}, WORKING, 0, same_for_everyone),
    "decomposition": (lambda w: {"id": w.campaign.pk}, WORKING, 1, tasks_page),
    "coverage": (lambda w: {"id": w.campaign.pk}, DISTRICT_STAFF, None, None),
    "candidates": (lambda w: {"id": w.draft.pk}, CONSCRIPTION, 0, candidates_page),
    "payment_transfer": (lambda w: {"id": w.batch.pk}, CARE_READERS, 1, batch_page),
    "recoveries": (lambda w: {}, CARE_READERS, 0, recoveries_page),
    "persons": (lambda w: {}, CARE_READERS, 0, persons_page),
    "citypack": (lambda w: {"id": w.campaign.pk}, DISTRICT_STAFF, None, None),
    "annual_figures": (lambda w: {"id": "2026"}, DISTRICT_STAFF, None, None),
    "self_assessment": (lambda w: {"id": w.campaign.pk}, DISTRICT_STAFF, None, None),
}

# url name -> (kwargs, roles allowed, status when allowed, roles that find no such file)
DOWNLOADS = {
    "campaigns:evidence_download": (lambda w: {"pk": w.evidence.pk}, WORKING, 200, OUTSIDERS_OF_A),
    "campaigns:unit_report_download": (
        lambda w: {"pk": w.unit_report.pk},
        WORKING,
        200,
        OUTSIDERS_OF_A,
    ),
    "coordination:notice_file": (lambda w: {"pk": w.notice_file.pk}, WORKING, 200, OUTSIDERS_OF_A),
    "coordination:reply_file": (lambda w: {"pk": w.reply_file.pk}, WORKING, 200, OUTSIDERS_OF_A),
    # Unit A's duty report at a meeting: the district and A; the minutes: everyone.
    "coordination:meeting_file": (lambda w: {"pk": w.duty_a.pk}, WORKING, 200, OUTSIDERS_OF_A),
    # A file of unit A's answer to a supervision order: whoever sees the order.
    "supervision:order_file": (lambda w: {"pk": w.order_file.pk}, WORKING, 200, OUTSIDERS_OF_A),
    "reports:pack_download": (lambda w: {"pk": w.pack.pk}, OFFICE_ADMIN, 404, set()),
    # Without a Chinese font the PDF is refused with a message (302); tested in reports.
    "reports:self_assessment_pdf": (lambda w: {"pk": w.campaign.pk}, DISTRICT_STAFF, 302, set()),
    # An error workbook belongs to the session that made it.
    "core:import_errors": (lambda w: {"token": "not-yours"}, EVERYONE, 404, set()),
    "core:import_template": (lambda w: {"kind": "units"}, OFFICE_ADMIN, 200, set()),
    "core:export": (lambda w: {"kind": "units"}, DISTRICT_STAFF, 200, set()),
    "standards:example_workbook": (lambda w: {}, WORKING, 200, set()),
    "audit:event_export": (lambda w: {}, {"auditor"}, 200, set()),
}
# Named like a download but not one: pages and forms around files, and a feed keyed
# by its own private token (the role×URL matrix covers them).
NOT_DOWNLOADS = {
    "coordination:meeting_file_add",
    "coordination:calendar_feed",
    "coordination:city_pack_moved",
    "reports:pack",
    "reports:pack_progress",
    "reports:pack_start",
}
DOWNLOAD_NAME = re.compile(r"download|file|pdf|export|errors|template|workbook|feed|pack")


def test_every_exporter_is_in_the_table():
    assert set(EXPORTERS) == set(EXPORTS)


def test_every_download_url_is_in_the_table():
    found = {name for name in named_urls() if DOWNLOAD_NAME.search(name)}
    assert found - NOT_DOWNLOADS == set(DOWNLOADS)


def test_unit_visible_exporters_compare_rows_with_a_page():
    for kind, (_query, allowed, _column, page_rows) in EXPORTS.items():
        if allowed & UNIT_SCOPED:
            assert page_rows is not None, f"{kind}: which page's rows does it match?"


def test_the_tables_agree_with_the_policy(world):
    from shuangyong.access import can

    for kind, (_query, allowed, _column, _page) in EXPORTS.items():
        got = {who for who in ROLES if can(world.people[who], EXPORTERS[kind].permission)}
        assert got == allowed, kind


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module's ~290 tests (each undoes its own writes)."""
    from shuangyong.standards.demo import example_standard

    with data_for_module(django_db_blocker, tmp_path_factory) as media:
        district = build_district()
        officer = make_user(
            "care_district", Role.CARE_OFFICER, district.office, name="孙优抚",
            scope_unit=district.root,
        )  # fmt: skip
        campaign = build_campaign(district, example_standard())
        world = build_world(district, build_people(district), officer, campaign)
        world.media = media
        yield world


@pytest.fixture
def world(shared_world, db, settings):
    settings.MEDIA_ROOT = shared_world.media
    return shared_world


def build_world(district, people, officer, campaign):
    d = district
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=d.root)
    accounts = {**vars(people)}
    accounts["street"] = make_user("street_liaison", Role.UNIT_LIAISON, d.street, name="街联")
    item = Criterion.objects.filter(standard=campaign.standard, children__isnull=True).first()
    tasks = {}
    for key, lead, co in [
        ("a", d.a, []),
        ("a_child", d.a_child, []),
        ("b", d.b, []),
        ("b_with_a", d.b, [d.a]),
        ("street", d.street, []),
        ("garrison", d.garrison, []),
    ]:
        tasks[key] = Task.objects.create(
            campaign=campaign, criterion=item, title=f"任务-{key}", lead_unit=lead
        )
        tasks[key].co_units.set(co)
    evidence = Evidence.objects.create(
        campaign=campaign,
        task=tasks["a"],
        criterion=item,
        unit=d.a,
        year=2026,
        title="纪要",
        file=ContentFile(b"%PDF-1.4 minutes", name="minutes.pdf"),
        original_name="minutes.pdf",
        content_type="application/pdf",
        size=16,
        sha256="ab" * 32,
    )
    unit_report = UnitReport.objects.create(
        campaign=campaign,
        unit=d.a,
        year=2026,
        kind="duty_report",
        text="述职",
        file=ContentFile(b"%PDF-1.4 duty", name="duty.pdf"),
    )
    notice = Notice.objects.create(
        campaign=campaign, sender_unit=d.office, author=people.office, title="报送", body="请报送"
    )
    receipt = Receipt.objects.create(notice=notice, unit=d.a)
    notice_file = NoticeFile.objects.create(
        notice=notice, name="通知.pdf", file=ContentFile(b"%PDF-1.4 n", name="n.pdf")
    )
    reply_file = ReplyFile.objects.create(
        receipt=receipt, name="回执.pdf", file=ContentFile(b"%PDF-1.4 r", name="r.pdf")
    )
    meeting = Meeting.objects.create(
        campaign=campaign, kind="plenary", title="全体会议", held_on=dt.date(2026, 3, 1)
    )

    def meeting_file(kind, unit, name):
        return MeetingFile.objects.create(
            meeting=meeting,
            kind=kind,
            unit=unit,
            name=name,
            file=ContentFile(b"%PDF-1.4 m", name="m.pdf"),
        )

    minutes = meeting_file("minutes", None, "纪要.pdf")
    duty_a = meeting_file("duty_report", d.a, "甲述职.pdf")
    duty_b = meeting_file("duty_report", d.b, "乙述职.pdf")
    order = SupervisionOrder.objects.create(
        campaign=campaign,
        year=2026,
        number=1,
        level="general",
        unit=d.a,
        subject="督办",
        requirement="尽快完成",
        deadline=dt.date(2099, 1, 1),
    )
    order_file = OrderFile.objects.create(
        step=OrderStep.objects.create(order=order, action="respond", text="已办"),
        name="照片.pdf", file=ContentFile(b"%PDF-1.4 o", name="o.pdf"), size=10, sha256="0" * 64,
    )  # fmt: skip
    draft = ConscriptionCampaign.objects.create(year=2026, half=2, quota=5)
    for number, (name, street) in enumerate([("东青年", d.street), ("西青年", west)]):
        Candidate.objects.create(
            campaign=draft,
            name=name,
            id_number=f"11019920060101{number:03d}X",
            birth_date=dt.date(2006, 1, 1),
            street=street,
            education="high_school",
        )
    # A batch with a line per person, written directly (computing it is payments' own test).
    batch = PaymentBatch.objects.create(
        programme="living", kind="regular", period="2026-11", first_month=24322, last_month=24322
    )
    for name, street in [("东一", d.street), ("东二", d.street), ("西一", west)]:
        someone = person(d, name=name, street=street)
        entitlement = entitle(someone, "war_veteran", officer)
        BatchLine.objects.create(
            batch=batch,
            entitlement=entitlement,
            person=someone,
            month=24322,
            kind="regular",
            amount_cents=100000,
        )
        Recovery.objects.create(
            batch=batch,
            entitlement=entitlement,
            person=someone,
            first_month=24321,
            last_month=24321,
            amount_cents=5000,
            reason="deceased",
            debtor=name,
        )
    from shuangyong.reports.models import ReadinessPack

    pack = ReadinessPack.objects.create(campaign=campaign, status="running", total=1)
    return SimpleNamespace(
        people=accounts,
        campaign=campaign,
        standard=campaign.standard,
        tasks=tasks,
        evidence=evidence,
        unit_report=unit_report,
        notice_file=notice_file,
        reply_file=reply_file,
        meeting=meeting,
        minutes=minutes,
        duty_a=duty_a,
        duty_b=duty_b,
        order_file=order_file,
        draft=draft,
        batch=batch,
        pack=pack,
    )


@pytest.fixture(autouse=True)
def no_pdf_font(settings):
    settings.PDF_FONT = "/nonexistent/no-font.ttc"


def _export(client, kind, world):
    query, *_rest = EXPORTS[kind]
    return client.get(reverse("core:export", args=[kind]), query(world))


EXPORT_CASES = [(kind, who) for kind in EXPORTS for who in ROLES]


@pytest.mark.parametrize("kind,who", EXPORT_CASES)
def test_export(client, world, kind, who):
    _query, allowed, column, page_rows = EXPORTS[kind]
    client.force_login(world.people[who])
    response = _export(client, kind, world)
    if who not in allowed:
        assert response.status_code == 403, f"{who} exported {kind}"
        return
    assert response.status_code == 200, f"{who} {kind}: {response.status_code}"
    if page_rows is None:
        return
    rows = read_xlsx(io.BytesIO(response.content))[1:]
    if kind == "payment_transfer":
        rows = rows[:-1]  # the total
    if kind == "candidates":  # one sheet per stage: read them all
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        rows = [r for s in book.worksheets for r in list(s.iter_rows(values_only=True))[1:]]
    exported = sorted({str(r[column]) for r in rows if r and r[column]})
    if page_rows is same_for_everyone:
        client.force_login(world.people["office"])
        office = read_xlsx(io.BytesIO(_export(client, kind, world).content))[1:]
        assert exported == sorted({str(r[column]) for r in office if r and r[column]})
        return
    assert exported == page_rows(client, world), f"{who} {kind}"


def test_the_decomposition_export_is_the_units_own_tasks(client, world):
    """Unit A's liaison: its tasks, its sub-unit's, and the one it helps with; not B's."""
    client.force_login(world.people["liaison_a"])
    rows = read_xlsx(io.BytesIO(_export(client, "decomposition", world).content))[1:]
    assert sorted({r[1] for r in rows}) == ["任务-a", "任务-a_child", "任务-b_with_a"]


@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_download(client, world, name, who):
    kwargs, allowed, ok, outside = DOWNLOADS[name]
    if who != "anonymous":
        client.force_login(world.people[who])
    response = client.get(reverse(name, kwargs=kwargs(world)))
    if who == "anonymous":
        expected = 302
    elif who not in allowed:
        expected = 403
    else:
        expected = 404 if who in outside else ok
    assert response.status_code == expected, f"{who} {name}: {response.status_code}"


@pytest.mark.parametrize("who", sorted(WORKING))
def test_meeting_files_listed_are_the_files_downloadable(client, world, who):
    client.force_login(world.people[who])
    page = client.get(reverse("coordination:meeting_detail", args=[world.meeting.pk]))
    listed = {f.pk for f in page.context["files"]}
    downloadable = {
        f.pk
        for f in (world.minutes, world.duty_a, world.duty_b)
        if client.get(reverse("coordination:meeting_file", args=[f.pk])).status_code == 200
    }
    assert listed == downloadable and world.minutes.pk in listed
    assert (world.duty_b.pk in listed) == (who in DISTRICT_STAFF | {"liaison_b"})


def test_edu_exports_exactly_its_tasks_in_the_demo(client, db):
    """The demo's 区教育局 liaison: the decomposition export holds exactly the tasks its
    task list shows, not the campaign's all (the probe found 31 exported against 7)."""
    from shuangyong.core.demo import DEMO_STEPS
    from shuangyong.org.models import User

    # The demo up to the decomposition (org, standard, campaign, tasks) is all it needs.
    for step in sorted(DEMO_STEPS, key=lambda s: s.order):
        if step.order <= 40:
            step.run(lambda line: None)
    edu = User.objects.get(username="edu")
    campaign = Campaign.objects.order_by("-end_year", "-id").first()
    client.force_login(edu)
    response = client.get(reverse("core:export", args=["decomposition"]), {"id": campaign.pk})
    rows = read_xlsx(io.BytesIO(response.content))[1:]
    page = client.get(reverse("campaigns:task_list", args=[campaign.pk]))
    shown = page.context["page"]
    assert sorted({r[1] for r in rows}) == sorted({t.title for t in shown})
    assert 0 < shown.paginator.count < Task.objects.filter(campaign=campaign).count()
    print(f"edu: {shown.paginator.count} tasks of {Task.objects.filter(campaign=campaign).count()}")


@pytest.mark.parametrize("who", sorted(WORKING))
def test_the_decomposition_export_the_task_list_and_the_api_agree(client, world, who):
    """Three outputs of one list, for every role: the export, the page, the API."""
    from shuangyong.api.tests.test_api import bearer

    client.force_login(world.people[who])
    exported = read_xlsx(io.BytesIO(_export(client, "decomposition", world).content))[1:]
    api = client.get("/api/v1/tasks", {"page_size": 100}, headers=bearer(world.people[who]))
    from_api = sorted(t["title"] for t in api.json()["items"])
    assert sorted({r[1] for r in exported}) == tasks_page(client, world) == from_api
