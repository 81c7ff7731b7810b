"""Recovery pages and payment rules: list, repayment, write-off, export, the rule form,
and a stale draft's page.

People: the district's care officer computes batches and records repayments; the office
approves and writes off; the street's care officer sees its street only and decides
nothing; unit A's liaison is the outsider.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse

from conftest import make_user
from shuangyong.access import Role
from shuangyong.care import payments, registry
from shuangyong.care.models import PaymentBatch, ProgrammeRule, Recovery
from shuangyong.care.tests.conftest import entitle, person, standard
from shuangyong.core.testing import read_xlsx
from shuangyong.org.models import Unit, UnitKind


@pytest.fixture
def recovery(district, officer, people):
    """A veteran in 东街道 who died in October, recorded after November was paid."""
    standard("disabled_veteran", "1500", per="month")
    veteran = entitle(person(district, name="东老兵"), "disabled_veteran", officer, grade=4,
                      cause="war")  # fmt: skip
    for period in ("2026-10", "2026-11"):
        batch = payments.compute(programme="disability", period=period, actor=officer)
        payments.approve(batch=batch, actor=people.office)
    registry.change_status(
        entitlement=veteran, status="deceased", effective=dt.date(2026, 10, 9), reason="病故",
        actor=officer,
    )  # fmt: skip
    december = payments.compute(programme="disability", period="2026-12", actor=officer)
    payments.approve(batch=december, actor=people.office)
    return Recovery.objects.get()


@pytest.fixture
def west_officer(district):
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)
    return make_user("care_west", Role.CARE_OFFICER, west, scope_unit=west)


def test_the_office_lists_and_opens_a_recovery(client, people, recovery):
    client.force_login(people.office)
    page = client.get(reverse("care:recovery_list"))
    assert [r.person.name for r in page.context["page"]] == ["东老兵"]
    assert "1500.00" in page.content.decode()
    detail = client.get(reverse("care:recovery_detail", args=[recovery.pk]))
    assert detail.status_code == 200
    assert detail.context["write_off_form"] is not None  # the office approves
    assert detail.context["repay_form"] is None  # …and does not compute


def test_the_outsider_and_another_streets_officer_see_nothing(
    client, people, recovery, west_officer
):
    client.force_login(people.liaison_a)
    assert client.get(reverse("care:recovery_list")).status_code == 403
    assert client.get(reverse("care:recovery_detail", args=[recovery.pk])).status_code == 403
    client.force_login(west_officer)
    assert list(client.get(reverse("care:recovery_list")).context["page"]) == []
    assert client.get(reverse("care:recovery_detail", args=[recovery.pk])).status_code == 404
    response = client.get(reverse("core:export", args=["recoveries"]))
    assert read_xlsx(io.BytesIO(response.content))[1:] == []


def test_repayments_then_a_write_off_by_another_person(client, people, officer, recovery):
    client.force_login(officer)
    url = reverse("care:recovery_repay", args=[recovery.pk])
    client.post(url, {"amount": "500", "debtor": "东老兵之子"})
    recovery.refresh_from_db()
    assert (recovery.state, recovery.recovered_cents, recovery.debtor) == (
        "partly",
        50000,
        "东老兵之子",
    )
    client.post(url, {"amount": "5000"})  # more than is owed: refused
    recovery.refresh_from_db()
    assert recovery.recovered_cents == 50000
    # The maker of the batch that found it cannot write it off; the office can.
    officer_write_off = client.post(
        reverse("care:recovery_write_off", args=[recovery.pk]), {"reason": "无力偿还"}
    )
    assert officer_write_off.status_code == 302
    recovery.refresh_from_db()
    assert recovery.state == "partly"
    client.force_login(people.office)
    client.post(reverse("care:recovery_write_off", args=[recovery.pk]), {"reason": "无力偿还"})
    recovery.refresh_from_db()
    assert (recovery.state, recovery.closed_by, recovery.note) == (
        "written_off",
        people.office,
        "无力偿还",
    )


def test_the_export_lists_the_recoveries_with_what_is_outstanding(client, officer, recovery):
    client.force_login(officer)
    response = client.get(reverse("core:export", args=["recoveries"]))
    rows = read_xlsx(io.BytesIO(response.content))
    assert rows[0][:3] == ["姓名", "公民身份号码", "所属街道"]
    assert [(r[0], r[4], float(r[7]), float(r[9])) for r in rows[1:]] == [
        ("东老兵", "2026-11", 1500.0, 1500.0)
    ]
    assert "*" in rows[1][1]  # masked


def test_the_rule_is_set_by_the_district_officer_and_makes_older_drafts_stale(
    client, people, officer, district
):
    standard("disabled_veteran", "1500", per="month")
    entitle(person(district, name="东老兵"), "disabled_veteran", officer, grade=4, cause="war")
    draft = payments.compute(programme="disability", period="2026-11", actor=officer)
    client.force_login(officer)
    assert client.get(reverse("care:rules")).status_code == 200
    client.post(
        reverse("care:rule_edit", args=["disability"]),
        {"disability-confirmation": "hold", "disability-grace_months": "2"},
    )
    rule = ProgrammeRule.objects.get(programme="disability")
    assert (rule.confirmation, rule.grace_months, rule.offset_recoveries) == ("hold", 2, False)
    client.force_login(people.office)
    response = client.post(reverse("care:batch_approve", args=[draft.pk]))
    assert response.url.endswith("?stale=1")
    page = client.get(response.url)
    assert page.context["stale"] and page.context["recompute"] is None  # the office computes not
    assert PaymentBatch.objects.get().status == "draft"
    client.force_login(officer)
    page = client.get(reverse("care:batch_detail", args=[draft.pk]) + "?stale=1")
    assert 'data-testid="recompute"' in page.content.decode()


def test_a_bad_rule_is_refused_and_the_liaison_may_not_touch_it(client, people, officer):
    payments.rule_for("disability")
    client.force_login(officer)
    client.post(
        reverse("care:rule_edit", args=["disability"]),
        {"disability-confirmation": "hold", "disability-grace_months": "12"},
    )
    assert ProgrammeRule.objects.get(programme="disability").confirmation == "warn"
    client.force_login(people.liaison_a)
    assert client.get(reverse("care:rules")).status_code == 403
    response = client.post(
        reverse("care:rule_edit", args=["disability"]), {"disability-confirmation": "hold"}
    )
    assert response.status_code == 403


def test_the_api_lists_recoveries_scoped_like_the_page(client, people, officer, recovery):
    from shuangyong.api.tests.test_api import bearer

    body = client.get("/api/v1/recoveries", headers=bearer(people.office)).json()
    assert [(r["person"], r["months"], r["amount"], r["state"]) for r in body["items"]] == [
        ("东老兵", "2026-11", "1500.00", "open")
    ]
    batches = client.get("/api/v1/batches", headers=bearer(people.office)).json()["items"]
    assert [b["recovery_total"] for b in batches if b["period"] == "2026-12"] == ["1500.00"]
    outsider = client.get("/api/v1/recoveries", headers=bearer(people.liaison_a, name="甲"))
    assert outsider.status_code == 403
    done = client.get(
        "/api/v1/recoveries", {"state": "recovered"}, headers=bearer(people.office, name="乙")
    ).json()
    assert done["items"] == []


def test_the_list_runs_the_same_queries_for_one_recovery_or_many(client, people, recovery):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.office)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("care:recovery_list")).status_code == 200
        return len(queries)

    one = count()
    for n in range(4):
        Recovery.objects.create(
            batch=recovery.batch, entitlement=recovery.entitlement, person=recovery.person,
            first_month=recovery.first_month, last_month=recovery.last_month,
            amount_cents=100 + n, reason="deceased", debtor=f"家属{n}",
        )  # fmt: skip
    assert count() == one
