"""Writes on campaigns and assessments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.campaigns.models import Assessment, Campaign, Score
from shuangyong.standards import engine, measures
from shuangyong.standards.models import Criterion, Status

if TYPE_CHECKING:
    from shuangyong.campaigns.forms import AssessmentForm, CampaignForm
    from shuangyong.org.models import User


@transaction.atomic
def save_campaign(*, form: CampaignForm, actor: User) -> Campaign:
    """Create or change a campaign; its standard must be published (the form offers only those)."""
    campaign = form.save(commit=False)
    if campaign.standard.status != Status.PUBLISHED:
        raise ValidationError(_("A campaign uses a published standard."))
    campaign.save()
    return campaign


@transaction.atomic
def create_assessment(*, campaign: Campaign, form: AssessmentForm, actor: User) -> Assessment:
    """Start an assessment (self, mock or official) of the campaign's standard, with the
    figures of the measures its items name frozen in (see ``freeze_measures``)."""
    assessment = form.save(commit=False)
    assessment.campaign = campaign
    assessment.created_by = actor
    assessment.save()
    freeze_measures(assessment=assessment, actor=actor)
    return assessment


def freeze_measures(*, assessment: Assessment, actor: User) -> int:
    """Score every item that names a measure with the measure's figure as it stands now,
    and keep the figure (numerator, denominator, percentage, what was counted, when) in
    the score's facts, so the assessment does not move when the records change later.

    Rules: only items whose measure has data; an item already scored is left as the
    assessors entered it; the assessors may still change any of them by hand.
    """
    campaign = assessment.campaign
    criteria = [
        c
        for c in Criterion.objects.filter(standard_id=campaign.standard_id)
        if measures.measure_of(c.rule_params)
    ]
    figures = measures.evaluate((measures.measure_of(c.rule_params) for c in criteria), campaign)
    taken = set(assessment.scores.values_list("criterion_id", flat=True))
    frozen = []
    for criterion in criteria:
        figure = figures.get(measures.measure_of(criterion.rule_params))
        if criterion.pk in taken or figure is None or not figure.has_data:
            continue
        facts = engine.Facts(
            **engine.facts_from_figure(criterion.rule_type, criterion.rule_params, figure)
        )
        outcome = engine.score(
            engine.Rule(criterion.rule_type, criterion.rule_params), criterion.points, facts
        )
        data = facts.to_json()
        data["measure"] = {
            "code": measures.measure_of(criterion.rule_params),
            **figure.to_json(),
            "taken_on": timezone.localdate().isoformat(),
        }
        frozen.append(
            Score(
                assessment=assessment,
                criterion=criterion,
                facts=data,
                earned=outcome.earned,
                updated_by=actor,
            )
        )
    Score.objects.bulk_create(frozen)
    return len(frozen)


@transaction.atomic
def record_score(
    *,
    assessment: Assessment,
    criterion: Criterion,
    facts: dict[str, Any],
    comment: str,
    actor: User,
) -> Score:
    """Save the facts for one item and the points the engine gives them.

    Rules: the item belongs to the campaign's standard and is scored (a leaf
    or a veto item); the facts fit its rule (a manual score within 0 … points,
    numbers where numbers are asked); nothing is saved otherwise.
    """
    if criterion.standard_id != assessment.campaign.standard_id:
        raise ValidationError(_("This criterion is not part of the campaign's standard."))
    if not criterion.is_leaf:
        raise ValidationError(_("A category is scored through its items."))
    parsed = engine.Facts.from_json(facts)
    earned = engine.ZERO
    if criterion.rule_type:
        try:
            outcome = engine.score(
                engine.Rule(criterion.rule_type, criterion.rule_params), criterion.points, parsed
            )
        except engine.RuleError as exc:
            raise ValidationError(exc.messages) from exc
        earned = outcome.earned
    score, _created = Score.objects.select_for_update().get_or_create(
        assessment=assessment, criterion=criterion
    )
    score.facts, score.earned, score.comment, score.updated_by = (
        parsed.to_json(),
        earned,
        comment,
        actor,
    )
    score.save()
    return score
