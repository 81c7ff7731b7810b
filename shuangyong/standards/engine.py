"""The scoring engine: pure functions from criteria and facts to points and reasons.

No database, no request: a criterion's rule, its points and the facts known
about it go in; the points earned, why, and what is still missing come out.
Categories add up their children, capped at their own points; bonus items go
to a separate pool capped by the standard; a triggered veto item makes the
whole result ineligible whatever the total.

Rule types and their parameters:

``all_or_nothing``  {}                          fact: achieved
``per_element``     {"elements": ["a", "b"]}    fact: elements (indexes achieved)
                    or [{"name": "a", "points": 0.25}, …] for weighted splits
``proportional``    {"target": 100}             fact: actual
``tiered``          {"tiers": [{"min": 95, "points": 2}, {"min": 80, "points": 1}]}
``deduction``       {"per_failure": 0.5}        fact: failures
``evidence_gated``  {"inner": {"type": …, "params": {…}}}   facts: evidence_approved + inner's
``manual``          {} or {"step": 0.5}         fact: score (0 … points)

Any of the first five but per_element may name a measure the platform computes,
``{"target": 100, "measure": "visit_coverage"}`` (see ``standards.measures``): its
percentage is the actual value, its shortfall the failures, "all of them" achieves.

A deduction or manual item with no recorded check (no facts, or facts marked
``checked=False``) is *not yet verified*: a deduction item still shows its full
points, but ``Total.verified_score`` leaves them out, so a projection can be read
with and without the points nobody has checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0")


class RuleType(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    PER_ELEMENT = "per_element"
    PROPORTIONAL = "proportional"
    TIERED = "tiered"
    DEDUCTION = "deduction"
    EVIDENCE_GATED = "evidence_gated"
    MANUAL = "manual"


class RuleError(ValueError):
    """Parameters or facts that do not fit the rule; ``messages`` says which and why."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def q(value) -> Decimal:
    """Two decimals, half up: how score sheets round."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise RuleError(
            [_("%(name)s must be a number, not “%(value)s”") % {"name": name, "value": value}]
        ) from None
    if not number.is_finite():
        raise RuleError(
            [_("%(name)s must be a number, not “%(value)s”") % {"name": name, "value": value}]
        )
    return number


@dataclass(frozen=True)
class Rule:
    type: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """What is known about one criterion. Missing facts count as not achieved."""

    achieved: bool = False
    elements: frozenset[int] = frozenset()
    actual: Decimal | None = None
    failures: int = 0
    evidence_approved: bool = False
    score: Decimal | None = None
    vetoed: bool = False
    # Someone or something checked the item (an assessor's entry, an inspection, a
    # rectification, a measure). Facts given are checked unless they say otherwise.
    checked: bool = True

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Facts:
        data = data or {}
        actual = data.get("actual")
        score = data.get("score")
        return cls(
            achieved=bool(data.get("achieved", False)),
            elements=frozenset(int(i) for i in data.get("elements", ())),
            actual=None if actual in (None, "") else to_decimal(actual, "actual"),
            failures=int(data.get("failures") or 0),
            evidence_approved=bool(data.get("evidence_approved", False)),
            score=None if score in (None, "") else to_decimal(score, "score"),
            vetoed=bool(data.get("vetoed", False)),
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.achieved:
            data["achieved"] = True
        if self.elements:
            data["elements"] = sorted(self.elements)
        if self.actual is not None:
            data["actual"] = str(self.actual)
        if self.failures:
            data["failures"] = self.failures
        if self.evidence_approved:
            data["evidence_approved"] = True
        if self.score is not None:
            data["score"] = str(self.score)
        if self.vetoed:
            data["vetoed"] = True
        return data


@dataclass(frozen=True)
class Outcome:
    earned: Decimal
    available: Decimal
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def at_stake(self) -> Decimal:
        return self.available - self.earned


# --- validating rules ---------------------------------------------------------


def element_points(params: Mapping[str, Any], points: Decimal) -> list[tuple[str, Decimal]]:
    """Each element's name and points: weighted as given, or an equal split that adds up exactly."""
    elements = list(params.get("elements") or [])
    if elements and all(isinstance(e, Mapping) for e in elements):
        return [(str(e.get("name", "")), to_decimal(e.get("points"), "points")) for e in elements]
    if elements and all(isinstance(e, str) for e in elements):
        share = q(points / len(elements))
        shares = [share] * len(elements)
        shares[-1] = points - share * (len(elements) - 1)  # the last absorbs rounding
        return list(zip(elements, shares, strict=True))
    raise RuleError([_("elements must be a list of names, or of {name, points}")])


