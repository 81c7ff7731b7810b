import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from shuangyong.campaigns.lights import light
from shuangyong.campaigns.models import LightRules

TODAY = dt.date(2026, 6, 1)
RULES = LightRules(yellow_days=14, yellow_below=80, red_days=3, red_below=50)


def color(days, progress, last=None, veto=False):
    deadline = None if days is None else TODAY + dt.timedelta(days=days)
    return light(
        deadline=deadline, progress=progress, last_report=last, veto=veto, today=TODAY, rules=RULES
    ).color


@pytest.mark.parametrize(
    "days,progress,last,veto,expected",
    [
        (-1, 90, None, False, "red"),  # overdue, whatever the progress
        (2, 40, None, False, "red"),  # due soon, far behind
        (2, 60, None, False, "yellow"),  # due soon, somewhat behind
        (10, 70, None, False, "yellow"),
        (10, 85, None, False, "green"),
        (30, 0, None, False, "green"),
        (30, 10, "returned", False, "yellow"),  # the last report came back
        (10, 90, None, True, "red"),  # a veto item not done within the yellow window
        (None, 0, None, False, "green"),
        (-5, 100, None, False, "done"),
    ],
)
def test_the_light_and_its_reason(days, progress, last, veto, expected):
    assert color(days, progress, last, veto) == expected


def test_every_light_says_why(english):
    result = light(
        deadline=TODAY - dt.timedelta(days=4),
        progress=30,
        last_report=None,
        veto=False,
        today=TODAY,
        rules=RULES,
    )
    assert result.reason == "overdue by 4 days"


def test_red_cannot_start_before_yellow():
    rules = LightRules(yellow_days=5, red_days=7, yellow_below=80, red_below=50)
    with pytest.raises(ValidationError) as info:
        rules.full_clean(exclude=["campaign"])
    assert "red_days" in info.value.message_dict
    with pytest.raises(ValidationError):
        LightRules(yellow_below=40, red_below=60).full_clean(exclude=["campaign"])


def test_the_thresholds_page_refuses_a_bad_setting(client, people, campaign):
    from django.urls import reverse

    client.force_login(people.office)
    url = reverse("supervision:lights", args=[campaign.pk])
    data = {
        "yellow_days": 5,
        "yellow_below": 80,
        "red_days": 9,
        "red_below": 50,
        "remind_days": 3,
        "escalate_days": 3,
        "propose_overdue_days": 7,
        "propose_gap_points": 2,
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "red_days" in response.context["form"].errors
    assert not LightRules.objects.exists()
    client.post(url, {**data, "red_days": 2})
    assert LightRules.objects.get(campaign=campaign).red_days == 2


@pytest.mark.parametrize(
    "days,progress,expected",
    [(30, 10, "yellow"), (2, 60, "yellow"), (-1, 40, "red"), (None, 0, "yellow")],
)
def test_a_returned_report_is_named_in_the_reason_whatever_the_colour(
    english, days, progress, expected
):
    deadline = None if days is None else TODAY + dt.timedelta(days=days)
    result = light(
        deadline=deadline, progress=progress, last_report="returned", veto=False,
        today=TODAY, rules=RULES,
    )  # fmt: skip
    assert result.color == expected
    assert "the last report was returned" in result.reason
