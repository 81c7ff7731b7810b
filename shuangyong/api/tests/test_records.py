"""Standards and their criteria, meetings and joint items over the API: the pages'
permissions and scope (unit A's liaison sees A's joint items, unit B's liaison is the
outsider; a role the permission table leaves out reads none of them), filters, a fixed
number of queries per page."""

import datetime as dt

import pytest
from django.utils import timezone

from shuangyong.access import policy
from shuangyong.api.tests.test_api import bearer, query_counts
from shuangyong.campaigns.models import Task
from shuangyong.coordination import services
from shuangyong.coordination.models import Attendee, Meeting


def _refused(client, who, permission, url, monkeypatch):
    """The status of ``url`` for ``who`` once the permission table takes ``permission``
    from every role (every role that may use the API may read these records, so
    the endpoint's own check is shown by narrowing the table)."""
    monkeypatch.setitem(policy.PERMISSIONS, permission, frozenset())
    status = client.get(url, headers=bearer(who)).status_code
    monkeypatch.undo()
    return status


def _items(client, who, url, query=None):
    response = client.get(url, query or {}, headers=bearer(who))
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_a_standards_criteria_in_its_own_order(client, people, standard, monkeypatch):
    listed = _items(client, people.liaison_a, "/api/v1/standards")
    assert [s["id"] for s in listed] == [standard.pk] and listed[0]["status"] == "published"
    url = f"/api/v1/standards/{standard.pk}/criteria"
    criteria = _items(client, people.liaison_a, url, {"page_size": 100})
    codes = [c["code"] for c in criteria]
    assert codes == list(standard.criteria.order_by("sort_key").values_list("code", flat=True))
    assert codes.index("1") < codes.index("1.1") < codes.index("2")
    first_item = next(c for c in criteria if c["code"] == "1.1")
    assert first_item["parent_code"] == "1" and first_item["rule_type"]
    veto = next(c for c in criteria if c["code"] == "10.2")
    assert veto["is_veto"] is True
    assert client.get("/api/v1/standards/999999/criteria",
                      headers=bearer(people.office)).status_code == 404  # fmt: skip
    for refused in ("/api/v1/standards", url):
        assert _refused(client, people.office, "standards.view", refused, monkeypatch) == 403


@pytest.fixture
def plenary(campaign, people, district):
    """A plenary with two attendees (one signed in) and a decision led by unit A."""
    meeting = Meeting.objects.create(campaign=campaign, kind="plenary", title="领导小组全体会议",
                                     held_on=dt.date(2026, 3, 2), place="区政府")  # fmt: skip
    Attendee.objects.create(meeting=meeting, person=people.liaison_a.person,
                            signed_in_at=timezone.now())  # fmt: skip
    Attendee.objects.create(meeting=meeting, person=people.liaison_b.person)
    services.add_decision(meeting=meeting, text="甲单位牵头走访驻军", lead_unit=district.a,
                          deadline=timezone.localdate() + dt.timedelta(days=30),
                          actor=people.office)  # fmt: skip
    return meeting


def test_meetings_with_attendance_and_decisions(client, people, plenary, district, monkeypatch):
    listed = _items(client, people.liaison_b, "/api/v1/meetings")
    assert [m["title"] for m in listed] == ["领导小组全体会议"]
    assert listed[0]["attendees"] == 2 and listed[0]["signed_in"] == 1
    (decision,) = listed[0]["decisions"]
    assert decision["text"] == "甲单位牵头走访驻军" and decision["lead_unit"] == district.a.name
    assert decision["progress"] == 0
    Task.objects.filter(decision__meeting=plenary).update(deadline=None)  # cleared later
    assert _items(client, people.office, "/api/v1/meetings")[0]["decisions"][0]["deadline"] is None
    office = people.office
    assert _items(client, office, "/api/v1/meetings", {"kind": "joint"}) == []
    assert _items(client, office, "/api/v1/meetings", {"since": "2026-03-03"}) == []
    assert len(_items(client, office, "/api/v1/meetings", {"until": "2026-03-02"})) == 1
    bad = client.get("/api/v1/meetings", {"kind": "party"}, headers=bearer(office))
    assert bad.status_code == 422
    assert _refused(client, office, "meetings.view", "/api/v1/meetings", monkeypatch) == 403


@pytest.fixture
def joint_item(campaign, people, district):
    return services.raise_joint_item(campaign=campaign, title="协调训练场地", description="秋训",
                                     local_unit=district.a, garrison_unit=district.garrison,
                                     actor=people.military)  # fmt: skip


def test_joint_items_reach_their_two_sides_only(client, people, joint_item, district, monkeypatch):
    for side in (people.liaison_a, people.military, people.office):
        assert [i["id"] for i in _items(client, side, "/api/v1/joint-items")] == [joint_item.pk]
    [listed] = _items(client, people.office, "/api/v1/joint-items")
    assert (listed["local_unit"], listed["garrison_unit"]) == (district.a.name,
                                                               district.garrison.name)  # fmt: skip
    assert _items(client, people.liaison_b, "/api/v1/joint-items") == []
    office = people.office
    by_garrison = _items(client, office, "/api/v1/joint-items", {"unit": district.garrison.pk})
    assert [i["garrison_unit"] for i in by_garrison] == [district.garrison.name]
    assert _items(client, office, "/api/v1/joint-items", {"unit": district.b.pk}) == []
    assert len(_items(client, office, "/api/v1/joint-items", {"state": "open"})) == 1
    services.sign_off(item=joint_item, side="local", actor=people.liaison_a)
    services.sign_off(item=joint_item, side="military", actor=people.military)
    closed = _items(client, office, "/api/v1/joint-items", {"state": "closed"})
    assert [i["closed"] for i in closed] == [True]
    assert _items(client, office, "/api/v1/joint-items", {"state": "open"}) == []
    bogus = client.get("/api/v1/joint-items", {"state": "half"}, headers=bearer(office))
    assert bogus.status_code == 422
    assert _refused(client, office, "joint.view", "/api/v1/joint-items", monkeypatch) == 403


def test_the_record_lists_run_a_fixed_number_of_queries(
    client, people, campaign, standard, district
):
    office = bearer(people.office)
    client.get("/api/v1/me", headers=office)  # the first use notes the token's last use
    urls = ("/api/v1/standards", f"/api/v1/standards/{standard.pk}/criteria",
            "/api/v1/meetings", "/api/v1/joint-items")  # fmt: skip

    def grow(n):
        for i in range(n):
            meeting = Meeting.objects.create(campaign=campaign, kind="office", title=f"会{i}",
                                             held_on=dt.date(2026, 4, 1))  # fmt: skip
            Attendee.objects.create(meeting=meeting, person=people.liaison_a.person)
            services.add_decision(meeting=meeting, text=f"决定{i}", lead_unit=district.b,
                                  deadline=timezone.localdate() + dt.timedelta(days=9),
                                  actor=people.office)  # fmt: skip
            services.raise_joint_item(campaign=campaign, title=f"事项{i}", description="",
                                      local_unit=district.a, garrison_unit=district.garrison,
                                      actor=people.office)  # fmt: skip

    grow(1)
    small = query_counts(client, office, urls)
    grow(8)
    assert query_counts(client, office, urls) == small