def validate(
    rule_type: str, params: Mapping[str, Any], points: Decimal, *, nested: bool = False
) -> list[str]:
    """Every reason why ``params`` do not fit ``rule_type`` for a criterion of ``points``."""
    errors: list[str] = []
    try:
        kind = RuleType(rule_type)
    except ValueError:
        return [
            _("unknown scoring rule “%(type)s”; use one of: %(types)s")
            % {"type": rule_type, "types": ", ".join(t.value for t in RuleType)}
        ]
    if not isinstance(params, Mapping):
        return [_("the rule's parameters must be a mapping")]
    if "measure" in params:
        errors += _measure_errors(kind, params, nested=nested)
    try:
        if kind is RuleType.PER_ELEMENT:
            shares = element_points(params, points)
            if any(p < 0 for _n, p in shares):
                errors.append(_("element points cannot be negative"))
            if sum(p for _n, p in shares) != points:
                errors.append(
                    _("the elements' points add up to %(sum)s, not the item's %(points)s")
                    % {"sum": sum(p for _n, p in shares), "points": points}
                )
        elif kind is RuleType.PROPORTIONAL:
            if to_decimal(params.get("target"), "target") <= 0:
                errors.append(_("target must be greater than 0"))
        elif kind is RuleType.TIERED:
            tiers = params.get("tiers")
            if not tiers or not isinstance(tiers, list):
                errors.append(_("tiers must be a non-empty list of {min, points}"))
            else:
                pairs = sorted(
                    (to_decimal(t.get("min"), "min"), to_decimal(t.get("points"), "points"))
                    for t in tiers
                )
                mins = [m for m, _p in pairs]
                if len(set(mins)) != len(mins):
                    errors.append(_("two tiers have the same threshold"))
                if any(p < 0 or p > points for _m, p in pairs):
                    errors.append(
                        _("a tier's points must lie between 0 and the item's %(points)s")
                        % {"points": points}
                    )
                if any(a[1] > b[1] for a, b in zip(pairs, pairs[1:], strict=False)):
                    errors.append(_("a higher threshold cannot earn fewer points"))
        elif kind is RuleType.DEDUCTION:
            if to_decimal(params.get("per_failure"), "per_failure") <= 0:
                errors.append(_("per_failure must be greater than 0"))
        elif kind is RuleType.EVIDENCE_GATED:
            inner = params.get("inner")
            if nested:
                errors.append(_("evidence_gated cannot wrap another evidence_gated rule"))
            elif not isinstance(inner, Mapping) or "type" not in inner:
                errors.append(_("evidence_gated needs inner: {type, params}"))
            else:
                errors += validate(inner["type"], inner.get("params") or {}, points, nested=True)
        elif (
            kind is RuleType.MANUAL and "step" in params and to_decimal(params["step"], "step") <= 0
        ):
            errors.append(_("step must be greater than 0"))
    except RuleError as exc:
        errors += exc.messages
    except (AttributeError, TypeError):
        errors.append(_("the rule's parameters have the wrong shape"))
    return errors


