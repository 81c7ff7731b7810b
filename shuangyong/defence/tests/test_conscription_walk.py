"""A campaign from quota to dispatch for 200 generated candidates; every figure is checked
against a hand computation from the plan that generated them."""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shuangyong.care.models import Entitlement
from shuangyong.core import idnumber
from shuangyong.defence import conscription
from shuangyong.defence.models import Candidate, CandidateStep, StreetQuota
from shuangyong.defence.selectors import funnel
from shuangyong.org.models import Unit, UnitKind

REGISTERED = dt.date(2026, 8, 3)
STEP_DATES = [dt.date(2026, 8, 10), dt.date(2026, 8, 20), dt.date(2026, 9, 1)]
NOTICE = dt.date(2026, 9, 2)  # a Wednesday
APPROVAL = dt.date(2026, 9, 10)  # after five full working days (Thu 3 to Wed 9)
DISPATCH = dt.date(2026, 9, 15)
RETURN = dt.date(2026, 10, 10)
SHANGHAI = ZoneInfo("Asia/Shanghai")
EDUCATIONS = ["high_school", "college_student", "college_graduate", "postgraduate"]


@pytest.fixture
def streets(district):
    more = [
        Unit.objects.create(
            code=f"S{i}", name=f"{n}街道", kind=UnitKind.STREET, parent=district.root
        )
        for i, n in ((2, "西"), (3, "南"))
    ]
    return [district.street, *more]


@pytest.fixture
def campaign(people):
    return conscription.create_campaign(year=2026, half=2, quota=60, actor=people.office)


def publish(campaign, office, on=NOTICE):
    """The notice recorded on the day it starts (it cannot be back-dated)."""
    with time_machine.travel(dt.datetime(on.year, on.month, on.day, 9, tzinfo=SHANGHAI)):
        return conscription.publish_notice(campaign=campaign, on=on, actor=office)


