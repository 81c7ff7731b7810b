"""Demo: the second-half conscription under way, placement cases, support activities."""

import datetime as dt
import random

from django.utils import timezone

from shuangyong.core.demo import register_demo_step
from shuangyong.org.demo import DEMO_REGION


@register_demo_step(80, "征兵、退役安置与拥军支前活动")
def load_defence(log) -> None:
    from shuangyong.defence import conscription
    from shuangyong.defence.models import (
        Candidate,
        ConscriptionCampaign,
        EducationBase,
        PlacementCase,
        SupportActivity,
    )
    from shuangyong.org.models import Unit, UnitKind, User

    office = User.objects.get(username="office")
    today = timezone.localdate()
    streets = list(
        Unit.objects.filter(kind=UnitKind.STREET, code__startswith="MC").order_by("path")
    )
    end = season_end(today)
    if end != today:
        log(f"  {today.year} 年节假日安排尚未掌握：演示征兵季按 {end.year} 年的日历（截至 {end}）")
    campaign = ConscriptionCampaign.objects.filter(year=end.year, half=2).first()
    if campaign is None:
        campaign = conscription.create_campaign(
            year=end.year, half=2, quota=6 * len(streets), actor=office
        )
        conscription.set_quotas(campaign=campaign, quotas={s.pk: 6 for s in streets}, actor=office)
        _candidates(campaign, streets, office, end)
    if not PlacementCase.objects.exists():
        _placement(streets, today)
    if not SupportActivity.objects.exists():
        _activities(office, today)
    log(
        f"  {campaign}：应征青年 {Candidate.objects.filter(campaign=campaign).count()} 人，"
        f"安置个案 {PlacementCase.objects.count()} 件，活动 {SupportActivity.objects.count()} 项，"
        f"国防教育基地 {EducationBase.objects.count()} 个"
    )


SEASON_DAYS = 60  # the season runs from registration this many days before its last day


def season_end(today: dt.date) -> dt.date:
    """The last day of the demo's conscription season: today when China's working-day
    calendar knows every year of the season, else 31 December of the latest year before
    today that it knows (the library or the office).

    The demo never makes up a holiday arrangement. A fictional one would pass for the
    State Council's, and a year recorded as weekends only would be counted Monday to
    Friday: the very thing the calendar refuses. So in the weeks of a new year before the
    library ships its arrangement (and nobody has imported it), the demo's season is dated
    in the last year whose real holidays are known, under that year's name, and the new
    year stays refused on the calendar page as it would be in real use.
    """
    from shuangyong.core.workdays import known_years

    known = set(known_years())
    if {today.year, (today - dt.timedelta(days=SEASON_DAYS)).year} <= known:
        return today
    return dt.date(max(y for y in known if y < today.year), 12, 31)


SURNAMES = "韩冯陈褚卫蒋沈杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "子涵浩然宇轩博文梓睿俊杰思远明哲一鸣天佑"