def _measure_errors(kind: RuleType, params: Mapping[str, Any], *, nested: bool) -> list[str]:
    """Why the rule's ``measure`` does not fit: unknown, or a rule it cannot feed."""
    from shuangyong.standards import measures

    code = params.get("measure")
    if nested:
        return [_("a measure goes in the evidence-gated rule's own parameters, not in inner")]
    if not isinstance(code, str) or measures.get(code) is None:
        return [
            _("unknown measure “%(code)s”; use one of: %(codes)s")
            % {"code": code, "codes": ", ".join(measures.codes())}
        ]
    effective = kind
    if kind is RuleType.EVIDENCE_GATED:
        inner = params.get("inner")
        try:
            effective = RuleType(inner.get("type")) if isinstance(inner, Mapping) else kind
        except ValueError:
            return []  # the inner rule's own error says it
    if effective.value not in measures.FEEDS:
        return [_("a measure feeds proportional, tiered, deduction or all-or-nothing rules")]
    return []


def effective_type(rule_type: str, params: Mapping[str, Any] | None) -> str:
    """The rule that does the counting: an evidence-gated rule's inner rule, else itself."""
    if rule_type == RuleType.EVIDENCE_GATED and isinstance(params, Mapping):
        inner = params.get("inner")
        if isinstance(inner, Mapping):
            return str(inner.get("type", ""))
    return rule_type


def facts_from_figure(rule_type: str, params: Mapping[str, Any] | None, figure) -> dict:
    """The facts a measure's figure gives a rule (as keyword arguments for ``Facts``):
    its percentage as the actual value, its shortfall as failures, "all of them" as
    achieved. Nothing when the measure has no data."""
    if figure is None or not figure.has_data:
        return {}
    kind = effective_type(rule_type, params)
    if kind in (RuleType.PROPORTIONAL, RuleType.TIERED):
        return {"actual": figure.percent}
    if kind == RuleType.DEDUCTION:
        return {"failures": figure.failures}
    if kind == RuleType.ALL_OR_NOTHING:
        return {"achieved": figure.numerator >= figure.denominator}
    return {}


# --- scoring one criterion --------------------------------------------------------


