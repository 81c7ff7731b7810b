"""Reads for campaign pages: every evaluation in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from shuangyong.campaigns.models import Assessment, Campaign, Score
from shuangyong.standards import engine
from shuangyong.standards.models import Criterion, build_tree


@dataclass
class ScoredTree:
    """The criteria in order, each with its result, score and depth: what pages draw."""

    total: engine.Total
    rows: list[tuple[Criterion, engine.Result, Score | None]]


def scored_tree(assessment: Assessment) -> ScoredTree:
    """The standard's criteria with this assessment's results (two queries)."""
    standard = assessment.campaign.standard
    criteria = list(Criterion.objects.filter(standard=standard).order_by("sort_key"))
    scores = {s.criterion_id: s for s in assessment.scores.all()}
    facts = {c.code: engine.Facts.from_json(scores[c.pk].facts) for c in criteria if c.pk in scores}
    total = engine.evaluate_standard(build_tree(criteria), facts, standard.bonus_cap)
    results = total.by_code()
    return ScoredTree(total, [(c, results[c.code], scores.get(c.pk)) for c in criteria])


def assessment_totals(campaign: Campaign) -> list[tuple[Assessment, engine.Total]]:
    """Every assessment of the campaign with its total (three queries, whatever their number)."""
    standard = campaign.standard
    tree = build_tree(Criterion.objects.filter(standard=standard).order_by("sort_key"))
    assessments = list(campaign.assessments.all())
    facts: dict[int, dict[str, engine.Facts]] = defaultdict(dict)
    for assessment_id, code, data in Score.objects.filter(
        assessment__campaign=campaign
    ).values_list("assessment_id", "criterion__code", "facts"):
        facts[assessment_id][code] = engine.Facts.from_json(data)
    return [
        (a, engine.evaluate_standard(tree, facts[a.pk], standard.bonus_cap)) for a in assessments
    ]


def readiness(assessment: Assessment) -> list[tuple[Criterion, engine.Result]]:
    """Every scored item not at full points, vetoes first, then by points at stake."""
    tree = scored_tree(assessment)
    gaps = [
        (criterion, result)
        for criterion, result, _score in tree.rows
        if criterion.is_leaf and (result.vetoes or result.at_stake > 0)
    ]
    gaps.sort(key=lambda pair: (not pair[1].vetoes, -pair[1].at_stake, pair[0].sort_key))
    return gaps
