"""The public notice (公示) cannot be back-dated, and 定兵 counts five full working days of
posting on China's calendar: statutory holidays skipped, 调休 Saturdays counted."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from shuangyong.core import idnumber
from shuangyong.core.models import WorkdayArrangement
from shuangyong.core.testing import library_up_to
from shuangyong.defence import conscription
from shuangyong.defence.models import Candidate, CandidateStep

SHANGHAI = ZoneInfo("Asia/Shanghai")


def on_day(day, hour=10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


@pytest.fixture(autouse=True)
def library_of_2026(monkeypatch):
    """The library as the tests were written against it (up to 2026): 2027 is unknown
    here even after a release that carries it."""
    library_up_to(monkeypatch, 2026)


@pytest.fixture
def campaign(people):
    return conscription.create_campaign(year=2026, half=2, quota=5, actor=people.office)


def assessed(campaign, district, office, on, serial=1):
    """A candidate registered and through the three steps, all on ``on``."""
    candidate = conscription.register(
        campaign=campaign, name=f"应征{serial}",
        id_number=idnumber.make("110199", dt.date(2006, 4, 4), serial),
        street=district.street, education="high_school", registered_on=on, actor=office,
    )  # fmt: skip
    for stage in (1, 2, 3):
        conscription.advance(candidate=candidate, to=stage, on=on, actor=office)
    return candidate


def noticed(campaign, district, office, start):
    """A candidate assessed the day before ``start`` and noticed on ``start``."""
    with on_day(start):
        candidate = assessed(campaign, district, office, start - dt.timedelta(days=1))
        conscription.publish_notice(campaign=campaign, on=start, actor=office)
    return candidate


def test_the_back_dated_notice_of_the_issue_is_refused_with_its_message(
    client, people, district, campaign
):
    """Registered and through every step on 2026-12-02; the notice typed as from 11-20."""
    december = dt.date(2026, 12, 2)
    with on_day(december):
        candidate = assessed(campaign, district, people.office, december)
        client.force_login(people.office)
        response = client.post(
            reverse("defence:campaign_notice", args=[campaign.pk]), {"on": "2026-11-20"},
            follow=True,
        )  # fmt: skip
        shown = [str(m) for m in response.context["messages"]]
        assert shown == [
            "公示不能从 2026-11-20 开始：应征1 于 2026-12-02 通过政治考核，公示须在其后。"
        ]
        candidate.refresh_from_db()
        assert candidate.noticed_on is None
    # The next day, after every assessment: the notice still does not start before the day
    # it is recorded (its days count from when it is really posted), nor in the future.
    december_3 = dt.date(2026, 12, 3)
    with on_day(december_3):
        with pytest.raises(ValidationError) as refused:
            conscription.publish_notice(campaign=campaign, on=december, actor=people.office)
        assert "早于录入当日（2026-12-03）" in refused.value.messages[0]
        with pytest.raises(ValidationError):
            conscription.publish_notice(
                campaign=campaign, on=dt.date(2026, 12, 4), actor=people.office
            )
        client.force_login(people.office)  # a new working day, a new session
        client.post(reverse("defence:campaign_notice", args=[campaign.pk]), {"on": "2026-12-03"})
        candidate.refresh_from_db()
        assert candidate.noticed_on == december_3
        # 定兵 the same day: zero days of posting.
        with pytest.raises(ValidationError) as same_day:
            conscription.approve(candidate=candidate, on=december_3, actor=people.office)
        assert "已公示0个完整工作日" in same_day.value.messages[0]
    step = CandidateStep.objects.get(candidate=candidate, event="noticed")
    assert step.on == december_3 and step.at.astimezone(SHANGHAI).date() == december_3


def test_an_outsider_cannot_publish_the_notice(client, people, district, campaign):
    with on_day(dt.date(2026, 12, 2)):
        assessed(campaign, district, people.office, dt.date(2026, 12, 2))
        client.force_login(people.liaison_b)
        url = reverse("defence:campaign_notice", args=[campaign.pk])
        assert client.post(url, {"on": "2026-12-02"}).status_code == 403
    assert not Candidate.objects.filter(noticed_on__isnull=False).exists()


def test_approval_across_the_2026_national_day_holiday(people, district, campaign):
    """Notice from Tue 29 Sep: full days Wed 30 Sep, then Thu 8, Fri 9, Sat 10 Oct (调休),
    Mon 12 Oct. Monday-to-Friday counting would have let it through on 7 Oct."""
    office = people.office
    candidate = noticed(campaign, district, office, dt.date(2026, 9, 29))
    assert conscription.posting_days(dt.date(2026, 9, 29), dt.date(2026, 10, 8)) == 1
    for refused_on in (dt.date(2026, 10, 7), dt.date(2026, 10, 12)):
        with on_day(refused_on), pytest.raises(ValidationError):
            conscription.approve(candidate=candidate, on=refused_on, actor=office)
    with on_day(dt.date(2026, 10, 13)):
        conscription.approve(candidate=candidate, on=dt.date(2026, 10, 13), actor=office)
    candidate.refresh_from_db()
    assert candidate.stage == 4


def test_approval_across_a_make_up_saturday(people, district, campaign):
    """Sat 9 May 2026 is a working day (Labour Day's 调休): a notice from Wed 6 May has its
    five full days (Thu 7, Fri 8, Sat 9, Mon 11, Tue 12) by Wed 13, a day before Monday-to-
    Friday counting would say."""
    office = people.office
    candidate = noticed(campaign, district, office, dt.date(2026, 5, 6))
    assert conscription.posting_days(dt.date(2026, 5, 6), dt.date(2026, 5, 13)) == 5
    with on_day(dt.date(2026, 5, 12)), pytest.raises(ValidationError):
        conscription.approve(candidate=candidate, on=dt.date(2026, 5, 12), actor=office)
    with on_day(dt.date(2026, 5, 13)):
        conscription.approve(candidate=candidate, on=dt.date(2026, 5, 13), actor=office)
    candidate.refresh_from_db()
    assert candidate.stage == 4


def test_a_span_into_an_unknown_year_is_refused_until_the_office_adds_it(
    people, district, campaign
):
    office = people.office
    candidate = noticed(campaign, district, office, dt.date(2026, 12, 28))
    january = dt.date(2027, 1, 6)
    with on_day(january):
        with pytest.raises(ValidationError) as refused:
            conscription.approve(candidate=candidate, on=january, actor=office)
        assert "2027 年的节假日安排尚未掌握" in refused.value.messages[0]
        # The office adds 2027's New Year: 1–3 January off.
        WorkdayArrangement.objects.bulk_create(
            [WorkdayArrangement(day=dt.date(2027, 1, d), working=False) for d in (1, 2, 3)]
        )
        # Tue 29, Wed 30, Thu 31 Dec, Mon 4, Tue 5 Jan: five full days by Wed 6.
        conscription.approve(candidate=candidate, on=january, actor=office)


def test_a_step_is_never_dated_before_the_last_one_nor_in_the_future(people, district, campaign):
    """A step's date may be typed (the paper was signed last week), within those bounds;
    the step keeps when it was entered."""
    office = people.office
    with on_day(dt.date(2026, 9, 10)):
        candidate = conscription.register(
            campaign=campaign, name="倒签",
            id_number=idnumber.make("110199", dt.date(2006, 4, 4), 7),
            street=district.street, education="high_school", registered_on=dt.date(2026, 9, 1),
            actor=office,
        )  # fmt: skip
        for refused_on in (dt.date(2026, 8, 31), dt.date(2026, 9, 11)):
            with pytest.raises(ValidationError):
                conscription.advance(candidate=candidate, to=1, on=refused_on, actor=office)
        conscription.advance(candidate=candidate, to=1, on=dt.date(2026, 9, 3), actor=office)
    step = candidate.steps.get(stage=1)
    assert step.on == dt.date(2026, 9, 3)
    assert step.at.astimezone(SHANGHAI).date() == dt.date(2026, 9, 10)


def test_the_candidate_page_shows_a_typed_date_beside_when_it_was_entered(
    client, people, district, campaign
):
    with on_day(dt.date(2026, 9, 10)):
        candidate = assessed(campaign, district, people.office, dt.date(2026, 9, 3))
        client.force_login(people.office)
        steps = client.get(reverse("defence:candidate_detail", args=[candidate.pk]))
    text = steps.content.decode()
    assert text.count("录入于 2026-09-10 10:00") == 4  # registered and three steps
    client.force_login(people.liaison_b)  # the outsider
    assert client.get(reverse("defence:candidate_detail", args=[candidate.pk])).status_code == 404
