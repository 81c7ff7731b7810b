"""Campaigns and their score, supervision orders, notices and placement cases over the
API: the pages' scope (unit A's liaison sees A's, unit B's liaison is the outsider),
masked ID numbers, a fixed number of queries per page."""

import datetime as dt

import pytest

from shuangyong.api.tests.test_api import bearer, query_counts
from shuangyong.campaigns import services as scoring
from shuangyong.campaigns.models import Task
from shuangyong.coordination.services import send_notice
from shuangyong.core import idnumber
from shuangyong.defence.models import PlacementCase
from shuangyong.org.models import Unit, UnitKind
from shuangyong.reports.self_assessment import points
from shuangyong.supervision import orders as order_service


def test_campaigns_and_the_score_the_report_states(client, people, campaign, assessment):
    scoring.record_score(assessment=assessment, criterion=campaign.standard.criteria.get(
        code="10.2"), facts={"vetoed": True}, comment="", actor=None)  # fmt: skip
    office = bearer(people.office)
    listing = client.get("/api/v1/campaigns", headers=office).json()
    assert [c["name"] for c in listing["items"]] == ["测试区创建"]
    score = client.get(f"/api/v1/campaigns/{campaign.pk}/score", headers=office).json()
    assert score["assessment_id"] == assessment.pk and score["ineligible"] is True
    assert points(score["score"]) == points(assessment.evaluate().score)
    assert {c["code"] for c in score["categories"]} >= {"1", "10"}
    live = client.get(f"/api/v1/campaigns/{campaign.pk}/score", {"basis": "live"},
                      headers=office).json()  # fmt: skip
    assert live["assessment_id"] is None
    assert client.get("/api/v1/campaigns/999999/score", headers=office).status_code == 404
    liaison = bearer(people.liaison_a)
    assert client.get("/api/v1/campaigns", headers=liaison).status_code == 403
    assert client.get(f"/api/v1/campaigns/{campaign.pk}/score", headers=liaison).status_code == 403


@pytest.fixture
def order_to_a(campaign, district, people):
    task = Task.objects.create(campaign=campaign, title="甲的任务", lead_unit=district.a,
                               deadline=dt.date(2030, 6, 1))  # fmt: skip
    return order_service.issue(campaign=campaign, unit=district.a, tasks=[task], level="general",
                               subject="催办甲", requirement="尽快完成",
                               deadline=dt.date(2030, 7, 1), actor=people.supervisor)  # fmt: skip


def test_orders_reach_their_unit_only(client, people, order_to_a):
    mine = client.get("/api/v1/orders", headers=bearer(people.liaison_a)).json()
    assert [o["subject"] for o in mine["items"]] == ["催办甲"]
    assert mine["items"][0]["unit"] == order_to_a.unit.name
    assert mine["items"][0]["reference"] == order_to_a.reference
    theirs = client.get("/api/v1/orders", headers=bearer(people.liaison_b)).json()
    assert theirs["items"] == []
    office = bearer(people.office)
    assert client.get("/api/v1/orders", {"until": "2030-06-30"}, headers=office).json()[
        "items"] == []  # fmt: skip
    assert client.get("/api/v1/orders", {"status": "closed"}, headers=office).json()["count"] == 0
    assert client.get("/api/v1/orders", headers=bearer(people.military)).json()["items"] == []


def test_notices_reach_their_recipients_only(client, people, district):
    send_notice(author=people.office, title="关于报送双拥工作总结的通知", body="请于月底前报送",
                units=[district.a], requires_reply=False)  # fmt: skip
    mine = client.get("/api/v1/notices", headers=bearer(people.liaison_a)).json()
    assert [n["title"] for n in mine["items"]] == ["关于报送双拥工作总结的通知"]
    assert mine["items"][0]["sender_unit"] == district.office.name
    assert client.get("/api/v1/notices", headers=bearer(people.liaison_b)).json()["items"] == []
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    later = client.get("/api/v1/notices", {"since": tomorrow}, headers=bearer(people.office))
    assert later.json()["items"] == []


