"""The scoring engine: pure functions from criteria and facts to points and reasons.

No database, no request: a criterion's rule, its points and the facts known
about it go in; the points earned, why, and what is still missing come out.
Categories add up their children, capped at their own points; bonus items go
to a separate pool capped by the standard; a triggered veto item makes the
whole result ineligible whatever the total.

Each rule type is one class (``AllOrNothing``, ``PerElement``, ``Proportional``,
``Tiered``, ``Deduction``, ``EvidenceGated``, ``Manual``, registered by type name in
``RULES``) that holds its parameters and facts (its docstring), its validation, its
scoring and its description; ``validate``, ``score`` and ``describe`` dispatch to it.

All but per_element and manual may name a measure the platform computes,
``{"target": 100, "measure": "visit_coverage"}`` (see ``standards.measures``): its
percentage is the actual value, its shortfall the failures, "all of them" achieves.

A deduction or manual item with no recorded check (no facts, or facts marked
``checked=False``) is *not yet verified*: a deduction item still shows its full
points, but ``Total.verified_score`` leaves them out, so a projection can be read
with and without the points nobody has checked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from shuangyong.standards.measures import Figure

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


def q(value: Decimal | int | str) -> Decimal:
    """Two decimals, half up: how score sheets round."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: object, name: str) -> Decimal:
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


# --- the rule types -------------------------------------------------------------
#
# One class per rule type holds all that depends on the type: which parameters it takes
# (``errors``), how it scores (``score``), how it reads on a page (``describe``), what a
# measure's figure or the tasks' progress tell it, and whether it waits for a check.
# ``RULES`` maps each type's name to its one instance; the functions below dispatch there.


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


class RuleKind:
    """A scoring rule type. Subclasses say their parameters and facts in their docstring."""

    type: RuleType
    # A measure may give the value this rule counts (its percentage, shortfall or "all").
    takes_measure = False
    # An item nobody has checked is not yet verified (see the module's docstring).
    needs_check = False

    def errors(
        self, params: Mapping[str, Any], points: Decimal, *, nested: bool = False
    ) -> list[str]:
        """Why ``params`` do not fit this rule for an item of ``points`` (may raise RuleError)."""
        return []

    def score(self, params: Mapping[str, Any], points: Decimal, facts: Facts) -> Outcome:
        raise NotImplementedError

    def describe(self, params: Mapping[str, Any], points: Decimal, names: Mapping[str, str]) -> str:
        """The rule in a phrase, its name from ``names`` (the workbook's words for the types)."""
        detail = self.detail(params, points)
        return names[self.type] if detail is None else f"{names[self.type]}：{detail}"

    def detail(self, params: Mapping[str, Any], points: Decimal) -> str | None:
        """What the name leaves out (the target, the tiers…); None when nothing."""
        return None

    def counting(self, params: Mapping[str, Any] | None) -> RuleKind | None:
        """The rule that does the counting: itself, or the one it wraps (None if unknown)."""
        return self

    def from_figure(self, params: Mapping[str, Any], figure: Figure) -> dict[str, Any]:
        """The facts a measure's figure (with data) gives this rule, as ``Facts`` keywords."""
        return {}

    def elements_done(
        self, params: Mapping[str, Any], points: Decimal, *, done: int, of: int
    ) -> frozenset[int]:
        """The elements achieved when ``done`` of the item's ``of`` tasks are done (of > 0)."""
        return frozenset()

    def unverified(self, params: Mapping[str, Any], facts: Facts | None) -> bool:
        """No check recorded for an item that needs one (``facts`` None: nothing known)."""
        return self.needs_check and (facts is None or not facts.checked)


RULES: dict[str, RuleKind] = {}


def _registered(cls: type[RuleKind]) -> type[RuleKind]:
    RULES[cls.type.value] = cls()
    return cls


def rule_kind(rule_type: str) -> RuleKind:
    """The class instance for a type name; ValueError for a name that is not a rule type."""
    return RULES[RuleType(rule_type).value]


