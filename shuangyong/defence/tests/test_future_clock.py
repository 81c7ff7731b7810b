"""No time bomb: what runs on today's date (the conscript-family scenario of the browser
test, the demo's conscription season) holds under a clock in a year the installed
chinesecalendar does not carry, while such a year stays refused in real use."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from shuangyong.care.models import Entitlement
from shuangyong.core import idnumber, workdays
from shuangyong.core.models import WorkdayArrangement
from shuangyong.core.testing import library_up_to, office_arrangement_for
from shuangyong.defence import conscription
from shuangyong.defence.demo import season_end
from shuangyong.defence.models import Candidate, ConscriptionCampaign, Stage

# Early in a new year (the notice's month reaches back into the old one), after Spring
# Festival, and a year later still: none of them in chinesecalendar 1.11 (up to 2026).
CLOCKS = ["2027-01-20", "2027-03-01", "2028-02-20"]


@pytest.fixture(autouse=True)
def library_of_2026(monkeypatch):
    """The library as 1.11 ships it (up to 2026), so these clocks stay in unknown years
    after a release that carries them."""
    library_up_to(monkeypatch, 2026)


def at(day: str):
    return time_machine.travel(f"{day} 10:00 +0800", tick=False)


def on_notice_for_a_month(office, district) -> Candidate:
    """Today's conscript, through the three steps and on the public notice for a month:
    five full working days whatever the year's holidays. The calendar is given the
    office's entry for any year of the span the library does not carry."""
    today = timezone.localdate()
    registered = today - dt.timedelta(days=40)
    office_arrangement_for(registered, today)
    campaign = conscription.create_campaign(year=today.year, half=2, quota=1, actor=office)
    born = dt.date(today.year - 20, 2, 2)  # of age in any campaign year
    candidate = conscription.register(
        campaign=campaign, name="周应征", id_number=idnumber.make("110199", born, 1),
        street=district.street, education="college_student", family_name="周军属",
        family_relation="母亲", family_id_number=idnumber.make("110199", dt.date(1978, 3, 3), 2),
        registered_on=registered, actor=office,
    )  # fmt: skip
    for stage in (1, 2, 3):
        conscription.advance(
            candidate=candidate, to=stage, on=today - dt.timedelta(days=35), actor=office
        )
    # Recorded on the day it starts (the notice is never back-dated).
    notice_day = today - dt.timedelta(days=30)
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):
        conscription.publish_notice(campaign=campaign, on=notice_day, actor=office)
    return candidate


@pytest.mark.parametrize("clock", CLOCKS)
def test_the_conscript_family_scenario_holds_under_a_future_clock(client, people, district, clock):
    with at(clock):
        today = timezone.localdate()
        candidate = on_notice_for_a_month(people.office, district)
        step = reverse("defence:candidate_step", args=[candidate.pk])
        client.force_login(people.liaison_b)  # the outsider
        assert client.post(step, {"action": "approve", "on": today}).status_code in (403, 404)
        client.force_login(people.office)
        response = client.post(step, {"action": "approve", "on": today}, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["已记录。"]
        candidate.refresh_from_db()
        assert candidate.stage == Stage.APPROVED
        entitlement = Entitlement.objects.get(category="conscript_family")
        assert entitlement.person.name == "周军属" and entitlement.approved_on == today
        # Only the test's own year was entered: the next one is still refused.
        with pytest.raises(workdays.UnknownCalendar):
            workdays.is_working_day(dt.date(today.year + 1, 3, 3))


def test_without_the_offices_entry_the_same_approval_is_refused(client, people, district):
    """The failure the helper prevents: 2027 unknown, 定兵 refused with the calendar's
    message (what the browser test met from 2027-01-01 on)."""
    with at("2027-03-01"):
        candidate = on_notice_for_a_month(people.office, district)
        WorkdayArrangement.objects.all().delete()
        client.force_login(people.office)
        response = client.post(
            reverse("defence:candidate_step", args=[candidate.pk]),
            {"action": "approve", "on": "2027-03-01"}, follow=True,
        )  # fmt: skip
        [message] = [str(m) for m in response.context["messages"]]
        assert "2027 年的节假日安排尚未掌握" in message
        candidate.refresh_from_db()
        assert candidate.stage == Stage.POLITICAL


def run_demo_up_to_the_conscription():
    from shuangyong.core.demo import DEMO_STEPS

    for step in sorted(DEMO_STEPS, key=lambda s: s.order):
        if step.order in (10, 80):  # the district and its accounts; the conscription
            step.run(lambda line: None)


@pytest.mark.slow
@pytest.mark.parametrize("clock", CLOCKS)
def test_the_demo_season_holds_under_a_future_clock(db, clock):
    """The demo dates its season in the last year whose real holidays are known (2026),
    approves, dispatches and returns in it, and enters no arrangement of its own: the
    clock's year stays refused."""
    with at(clock):
        today = timezone.localdate()
        run_demo_up_to_the_conscription()
        campaign = ConscriptionCampaign.objects.get()
        assert campaign.year == 2026 and campaign.half == 2
        season = Candidate.objects.filter(campaign=campaign)
        assert season.filter(stage__gte=Stage.APPROVED).count() == 32
        assert season.filter(status="returned").count() == 1
        assert not WorkdayArrangement.objects.exists()
        with pytest.raises(workdays.UnknownCalendar):
            workdays.is_working_day(dt.date(today.year, 3, 3))


def test_the_demo_season_follows_a_year_the_office_has_entered(db):
    """A year known through the office's import is used like the library's."""
    day = dt.date(2027, 3, 1)
    assert season_end(day) == dt.date(2026, 12, 31)
    WorkdayArrangement.objects.create(day=dt.date(2027, 1, 1), working=False, name="元旦")
    assert season_end(day) == day
    assert season_end(dt.date(2026, 12, 2)) == dt.date(2026, 12, 2)
