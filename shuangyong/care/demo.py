"""Demo: 600 fictional entitled persons imported through the real roster importer,
example allowance standards (illustrative amounts, not the official tables), October
paid and approved, November computed and waiting for approval, Army Day visits, needs."""

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from shuangyong.care import months, payments, support
from shuangyong.care.imports import save_standards
from shuangyong.care.models import (
    EntitledPerson,
    Need,
    PaymentBatch,
    VisitOccasion,
)
from shuangyong.care.registry import confirm, periodic_persons
from shuangyong.care.roster import RosterImporter
from shuangyong.care.roster_workbook import write_roster
from shuangyong.core.demo import register_demo_step
from shuangyong.org.demo import STREETS
from shuangyong.org.models import Unit, User

# Yearly national amounts by grade for war / duty / illness (illustrative figures).
DISABILITY = {
    1: (108000, 104000, 100000),
    2: (97000, 93000, 89000),
    3: (86000, 82000, 78000),
    4: (72000, 68000, 64000),
    5: (57000, 54000, 51000),
    6: (46000, 43000, 40000),
    7: (37000, 33000, None),
    8: (26000, 23000, None),
    9: (19000, 16000, None),
    10: (12000, 10000, None),
}
OTHERS = [
    ("martyr_survivor", "urban", 32000),
    ("martyr_survivor", "rural", 29000),
    ("duty_death_survivor", "urban", 30000),
    ("duty_death_survivor", "rural", 27000),
    ("illness_death_survivor", "urban", 29000),
    ("illness_death_survivor", "rural", 26000),
    ("war_veteran", "", 10800),
    ("nuclear_veteran", "", 10800),
    ("ill_returned_veteran", "", 10200),
    ("demobilised_veteran", "", 12600),
    ("rural_veteran_60", "", 2400),
    ("pre_1954_enlistee", "", 14400),
    ("conscript_family", "", 12000),
]


def standards_rows(start: dt.date) -> list[dict]:
    rows = []
    for grade, amounts in DISABILITY.items():
        for cause, amount in zip(("war", "duty", "illness"), amounts, strict=True):
            if amount:
                rows.append(
                    {
                        "category": "disabled_veteran",
                        "grade": grade,
                        "cause": cause,
                        "hukou": None,
                        "amount": Decimal(amount),
                    }
                )
    for category, hukou, amount in OTHERS:
        rows.append(
            {
                "category": category,
                "grade": None,
                "cause": None,
                "hukou": hukou or None,
                "amount": Decimal(amount),
            }
        )
    for row in rows:
        row.update(valid_from=start, valid_to=None, per="year", level="national", note="示例金额")
    # The district's own top-up for everyone paid periodically: 100 yuan a month.
    for category in {r["category"] for r in rows} - {"conscript_family"}:
        rows.append(
            {
                "category": category,
                "grade": None,
                "cause": None,
                "hukou": None,
                "amount": Decimal(100),
                "per": "month",
                "level": "local",
                "valid_from": start,
                "valid_to": None,
                "note": "区级提标（示例）",
            }
        )
    return rows


@register_demo_step(70, "优抚对象、抚恤补助与走访慰问")
def load_care(log) -> None:
    care = User.objects.get(username="care")
    office = User.objects.get(username="office")
    today = timezone.localdate()
    if not EntitledPerson.objects.exists():
        save_standards(standards_rows(dt.date(today.year - 1, 8, 1)))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "明川区优抚对象花名册.xlsx"
            write_roster(
                path,
                600,
                streets=[(name, communities) for _c, name, communities in STREETS],
                seed=2026,
                start_serial=500,
            )
            result = RosterImporter(actor=care).run(path)
            assert not result.rejected, result.errors[:3]
        # Nine in ten families confirmed for the year, before the batches are priced, so
        # the yearly-confirmation criterion (2.8) has a figure and the batches stay fresh.
        periodic = list(periodic_persons().order_by("pk"))
        confirm(persons=periodic[: len(periodic) * 9 // 10], year=today.year, actor=care)
    if not PaymentBatch.objects.exists():
        last = months.label(months.index(today) - 1)
        this = months.label(months.index(today))
        for programme in ("disability", "survivor", "living"):
            batch = payments.compute(programme=programme, period=last, actor=care)
            payments.approve(batch=batch, actor=office)
        payments.compute(programme="disability", period=this, actor=care)
    if not VisitOccasion.objects.exists():
        army_day = VisitOccasion.objects.create(
            name=f"{today.year}年“八一”走访慰问",
            kind="army_day",
            year=today.year,
            starts_on=dt.date(today.year, 7, 20),
            ends_on=dt.date(today.year, 8, 10),
        )
        VisitOccasion.objects.create(
            name=f"{today.year + 1}年春节走访慰问",
            kind="spring_festival",
            year=today.year + 1,
            starts_on=dt.date(today.year + 1, 1, 20),
            ends_on=dt.date(today.year + 1, 2, 20),
        )
        for index, person in enumerate(EntitledPerson.objects.order_by("pk")[:420]):
            support.record_visit(
                occasion=army_day,
                person=person,
                garrison=None,
                visited_on=dt.date(today.year, 7, 25) + dt.timedelta(days=index % 14),
                visitors="街道、社区干部",
                gifts="慰问品",
                money=Decimal(500),
                actor=care,
            )
        support.record_visit(
            occasion=army_day,
            person=None,
            garrison=Unit.objects.get(code="MC-WJZD"),
            visited_on=dt.date(today.year, 8, 1),
            visitors="区领导、区双拥办",
            gifts="慰问金",
            money=Decimal(20000),
            actor=office,
        )
    if not Need.objects.exists():
        garrison_user = User.objects.get(username="garrison")
        support.add_need(
            source="garrison",
            person=None,
            garrison=Unit.objects.get(code="MC-WJZD"),
            requester="",
            category="schooling",
            text="两名干部子女秋季入学，申请就近安排到区实验小学。",
            assignee=Unit.objects.get(code="MC-JYJ"),
            deadline=today + dt.timedelta(days=12),
            actor=garrison_user,
        )
        person = EntitledPerson.objects.order_by("pk").first()
        need = support.add_need(
            source="person",
            person=person,
            garrison=None,
            requester="",
            category="medical",
            text="腿部旧伤复发，希望协调定点医院复查。",
            assignee=Unit.objects.get(code="MC-WJW"),
            deadline=today + dt.timedelta(days=5),
            actor=care,
        )
        support.reply_need(
            need=need,
            text="已协调区中心医院，本周五上午复查，费用按规定减免。",
            actor=User.objects.get(username="health"),
        )
    log(
        f"  优抚对象 {EntitledPerson.objects.count()} 人，发放批次 {PaymentBatch.objects.count()} 个，"
        f"走访 {VisitOccasion.objects.count()} 轮，诉求 {Need.objects.count()} 件"
    )
