"""Batch pages: compute, review, maker-checker approval, the bank-transfer export.

People: the district's care officer computes; the office approves; the street's
care officer sees its own street's lines; unit A's liaison is the outsider.
"""

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuangyong.audit.models import AuditEvent
from shuangyong.care import payments
from shuangyong.care.models import PaymentBatch
from shuangyong.care.tests.conftest import entitle, person, standard
from shuangyong.core.testing import read_xlsx
from shuangyong.org.models import Unit, UnitKind

NOV = "2026-11"


@pytest.fixture
def registry(district, officer):
    """Two veterans in 东街道, one in 西街道, on 1,000 a month."""
    from types import SimpleNamespace

    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET, parent=district.root)
    standard("war_veteran", "1000", per="month")
    east_one = person(district, name="东一")
    east_two = person(district, name="东二")
    west_one = person(SimpleNamespace(street=west), name="西一")
    for who in (east_one, east_two, west_one):
        entitle(who, "war_veteran", officer)
    return SimpleNamespace(east=[east_one, east_two], west=west_one)


def compute(client, period=NOV):
    return client.post(
        reverse("care:batch_compute"),
        {"programme": "living", "period": period, "kind": "regular"},
    )


def test_compute_review_approve_through_the_pages(client, people, officer, registry):
    client.force_login(officer)
    response = compute(client)
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/batches/{batch.pk}/")
    assert (batch.persons, batch.total_cents) == (3, 300000)
    page = client.get(response.url)
    review = page.context["review"]
    assert [(street, n) for street, n, _s in review.by_street] == [("东街道", 2), ("西街道", 1)]
    assert page.context["can_approve"] is False  # the maker
    client.post(reverse("care:batch_approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "draft"
    client.force_login(people.office)
    assert client.get(response.url).context["can_approve"] is True
    client.post(reverse("care:batch_approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.approved_by == people.office
    client.force_login(officer)
    follow = client.post(reverse("care:batch_discard", args=[batch.pk]), follow=True)
    assert PaymentBatch.objects.filter(pk=batch.pk).exists()
    assert any(m.level_tag == "error" for m in follow.context["messages"])


def test_the_district_officer_discards_a_draft(client, officer, registry):
    batch = payments.compute(programme="living", period=NOV, actor=officer)
    client.force_login(officer)
    response = client.post(reverse("care:batch_discard", args=[batch.pk]))
    assert response.status_code == 302 and not PaymentBatch.objects.exists()


def test_a_bad_period_is_explained(client, officer, registry):
    client.force_login(officer)
    response = client.post(
        reverse("care:batch_compute"),
        {"programme": "living", "period": "2026-13", "kind": "regular"},
        follow=True,
    )
    assert not PaymentBatch.objects.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])
    # named by its field, in Chinese
    assert any(str(m).startswith("发放期间") and "2026-13" in str(m)
               for m in response.context["messages"])  # fmt: skip


def test_a_street_officer_sees_its_lines_and_neither_computes_nor_approves(
    client, people, officer, registry
):
    batch = payments.compute(programme="living", period=NOV, actor=officer)
    client.force_login(people.care)
    page = client.get(reverse("care:batch_detail", args=[batch.pk]))
    names = {line.person.name for line in page.context["page"]}
    assert names == {"东一", "东二"}
    assert page.context["can_discard"] is False
    assert client.get(reverse("care:batch_list")).context["form"] is None
    assert compute(client).status_code == 403 and PaymentBatch.objects.count() == 1
    client.post(reverse("care:batch_approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "draft"


def test_the_outsider_sees_no_batch(client, people, officer, registry):
    batch = payments.compute(programme="living", period=NOV, actor=officer)
    client.force_login(people.liaison_a)
    for url in (reverse("care:batch_list"), reverse("care:batch_detail", args=[batch.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("care:batch_approve", args=[batch.pk])).status_code == 403
    export = client.get(reverse("core:export", args=["payment_transfer"]), {"id": batch.pk})
    assert export.status_code == 403


def rows_of(response):
    return read_xlsx(io.BytesIO(response.content))


def test_the_transfer_export_is_masked_unless_revealed_and_audited(
    client, people, officer, registry
):
    batch = payments.compute(programme="living", period=NOV, actor=officer)
    url = reverse("core:export", args=["payment_transfer"])
    full_ids = {p.id_number for p in [*registry.east, registry.west]}
    client.force_login(people.office)
    masked = rows_of(client.get(url, {"id": batch.pk}))
    assert masked[0][:3] == ["序号", "姓名", "公民身份号码"]
    assert len(masked) == 1 + 3 + 1  # header, three persons, the total
    assert not {row[2] for row in masked[1:]} & full_ids
    assert masked[-1][5] == 3000
    assert client.post(url, {"id": batch.pk, "full": "1", "reason": "银行代发"}).status_code == 403
    client.force_login(officer)
    before = AuditEvent.objects.filter(action="export").count()
    full = rows_of(client.post(url, {"id": batch.pk, "full": "1", "reason": "银行代发"}))
    assert {row[2] for row in full[1:-1]} == full_ids
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    assert "银行代发" in str(event.detail)


def test_a_street_officer_exports_its_street_only(client, people, officer, registry):
    batch = payments.compute(programme="living", period=NOV, actor=officer)
    client.force_login(people.care)
    url = reverse("core:export", args=["payment_transfer"])
    rows = rows_of(client.get(url, {"id": batch.pk}))
    assert sorted(row[1] for row in rows[1:-1]) == ["东一", "东二"]


def test_batch_pages_take_a_fixed_number_of_queries(client, people, officer, district, registry):
    def measure(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    october = payments.compute(programme="living", period="2026-10", actor=officer)
    payments.approve(batch=october, actor=people.office)  # both measured pages have a previous
    batch = payments.compute(programme="living", period=NOV, actor=officer)
    client.force_login(people.office)
    detail = reverse("care:batch_detail", args=[batch.pk])
    small = (measure(detail), measure(reverse("care:batch_list")))
    payments.approve(batch=batch, actor=people.office)
    for i in range(40):
        entitle(person(district, name=f"新{i}"), "war_veteran", officer)
    payments.compute(programme="living", period="2026-12", actor=officer)
    bigger = PaymentBatch.objects.get(period="2026-12")
    large = (
        measure(reverse("care:batch_detail", args=[bigger.pk])),
        measure(reverse("care:batch_list")),
    )
    assert large == small


def test_the_overpayment_check_loads_apart_from_the_page(client, people, officer, registry):
    """It runs the batch computation over the registry: not on every page and page turn."""
    from shuangyong.care import registry as care_registry

    client.force_login(officer)
    compute(client, "2026-10")
    october = PaymentBatch.objects.get()
    client.force_login(people.office)
    client.post(reverse("care:batch_approve", args=[october.pk]))
    care_registry.change_status(
        entitlement=registry.west.entitlements.get(),
        status="deceased",
        effective=dt.date(2026, 9, 20),
        reason="病故",
        actor=officer,
    )
    page = client.get(reverse("care:batch_detail", args=[october.pk])).content.decode()
    assert 'data-testid="overpaid-check"' in page and 'data-testid="overpaid"' not in page
    check = client.get(reverse("care:batch_overpaid", args=[october.pk])).content.decode()
    assert 'data-testid="overpaid"' in check and "1000" in check


def test_a_draft_computed_again_after_the_approver_opened_it_is_not_approved(
    client, people, officer, registry
):
    # The office opens the draft; meanwhile the care officer computes it again (same row,
    # new figures). The office's click names what it reviewed, and is refused.
    batch = payments.compute(programme="living", period=NOV, actor=officer)
    client.force_login(people.office)
    page = client.get(reverse("care:batch_detail", args=[batch.pk])).content.decode()
    seen = payments.computed_stamp(batch)
    assert f'name="seen" value="{seen}"' in page
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        again = payments.compute(programme="living", period=NOV, actor=officer)
    assert again.pk == batch.pk and payments.computed_stamp(again) != seen
    response = client.post(
        reverse("care:batch_approve", args=[batch.pk]), {"seen": seen}, follow=True
    )
    batch.refresh_from_db()
    assert batch.status == "draft"
    assert any("重新计算" in str(m) for m in response.context["messages"])
    client.post(
        reverse("care:batch_approve", args=[batch.pk]), {"seen": payments.computed_stamp(again)}
    )
    batch.refresh_from_db()
    assert batch.status == "approved"