def score(rule: Rule, points: Decimal, facts: Facts) -> Outcome:
    """Points earned by one criterion, with the reasons and what is missing.

    Rules: earned always lies in [0, points]; a manual score outside those
    bounds is an error, not clamped, so a typing mistake is never hidden.
    """
    points = Decimal(points)
    kind = RuleType(rule.type)
    params = rule.params or {}
    if kind is RuleType.ALL_OR_NOTHING:
        if facts.achieved:
            return Outcome(points, points, (_("achieved: full %(p)s points") % {"p": points},))
        return Outcome(ZERO, points, (_("not achieved: 0 points"),), (_("not yet achieved"),))
    if kind is RuleType.PER_ELEMENT:
        shares = element_points(params, points)
        got = [(n, p) for i, (n, p) in enumerate(shares) if i in facts.elements]
        lacking = [n for i, (n, _p) in enumerate(shares) if i not in facts.elements]
        earned = sum((p for _n, p in got), ZERO)
        reasons = (
            _("%(k)d of %(n)d elements achieved: %(e)s points")
            % {"k": len(got), "n": len(shares), "e": q(earned)},
        )
        missing = tuple(_("element not achieved: %(name)s") % {"name": n} for n in lacking)
        return Outcome(q(earned), points, reasons, missing)
    if kind is RuleType.PROPORTIONAL:
        target = to_decimal(params["target"], "target")
        if facts.actual is None:
            return Outcome(
                ZERO,
                points,
                (_("no actual value recorded"),),
                (_("record the actual value (target %(t)s)") % {"t": target},),
            )
        ratio = min(max(facts.actual / target, ZERO), Decimal(1))
        earned = q(points * ratio)
        reasons = (
            _("%(a)s of target %(t)s: %(e)s points")
            % {"a": facts.actual, "t": target, "e": earned},
        )
        missing = (
            ()
            if ratio >= 1
            else (
                _("%(gap)s short of the target %(t)s")
                % {"gap": target - facts.actual, "t": target},
            )
        )
        return Outcome(earned, points, reasons, missing)
    if kind is RuleType.TIERED:
        tiers = sorted(
            (
                (to_decimal(t["min"], "min"), to_decimal(t["points"], "points"))
                for t in params["tiers"]
            ),
            reverse=True,
        )
        if facts.actual is None:
            return Outcome(
                ZERO, points, (_("no actual value recorded"),), (_("record the actual value"),)
            )
        met = [(m, p) for m, p in tiers if facts.actual >= m]
        earned = max((p for _m, p in met), default=ZERO)
        reasons = (
            (
                _("%(a)s meets the tier from %(m)s: %(e)s points")
                % {"a": facts.actual, "m": met[0][0], "e": q(earned)},
            )
            if met
            else (_("%(a)s is below every tier: 0 points") % {"a": facts.actual},)
        )
        better = [m for m, p in tiers if p > earned]
        missing = (_("reach %(m)s for more points") % {"m": min(better)},) if better else ()
        return Outcome(q(earned), points, reasons, missing)
    if kind is RuleType.DEDUCTION:
        per = to_decimal(params["per_failure"], "per_failure")
        if facts.failures < 0:
            raise RuleError([_("failures cannot be negative")])
        earned = q(max(points - per * facts.failures, ZERO))
        reasons = (
            _("%(n)d failures × %(per)s deducted: %(e)s points")
            % {"n": facts.failures, "per": per, "e": earned},
        )
        missing = (
            (_("%(n)d failures to rectify") % {"n": facts.failures},) if facts.failures else ()
        )
        return Outcome(earned, points, reasons, missing)
    if kind is RuleType.EVIDENCE_GATED:
        inner_spec = params["inner"]
        inner = score(Rule(inner_spec["type"], inner_spec.get("params") or {}), points, facts)
        if facts.evidence_approved:
            return Outcome(
                inner.earned, points, (*inner.reasons, _("evidence approved")), inner.missing
            )
        return Outcome(
            ZERO,
            points,
            (*inner.reasons, _("counts only with approved evidence: 0 points")),
            (_("approved evidence (the proof the item asks for)"), *inner.missing),
        )
    # manual
    if facts.score is None:
        return Outcome(ZERO, points, (_("not yet scored"),), (_("score it by hand"),))
    if not ZERO <= facts.score <= points:
        raise RuleError(
            [_("a score must lie between 0 and %(p)s, not %(s)s") % {"p": points, "s": facts.score}]
        )
    step = params.get("step")
    if step and (facts.score / to_decimal(step, "step")) % 1:
        raise RuleError([_("scores go in steps of %(step)s") % {"step": step}])
    missing = (
        ()
        if facts.score == points
        else (_("scored %(s)s of %(p)s") % {"s": facts.score, "p": points},)
    )
    return Outcome(
        q(facts.score), points, (_("scored by hand: %(s)s") % {"s": facts.score},), missing
    )


# --- the tree -------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    code: str
    title: str
    points: Decimal
    rule: Rule | None = None
    is_bonus: bool = False
    is_veto: bool = False
    children: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Result:
    """A node's evaluation; categories hold their children's results."""

    node: Node
    earned: Decimal
    bonus: Decimal
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    vetoes: tuple[str, ...]
    children: tuple[Result, ...] = ()
    # A deduction or manual item nobody has checked yet (see the module's docstring).
    unverified: bool = False

    @property
    def available(self) -> Decimal:
        return self.node.points

    @property
    def scored(self) -> Decimal:
        """What the node counts for: its bonus if it is a bonus item, else its points earned."""
        return self.bonus if self.node.is_bonus else self.earned

    @property
    def at_stake(self) -> Decimal:
        return self.node.points - self.scored

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


UNVERIFIED_RULES = (RuleType.DEDUCTION, RuleType.MANUAL)