def pct(part, whole):
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def plan(n, streets, seed=3):
    """For each candidate: street, education, the last stage passed (0–5), whether out
    there (below 5) or returned (at 5)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        education = rng.choice(EDUCATIONS)
        age = rng.randint(18, 22)
        born = dt.date(2026 - age, 1 + i % 12, 1 + i % 28)
        stage = rng.choices(range(6), weights=[2, 2, 2, 1, 1, 6])[0]
        rows.append(
            {
                "number": idnumber.make("110199", born, i),
                "street": streets[i % len(streets)],
                "education": education,
                "stage": stage,
                "out": stage < 5 and rng.random() < 0.7,
                "returned": stage == 5 and rng.random() < 0.1,
            }
        )
    return rows


def walk(campaign, rows, office):
    for i, row in enumerate(rows):
        candidate = conscription.register(
            campaign=campaign, name=f"应征{i}", id_number=row["number"], street=row["street"],
            education=row["education"], family_name=f"家长{i}", family_relation="父亲",
            family_id_number=idnumber.make("110199", dt.date(1970, 1, 1), i),
            registered_on=REGISTERED, actor=office,
        )  # fmt: skip
        row["candidate"] = candidate
        for stage, on in zip(range(1, 4), STEP_DATES, strict=True):
            if row["stage"] >= stage:
                conscription.advance(candidate=candidate, to=stage, on=on, actor=office)
        if row["stage"] < 4 and row["out"]:
            conscription.drop(candidate=candidate, on=dt.date(2026, 9, 5), reason="体检不合格",
                              actor=office)  # fmt: skip
    assert publish(campaign, office) == sum(
        1 for r in rows if r["stage"] >= 3 and not (r["stage"] == 3 and r["out"])
    )
    for row in rows:
        candidate = row["candidate"]
        if row["stage"] >= 4:
            conscription.approve(candidate=candidate, on=APPROVAL, actor=office)
        elif row["stage"] == 3 and row["out"]:
            pass  # dropped before the notice
        if row["stage"] == 4 and row["out"]:
            conscription.drop(candidate=candidate, on=DISPATCH, reason="本人退出", actor=office)
        if row["stage"] == 5:
            conscription.dispatch(candidate=candidate, on=DISPATCH, actor=office)
            if row["returned"]:
                conscription.return_conscript(candidate=candidate, on=RETURN,
                                              reason="复查不合格", actor=office)  # fmt: skip


@pytest.mark.slow
def test_two_hundred_candidates_from_quota_to_dispatch(people, streets, campaign):
    office = people.office
    conscription.set_quotas(
        campaign=campaign, quotas={streets[0].pk: 25, streets[1].pk: 20, streets[2].pk: 15},
        actor=office,
    )  # fmt: skip
    rows = plan(200, streets)
    walk(campaign, rows, office)

    per_street, total = funnel(campaign)
    quota = {streets[0].pk: 25, streets[1].pk: 20, streets[2].pk: 15}
    for row in [*per_street, total]:
        mine = [r for r in rows if row.street is None or r["street"] == row.street]
        reached = [sum(1 for r in mine if r["stage"] >= k) for k in range(6)]
        returned = sum(1 for r in mine if r["returned"])
        out = sum(1 for r in mine if r["out"])
        approved = reached[4]
        college = sum(1 for r in mine if r["stage"] >= 4 and r["education"] != "high_school")
        expected_quota = 60 if row.street is None else quota[row.street.pk]
        assert row.quota == expected_quota
        assert row.reached == reached, row.street
        assert (row.out, row.returned) == (out, returned)
        assert row.enlisted == reached[5] - returned
        assert row.completion == pct(reached[5] - returned, expected_quota)
        assert row.pass_rates == [pct(reached[k], reached[k - 1]) for k in range(1, 6)]
        assert row.college_share == pct(college, approved)
    assert total.reached[0] == 200 and sum(r.reached[5] for r in per_street) == total.reached[5]
    # every step is dated and signed; the approved families are entitled in the care registry
    assert CandidateStep.objects.filter(by=office).count() == CandidateStep.objects.count()
    approved = [r for r in rows if r["stage"] >= 4]
    assert Entitlement.objects.filter(category="conscript_family").count() == len(approved)
    approved_ids = [r["candidate"].pk for r in approved]
    linked = Candidate.objects.filter(pk__in=approved_ids, family_entitlement__isnull=False)
    assert linked.count() == len(approved)


def test_quota_split_must_add_up(people, streets, campaign):
    with pytest.raises(ValidationError):
        conscription.set_quotas(
            campaign=campaign, quotas={streets[0].pk: 30, streets[1].pk: 20}, actor=people.office
        )
    with pytest.raises(ValidationError):
        conscription.set_quotas(
            campaign=campaign, quotas={people.office.person.unit_id: 60}, actor=people.office
        )
    assert not StreetQuota.objects.exists()


def register(campaign, street, office, *, born=dt.date(2006, 5, 1), education="high_school"):
    return conscription.register(
        campaign=campaign, name="某青年", id_number=idnumber.make("110199", born, 7),
        street=street, education=education, registered_on=REGISTERED, actor=office,
    )  # fmt: skip


def test_age_and_id_are_checked(people, streets, campaign):
    office = people.office
    with pytest.raises(ValidationError):  # 24 in 2026, high school: too old
        register(campaign, streets[0], office, born=dt.date(2002, 1, 1))
    with pytest.raises(ValidationError):  # 17: too young
        register(campaign, streets[0], office, born=dt.date(2009, 1, 1))
    register(campaign, streets[0], office, born=dt.date(2002, 1, 1), education="college_graduate")
    with pytest.raises(ValidationError):  # the same person twice
        register(campaign, streets[0], office, born=dt.date(2002, 1, 1), education="postgraduate")
    with pytest.raises(ValidationError):
        conscription.register(
            campaign=campaign, name="错号", id_number="110199200601010011", street=streets[0],
            education="high_school", actor=office,
        )  # fmt: skip
    assert Candidate.objects.count() == 1


def test_no_step_is_skipped_and_the_notice_runs_five_working_days(people, streets, campaign):
    office = people.office
    candidate = register(campaign, streets[0], office)
    with pytest.raises(ValidationError):
        conscription.advance(candidate=candidate, to=2, on=STEP_DATES[0], actor=office)
    for stage, on in zip(range(1, 4), STEP_DATES, strict=True):
        conscription.advance(candidate=candidate, to=stage, on=on, actor=office)
    with pytest.raises(ValidationError):  # never on the notice
        conscription.approve(candidate=candidate, on=APPROVAL, actor=office)
    publish(campaign, office)
    with pytest.raises(ValidationError):  # Thu 3 to Tue 8: four full working days
        conscription.approve(candidate=candidate, on=dt.date(2026, 9, 9), actor=office)
    conscription.approve(candidate=candidate, on=APPROVAL, actor=office)
    candidate.refresh_from_db()
    assert candidate.stage == 4
    with pytest.raises(ValidationError):  # not dispatched: nothing to return
        conscription.return_conscript(candidate=candidate, on=RETURN, reason="x", actor=office)
    conscription.dispatch(candidate=candidate, on=DISPATCH, actor=office)
    with pytest.raises(ValidationError):  # more than 45 days after dispatch
        conscription.return_conscript(
            candidate=candidate, on=DISPATCH + dt.timedelta(days=46), reason="x", actor=office
        )


def test_a_street_records_its_own_candidates_only(people, streets, campaign, district):
    street_liaison = _street_liaison(district)
    candidate = register(campaign, streets[1], people.office)
    with pytest.raises(PermissionDenied):
        conscription.advance(candidate=candidate, to=1, on=STEP_DATES[0], actor=street_liaison)
    own = register(campaign, streets[0], street_liaison, born=dt.date(2005, 3, 3))
    conscription.advance(candidate=own, to=1, on=STEP_DATES[0], actor=street_liaison)
    for stage, on in zip(range(2, 4), STEP_DATES[1:], strict=True):
        conscription.advance(candidate=own, to=stage, on=on, actor=street_liaison)
    with pytest.raises(PermissionDenied):  # approval is the district's
        conscription.approve(candidate=own, on=APPROVAL, actor=street_liaison)


def _street_liaison(district):
    from conftest import make_user
    from shuangyong.access import Role

    return make_user("street_liaison", Role.UNIT_LIAISON, district.street, name="街道武装部长")


def test_posting_days_are_full_working_days_after_the_start_day(db):
    wednesday = dt.date(2026, 9, 2)
    assert conscription.posting_days(wednesday, wednesday) == 0
    assert conscription.posting_days(wednesday, dt.date(2026, 9, 9)) == 4
    assert conscription.posting_days(wednesday, dt.date(2026, 9, 10)) == 5
    assert conscription.posting_days(dt.date(2026, 9, 4), dt.date(2026, 9, 8)) == 1  # Mon 7


def _approved_with_family(campaign, streets, office, *, serial):
    """A candidate with a named family member, through the three steps and approved."""
    candidate = conscription.register(
        campaign=campaign, name="某青年",
        id_number=idnumber.make("110199", dt.date(2006, 5, 1), serial),
        street=streets[0], education="high_school", family_name="某家长",
        family_id_number=idnumber.make("110199", dt.date(1975, 1, 1), serial),
        registered_on=REGISTERED, actor=office,
    )  # fmt: skip
    for stage, on in zip(range(1, 4), STEP_DATES, strict=True):
        conscription.advance(candidate=candidate, to=stage, on=on, actor=office)
    publish(campaign, office)
    conscription.approve(candidate=candidate, on=APPROVAL, actor=office)
    return candidate


def test_after_approval_only_the_district_drops_and_the_allowance_stops(
    people, streets, campaign, district
):
    office, liaison = people.office, _street_liaison(district)
    candidate = _approved_with_family(campaign, streets, office, serial=9)
    with pytest.raises(PermissionDenied):
        conscription.drop(candidate=candidate, on=DISPATCH, reason="退出", actor=liaison)
    conscription.drop(candidate=candidate, on=DISPATCH, reason="本人退出", actor=office)
    family = Entitlement.objects.get(category="conscript_family")
    assert (family.status, family.status_since) == ("stopped", DISPATCH)


def test_a_conscript_returned_by_the_army_stops_the_family_allowance(
    people, streets, campaign, district
):
    office = people.office
    candidate = _approved_with_family(campaign, streets, office, serial=7)
    conscription.dispatch(candidate=candidate, on=DISPATCH, actor=office)
    conscription.return_conscript(candidate=candidate, on=RETURN, reason="体检复查不合格",
                                  actor=office)  # fmt: skip
    family = Entitlement.objects.get(category="conscript_family")
    assert (family.status, family.status_since) == ("stopped", RETURN)


def test_a_return_by_the_army_is_never_dated_in_the_future(people, streets, campaign, district):
    """Typed five weeks ahead on the day after dispatch (inside the 45 days), a return
    would keep the family allowance running to that month."""
    office = people.office
    candidate = _approved_with_family(campaign, streets, office, serial=5)
    conscription.dispatch(candidate=candidate, on=DISPATCH, actor=office)
    with time_machine.travel(dt.datetime(2026, 9, 16, 10, tzinfo=SHANGHAI)):
        with pytest.raises(ValidationError) as refused:
            conscription.return_conscript(candidate=candidate, on=DISPATCH + dt.timedelta(40),
                                          reason="体检复查不合格", actor=office)  # fmt: skip
        assert "on" in refused.value.message_dict
        conscription.return_conscript(candidate=candidate, on=dt.date(2026, 9, 16),
                                      reason="体检复查不合格", actor=office)  # fmt: skip
    family = Entitlement.objects.get(category="conscript_family")
    assert (family.status, family.status_since) == ("stopped", dt.date(2026, 9, 16))
