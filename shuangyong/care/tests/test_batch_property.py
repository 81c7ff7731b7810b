"""The set-based batch equals a straightforward per-person computation (hypothesis).

Each example builds a random registry and random standards, then walks six months:
each month it may raise a standard retroactively, approve someone late, suspend,
resume, re-grade, record a death or a change of hukou — all through the services —
then computes the month's batch in SQL and compares it, line for line, with
``reference_lines`` (a plain loop over entitlements, months and standards), and has a
second person approve it. Now and then an adjustment batch is compared too.
"""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangyong.care import months, payments, registry
from shuangyong.care.imports import save_standards
from shuangyong.care.models import AllowanceStandard, Entitlement
from shuangyong.care.tests.conftest import person

START = dt.date(2026, 1, 1)
CATEGORIES = ["disabled_veteran", "martyr_survivor", "duty_death_survivor"]

grades = st.integers(min_value=1, max_value=10)
causes = st.sampled_from(["war", "duty", "illness"])
hukous = st.sampled_from(["urban", "rural"])
days = st.integers(min_value=-200, max_value=170).map(lambda n: START + dt.timedelta(days=n))

standards = st.lists(
    st.fixed_dictionaries(
        {
            "category": st.sampled_from(CATEGORIES),
            "grade": st.none() | grades,
            "cause": st.sampled_from(["", "war", "duty", "illness"]),
            "hukou": st.sampled_from(["", "urban", "rural"]),
            "valid_from": days,
            "span": st.none() | st.integers(min_value=0, max_value=300),
            "amount": st.integers(min_value=0, max_value=6_000_000).map(lambda c: Decimal(c) / 100),
            "per": st.sampled_from(["month", "year"]),
            "level": st.sampled_from(["national", "provincial", "local"]),
        }
    ),
    min_size=1,
    max_size=8,
)
persons = st.lists(
    st.tuples(st.sampled_from(CATEGORIES), grades, causes, hukous, st.none() | days),
    min_size=1,
    max_size=6,
)
events = st.lists(
    st.tuples(
        st.sampled_from(
            ["raise", "late", "suspend", "resume", "regrade", "death", "hukou", "adjust", "nothing"]
        ),
        st.integers(min_value=0, max_value=99),
        st.integers(min_value=0, max_value=27),
        standards,
    ),
    min_size=6,
    max_size=6,
)


def _standard_items(found):
    items = []
    for s in found:
        item = dict(s)
        span = item.pop("span")
        item["valid_to"] = (
            item["valid_from"] + dt.timedelta(days=span) if span is not None else None
        )
        items.append(item)

    # One row of a kind: two that would price one month are refused (the overlap rule,
    # ``AllowanceStandard.prices_alike``).
    def row(item):
        terms = ("category", "level", "grade", "cause", "hukou")
        return AllowanceStandard(**{t: item[t] for t in terms})

    kept = []
    for item in reversed(items):  # the last of a kind, as before
        if not any(row(item).prices_alike(row(other)) for other in kept):
            kept.append(item)
    return kept


def _terms(category, grade, cause):
    if category != "disabled_veteran":
        return None, ""
    if cause == "illness":
        grade = min(grade, 6)
    return grade, cause


def _programme(category):
    return "disability" if category == "disabled_veteran" else "survivor"


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(found_standards=standards, found_people=persons, walk=events)
def test_set_based_batch_equals_per_person_computation(
    district, officer, people, found_standards, found_people, walk
):
    checker = people.office
    with transaction.atomic():
        save_standards(_standard_items(found_standards))
        entitlements = []
        for index, (category, grade, cause, hukou, approved) in enumerate(found_people):
            grade, cause = _terms(category, grade, cause)
            who = person(district, name=f"甲{index}", hukou=hukou)
            entitlements.append(
                registry.add_entitlement(
                    person=who,
                    category=category,
                    grade=grade,
                    cause=cause,
                    approved_on=approved,
                    actor=officer,
                )
            )
        for step, (event, pick, day, more) in enumerate(walk):
            month = months.index(START) + step
            when = months.first_day(month) + dt.timedelta(days=day)
            target = Entitlement.objects.get(pk=entitlements[pick % len(entitlements)].pk)
            _apply(event, target, when, more, district, officer, entitlements)
            period = months.label(month)
            for programme in ("disability", "survivor"):
                batch = payments.compute(programme=programme, period=period, actor=officer)
                expected = payments.reference_lines(programme=programme, period=period)
                assert payments.lines_of(batch) == expected, (event, period, programme)
                payments.approve(batch=batch, actor=checker)
                if event == "adjust" and step:
                    previous = months.label(month - 1)
                    adjustment = payments.compute(
                        programme=programme, period=previous, kind="adjustment", actor=officer
                    )
                    assert payments.lines_of(adjustment) == payments.reference_lines(
                        programme=programme, period=previous, kind="adjustment"
                    )
                    payments.discard(batch=adjustment, actor=officer)
        transaction.set_rollback(True)


def _apply(event, target, when, more, district, officer, entitlements):
    last = target.history.exclude(effective=None).order_by("-effective").first()
    if last and when < last.effective:
        when = last.effective
    if event == "raise":
        # A raise replaces the older row of its kind (ended the day before); one that
        # starts before a later row of its kind overlaps it and is refused whole.
        with contextlib.suppress(ValidationError):
            save_standards([{**item, "replaces": True} for item in _standard_items(more)])
    elif event == "late":
        who = person(district, name="迟批", hukou="urban")
        category = more[0]["category"]
        grade, cause = _terms(category, more[0]["grade"] or 3, more[0]["cause"] or "duty")
        entitlements.append(
            registry.add_entitlement(
                person=who,
                category=category,
                grade=grade,
                cause=cause,
                approved_on=when - dt.timedelta(days=95),
                actor=officer,
            )
        )
    elif event == "suspend" and target.status == "active":
        registry.change_status(
            entitlement=target, status="suspended", effective=when, reason="服刑", actor=officer
        )
    elif event == "resume" and target.status in ("suspended", "moved_out", "deceased"):
        # (From deceased: a death recorded wrongly and corrected; its funeral aid back.)
        registry.change_status(
            entitlement=target, status="active", effective=when, reason="", actor=officer
        )
    elif event == "regrade" and target.category == "disabled_veteran" and target.status == "active":
        registry.change_terms(
            entitlement=target,
            grade=max((target.grade or 2) - 1, 1),
            cause="war",
            effective=when,
            actor=officer,
        )
    elif event == "death" and target.status != "deceased":
        registry.change_status(
            entitlement=target, status="deceased", effective=when, reason="病故", actor=officer
        )
    elif event == "hukou":
        registry.change_hukou(
            person=target.person,
            hukou="urban" if target.person.hukou == "rural" else "rural",
            effective=when,
            actor=officer,
        )