def is_unverified(node: Node, facts: Facts | None) -> bool:
    """A deduction or manual item with no recorded check, or a manual one not yet scored."""
    if node.rule is None:
        return False
    kind = effective_type(node.rule.type, node.rule.params)
    if kind not in UNVERIFIED_RULES:
        return False
    if facts is None or not facts.checked:
        return True
    return kind == RuleType.MANUAL and facts.score is None


def evaluate(node: Node, facts: Mapping[str, Facts], *, count_unverified: bool = True) -> Result:
    """Score a subtree: leaves by their rule, categories as the capped sum of their children.
    With ``count_unverified`` false, items not yet verified earn nothing."""
    if not node.children:
        node_facts = facts.get(node.code, Facts(checked=False))
        unverified = is_unverified(node, facts.get(node.code))
        vetoes = ()
        if node.is_veto and node_facts.vetoed:
            vetoes = (
                _("veto item %(code)s triggered: %(title)s")
                % {"code": node.code, "title": node.title},
            )
        if node.rule is None:
            outcome = Outcome(ZERO, node.points)
        else:
            outcome = score(node.rule, node.points, node_facts)
        reasons = outcome.reasons
        if unverified:
            reasons = (*reasons, _("not yet verified: no check recorded"))
            if not count_unverified:
                outcome = Outcome(ZERO, node.points, outcome.reasons, outcome.missing)
        if node.is_bonus:
            return Result(
                node, ZERO, outcome.earned, reasons, outcome.missing, vetoes, (), unverified
            )
        return Result(node, outcome.earned, ZERO, reasons, outcome.missing, vetoes, (), unverified)
    kids = tuple(
        evaluate(child, facts, count_unverified=count_unverified) for child in node.children
    )
    raw = sum((k.earned for k in kids), ZERO)
    earned = min(raw, node.points)
    bonus = sum((k.bonus for k in kids), ZERO)
    if node.is_bonus:
        bonus = min(bonus, node.points)
    reasons = (
        (_("sum of items %(raw)s, capped at %(p)s") % {"raw": raw, "p": node.points},)
        if raw > node.points
        else ()
    )
    vetoes = tuple(v for k in kids for v in k.vetoes)
    return Result(node, earned, bonus, reasons, (), vetoes, kids)


@dataclass(frozen=True)
class Total:
    score: Decimal
    base: Decimal
    bonus: Decimal
    available: Decimal
    ineligible: bool
    vetoes: tuple[str, ...]
    results: tuple[Result, ...]
    # The score without the points of items not yet verified.
    verified_score: Decimal | None = None

    def by_code(self) -> dict[str, Result]:
        return {r.node.code: r for top in self.results for r in top.walk()}

    @property
    def unverified(self) -> list[Result]:
        """The items not yet verified, in the standard's order."""
        return [r for top in self.results for r in top.walk() if r.unverified]

    @property
    def unverified_points(self) -> Decimal:
        """How much of the score rests on items nobody has checked."""
        return self.score - (self.score if self.verified_score is None else self.verified_score)


def evaluate_standard(
    roots: tuple[Node, ...], facts: Mapping[str, Facts], bonus_cap: Decimal
) -> Total:
    """The whole standard: base points, bonus capped at ``bonus_cap``, vetoes make it
    ineligible; ``verified_score`` is the same without the items not yet verified."""
    results = tuple(evaluate(root, facts) for root in roots)
    base = sum((r.earned for r in results), ZERO)
    bonus = min(sum((r.bonus for r in results), ZERO), Decimal(bonus_cap))
    available = sum((r.node.points for r in results if not r.node.is_bonus), ZERO)
    vetoes = tuple(v for r in results for v in r.vetoes)
    checked = tuple(evaluate(root, facts, count_unverified=False) for root in roots)
    verified = sum((r.earned for r in checked), ZERO) + min(
        sum((r.bonus for r in checked), ZERO), Decimal(bonus_cap)
    )
    return Total(
        q(base + bonus), q(base), q(bonus), available, bool(vetoes), vetoes, results, q(verified)
    )
