"""Measures named in a rule's parameters, and items not yet verified."""

from decimal import Decimal as D

from shuangyong.standards import engine, measures
from shuangyong.standards.engine import Facts, Node, Rule, evaluate_standard, validate
from shuangyong.standards.forms import CriterionForm


def test_a_known_measure_fits_the_rules_it_can_feed():
    assert validate("proportional", {"target": 100, "measure": "visit_coverage"}, D(3)) == []
    assert validate("tiered", {"tiers": [{"min": 90, "points": 1}], "measure": "needs_on_time"},
                    D(2)) == []  # fmt: skip
    assert validate("deduction", {"per_failure": 1, "measure": "placement_on_time"}, D(3)) == []
    assert validate("all_or_nothing", {"measure": "notice_replies"}, D(2)) == []
    gated = {"inner": {"type": "all_or_nothing"}, "measure": "duty_reports"}
    assert validate("evidence_gated", gated, D(2)) == []


def test_an_unknown_or_misplaced_measure_is_refused(english):
    [unknown] = validate("proportional", {"target": 100, "measure": "nonsense"}, D(3))
    assert "unknown measure" in unknown and "visit_coverage" in unknown
    [manual] = validate("manual", {"measure": "visit_coverage"}, D(3))
    assert "a measure feeds" in manual
    assert validate("per_element", {"elements": ["a"], "measure": "visit_coverage"}, D(1))
    inner = {"inner": {"type": "proportional", "params": {"target": 1, "measure": "x"}}}
    assert any("not in inner" in e for e in validate("evidence_gated", inner, D(2)))


def test_a_figure_gives_each_rule_its_fact():
    figure = measures.Figure(3, 4)
    assert engine.facts_from_figure("proportional", {}, figure) == {"actual": D("75.00")}
    assert engine.facts_from_figure("deduction", {}, figure) == {"failures": 1}
    assert engine.facts_from_figure("all_or_nothing", {}, figure) == {"achieved": False}
    assert engine.facts_from_figure("proportional", {}, measures.Figure(0, 0)) == {}


def tree():
    return (
        Node("1", "类", D(10), children=(
            Node("1.1", "扣分项", D(4), Rule("deduction", {"per_failure": 1})),
            Node("1.2", "人工项", D(3), Rule("manual", {})),
            Node("1.3", "达标项", D(3), Rule("all_or_nothing", {})),
        )),
    )  # fmt: skip


def test_a_deduction_item_nobody_checked_is_full_but_not_yet_verified():
    total = evaluate_standard(tree(), {"1.3": Facts(achieved=True)}, D(0))
    results = total.by_code()
    assert results["1.1"].earned == D(4) and results["1.1"].unverified
    assert results["1.2"].earned == 0 and results["1.2"].unverified  # not scored yet
    assert not results["1.3"].unverified
    assert total.score == D(7) and total.verified_score == D(3)
    assert total.unverified_points == D(4)
    assert [r.node.code for r in total.unverified] == ["1.1", "1.2"]


def test_a_recorded_check_verifies_the_item():
    facts = {"1.1": Facts(failures=1), "1.2": Facts(score=D(2)), "1.3": Facts()}
    total = evaluate_standard(tree(), facts, D(0))
    assert total.unverified == [] and total.score == total.verified_score == D(5)
    unchecked = evaluate_standard(tree(), {"1.1": Facts(checked=False)}, D(0))
    assert unchecked.by_code()["1.1"].unverified


def test_the_criterion_editor_offers_the_measures(standard):
    criterion = standard.criteria.get(code="2.2")
    form = CriterionForm(instance=criterion, standard=standard)
    assert form.initial["measure"] == "visit_coverage"
    assert "visit_coverage" not in form.initial["rule_params"]
    assert "visit_coverage" in dict(form.fields["measure"].choices)
    data = {
        "code": "2.2", "title": criterion.title, "points": "3", "rule_type": "proportional",
        "rule_params": '{"target": 100}', "measure": "yearly_confirmation",
    }  # fmt: skip
    form = CriterionForm(data, instance=criterion, standard=standard)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rule_params"] == {"target": 100, "measure": "yearly_confirmation"}
    data["rule_type"] = "manual"
    data["rule_params"] = ""
    form = CriterionForm(data, instance=criterion, standard=standard)
    assert not form.is_valid() and "rule_params" in form.errors


def test_the_example_standard_binds_every_measure_the_product_computes():
    import yaml

    from shuangyong.standards.demo import EXAMPLE

    bound = {
        row["params"]["measure"]
        for row in yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["criteria"]
        if "measure" in (row.get("params") or {})
    }
    assert measures.codes(), "the apps register their measures when Django starts"
    assert set(measures.codes()) <= bound, set(measures.codes()) - bound
