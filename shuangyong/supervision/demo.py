"""Demo: an inspection with findings, an order half-way through its loop, weekly snapshots."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shuangyong.campaigns.models import Campaign, Task
from shuangyong.core.demo import register_demo_step
from shuangyong.org.models import Unit, User
from shuangyong.supervision import evaluation, inspections, orders
from shuangyong.supervision.models import Inspection, Snapshot, SupervisionOrder


@register_demo_step(50, "督查督办与动态评估")
def load_supervision(log) -> None:
    campaign = Campaign.objects.get(name="明川区创建全国双拥模范城（县）")
    office = User.objects.get(username="office")
    supervisor = User.objects.get(username="supervisor")
    today = timezone.localdate()
    if not Inspection.objects.filter(campaign=campaign).exists():
        street = Unit.objects.get(code="MC-QX")
        health = Unit.objects.get(code="MC-WJW")
        inspection = Inspection.objects.create(
            campaign=campaign,
            held_on=today - dt.timedelta(days=12),
            team="区委督查室、区人武部联合督查组",
            summary="抽查街道双拥阵地和卫生拥军落实情况。",
            created_by=supervisor,
        )
        inspection.units.set([street, health])
        criteria = {c.code: c for c in campaign.standard.criteria.all()}
        inspections.add_finding(
            inspection=inspection,
            unit=street,
            criterion=criteria["3.5"],
            text="军事设施保护标识缺失两处",
            deadline=today + dt.timedelta(days=20),
            actor=supervisor,
        )
        inspections.add_finding(
            inspection=inspection,
            unit=health,
            criterion=criteria["6.4"],
            text="送医送药进军营记录不全",
            deadline=today + dt.timedelta(days=2),
            actor=supervisor,
        )
    if not SupervisionOrder.objects.filter(campaign=campaign).exists():
        task = Task.objects.get(campaign=campaign, title="春节、八一走访慰问优抚对象")
        orders.issue(
            campaign=campaign,
            unit=task.lead_unit,
            tasks=[task],
            level="key",
            subject="走访慰问覆盖率偏低",
            requirement="两周内完成剩余街道走访，报送走访登记表。",
            deadline=today + dt.timedelta(days=14),
            actor=office,
        )
    answered = "送医送药记录整改"
    if not SupervisionOrder.objects.filter(campaign=campaign, subject=answered).exists():
        # An order the health bureau has answered: it waits for the issuer's re-check.
        task = Task.objects.get(campaign=campaign, title="整改：送医送药进军营记录不全")
        health = User.objects.get(username="health")
        order = orders.issue(
            campaign=campaign,
            unit=task.lead_unit,
            tasks=[task],
            level="general",
            subject=answered,
            requirement="补齐送医送药进军营记录，报送整改台账。",
            deadline=today + dt.timedelta(days=7),
            actor=supervisor,
        )
        orders.acknowledge(order=order, actor=health)
        ledger = SimpleUploadedFile("整改台账.pdf", b"%PDF-1.4\n%demo\n", "application/pdf")
        orders.respond(order=order, text="已补齐记录，附整改台账。", files=[ledger], actor=health)
    if not Snapshot.objects.filter(campaign=campaign).exists():
        current = evaluation.take_snapshot(campaign, today=today)
        # Earlier weeks, for the trend: the same units, the score climbing as work was done.
        for weeks in range(1, 7):
            Snapshot.objects.create(
                campaign=campaign,
                taken_on=today - dt.timedelta(weeks=weeks),
                score=max(current.score - Decimal("1.6") * weeks, Decimal(0)),
                categories=current.categories,
                lights=current.lights,
                units=current.units,
            )
    log(
        f"  督办 {SupervisionOrder.objects.filter(campaign=campaign).count()} 件，"
        f"快照 {Snapshot.objects.filter(campaign=campaign).count()} 个"
    )
