"""The task decomposition table (任务分解表) in and out.

One row per indicator: rows with the same criterion code, task and lead unit
are one task with several indicators. Units match by code, full or short
name; the responsible person by name, in the lead unit first. A deadline is a
date or one of 每年 / 每季度 / 每月 for recurring work. Re-importing updates
the tasks it recognises instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.campaigns import lights
from shuangyong.campaigns.models import Campaign, Indicator, Recurrence, Task
from shuangyong.core.dates import parse_date
from shuangyong.core.imports import (
    Column,
    Exporter,
    Importer,
    ImportFileError,
    Option,
    Row,
    object_for,
    register_exporter,
    register_importer,
)
from shuangyong.org.imports import UnitMatcher
from shuangyong.org.models import Person

RECURRENCE_WORDS = {
    "每年": Recurrence.YEARLY, "年度": Recurrence.YEARLY,
    "每季度": Recurrence.QUARTERLY, "季度": Recurrence.QUARTERLY,
    "每月": Recurrence.MONTHLY, "月度": Recurrence.MONTHLY,
}  # fmt: skip
RECURRENCE_OUT = {
    Recurrence.YEARLY: "每年",
    Recurrence.QUARTERLY: "每季度",
    Recurrence.MONTHLY: "每月",
}
SEPARATORS = re.compile(r"[、,，;；/\s]+")
HEADERS = [
    "考评编号", "工作任务", "牵头单位", "配合单位", "责任人",
    "完成时限", "指标名称", "目标值", "计量单位", "台账要求",
]  # fmt: skip


def period_end(recurrence: str, today: dt.date) -> dt.date:
    """The end of the current year, quarter or month: a recurring task's next due date."""
    if recurrence == Recurrence.YEARLY:
        return dt.date(today.year, 12, 31)
    quarterly = recurrence == Recurrence.QUARTERLY
    month = ((today.month - 1) // 3 + 1) * 3 if quarterly else today.month
    first_of_next = dt.date(today.year + (month == 12), month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


class PersonMatcher:
    """A person by name: within the given unit first, else anywhere if the name is unique."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[Person]] = {}
        for person in Person.objects.filter(is_active=True).only("pk", "name", "unit_id"):
            self.by_name.setdefault(person.name, []).append(person)

    def find(self, name: str, unit) -> tuple[Person | None, str]:
        people = self.by_name.get(name, [])
        in_unit = [p for p in people if unit is not None and p.unit_id == unit.pk]
        if len(in_unit) == 1:
            return in_unit[0], ""
        if len(people) == 1:
            return people[0], ""
        if not people:
            return None, _("no one called “%(name)s” in the people directory") % {"name": name}
        return None, _("“%(name)s” is more than one person; add them to the lead unit") % {
            "name": name
        }


@register_importer
class DecompositionImporter(Importer):
    kind = "decomposition"
    label = gettext_lazy("Task decomposition")
    permission = "tasks.edit"
    allow_partial = False
    columns = (
        Column(
            "criterion", "考评编号", required=False, note="考评标准中的编号；办公室自身工作可留空"
        ),
        Column("title", "工作任务"),
        Column("lead", "牵头单位", note="单位编码、全称或简称"),
        Column("co_units", "配合单位", required=False, note="多个单位用“、”分隔"),
        Column("owner", "责任人", required=False),
        Column("deadline", "完成时限", required=False, note="日期，或“每年”“每季度”“每月”"),
        Column("indicator", "指标名称", required=False),
        Column("target", "目标值", required=False),
        Column("measure", "计量单位", required=False),
        Column("evidence", "台账要求", required=False),
    )
    options = (Option("--campaign", "the campaign the tasks belong to", type=int, required=True),)

    def prepare(self) -> None:
        campaign_id = self.options.get("campaign")
        self.campaign = Campaign.objects.filter(pk=campaign_id).select_related("standard").first()
        if self.campaign is None:
            raise ImportFileError(_("No campaign with ID %(id)s.") % {"id": campaign_id})
        self.criteria = {c.code: c for c in self.campaign.standard.criteria.all()}
        self.units = UnitMatcher()
        self.people = PersonMatcher()
        self.today = timezone.localdate()

    def clean(self, row: Row) -> None:
        data = row.data
        code = row.text("criterion", code=True)
        data["criterion"] = self.criteria.get(code) if code else None
        if code and data["criterion"] is None:
            row.error(
                "criterion",
                _("%(code)s is not a criterion of the campaign's standard") % {"code": code},
            )
        data["title"] = row.text("title", required=True, max_length=300)
        lead = row.text("lead", required=True)
        data["lead"] = None
        if lead:
            data["lead"], message = self.units.find(lead)
            if message:
                row.error("lead", message)
        data["co_units"] = []
        for name in filter(None, SEPARATORS.split(row.text("co_units"))):
            unit, message = self.units.find(name)
            if message:
                row.error("co_units", message)
            elif unit != data["lead"] and unit not in data["co_units"]:
                data["co_units"].append(unit)
        owner = row.text("owner")
        data["owner"] = None
        if owner:
            data["owner"], message = self.people.find(owner, data["lead"])
            if message:
                row.error("owner", message)
        self._clean_deadline(row)
        data["indicator"] = row.text("indicator", max_length=200)
        target = row.text("target", code=True)
        data["target"] = None
        if data["indicator"] and not target:
            row.error("target", _("an indicator needs a target"))
        elif target:
            try:
                data["target"] = Decimal(target)
                if not data["target"].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                row.error("target", _("“%(v)s” is not a number") % {"v": target})
            if not data["indicator"]:
                row.error("indicator", _("a target needs an indicator name"))
        data["measure"] = row.text("measure", max_length=20)
        data["evidence"] = row.text("evidence")

    def _clean_deadline(self, row: Row) -> None:
        data, raw = row.data, row.raw.get("deadline")
        text = str(raw or "").strip()
        data["recurrence"], data["deadline"] = Recurrence.ONCE, None
        if text in RECURRENCE_WORDS:
            data["recurrence"] = RECURRENCE_WORDS[text]
            data["deadline"] = period_end(data["recurrence"], self.today)
            return
        try:
            data["deadline"] = parse_date(raw)
        except ValueError:
            row.error(
                "deadline",
                _("“%(v)s” is not a date (2026-12-31) nor 每年/每季度/每月") % {"v": text},
            )
            return
        if data["deadline"] and data["deadline"] < self.today:
            row.error("deadline", _("%(d)s is in the past") % {"d": data["deadline"].isoformat()})

    @staticmethod
    def key(data: dict) -> tuple:
        criterion = data["criterion"].pk if data["criterion"] else None
        return (criterion, data["title"], data["lead"].pk)

    def check(self, rows: list[Row]) -> None:
        first: dict[tuple, Row] = {}
        indicators: dict[tuple, set[str]] = {}
        for row in (r for r in rows if r.ok):
            key = self.key(row.data)
            head = first.setdefault(key, row)
            if head is not row:
                for field in ("co_units", "owner", "deadline", "recurrence", "evidence"):
                    if row.data[field] != head.data[field] and row.data[field] not in (
                        "",
                        None,
                        [],
                    ):
                        row.error(
                            field if field != "recurrence" else "deadline",
                            _("differs from row %(row)d for the same task") % {"row": head.number},
                        )
            name = row.data["indicator"]
            if name:
                seen = indicators.setdefault(key, set())
                if name in seen:
                    row.error("indicator", _("this task has “%(name)s” twice") % {"name": name})
                seen.add(name)

    def write(self, rows: list[Row]) -> tuple[int, int]:
        groups: dict[tuple, list[Row]] = {}
        for row in rows:
            groups.setdefault(self.key(row.data), []).append(row)
        existing = {
            (t.criterion_id, t.title, t.lead_unit_id): t
            for t in Task.objects.filter(campaign=self.campaign)
        }
        new_tasks, changed = [], []
        for key, group in groups.items():
            head = group[0].data
            task = existing.get(key) or Task(
                campaign=self.campaign,
                criterion=head["criterion"],
                title=head["title"],
                lead_unit=head["lead"],
            )
            task.owner, task.deadline, task.recurrence = (
                head["owner"],
                head["deadline"],
                head["recurrence"],
            )
            task.evidence_required = head["evidence"]
            (changed if task.pk else new_tasks).append(task)
        Task.objects.bulk_create(new_tasks, batch_size=500)
        Task.objects.bulk_update(
            changed, ["owner", "deadline", "recurrence", "evidence_required"], batch_size=500
        )
        tasks = {self.key_of(t): t for t in [*new_tasks, *changed]}
        # Co-units: replace each imported task's set in two statements.
        through = Task.co_units.through
        through.objects.filter(task_id__in=[t.pk for t in tasks.values()]).delete()
        through.objects.bulk_create(
            [
                through(task_id=tasks[key].pk, unit_id=unit.pk)
                for key, group in groups.items()
                for unit in group[0].data["co_units"]
            ],
            batch_size=1000,
        )
        # Indicators: update by name, create the new ones.
        current = {
            (i.task_id, i.name): i for i in Indicator.objects.filter(task__in=tasks.values())
        }
        new_indicators, changed_indicators = [], []
        for key, group in groups.items():
            for row in group:
                data = row.data
                if not data["indicator"]:
                    continue
                indicator = current.get((tasks[key].pk, data["indicator"]))
                if indicator is None:
                    new_indicators.append(
                        Indicator(
                            task=tasks[key],
                            name=data["indicator"],
                            target=data["target"],
                            measure=data["measure"],
                        )
                    )
                else:
                    indicator.target, indicator.measure = data["target"], data["measure"]
                    changed_indicators.append(indicator)
        Indicator.objects.bulk_create(new_indicators, batch_size=1000)
        Indicator.objects.bulk_update(changed_indicators, ["target", "measure"], batch_size=1000)
        # Bulk writes send no signal: the kept lights (a deadline may have moved).
        lights.refresh(tasks=Task.objects.filter(pk__in=[t.pk for t in tasks.values()]))
        return len(new_tasks), len(changed)

    @staticmethod
    def key_of(task: Task) -> tuple:
        return (task.criterion_id, task.title, task.lead_unit_id)

    def summarize(self, result) -> dict[str, Any]:
        return {
            "campaign": self.campaign.pk,
            "tasks": Task.objects.filter(campaign=self.campaign).count(),
            "indicators": Indicator.objects.filter(task__campaign=self.campaign).count(),
        }


def decomposition_rows(actor, campaign_id, _full):
    """The campaign's tasks as the task list shows them to ``actor`` (a unit's liaison gets
    its unit's tasks only); the command line (no actor) exports them all."""
    from shuangyong.campaigns.selectors import visible_tasks

    campaign = object_for(Campaign.objects, campaign_id, _("No campaign with ID %(id)s."))
    tasks = (
        visible_tasks(actor, campaign)
        if actor is not None
        else Task.objects.filter(campaign=campaign)
    )
    return _decomposition_rows(tasks)


def _decomposition_rows(tasks):
    tasks = (
        tasks.select_related("criterion", "lead_unit", "owner")
        .prefetch_related(
            "co_units", Prefetch("indicators", queryset=Indicator.objects.order_by("id"))
        )
        .order_by("criterion__sort_key", "id")
    )
    for task in tasks:
        deadline = RECURRENCE_OUT.get(task.recurrence) or (
            task.deadline.isoformat() if task.deadline else ""
        )
        base = [
            task.criterion.code if task.criterion else "",
            task.title,
            task.lead_unit.name,
            "、".join(u.name for u in sorted(task.co_units.all(), key=lambda u: u.path)),
            task.owner.name if task.owner else "",
            deadline,
        ]
        indicators = list(task.indicators.all()) or [None]
        for indicator in indicators:
            if indicator is None:
                yield [*base, "", "", "", task.evidence_required]
            else:
                target = indicator.target.normalize()
                yield [
                    *base,
                    indicator.name,
                    int(target) if target == target.to_integral_value() else float(target),
                    indicator.measure,
                    task.evidence_required,
                ]


register_exporter(
    Exporter(
        kind="decomposition",
        label=gettext_lazy("Task decomposition"),
        permission="tasks.view",
        headers=HEADERS,
        rows=decomposition_rows,
        takes_id=True,
    )
)


class CoverageExporter(Exporter):
    """The coverage page as a workbook: one sheet per list of who or what lacks an indicator."""

    def render(self, target, *, actor, object_id, full: bool, format: str) -> None:
        from shuangyong.campaigns.selectors import coverage
        from shuangyong.core import excel

        campaign = object_for(Campaign.objects, object_id, _("No campaign with ID %(id)s."))
        found = coverage(campaign)
        excel.write_workbook(
            target,
            [
                (
                    _("Member units"),
                    [_("Code"), _("Unit")],
                    ([u.code, u.name] for u in found["units_without"]),
                ),
                (
                    _("Responsible people"),
                    [_("Name"), _("Unit")],
                    ([p["name"], p["unit"]] for p in found["people_without"]),
                ),
                (
                    _("Criteria"),
                    [_("No."), _("Criterion")],
                    ([c.code, c.title] for c in found["criteria_without"]),
                ),
            ],
        )


register_exporter(
    CoverageExporter(
        kind="coverage",
        label=gettext_lazy("Coverage"),
        permission="campaigns.view",
        headers=[],
        rows=None,
        takes_id=True,
    )
)
