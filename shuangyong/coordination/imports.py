"""Down: the city's directives in (Excel → tasks or notices). The district's status going
up (the city pack) is in ``reports.city_report``."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.campaigns.models import Campaign, Task
from shuangyong.coordination.models import Notice, Receipt
from shuangyong.core.dates import parse_date
from shuangyong.core.imports import (
    Column,
    Importer,
    ImportFileError,
    Option,
    Row,
    register_importer,
)
from shuangyong.messaging import notify
from shuangyong.org.imports import UnitMatcher

SEPARATORS = re.compile(r"[、,，;；/\s]+")
KINDS = {"任务": "task", "工作任务": "task", "通知": "notice", "task": "task", "notice": "notice"}


@register_importer
class DirectivesImporter(Importer):
    """A city directive per row: a task for the lead unit (first unit named, the others
    co-units) or a notice to every unit named. Imported whole or not at all."""

    kind = "directives"
    label = gettext_lazy("City directives")
    permission = "directives.import"
    allow_partial = False
    columns = (
        Column("kind", "类型", note="任务 或 通知"),
        Column("source", "来文单位", required=False, note="如：市双拥办"),
        Column("reference", "文号", required=False),
        Column("title", "标题"),
        Column("body", "内容", required=False, note="通知必填"),
        Column(
            "units", "承办单位",
            note="任务：第一个为牵头单位，其余为配合单位；通知：接收单位；用“、”分隔",
        ),
        Column("deadline", "完成时限", required=False, note="任务必填；通知填写则须在此日前回复"),
        Column("criterion", "考评编号", required=False, note="任务对应的考评标准编号"),
    )  # fmt: skip
    options = (
        Option("--campaign", "the campaign the directives belong to", type=int, required=True),
    )

    def prepare(self) -> None:
        campaign_id = self.options.get("campaign")
        self.campaign = Campaign.objects.filter(pk=campaign_id).select_related("standard").first()
        if self.campaign is None:
            raise ImportFileError(_("No campaign with ID %(id)s.") % {"id": campaign_id})
        self.criteria = {c.code: c for c in self.campaign.standard.criteria.all()}
        self.units = UnitMatcher()
        self.today = timezone.localdate()
        from shuangyong.coordination.services import sender_unit_of

        self.sender_unit = sender_unit_of(self.actor) if self.actor else None
        if self.sender_unit is None:
            from shuangyong.org.models import Unit

            self.sender_unit = Unit.objects.filter(parent=None).order_by("path").first()

    def clean(self, row: Row) -> None:
        data = row.data
        kind_text = row.text("kind", required=True)
        data["kind"] = KINDS.get(kind_text.lower())
        if kind_text and data["kind"] is None:
            row.error("kind", _("“%(v)s” is neither 任务 nor 通知") % {"v": kind_text})
        data["title"] = row.text("title", required=True, max_length=200)
        data["source"] = row.text("source", max_length=100)
        data["reference"] = row.text("reference", max_length=100)
        data["body"] = row.text("body", required=data["kind"] == "notice")
        data["units"] = []
        names = [n for n in SEPARATORS.split(row.text("units", required=True)) if n]
        for name in names:
            unit, message = self.units.find(name)
            if message:
                row.error("units", message)
            elif unit not in data["units"]:
                data["units"].append(unit)
        try:
            data["deadline"] = parse_date(row.raw.get("deadline"))
        except ValueError:
            data["deadline"] = None
            row.error("deadline", _("“%(v)s” is not a date") % {"v": row.text("deadline")})
        else:
            if data["deadline"] and data["deadline"] < self.today:
                row.error("deadline", _("the deadline is already past"))
            elif data["deadline"] is None and data["kind"] == "task":
                row.error("deadline", _("a task needs a deadline"))
        code = row.text("criterion", code=True)
        data["criterion"] = self.criteria.get(code) if code else None
        if code and data["criterion"] is None:
            row.error(
                "criterion",
                _("%(code)s is not a criterion of the campaign's standard") % {"code": code},
            )

    def write(self, rows: list[Row]) -> tuple[int, int]:
        from shuangyong.coordination.services import liaisons_of

        tasks, notices = [], []
        for row in rows:
            data = row.data
            origin = "　".join(filter(None, [data["source"], data["reference"]]))
            if data["kind"] == "task":
                task = Task(
                    campaign=self.campaign,
                    criterion=data["criterion"],
                    title=data["title"],
                    lead_unit=data["units"][0],
                    deadline=data["deadline"],
                    evidence_required=(_("City directive %(o)s") % {"o": origin}) if origin else "",
                )
                tasks.append((task, data["units"][1:]))
            else:
                body = data["body"] + (f"\n\n（{origin}）" if origin else "")
                notice = Notice(
                    campaign=self.campaign,
                    sender_unit=self.sender_unit,
                    author=self.actor,
                    reference=data["reference"],
                    title=data["title"],
                    body=body,
                    requires_reply=data["deadline"] is not None,
                    reply_deadline=data["deadline"],
                )
                notices.append((notice, data["units"]))
        Task.objects.bulk_create([t for t, _co in tasks], batch_size=500)
        through = Task.co_units.through
        through.objects.bulk_create(
            [through(task_id=t.pk, unit_id=u.pk) for t, co in tasks for u in co], batch_size=1000
        )
        Notice.objects.bulk_create([n for n, _u in notices], batch_size=500)
        Receipt.objects.bulk_create(
            [Receipt(notice=n, unit=u) for n, units in notices for u in units], batch_size=1000
        )
        self._notify(tasks, notices, liaisons_of)
        return len(tasks) + len(notices), 0

    def _notify(self, tasks, notices, liaisons_of) -> None:
        unit_ids = {t.lead_unit_id for t, _co in tasks} | {
            u.pk for _n, units in notices for u in units
        }
        by_unit: dict[int, list] = {}
        for user in liaisons_of(unit_ids):
            by_unit.setdefault(user.person.unit_id, []).append(user)
        pairs = []
        for task, _co in tasks:
            message = notify.Message(
                "directive",
                _("New task: %(t)s") % {"t": task.title},
                "",
                reverse("campaigns:task_detail", args=[task.pk]),
                f"task-new:{task.pk}",
            )
            pairs += [(u, message) for u in by_unit.get(task.lead_unit_id, [])]
        for notice, units in notices:
            message = notify.Message(
                "notice",
                _("Notice: %(t)s") % {"t": notice.title},
                "",
                reverse("coordination:notice_detail", args=[notice.pk]),
                f"notice:{notice.pk}",
            )
            pairs += [(u, message) for unit in units for u in by_unit.get(unit.pk, [])]
        notify.send(pairs)

    def summarize(self, result) -> dict:
        return {}