def test_placement_cases_are_masked_and_scoped_by_street(client, people, district):
    west = Unit.objects.create(code="W", name="西街道", kind=UnitKind.STREET,
                               parent=district.root)  # fmt: skip
    for name, street, serial in (("赵退役", district.street, 5), ("钱退役", west, 7)):
        PlacementCase.objects.create(
            name=name, id_number=idnumber.make("110199", dt.date(2002, 4, 4), serial),
            kind="soldier", method="arranged_job", street=street,
            discharged_on=dt.date(2026, 1, 10),
        )  # fmt: skip
    response = client.get("/api/v1/placements", headers=bearer(people.care))
    [case] = response.json()["items"]
    assert case["name"] == "赵退役" and "*" in case["id_number_masked"]
    assert idnumber.make("110199", dt.date(2002, 4, 4), 5) not in response.content.decode()
    office = client.get("/api/v1/placements", {"unit": west.pk}, headers=bearer(people.office))
    assert [c["name"] for c in office.json()["items"]] == ["钱退役"]
    assert client.get("/api/v1/placements", headers=bearer(people.liaison_a)).status_code == 403


def test_the_new_lists_run_a_fixed_number_of_queries(client, people, campaign, district):
    office = bearer(people.office)
    client.get("/api/v1/me", headers=office)  # the first use notes the token's last use
    urls = ("/api/v1/orders", "/api/v1/notices", "/api/v1/placements", "/api/v1/campaigns")

    def grow(n):
        for i in range(n):
            send_notice(author=people.office, title=f"通知{i}", body="正文",
                        units=[district.a], requires_reply=False)  # fmt: skip
            PlacementCase.objects.create(
                name=f"退役{i}", id_number=idnumber.make("110199", dt.date(2000, 1, 1), i + 1),
                kind="soldier", street=district.street, discharged_on=dt.date(2026, 1, 10),
            )  # fmt: skip

    grow(1)
    small = query_counts(client, office, urls)
    grow(12)
    assert query_counts(client, office, urls) == small


def test_an_id_past_the_databases_integers_is_a_422_not_a_500(client, people, campaign):
    office = bearer(people.office)
    huge = str(10**20)  # schemathesis's find: SQLite cannot compare it
    for url, query in (
        ("/api/v1/notices", {"unit": huge}),
        ("/api/v1/placements", {"unit": huge}),
        (f"/api/v1/tasks/{huge}", {}),
        (f"/api/v1/campaigns/{huge}/score", {}),
    ):
        assert client.get(url, query, headers=office).status_code == 422, url
    score = client.get(f"/api/v1/campaigns/{campaign.pk}/score", {"basis": huge}, headers=office)
    assert score.status_code == 422 and "basis" in score.json()["detail"]  # named, not ignored


def test_bad_query_values_and_refusals_are_named_in_chinese(client, people, campaign):
    office = bearer(people.office)
    assert client.get("/api/v1/orders", {"status": "bogus"}, headers=office).status_code == 422
    year = client.get("/api/v1/annual/1999", headers=office)
    assert year.status_code == 422 and "year" in year.content.decode()
    assert client.get("/api/v1/annual/2026", headers=office).status_code == 200
    denied = client.get("/api/v1/campaigns", headers=bearer(people.liaison_a))
    assert denied.status_code == 403 and "campaigns.view" in denied.json()["detail"]
    assert "无权" in denied.json()["detail"]
    assert "令牌" in client.get("/api/v1/me").json()["detail"]


def test_the_parsers_own_refusals_are_chinese_and_name_the_field(client, people, campaign):
    """They were pydantic's English list ([{"type": …, "loc": …, "msg": …}]) beside the
    Chinese {field: [message]} of every other 422."""
    office = bearer(people.office)
    for url, query, field, words in (
        ("/api/v1/notices", {"unit": "x"}, "unit", "整数"),
        ("/api/v1/tasks/0", {}, "pk", "1"),
        ("/api/v1/annual/1999", {}, "year", "2000"),
        ("/api/v1/orders", {"status": "bogus"}, "status", "'issued'"),
        ("/api/v1/tasks", {"since": "soon"}, "since", "日期"),
    ):
        detail = client.get(url, query, headers=office).json()["detail"]
        assert list(detail) == [field] and words in detail[field][0], (url, detail)
    body = client.post("/api/v1/needs", {"source": "family"}, "application/json", headers=office)
    assert body.status_code == 422
    assert {"body.category", "body.text", "body.assignee", "body.deadline"} <= set(
        body.json()["detail"])  # fmt: skip
