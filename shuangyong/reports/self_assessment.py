"""The self-assessment report: what the district tells the inspection team it scores.

One set of figures feeds the printable page, the PDF, the Excel export and the
readiness pack: every criterion with the points the engine gave and its reasons,
the vetoes, the gaps (largest first) and a bar per category. The basis is either a
recorded assessment or the live evaluation of the work as it stands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.campaigns.models import Assessment, AssessmentKind, Campaign
from shuangyong.campaigns.selectors import live_facts, rank_gaps
from shuangyong.core.validators import parse_id
from shuangyong.standards import engine
from shuangyong.standards.models import Criterion, build_tree

LIVE = "live"


def points(value: Decimal) -> str:
    """2.50 → 2.5, 3.00 → 3: points as the pages show them."""
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class CategoryBar:
    code: str
    title: str
    earned: Decimal
    points: Decimal

    @property
    def percent(self) -> int:
        """Whole percent of the category's points, for the bar's length."""
        if not self.points:
            return 0
        return max(0, min(100, round(self.earned * 100 / self.points)))


@dataclass(frozen=True)
class ReportRow:
    criterion: Criterion
    result: engine.Result

    @property
    def explanation(self) -> list[str]:
        return [*self.result.vetoes, *self.result.reasons, *self.result.missing]

    def score_cells(self) -> list[str]:
        """Code, title, points, earned, reasons: a line of the per-criterion table."""
        return [self.criterion.code, self.criterion.title, points(self.criterion.points),
                points(self.result.scored), "；".join(self.explanation)]  # fmt: skip

    def gap_cells(self) -> list[str]:
        """Code, title, points lost, why: a line of the gaps table."""
        return [self.criterion.code, self.criterion.title, points(self.result.at_stake),
                "；".join(self.explanation) or "—"]  # fmt: skip


@dataclass(frozen=True)
class SelfAssessmentReport:
    campaign: Campaign
    assessment: Assessment | None
    made_on: dt.date
    total: engine.Total
    rows: list[ReportRow]
    categories: list[CategoryBar]
    gaps: list[ReportRow]

    @property
    def basis(self) -> str:
        if self.assessment is None:
            return _("Live evaluation of the work as it stands")
        return str(self.assessment)

    @property
    def target(self) -> Decimal:
        return self.campaign.target_score

    @property
    def shortfall(self) -> Decimal:
        """Points still missing to the target (zero once it is reached)."""
        return max(self.campaign.target_score - self.total.score, Decimal(0))

    @property
    def charted_categories(self) -> list[CategoryBar]:
        """Categories worth points: a category of veto items has none to draw."""
        return [bar for bar in self.categories if bar.points]


def default_assessment(campaign: Campaign) -> Assessment | None:
    """The latest self-assessment, which the report states unless asked otherwise."""
    return campaign.assessments.filter(kind=AssessmentKind.SELF).order_by("-held_on", "-id").first()


def pick_basis(campaign: Campaign, choice: str | None) -> Assessment | None:
    """The assessment a request asks for by id, ``live`` for none, or the default.

    An id of another campaign's assessment, or anything not an id, falls back to the
    default.
    """
    if choice == LIVE:
        return None
    if (pk := parse_id(choice)) is not None:
        chosen = campaign.assessments.filter(pk=pk).first()
        if chosen is not None:
            return chosen
    return default_assessment(campaign)


def self_assessment_report(
    *, campaign: Campaign, assessment: Assessment | None
) -> SelfAssessmentReport:
    """The report's figures on the given basis (assessment, or live when None).

    A fixed number of queries: two on an assessment; live, nine and a fixed few per
    measure the standard names (22 for the example standard), whatever the size.
    """
    if assessment is not None and assessment.campaign_id != campaign.pk:
        raise ValueError("the assessment belongs to another campaign")
    criteria = list(Criterion.objects.filter(standard_id=campaign.standard_id).order_by("sort_key"))
    facts = live_facts(campaign)[0] if assessment is None else assessment.facts()
    total = engine.evaluate_standard(build_tree(criteria), facts, campaign.standard.bonus_cap)
    results = total.by_code()
    rows = [ReportRow(c, results[c.code]) for c in criteria]
    gaps = [ReportRow(c, r) for c, r in rank_gaps((row.criterion, row.result) for row in rows)]
    categories = [
        CategoryBar(
            code=r.node.code,
            title=r.node.title,
            earned=r.scored,
            points=r.node.points,
        )
        for r in total.results
    ]
    return SelfAssessmentReport(
        campaign=campaign,
        assessment=assessment,
        made_on=timezone.localdate(),
        total=total,
        rows=rows,
        categories=categories,
        gaps=gaps,
    )
