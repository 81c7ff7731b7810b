"""Scoring as you go: facts in, the engine's points out, totals moving with them."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.campaigns import selectors, services
from shuangyong.campaigns.models import Score


def item(standard, code):
    return standard.criteria.get(code=code)


def post(client, assessment, criterion, data):
    prefixed = {f"c{criterion.pk}-{k}": v for k, v in data.items()}
    return client.post(
        reverse("campaigns:score_criterion", args=[assessment.pk, criterion.pk]),
        prefixed,
        headers={"HX-Request": "true"},
    )


def test_each_rule_type_through_the_service(assessment, standard):
    cases = {
        "1.1": ({"elements": [0]}, D("1")),
        "1.3": ({"achieved": True}, D("0")),  # evidence-gated: no approved evidence yet
        "1.6": ({"actual": "50"}, D("1")),
        "2.2": ({"actual": "95"}, D("2")),
        "2.4": ({"failures": 2}, D("1")),
        "2.7": ({"score": "1.5"}, D("1.5")),
    }
    for code, (facts, expected) in cases.items():
        score = services.record_score(
            assessment=assessment,
            criterion=item(standard, code),
            facts=facts,
            comment="",
            actor=None,
        )
        assert score.earned == expected, code
    # Deduction items start at full points: 3.5, 3.6, 6.5 and 8.1 add 8 untouched.
    assert assessment.evaluate().score == D("6.5") + D("8")


def test_a_manual_score_above_the_points_is_refused(assessment, standard):
    with pytest.raises(ValidationError):
        services.record_score(
            assessment=assessment,
            criterion=item(standard, "2.7"),
            facts={"score": "2.5"},
            comment="",
            actor=None,
        )
    assert not Score.objects.exists()


def test_a_category_cannot_be_scored_directly(assessment, standard):
    with pytest.raises(ValidationError):
        services.record_score(
            assessment=assessment,
            criterion=item(standard, "1"),
            facts={"achieved": True},
            comment="",
            actor=None,
        )


def test_the_page_saves_and_sends_back_the_moved_totals(client, people, assessment, standard):
    client.force_login(people.office)
    criterion = item(standard, "1.2")
    response = post(client, assessment, criterion, {"achieved": "on", "comment": "文件已印发"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="crit-{criterion.pk}"' in body
    category = item(standard, "1")
    assert f'id="crit-{category.pk}" class="table-light" hx-swap-oob="true"' in body
    assert 'id="total" class="card card-body h-100" hx-swap-oob="true"' in body
    assert Score.objects.get(criterion=criterion).comment == "文件已印发"


@pytest.mark.parametrize(
    "code,data",
    [
        ("2.7", {"score": "3"}),
        ("2.7", {"score": "很多"}),
        ("1.6", {"actual": "八十"}),
        ("2.4", {"failures": "-1"}),
    ],
)
def test_bad_values_are_explained_and_not_saved(client, people, assessment, standard, code, data):
    client.force_login(people.office)
    response = post(client, assessment, item(standard, code), data)
    assert response.status_code == 200
    assert (
        "invalid-feedback" in response.content.decode()
        or "text-danger" in response.content.decode()
    )
    assert not Score.objects.exists()


def test_a_veto_makes_the_assessment_ineligible(client, people, assessment, standard):
    client.force_login(people.office)
    post(client, assessment, item(standard, "10.3"), {"vetoed": "on"})
    total = assessment.evaluate()
    assert total.ineligible and "10.3" in total.vetoes[0]


def test_who_may_score(client, people, assessment, standard):
    criterion = item(standard, "1.2")
    for who in (people.leader, people.liaison_a, people.auditor):
        client.force_login(who)
        assert post(client, assessment, criterion, {"achieved": "on"}).status_code == 403
    assert not Score.objects.exists()
    client.force_login(people.leader)
    page = client.get(reverse("campaigns:assessment_detail", args=[assessment.pk]))
    assert page.status_code == 200 and '<form class="sy-score-form"' not in page.content.decode()


def test_scoring_page_query_count_is_fixed(client, people, assessment, standard):
    client.force_login(people.office)
    url = reverse("campaigns:assessment_detail", args=[assessment.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for code in ("1.2", "1.5", "2.3", "3.7", "4.5"):
        services.record_score(
            assessment=assessment,
            criterion=item(standard, code),
            facts={"achieved": True},
            comment="",
            actor=None,
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_campaign_totals_take_a_fixed_number_of_queries(
    assessment, campaign, django_assert_num_queries
):
    with django_assert_num_queries(3):
        [(a, total)] = selectors.assessment_totals(campaign)
    assert total.score == D("11")  # only the deduction items, which start full
