"""Writes on campaigns and assessments."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shuangyong.campaigns.models import Assessment, Campaign, Score
from shuangyong.standards import engine
from shuangyong.standards.models import Criterion, Status


@transaction.atomic
def save_campaign(*, form, actor) -> Campaign:
    """Create or change a campaign; its standard must be published (the form offers only those)."""
    campaign = form.save(commit=False)
    if campaign.standard.status != Status.PUBLISHED:
        raise ValidationError(_("A campaign uses a published standard."))
    campaign.save()
    return campaign


@transaction.atomic
def create_assessment(*, campaign: Campaign, form, actor) -> Assessment:
    """Start an assessment (self, mock or official) of the campaign's standard."""
    assessment = form.save(commit=False)
    assessment.campaign = campaign
    assessment.created_by = actor
    assessment.save()
    return assessment


@transaction.atomic
def record_score(
    *, assessment: Assessment, criterion: Criterion, facts: dict, comment: str, actor
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
