"""One class per rule type: the registry, and what each class answers for its type."""

from decimal import Decimal as D

import pytest

from shuangyong.standards import engine
from shuangyong.standards.imports import RULE_NAMES

TIERS = {"tiers": [{"min": 80, "points": 1}, {"min": 95, "points": 2}]}
FOUR = {"elements": ["a", "b", "c", "d"]}


def test_every_rule_type_has_one_class_registered_by_its_name():
    assert set(engine.RULES) == {t.value for t in engine.RuleType}
    for name, kind in engine.RULES.items():
        assert isinstance(kind, engine.RuleKind) and kind.type == name
        assert type(kind).__doc__  # its parameters and facts
    assert engine.rule_kind("tiered") is engine.RULES["tiered"]
    with pytest.raises(ValueError):
        engine.rule_kind("nonsense")


def test_validate_and_score_go_through_the_class():
    assert engine.validate("tiered", TIERS, D(2)) == engine.RULES["tiered"].errors(TIERS, D(2))
    facts = engine.Facts(actual=D(90))
    assert engine.score(engine.Rule("tiered", TIERS), D(2), facts) == engine.RULES["tiered"].score(
        TIERS, D(2), facts
    )


def test_each_rule_describes_itself_in_the_workbook_words():
    def text(kind, params, points=2):
        return engine.describe(kind, params, D(points), RULE_NAMES)

    assert text("all_or_nothing", {}) == "全有或全无"
    assert text("tiered", TIERS).startswith("分档计分：≥95 → 2；≥80 → 1")
    assert text("per_element", FOUR) == "按要素计分：a 0.50；b 0.50；c 0.50；d 0.50"
    assert text("manual", {}) == "人工评分"
    gated = {"inner": {"type": "tiered", "params": TIERS}}
    assert text("evidence_gated", gated) == f"凭台账计分（{text('tiered', TIERS)}）"
    assert text("", {}) == ""


def test_the_share_of_tasks_done_becomes_the_share_of_elements():
    per_element = engine.RULES["per_element"]
    assert per_element.elements_done(FOUR, D(2), done=2, of=4) == frozenset({0, 1})
    gated = {"inner": {"type": "per_element", "params": FOUR}}
    assert engine.RULES["evidence_gated"].elements_done(gated, D(2), done=3, of=4) == frozenset(
        {0, 1, 2}
    )
    for other in ("all_or_nothing", "tiered", "manual"):
        assert engine.RULES[other].elements_done({}, D(2), done=1, of=1) == frozenset()


def test_which_rules_take_a_measure_and_which_wait_for_a_check():
    takes = {name for name, kind in engine.RULES.items() if kind.takes_measure}
    assert takes == {"all_or_nothing", "proportional", "tiered", "deduction"}
    checked = {name for name, kind in engine.RULES.items() if kind.needs_check}
    assert checked == {"deduction", "manual"}
