"""Properties of the scoring engine that must hold for every rule, points and facts."""

from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shuangyong.standards.engine import (
    Facts,
    Node,
    Rule,
    RuleType,
    evaluate,
    evaluate_standard,
    q,
    score,
    validate,
)

points_st = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("20"), places=2)
actual_st = st.decimals(min_value=Decimal("-10"), max_value=Decimal("500"), places=2)


@st.composite
def rules(draw, points: Decimal, nested: bool = False, kinds=tuple(RuleType)):
    kind = draw(
        st.sampled_from([t for t in kinds if not (nested and t is RuleType.EVIDENCE_GATED)])
    )
    if kind is RuleType.PER_ELEMENT:
        n = draw(st.integers(min_value=1, max_value=6))
        if draw(st.booleans()):
            params = {"elements": [f"e{i}" for i in range(n)]}
        else:  # weighted: cut ``points`` into n non-negative parts
            cuts = sorted(
                draw(
                    st.lists(
                        st.decimals(min_value=0, max_value=points, places=2),
                        min_size=n - 1,
                        max_size=n - 1,
                    )
                )
            )
            bounds = [Decimal(0), *cuts, points]
            params = {
                "elements": [
                    {"name": f"e{i}", "points": str(bounds[i + 1] - bounds[i])} for i in range(n)
                ]
            }
    elif kind is RuleType.PROPORTIONAL:
        params = {"target": str(draw(st.decimals(min_value=1, max_value=200, places=1)))}
    elif kind is RuleType.TIERED:
        mins = sorted(
            draw(st.sets(st.integers(min_value=0, max_value=100), min_size=1, max_size=4))
        )
        shares = sorted(
            draw(
                st.lists(
                    st.decimals(min_value=0, max_value=points, places=2),
                    min_size=len(mins),
                    max_size=len(mins),
                )
            )
        )
        params = {
            "tiers": [{"min": m, "points": str(p)} for m, p in zip(mins, shares, strict=True)]
        }
    elif kind is RuleType.DEDUCTION:
        params = {"per_failure": str(draw(st.decimals(min_value="0.1", max_value=5, places=1)))}
    elif kind is RuleType.EVIDENCE_GATED:
        inner = draw(rules(points, nested=True, kinds=kinds if len(kinds) > 1 else tuple(RuleType)))
        params = {"inner": {"type": inner.type, "params": dict(inner.params)}}
    else:
        params = {}
    rule = Rule(kind.value, params)
    assert validate(rule.type, rule.params, points) == [], (rule, points)
    return rule


@st.composite
def facts(draw, points: Decimal):
    return Facts(
        achieved=draw(st.booleans()),
        elements=frozenset(draw(st.sets(st.integers(min_value=0, max_value=7)))),
        actual=draw(st.none() | actual_st),
        failures=draw(st.integers(min_value=0, max_value=40)),
        evidence_approved=draw(st.booleans()),
        score=draw(st.none() | st.decimals(min_value=0, max_value=points, places=2)),
        vetoed=draw(st.booleans()),
    )


@st.composite
def rule_and_facts(draw, kinds=tuple(RuleType)):
    points = draw(points_st)
    return points, draw(rules(points, kinds=kinds)), draw(facts(points))


@given(rule_and_facts())
@settings(max_examples=400)
def test_earned_points_always_lie_within_the_criterion(case):
    points, rule, fact = case
    outcome = score(rule, points, fact)
    assert Decimal(0) <= outcome.earned <= points
    assert outcome.available == points


@given(rule_and_facts(kinds=(RuleType.PER_ELEMENT,)), st.integers(min_value=0, max_value=7))
def test_achieving_one_more_element_never_lowers_the_score(case, extra):
    points, rule, fact = case
    more = Facts(**{**fact.__dict__, "elements": fact.elements | {extra}})
    assert score(rule, points, more).earned >= score(rule, points, fact).earned


@given(
    rule_and_facts(kinds=(RuleType.PROPORTIONAL, RuleType.TIERED, RuleType.EVIDENCE_GATED)),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_a_higher_actual_never_lowers_the_score(case, increase):
    points, rule, fact = case
    assume(fact.actual is not None)
    higher = Facts(**{**fact.__dict__, "actual": fact.actual + increase})
    assert score(rule, points, higher).earned >= score(rule, points, fact).earned


@given(rule_and_facts(), st.integers(min_value=1, max_value=10))
def test_more_failures_never_raise_the_score(case, extra):
    points, rule, fact = case
    worse = Facts(**{**fact.__dict__, "failures": fact.failures + extra})
    assert score(rule, points, worse).earned <= score(rule, points, fact).earned


@st.composite
def trees(draw):
    """A category with leaf children whose points add up to the category's."""
    leaves = []
    for i in range(draw(st.integers(min_value=1, max_value=5))):
        points = draw(points_st)
        leaves.append(
            Node(
                f"1.{i + 1}", f"item {i}", points, draw(rules(points)), is_veto=draw(st.booleans())
            )
        )
    total = sum(leaf.points for leaf in leaves)
    cap = draw(st.decimals(min_value=Decimal("0.5"), max_value=total, places=2))
    category = Node("1", "category", cap, children=tuple(leaves))
    fact_map = {leaf.code: draw(facts(leaf.points)) for leaf in leaves}
    return category, fact_map


@given(trees())
@settings(max_examples=300)
def test_a_rollup_is_the_capped_sum_of_its_children(case):
    category, fact_map = case
    result = evaluate(category, fact_map)
    children = sum(score(c.rule, c.points, fact_map[c.code]).earned for c in category.children)
    assert result.earned == min(children, category.points)
    assert Decimal(0) <= result.earned <= category.points


@given(trees())
def test_a_triggered_veto_always_makes_the_result_ineligible(case):
    category, fact_map = case
    total = evaluate_standard((category,), fact_map, Decimal(5))
    triggered = any(c.is_veto and fact_map[c.code].vetoed for c in category.children)
    assert total.ineligible is triggered
    assert len(total.vetoes) == sum(
        1 for c in category.children if c.is_veto and fact_map[c.code].vetoed
    )


@given(
    st.lists(points_st, min_size=1, max_size=5), st.decimals(min_value=0, max_value=10, places=2)
)
def test_bonus_is_capped_by_the_standard(points_list, cap):
    leaves = tuple(
        Node(f"9.{i}", "bonus", p, Rule("all_or_nothing"), is_bonus=True)
        for i, p in enumerate(points_list)
    )
    bonus = Node("9", "bonus", sum(points_list), is_bonus=True, children=leaves)
    fact_map = {leaf.code: Facts(achieved=True) for leaf in leaves}
    total = evaluate_standard((bonus,), fact_map, cap)
    assert total.bonus == q(min(sum(points_list), cap)) and total.base == 0
