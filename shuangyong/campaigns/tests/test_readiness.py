from decimal import Decimal as D

from django.urls import reverse

from shuangyong.campaigns import selectors, services


def test_vetoes_first_then_the_largest_gaps(assessment, standard):
    criteria = {c.code: c for c in standard.criteria.all()}
    services.record_score(
        assessment=assessment,
        criterion=criteria["2.1"],
        facts={"actual": "100"},
        comment="",
        actor=None,
    )
    services.record_score(
        assessment=assessment,
        criterion=criteria["10.2"],
        facts={"vetoed": True},
        comment="",
        actor=None,
    )
    gaps = selectors.readiness(assessment)
    codes = [c.code for c, _r in gaps]
    assert codes[0] == "10.2"
    assert "2.1" not in codes  # at full points
    stakes = [r.at_stake for _c, r in gaps[1:]]
    assert stakes == sorted(stakes, reverse=True) and stakes[0] == D("3")


def test_the_page_lists_what_is_missing(client, people, assessment):
    client.force_login(people.supervisor)
    body = client.get(reverse("campaigns:readiness", args=[assessment.pk])).content.decode()
    assert "常委会、常务会会议纪要" in body  # evidence required for 1.1
    client.force_login(people.liaison_a)
    assert client.get(reverse("campaigns:readiness", args=[assessment.pk])).status_code == 403


def test_compare_highlights_differences(client, people, assessment, campaign, standard):
    import datetime as dt

    from shuangyong.campaigns.models import Assessment

    mock = Assessment.objects.create(
        campaign=campaign,
        kind="mock",
        title="模拟",
        assessors="督查组",
        held_on=dt.date(2026, 12, 1),
    )
    services.record_score(
        assessment=mock,
        criterion=standard.criteria.get(code="1.2"),
        facts={"achieved": True},
        comment="",
        actor=None,
    )
    client.force_login(people.office)
    response = client.get(
        reverse("campaigns:compare", args=[campaign.pk]), {"a": assessment.pk, "b": mock.pk}
    )
    changed = [r for r in response.context["rows"] if r["diff"]]
    assert [r["criterion"].code for r in changed] == ["1", "1.2"]
    assert response.context["totals"][1].score - response.context["totals"][0].score == D("2")
