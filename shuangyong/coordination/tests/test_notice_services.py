"""Sending, reading, replying to and chasing notices: the rules of the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shuangyong.access import Role
from shuangyong.coordination import services
from shuangyong.coordination.models import Notice, Receipt
from shuangyong.coordination.tests.conftest import pdf
from shuangyong.messaging.models import Notification


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_each_recipient_unit_gets_a_receipt_and_its_liaison_a_notification(notice, people):
    assert sorted(notice.receipts.values_list("unit__code", flat=True)) == ["A", "B", "S"]
    [title] = titles(people.liaison_a)
    assert "报送双拥工作半年总结" in title
    assert titles(people.care) and not titles(people.military)
    assert notice.sender_unit.code == "O"


def test_an_empty_target_is_refused_and_nothing_is_written(people):
    with pytest.raises(ValidationError) as error:
        services.send_notice(
            author=people.office, title="空", body="空", units=[], requires_reply=False
        )
    assert "units" in error.value.message_dict
    assert not Notice.objects.exists()


def test_a_role_target_reaches_every_unit_where_someone_holds_it(people, district):
    notice = services.send_notice(
        author=people.office,
        title="致驻区部队",
        body="慰问安排",
        roles=[Role.MILITARY_LIAISON],
        requires_reply=False,
    )
    assert list(notice.receipts.values_list("unit__code", flat=True)) == ["G"]
    assert titles(people.military)


def test_a_unit_sends_only_to_the_units_below_it(people, district):
    notice = services.send_notice(
        author=people.liaison_a,
        title="转发",
        body="请落实",
        units=[district.a_child],
        requires_reply=False,
    )
    assert notice.sender_unit == district.a
    with pytest.raises(ValidationError) as error:
        services.send_notice(
            author=people.liaison_a,
            title="越级",
            body="x",
            units=[district.b],
            requires_reply=False,
        )
    assert "乙局" in str(error.value)


def test_a_required_reply_needs_a_deadline_not_past(people, district):
    for deadline in (None, dt.date.today() - dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.send_notice(
                author=people.office,
                title="t",
                body="b",
                units=[district.a],
                requires_reply=True,
                reply_deadline=deadline,
            )
    assert not Notice.objects.exists()


def test_roles_without_the_permission_cannot_send(people, district):
    for who in (people.supervisor, people.leader, people.auditor):
        with pytest.raises(PermissionDenied):
            services.send_notice(
                author=who, title="t", body="b", units=[district.a], requires_reply=False
            )


def test_a_reply_on_time_is_recorded_with_who_and_when(notice, people):
    receipt = services.receipt_for(people.liaison_a, notice)
    services.reply(
        receipt=receipt, user=people.liaison_a, text="已报送", values={}, files=[pdf("总结.pdf")]
    )
    receipt.refresh_from_db()
    assert receipt.replied_by == people.liaison_a and not receipt.late
    assert receipt.read_at is not None  # replying reads it
    assert receipt.files.get().name == "总结.pdf"


def test_a_reply_after_the_deadline_is_accepted_and_marked_late(notice, people):
    Notice.objects.filter(pk=notice.pk).update(
        reply_deadline=dt.date.today() - dt.timedelta(days=2)
    )
    receipt = services.receipt_for(people.liaison_a, notice)
    services.reply(receipt=receipt, user=people.liaison_a, text="迟到的回复", values={})
    receipt.refresh_from_db()
    assert receipt.late and receipt.reply_text == "迟到的回复"


def test_a_reply_cannot_be_empty_or_sent_twice(notice, people):
    receipt = services.receipt_for(people.liaison_a, notice)
    with pytest.raises(ValidationError):
        services.reply(receipt=receipt, user=people.liaison_a, text="  ", values={})
    services.reply(receipt=receipt, user=people.liaison_a, text="好", values={})
    with pytest.raises(ValidationError):
        services.reply(receipt=receipt, user=people.liaison_a, text="再来", values={})
    receipt.refresh_from_db()
    assert receipt.reply_text == "好"


def test_the_reply_form_must_be_answered_in_full(people, district, next_week):
    notice = services.send_notice(
        author=people.office,
        title="统计",
        body="填表",
        units=[district.a],
        requires_reply=True,
        reply_deadline=next_week,
        reply_fields=["走访户数", "发放金额"],
    )
    receipt = services.receipt_for(people.liaison_a, notice)
    with pytest.raises(ValidationError) as error:
        services.reply(receipt=receipt, user=people.liaison_a, text="", values={"走访户数": "12"})
    assert "发放金额" in str(error.value)
    services.reply(
        receipt=receipt,
        user=people.liaison_a,
        text="",
        values={"走访户数": "12", "发放金额": "3.6万"},
    )
    receipt.refresh_from_db()
    assert receipt.reply_values == {"走访户数": "12", "发放金额": "3.6万"}


def test_another_unit_cannot_reply_for_the_recipient(notice, people):
    receipt = Receipt.objects.get(notice=notice, unit__code="A")
    for outsider in (people.liaison_b, people.office):
        with pytest.raises(PermissionDenied):
            services.reply(receipt=receipt, user=outsider, text="冒名", values={})


def test_a_chase_reminds_only_the_units_that_have_not_replied_once_a_day(notice, people):
    services.reply(
        receipt=services.receipt_for(people.liaison_a, notice),
        user=people.liaison_a,
        text="已报",
        values={},
    )
    before = Notification.objects.count()
    assert services.chase(notice=notice, actor=people.office) == 2
    chased = set(
        Notification.objects.filter(kind="chase").values_list("recipient__username", flat=True)
    )
    assert chased == {"liaison_b", "care"}
    assert Notification.objects.count() == before + 2
    services.chase(notice=notice, actor=people.office)
    assert Notification.objects.count() == before + 2  # not twice the same day
    assert Receipt.objects.filter(notice=notice, chased_at__isnull=False).count() == 2


def test_only_the_sender_or_the_office_chases(notice, people, district):
    for who in (people.liaison_a, people.supervisor):
        with pytest.raises(PermissionDenied):
            services.chase(notice=notice, actor=who)
    own = services.send_notice(
        author=people.liaison_a, title="t", body="b", units=[district.a_child], requires_reply=False
    )
    assert services.chase(notice=own, actor=people.liaison_a) == 1


def test_a_notice_awaiting_replies_is_reminded_by_the_daily_job(notice, people):
    from shuangyong.supervision.reminders import run_reminders

    Notice.objects.filter(pk=notice.pk).update(
        reply_deadline=dt.date.today() + dt.timedelta(days=1)
    )
    services.reply(
        receipt=services.receipt_for(people.liaison_a, notice),
        user=people.liaison_a,
        text="已报",
        values={},
    )
    counts = run_reminders(today=dt.date.today())
    assert counts["notice_reminders"] == 2  # B and the street; A has replied
    due = Notification.objects.filter(kind="notice_due")
    assert set(due.values_list("recipient__username", flat=True)) == {"liaison_b", "care"}
    run_reminders(today=dt.date.today())
    assert Notification.objects.filter(kind="notice_due").count() == 2
