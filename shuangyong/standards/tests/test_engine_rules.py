"""Each rule type on worked examples, and the parameters each refuses."""

from decimal import Decimal as D

import pytest

from shuangyong.standards.engine import (
    Facts,
    Node,
    Rule,
    RuleError,
    evaluate_standard,
    score,
    validate,
)


def earned(rule_type, params, points, **facts):
    return score(Rule(rule_type, params), D(points), Facts(**facts)).earned


def test_all_or_nothing():
    assert earned("all_or_nothing", {}, "2", achieved=True) == D("2")
    assert earned("all_or_nothing", {}, "2") == 0


def test_per_element_equal_and_weighted():
    four = {"elements": ["a", "b", "c", "d"]}
    assert earned("per_element", four, "2", elements=frozenset({0, 2})) == D("1.00")
    weighted = {
        "elements": [
            {"name": "a", "points": 0.25},
            {"name": "b", "points": 0.25},
            {"name": "c", "points": 0.5},
        ]
    }
    assert earned("per_element", weighted, "1", elements=frozenset({2})) == D("0.50")
    thirds = {"elements": ["a", "b", "c"]}
    assert earned("per_element", thirds, "2", elements=frozenset({0, 1, 2})) == D("2")


def test_proportional_is_capped_at_the_target():
    assert earned("proportional", {"target": 100}, "4", actual=D("85")) == D("3.40")
    assert earned("proportional", {"target": 100}, "4", actual=D("130")) == D("4")
    assert earned("proportional", {"target": 100}, "4", actual=D("-5")) == 0


def test_tiered():
    tiers = {
        "tiers": [{"min": 85, "points": 1}, {"min": 95, "points": 2}, {"min": 100, "points": 3}]
    }
    assert earned("tiered", tiers, "3", actual=D("96")) == D("2")
    assert earned("tiered", tiers, "3", actual=D("84.9")) == 0
    assert earned("tiered", tiers, "3", actual=D("100")) == D("3")


def test_deduction_floors_at_zero():
    assert earned("deduction", {"per_failure": 0.5}, "2", failures=3) == D("0.50")
    assert earned("deduction", {"per_failure": 0.5}, "2", failures=9) == 0


def test_evidence_gated_counts_only_with_approved_evidence():
    rule = {"inner": {"type": "all_or_nothing"}}
    assert earned("evidence_gated", rule, "2", achieved=True) == 0
    assert earned("evidence_gated", rule, "2", achieved=True, evidence_approved=True) == D("2")
    outcome = score(Rule("evidence_gated", rule), D(2), Facts(achieved=True))
    assert any("evidence" in m or "台账" in m for m in outcome.missing)


def test_manual_within_bounds_and_steps():
    assert earned("manual", {"step": 0.5}, "2", score=D("1.5")) == D("1.50")
    with pytest.raises(RuleError):
        earned("manual", {}, "2", score=D("2.5"))
    with pytest.raises(RuleError):
        earned("manual", {"step": 0.5}, "2", score=D("1.2"))


@pytest.mark.parametrize(
    "rule_type,params,points",
    [
        (
            "per_element",
            {"elements": [{"name": "a", "points": 1}, {"name": "b", "points": 2}]},
            "2",
        ),
        ("per_element", {}, "2"),
        ("proportional", {"target": 0}, "2"),
        ("proportional", {"target": "many"}, "2"),
        ("tiered", {"tiers": [{"min": 90, "points": 1}, {"min": 95, "points": 0.5}]}, "2"),
        ("tiered", {"tiers": [{"min": 90, "points": 3}]}, "2"),
        ("tiered", {}, "2"),
        ("deduction", {"per_failure": -1}, "2"),
        ("evidence_gated", {"inner": {"type": "evidence_gated", "params": {"inner": {}}}}, "2"),
        ("evidence_gated", {}, "2"),
        ("nonsense", {}, "2"),
    ],
)
def test_parameters_that_do_not_fit_are_refused(rule_type, params, points):
    assert validate(rule_type, params, D(points))


def test_the_standard_total_with_bonus_cap_and_veto():
    roots = (
        Node("1", "a", D(3), children=(Node("1.1", "x", D(3), Rule("all_or_nothing")),)),
        Node(
            "9",
            "bonus",
            D(4),
            is_bonus=True,
            children=(Node("9.1", "b", D(4), Rule("all_or_nothing"), is_bonus=True),),
        ),
        Node("10", "veto", D(0), children=(Node("10.1", "v", D(0), is_veto=True),)),
    )
    facts = {"1.1": Facts(achieved=True), "9.1": Facts(achieved=True)}
    total = evaluate_standard(roots, facts, D(2))
    assert (total.base, total.bonus, total.score, total.ineligible) == (D(3), D(2), D(5), False)
    total = evaluate_standard(roots, {**facts, "10.1": Facts(vetoed=True)}, D(2))
    assert total.ineligible and total.score == D(5) and "10.1" in total.vetoes[0]
