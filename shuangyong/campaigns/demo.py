"""Demo: the district's campaign with a self-assessment partly scored."""

import datetime as dt

from shuangyong.campaigns import services
from shuangyong.campaigns.models import Assessment, AssessmentKind, Campaign
from shuangyong.core.demo import register_demo_step
from shuangyong.org.models import Unit
from shuangyong.standards.demo import example_standard

CAMPAIGN = "明川区创建全国双拥模范城（县）"
# A plausible self-assessment: strong on organisation, gaps elsewhere.
FACTS = {
    "1.1": {"elements": [0, 1]}, "1.2": {"achieved": True}, "1.3": {"achieved": True},
    "1.4": {"elements": [0, 1]}, "1.5": {"achieved": True}, "1.6": {"actual": "85"},
    "1.7": {"achieved": True, "evidence_approved": True},
    "2.1": {"actual": "98"}, "2.2": {"actual": "96"}, "2.3": {"achieved": True},
    "2.4": {"failures": 1}, "2.5": {"elements": [0, 1]}, "2.6": {"actual": "92"},
    "2.7": {"score": "1.5"},
    "3.2": {"achieved": True}, "3.3": {"elements": [0, 2]}, "3.5": {"failures": 0},
    "4.1": {"actual": "14"}, "4.2": {"actual": "4"},
    "5.4": {"actual": "65"}, "8.2": {"actual": "93"},
    "9.1": {"achieved": True},
}  # fmt: skip


@register_demo_step(30, "创建周期与自评")
def load_campaign(log) -> None:
    standard = example_standard()
    campaign, _ = Campaign.objects.get_or_create(
        name=CAMPAIGN,
        defaults={
            "standard": standard,
            "district": Unit.objects.get(code="MC"),
            "start_year": 2025,
            "end_year": 2028,
            "target_score": 90,
            "self_assessment_due": dt.date(2027, 12, 31),
            "mock_inspection_on": dt.date(2028, 4, 15),
            "official_inspection_on": dt.date(2028, 9, 1),
        },
    )
    assessment, created = Assessment.objects.get_or_create(
        campaign=campaign,
        kind=AssessmentKind.SELF,
        title="2026 年度自评",
        defaults={"held_on": dt.date(2026, 11, 20), "assessors": "林晓燕、方德华、韩振宇"},
    )
    if created:
        criteria = {c.code: c for c in standard.criteria.all()}
        for code, facts in FACTS.items():
            services.record_score(
                assessment=assessment, criterion=criteria[code], facts=facts, comment="", actor=None
            )
    total = assessment.evaluate()
    log(f"  {campaign}：目标 {campaign.target_score:g} 分，自评 {total.score} 分")