def _candidates(campaign, streets, office, end) -> None:
    from shuangyong.core import idnumber
    from shuangyong.defence import conscription

    rng = random.Random(8)
    start = end - dt.timedelta(days=SEASON_DAYS)
    educations = ["high_school", "college_student", "college_graduate", "high_school"]
    for i in range(84):
        born = dt.date(end.year - rng.randint(18, 22), rng.randint(1, 12), rng.randint(1, 28))
        candidate = conscription.register(
            campaign=campaign,
            name=SURNAMES[i % len(SURNAMES)] + GIVEN[i % 7 * 2 : i % 7 * 2 + 2],
            id_number=idnumber.make(DEMO_REGION, born, 500 + i),
            street=streets[i % len(streets)],
            education=educations[i % 4],
            family_name=SURNAMES[i % len(SURNAMES)] + "家长",
            family_relation="父亲",
            family_id_number=idnumber.make(DEMO_REGION, dt.date(1972, 1 + i % 12, 3), 600 + i),
            registered_on=start,
            actor=office,
        )
        target = rng.choices(range(6), weights=[1, 1, 2, 1, 1, 4])[0]
        for stage in range(1, min(target, 3) + 1):
            conscription.advance(
                candidate=candidate, to=stage, on=start + dt.timedelta(days=7 * stage), actor=office
            )
        if target < 3 and rng.random() < 0.6:
            conscription.drop(
                candidate=candidate, on=start + dt.timedelta(days=25), reason="体检不合格",
                actor=office,
            )  # fmt: skip
    from shuangyong.core.workdays import add_working_days
    from shuangyong.defence.models import Candidate

    notice_day = start + dt.timedelta(days=30)
    _past_notice(campaign, notice_day, office)
    noticed = list(Candidate.objects.filter(campaign=campaign, noticed_on__isnull=False))
    # The day after the fifth full working day of posting, holidays skipped; the season
    # lies in years the calendar knows (``season_end``).
    approval_day = add_working_days(notice_day, conscription.NOTICE_WORKING_DAYS)
    approval_day += dt.timedelta(days=1)
    for candidate in noticed[: len(noticed) * 3 // 4]:
        conscription.approve(candidate=candidate, on=approval_day, actor=office)
    for candidate in noticed[: len(noticed) // 2]:
        conscription.dispatch(
            candidate=candidate, on=approval_day + dt.timedelta(days=3), actor=office
        )
    conscription.return_conscript(
        candidate=noticed[0], on=approval_day + dt.timedelta(days=10), reason="复检发现疾病",
        actor=office,
    )  # fmt: skip


def _past_notice(campaign, on, office) -> None:
    """The demo season's notice, posted a month ago: written as a ledger of what happened
    (``publish_notice`` refuses a notice that starts before the day it is recorded)."""
    from shuangyong.defence.models import Candidate, CandidateStep, Stage, StepEvent

    waiting = Candidate.objects.filter(campaign=campaign, stage=Stage.POLITICAL, status="active")
    ids = list(waiting.values_list("pk", flat=True))
    waiting.update(noticed_on=on)
    CandidateStep.objects.bulk_create(
        [
            CandidateStep(
                candidate_id=pk, event=StepEvent.NOTICED, stage=Stage.POLITICAL, on=on, by=office
            )
            for pk in ids
        ]
    )


def _placement(streets, today) -> None:
    from shuangyong.core import idnumber
    from shuangyong.defence.models import PlacementCase

    cases = [
        ("郑国栋", "soldier", "arranged_job", 80, 15, None, ""),
        ("王海洋", "soldier", "arranged_job", 200, 20, 150, "区城市管理局"),
        ("吴建军", "soldier", "self_employment", 40, 12, None, ""),
        ("刘志强", "officer", "", 120, 10, None, ""),
        ("陈丽华", "spouse", "", 60, 5, 30, "区人民医院"),
        ("赵卫东", "soldier", "arranged_job", 25, None, None, ""),
        ("孙晓峰", "soldier", "retirement", 300, 8, None, ""),
        ("周子墨", "child", "", 20, 3, None, ""),
    ]
    for i, (name, kind, method, ago, report, job, unit) in enumerate(cases):
        discharged = today - dt.timedelta(days=ago)
        PlacementCase.objects.create(
            name=name,
            id_number=idnumber.make(DEMO_REGION, dt.date(1996 + i, 5, 5), 700 + i),
            kind=kind,
            method=method,
            street=streets[i % len(streets)],
            discharged_on=discharged,
            reported_on=discharged + dt.timedelta(days=report) if report else None,
            job_arranged_on=discharged + dt.timedelta(days=job) if job else None,
            receiving_unit=unit,
        )


def _activities(office, today) -> None:
    from shuangyong.defence.models import EducationBase, SupportActivity
    from shuangyong.org.models import Unit, UnitKind

    district = Unit.objects.get(code="MC")
    garrisons = list(Unit.objects.filter(kind=UnitKind.GARRISON).order_by("path"))
    base, _ = EducationBase.objects.get_or_create(
        name="明川区国防教育馆",
        defaults={"unit": district, "address": "明川大道 88 号", "level": "区级"},
    )
    rows = [
        ("science", "为雷达站开展信息化装备维护培训", 60, 35, 18000, garrisons[0]),
        ("health", "送医送药进军营", 25, 120, 6000, garrisons[1 % len(garrisons)]),
        ("legal", "军人军属法律服务进营区", 30, 80, 0, garrisons[0]),
        ("garrison_help", "驻区部队参与防汛抢险", 95, 300, 0, garrisons[1 % len(garrisons)]),
        ("defence_education", "全民国防教育日国防教育馆开放", 70, 1200, 5000, None),
    ]
    for kind, title, ago, people, cost, garrison in rows:
        SupportActivity.objects.create(
            kind=kind, title=title, held_on=today - dt.timedelta(days=ago), unit=district,
            garrison=garrison, people_reached=people, cost=cost, recorded_by=office,
            base=base if kind == "defence_education" else None,
        )  # fmt: skip