@_registered
class AllOrNothing(RuleKind):
    """``{}``; fact: achieved. Full points or none."""

    type = RuleType.ALL_OR_NOTHING
    takes_measure = True

    def score(self, params: Mapping[str, Any], points: Decimal, facts: Facts) -> Outcome:
        if facts.achieved:
            return Outcome(points, points, (_("achieved: full %(p)s points") % {"p": points},))
        return Outcome(ZERO, points, (_("not achieved: 0 points"),), (_("not yet achieved"),))

    def from_figure(self, params: Mapping[str, Any], figure: Figure) -> dict[str, Any]:
        return {"achieved": figure.numerator >= figure.denominator}


@_registered
class PerElement(RuleKind):
    """``{"elements": ["a", "b"]}``, or ``[{"name": "a", "points": 0.25}, …]`` for weighted
    splits; fact: elements (indexes achieved). Each element earns its share."""

    type = RuleType.PER_ELEMENT

    def errors(
        self, params: Mapping[str, Any], points: Decimal, *, nested: bool = False
    ) -> list[str]:
        errors = []
        shares = element_points(params, points)
        if any(p < 0 for _n, p in shares):
            errors.append(_("element points cannot be negative"))
        if sum(p for _n, p in shares) != points:
            errors.append(
                _("the elements' points add up to %(sum)s, not the item's %(points)s")
                % {"sum": sum(p for _n, p in shares), "points": points}
            )
        return errors

    def score(self, params: Mapping[str, Any], points: Decimal, facts: Facts) -> Outcome:
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

    def detail(self, params: Mapping[str, Any], points: Decimal) -> str | None:
        return "；".join(f"{n} {p}" for n, p in element_points(params, points))

    def elements_done(
        self, params: Mapping[str, Any], points: Decimal, *, done: int, of: int
    ) -> frozenset[int]:
        # The same share of the elements as of the tasks, the first ones first.
        count = len(element_points(params, points))
        return frozenset(range(round(count * done / of)))


@_registered
class Proportional(RuleKind):
    """``{"target": 100}``; fact: actual. Points in proportion to the target, at most all."""

    type = RuleType.PROPORTIONAL
    takes_measure = True

    def errors(
        self, params: Mapping[str, Any], points: Decimal, *, nested: bool = False
    ) -> list[str]:
        if to_decimal(params.get("target"), "target") <= 0:
            return [_("target must be greater than 0")]
        return []

    def score(self, params: Mapping[str, Any], points: Decimal, facts: Facts) -> Outcome:
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

    def detail(self, params: Mapping[str, Any], points: Decimal) -> str | None:
        return _("target %(t)s") % {"t": params.get("target")}

    def from_figure(self, params: Mapping[str, Any], figure: Figure) -> dict[str, Any]:
        return {"actual": figure.percent}


