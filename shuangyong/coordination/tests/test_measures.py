"""The notice measure bound to criterion 1.2 of the example standard: the live score moves
when the units answer on time."""

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from shuangyong.campaigns.selectors import live_total
from shuangyong.coordination.models import Notice, Receipt


def live(campaign, code):
    total, sources = live_total(campaign)
    return total.by_code()[code], sources[code]


def test_notice_replies_on_time_score_1_2(campaign, district, people):
    notice = Notice.objects.create(
        sender_unit=district.office, author=people.office, title="报送材料", body="请回复",
        requires_reply=True, reply_deadline=timezone.localdate() - dt.timedelta(days=1),
    )  # fmt: skip
    answered = Receipt.objects.create(
        notice=notice, unit=district.a, replied_at=timezone.now() - dt.timedelta(days=2)
    )
    silent = Receipt.objects.create(notice=notice, unit=district.b)
    Receipt.objects.create(  # a notice asking for no reply does not count
        notice=Notice.objects.create(
            sender_unit=district.office, title="知悉", body="", requires_reply=False
        ),
        unit=district.b,
    )
    result, source = live(campaign, "1.2")
    assert (source.figure.numerator, source.figure.denominator) == (1, 2)
    assert result.earned == 0 and answered.pk
    Receipt.objects.filter(pk=silent.pk).update(replied_at=timezone.now(), late=True)
    assert live(campaign, "1.2")[0].earned == 0  # late is not on time
    Receipt.objects.filter(pk=silent.pk).update(late=False)
    assert live(campaign, "1.2")[0].earned == D("2")
