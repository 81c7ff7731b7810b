"""The notice pages: the office sends, units read and reply, the sender sees and chases."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.coordination import services
from shuangyong.coordination.models import Notice, Receipt, ReplyFile
from shuangyong.coordination.tests.conftest import pdf
from shuangyong.messaging.models import Notification
from shuangyong.org.models import Unit, UnitKind


def detail(notice):
    return reverse("coordination:notice_detail", args=[notice.pk])


def test_the_office_sends_a_notice_with_an_attachment(client, people, district, next_week):
    client.force_login(people.office)
    response = client.post(
        reverse("coordination:notice_send"),
        {
            "title": "关于开展走访慰问的通知",
            "reference": "区双拥办〔2026〕3号",
            "body": "请各单位落实。",
            "units": [district.a.pk, district.b.pk],
            "requires_reply": "on",
            "reply_deadline": next_week.isoformat(),
            "reply_fields": "走访户数\n发放金额",
            "files": [pdf("通知.pdf")],
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response.url == detail(notice)
    assert notice.reply_fields == ["走访户数", "发放金额"]
    assert notice.files.get().name == "通知.pdf"
    assert notice.receipts.count() == 2


def test_a_notice_to_nobody_is_refused_with_a_message(client, people):
    client.force_login(people.office)
    response = client.post(reverse("coordination:notice_send"), {"title": "空", "body": "空"})
    assert response.status_code == 200
    assert response.context["form"].errors["units"]
    assert 'class="invalid-feedback d-block"' in response.content.decode()
    assert not Notice.objects.exists()


def test_opening_it_records_the_units_receipt_but_not_the_offices(client, notice, people):
    client.force_login(people.office)
    client.get(detail(notice))
    assert not Receipt.objects.filter(read_at__isnull=False).exists()
    client.force_login(people.liaison_a)
    response = client.get(detail(notice))
    assert response.status_code == 200
    receipt = Receipt.objects.get(notice=notice, unit__code="A")
    assert receipt.read_by == people.liaison_a and receipt.read_at is not None
    assert response.context["status"] is None  # the unit sees its own receipt only
    assert response.context["reply_form"] is not None


def test_the_outsider_does_not_see_a_notice_sent_elsewhere(client, people, district, next_week):
    notice = services.send_notice(
        author=people.office, title="仅甲", body="b", units=[district.a], requires_reply=False
    )
    client.force_login(people.liaison_b)
    assert client.get(detail(notice)).status_code == 404
    assert notice not in client.get(reverse("coordination:notice_list")).context["page"]


def test_a_unit_replies_with_a_file_and_the_sender_sees_it(client, notice, people):
    client.force_login(people.liaison_a)
    response = client.post(
        reverse("coordination:notice_reply", args=[notice.pk]),
        {"text": "已报送半年总结", "files": [pdf("半年总结.pdf")]},
    )
    assert response.status_code == 302
    client.force_login(people.office)
    page = client.get(detail(notice))
    status = page.context["status"]
    assert [r.unit.code for r in status.not_replied] == ["B", "S"]
    assert "已报送半年总结" in page.content.decode()
    reply_file = ReplyFile.objects.get()
    assert client.get(reverse("coordination:reply_file", args=[reply_file.pk])).status_code == 200
    client.force_login(people.liaison_b)  # a fellow recipient does not read A's reply
    assert client.get(reverse("coordination:reply_file", args=[reply_file.pk])).status_code == 403


def test_a_late_reply_is_accepted_and_says_so(client, notice, people):
    Notice.objects.filter(pk=notice.pk).update(
        reply_deadline=dt.date.today() - dt.timedelta(days=1)
    )
    client.force_login(people.liaison_b)
    response = client.post(
        reverse("coordination:notice_reply", args=[notice.pk]), {"text": "补报"}, follow=True
    )
    assert Receipt.objects.get(notice=notice, unit__code="B").late
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("回复已记录")


def test_an_empty_reply_is_refused_and_the_form_comes_back(client, notice, people):
    client.force_login(people.liaison_a)
    response = client.post(reverse("coordination:notice_reply", args=[notice.pk]), {"text": ""})
    assert response.status_code == 400
    assert response.context["reply_form"].errors["text"]
    assert not Receipt.objects.filter(replied_at__isnull=False).exists()


def test_the_sender_chases_the_units_that_have_not_replied(client, notice, people):
    client.force_login(people.office)
    response = client.post(reverse("coordination:notice_chase", args=[notice.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(kind="chase").count() == 3
    client.force_login(people.liaison_a)
    assert client.post(reverse("coordination:notice_chase", args=[notice.pk])).status_code == 403


def test_the_list_and_the_page_keep_their_query_counts(client, people, district, next_week):
    def make(n, start):
        units = [
            Unit.objects.create(
                code=f"U{start + i}",
                name=f"单位{start + i}",
                kind=UnitKind.OTHER,
                parent=district.root,
            )
            for i in range(n)
        ]
        return services.send_notice(
            author=people.office,
            title=f"通知{start}",
            body="b",
            units=units,
            requires_reply=True,
            reply_deadline=next_week,
        )

    client.force_login(people.office)
    first = make(2, 0)
    urls = [reverse("coordination:notice_list"), detail(first)]
    small = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        small.append(len(queries))
    for index in range(1, 6):
        make(1, index * 100)
    Receipt.objects.bulk_create(
        [
            Receipt(
                notice=first,
                unit=Unit.objects.create(
                    code=f"X{i}", name=f"加{i}", kind=UnitKind.OTHER, parent=district.root
                ),
            )
            for i in range(30)
        ]
    )
    Receipt.objects.filter(notice=first).update(
        read_at=dt.datetime.now(dt.UTC), read_by=people.liaison_a, replied_by=people.liaison_b
    )
    large = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        large.append(len(queries))
    assert large == small