@_registered
class Tiered(RuleKind):
    """``{"tiers": [{"min": 95, "points": 2}, {"min": 80, "points": 1}]}``; fact: actual.
    The points of the highest tier the actual value reaches."""

    type = RuleType.TIERED
    takes_measure = True

    def errors(
        self, params: Mapping[str, Any], points: Decimal, *, nested: bool = False
    ) -> list[str]:
        tiers = params.get("tiers")
        if not tiers or not isinstance(tiers, list):
            return [_("tiers must be a non-empty list of {min, points}")]
        errors = []
        pairs = sorted(
            (to_decimal(t.get("min"), "min"), to_decimal(t.get("points"), "points")) for t in tiers
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
        return errors

    def score(self, params: Mapping[str, Any], points: Decimal, facts: Facts) -> Outcome:
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

    def detail(self, params: Mapping[str, Any], points: Decimal) -> str | None:
        tiers = sorted(params.get("tiers", []), key=lambda t: -float(t["min"]))
        return "；".join(f"≥{t['min']} → {t['points']}" for t in tiers)

    def from_figure(self, params: Mapping[str, Any], figure: Figure) -> dict[str, Any]:
        return {"actual": figure.percent}


@_registered
class Deduction(RuleKind):
    """``{"per_failure": 0.5}``; fact: failures. Full points less each failure, down to 0;
    not yet verified until a check is recorded."""

    type = RuleType.DEDUCTION
    takes_measure = True
    needs_check = True

    def errors(
        self, params: Mapping[str, Any], points: Decimal, *, nested: bool = False
    ) -> list[str]:
        if to_decimal(params.get("per_failure"), "per_failure") <= 0:
            return [_("per_failure must be greater than 0")]
        return []

    def score(self, params: Mapping[str, Any], points: Decimal, facts: Facts) -> Outcome:
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

    def detail(self, params: Mapping[str, Any], points: Decimal) -> str | None:
        return _("%(p)s per failure") % {"p": params.get("per_failure")}

    def from_figure(self, params: Mapping[str, Any], figure: Figure) -> dict[str, Any]:
        return {"failures": figure.failures}


@_registered
class EvidenceGated(RuleKind):
    """``{"inner": {"type": …, "params": {…}}}``; facts: evidence_approved and the inner
    rule's. The inner rule's points, only once the evidence is approved; a measure goes in
    this rule's own parameters and feeds the inner rule."""

    type = RuleType.EVIDENCE_GATED

    def errors(
        self, params: Mapping[str, Any], points: Decimal, *, nested: bool = False
    ) -> list[str]:
        inner = params.get("inner")
        if nested:
            return [_("evidence_gated cannot wrap another evidence_gated rule")]
        if not isinstance(inner, Mapping) or "type" not in inner:
            return [_("evidence_gated needs inner: {type, params}")]
        return validate(inner["type"], inner.get("params") or {}, points, nested=True)

    def score(self, params: Mapping[str, Any], points: Decimal, facts: Facts) -> Outcome:
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

    def describe(self, params: Mapping[str, Any], points: Decimal, names: Mapping[str, str]) -> str:
        inner = params.get("inner", {})
        wrapped = describe(inner.get("type", ""), inner.get("params") or {}, points, names)
        return f"{names[self.type]}（{wrapped}）"

    @staticmethod
    def _inner(params: object) -> tuple[RuleKind | None, Mapping[str, Any]]:
        """The wrapped rule and its parameters; none for a wrapped evidence-gated rule,
        which validation refuses."""
        inner = params.get("inner") if isinstance(params, Mapping) else None
        if not isinstance(inner, Mapping):
            return None, {}
        kind = RULES.get(str(inner.get("type", "")))
        if isinstance(kind, EvidenceGated):
            return None, {}
        return kind, inner.get("params") or {}

    def counting(self, params: Mapping[str, Any] | None) -> RuleKind | None:
        inner = (params or {}).get("inner")
        return RULES.get(str(inner.get("type", ""))) if isinstance(inner, Mapping) else self

    def from_figure(self, params: Mapping[str, Any], figure: Figure) -> dict[str, Any]:
        kind, inner = self._inner(params)
        return kind.from_figure(inner, figure) if kind else {}

    def elements_done(
        self, params: Mapping[str, Any], points: Decimal, *, done: int, of: int
    ) -> frozenset[int]:
        kind, inner = self._inner(params)
        return kind.elements_done(inner, points, done=done, of=of) if kind else frozenset()

    def unverified(self, params: Mapping[str, Any], facts: Facts | None) -> bool:
        kind, inner = self._inner(params)
        return kind.unverified(inner, facts) if kind else False


@_registered
class Manual(RuleKind):
    """``{}`` or ``{"step": 0.5}``; fact: score (0 … points). Scored by hand; not yet
    verified until scored."""

    type = RuleType.MANUAL
    needs_check = True

    def errors(
        self, params: Mapping[str, Any], points: Decimal, *, nested: bool = False
    ) -> list[str]:
        if "step" in params and to_decimal(params["step"], "step") <= 0:
            return [_("step must be greater than 0")]
        return []

    def score(self, params: Mapping[str, Any], points: Decimal, facts: Facts) -> Outcome:
        if facts.score is None:
            return Outcome(ZERO, points, (_("not yet scored"),), (_("score it by hand"),))
        if not ZERO <= facts.score <= points:
            raise RuleError(
                [
                    _("a score must lie between 0 and %(p)s, not %(s)s")
                    % {"p": points, "s": facts.score}
                ]
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

    def detail(self, params: Mapping[str, Any], points: Decimal) -> str | None:
        step = params.get("step")
        return _("in steps of %(s)s") % {"s": step} if step else None

    def unverified(self, params: Mapping[str, Any], facts: Facts | None) -> bool:
        return super().unverified(params, facts) or facts is None or facts.score is None


# --- validating, scoring, describing: through the rule's class -----------------------


def validate(
    rule_type: str, params: Mapping[str, Any], points: Decimal, *, nested: bool = False
) -> list[str]:
    """Every reason why ``params`` do not fit ``rule_type`` for a criterion of ``points``."""
    kind = RULES.get(rule_type) if isinstance(rule_type, str) else None
    if kind is None:
        return [
            _("unknown scoring rule “%(type)s”; use one of: %(types)s")
            % {"type": rule_type, "types": ", ".join(t.value for t in RuleType)}
        ]
    if not isinstance(params, Mapping):
        return [_("the rule's parameters must be a mapping")]
    errors: list[str] = []
    if "measure" in params:
        errors += _measure_errors(kind, params, nested=nested)
    try:
        errors += kind.errors(params, points, nested=nested)
    except RuleError as exc:
        errors += exc.messages
    except (AttributeError, TypeError):
        errors.append(_("the rule's parameters have the wrong shape"))
    return errors


def _measure_errors(kind: RuleKind, params: Mapping[str, Any], *, nested: bool) -> list[str]:
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
    counting = kind.counting(params)
    if counting is None:
        return []  # an unknown inner rule: its own error says it
    if not counting.takes_measure:
        return [_("a measure feeds proportional, tiered, deduction or all-or-nothing rules")]
    return []


def facts_from_figure(
    rule_type: str, params: Mapping[str, Any] | None, figure: Figure | None
) -> dict[str, Any]:
    """The facts a measure's figure gives a rule (as keyword arguments for ``Facts``):
    its percentage as the actual value, its shortfall as failures, "all of them" as
    achieved. Nothing when the measure has no data."""
    if figure is None or not figure.has_data:
        return {}
    kind = RULES.get(rule_type)
    return kind.from_figure(params or {}, figure) if kind else {}


def describe(
    rule_type: str, params: Mapping[str, Any], points: Decimal, names: Mapping[str, str]
) -> str:
    """A rule in a phrase ("分档计分：≥95 → 3；≥85 → 1"); nothing for no rule."""
    if not rule_type:
        return ""
    return rule_kind(rule_type).describe(params, points, names)


def score(rule: Rule, points: Decimal, facts: Facts) -> Outcome:
    """Points earned by one criterion, with the reasons and what is missing.

    Rules: earned always lies in [0, points]; a manual score outside those
    bounds is an error, not clamped, so a typing mistake is never hidden.
    """
    return rule_kind(rule.type).score(rule.params or {}, Decimal(points), facts)


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

    def walk(self) -> Iterator[Result]:
        yield self
        for child in self.children:
            yield from child.walk()


def is_unverified(node: Node, facts: Facts | None) -> bool:
    """A deduction or manual item with no recorded check, or a manual one not yet scored."""
    if node.rule is None:
        return False
    kind = RULES.get(node.rule.type)
    return kind is not None and kind.unverified(node.rule.params or {}, facts)


def evaluate(node: Node, facts: Mapping[str, Facts], *, count_unverified: bool = True) -> Result:
    """Score a subtree: leaves by their rule, categories as the capped sum of their children.
    With ``count_unverified`` false, items not yet verified earn nothing."""
    if not node.children:
        node_facts = facts.get(node.code, Facts(checked=False))
        unverified = is_unverified(node, facts.get(node.code))
        vetoes: tuple[str, ...] = ()
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
