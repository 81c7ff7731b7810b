"""Care's spreadsheets: the roster (in ``roster``), allowance standards in and out, and
a batch's bank-transfer workbook out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.care import months
from shuangyong.care.categories import (
    HUKOU_CHINESE,
    Category,
    Cause,
    parse_category,
    parse_cause,
    parse_grade,
    parse_hukou,
)
from shuangyong.care.models import (
    AllowanceStandard,
    Entitlement,
    Frequency,
    PaymentBatch,
    Per,
    StandardLevel,
)
from shuangyong.care.models.payments import FREQUENCY_MONTHS
from shuangyong.care.roster import RosterImporter  # noqa: F401 (registers the roster import)
from shuangyong.core import excel
from shuangyong.core.dates import parse_date
from shuangyong.core.imports import (
    Column,
    Exporter,
    Importer,
    Row,
    RowError,
    object_for,
    parse_bool,
    register_exporter,
    register_importer,
)

PER_WORDS = {
    "月": Per.MONTH,
    "每月": Per.MONTH,
    "元/月": Per.MONTH,
    "年": Per.YEAR,
    "每年": Per.YEAR,
    "元/年": Per.YEAR,
}
LEVEL_WORDS = {
    "国家": StandardLevel.NATIONAL,
    "国家标准": StandardLevel.NATIONAL,
    "省级": StandardLevel.PROVINCIAL,
    "省": StandardLevel.PROVINCIAL,
    "市级": StandardLevel.LOCAL,
    "区级": StandardLevel.LOCAL,
    "地方": StandardLevel.LOCAL,
    "地方提标": StandardLevel.LOCAL,
}
STANDARD_HEADERS = [
    "优抚类别",
    "伤残等级",
    "伤残性质",
    "户籍类型",
    "执行起始日期",
    "执行截止日期",
    "金额",
    "计发周期",
    "标准层级",
    "计发方式",
    "发放月份",
    "替代旧标准",
    "备注",
]
FREQUENCY_WORDS = {
    "": Frequency.MONTHLY,
    "按月": Frequency.MONTHLY,
    "月": Frequency.MONTHLY,
    "每月": Frequency.MONTHLY,
    "按季": Frequency.QUARTERLY,
    "季": Frequency.QUARTERLY,
    "按季度": Frequency.QUARTERLY,
    "每季": Frequency.QUARTERLY,
    "按年": Frequency.YEARLY,
    "年": Frequency.YEARLY,
    "每年": Frequency.YEARLY,
    "一次性": Frequency.YEARLY,
}
FREQUENCY_CHINESE = {
    Frequency.MONTHLY: "按月",
    Frequency.QUARTERLY: "按季",
    Frequency.YEARLY: "按年",
}


@register_importer
class StandardsImporter(Importer):
    """Allowance standards, one level of one amount per row. Rows equal to one already held
    (same category, grade, cause, hukou, level and start) replace its amount and end."""

    kind = "allowance_standards"
    label = gettext_lazy("Allowance standards")
    permission = "care.standards.edit"
    allow_partial = False
    columns = (
        Column("category", "优抚类别"),
        Column("grade", "伤残等级", required=False, note="空为各等级通用"),
        Column("cause", "伤残性质", required=False, note="空为通用"),
        Column("hukou", "户籍类型", required=False, note="空为通用"),
        Column("valid_from", "执行起始日期"),
        Column("valid_to", "执行截止日期", required=False),
        Column("amount", "金额", note="元"),
        Column("per", "计发周期", note="月 或 年"),
        Column("level", "标准层级", note="国家、省级 或 地方"),
        Column("frequency", "计发方式", required=False, note="按月（默认）、按季 或 按年"),
        Column(
            "pay_month",
            "发放月份",
            required=False,
            note="按年：1–12 月中的哪个月；按季：季度的第几个月 1–3",
        ),
        Column(
            "replaces",
            "替代旧标准",
            required=False,
            note="是：同类别、等级、性质、户籍、层级的旧标准于本标准起始日前一天截止",
        ),
        Column("note", "备注", required=False),
    )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.plan: StandardsPlan | None = None

    def clean(self, row: Row) -> None:
        data = row.data
        text = row.text("category", required=True)
        data["category"], _bracket = parse_category(text) if text else (None, "")
        if text and data["category"] is None:
            row.error("category", _("unknown category “%(v)s”") % {"v": text})
        for key, parser in (("grade", parse_grade), ("cause", parse_cause), ("hukou", parse_hukou)):
            try:
                data[key] = parser(row.text(key))
            except ValueError:
                data[key] = None
                row.error(key, _("“%(v)s” is not understood") % {"v": row.text(key)})
        for key in ("valid_from", "valid_to"):
            try:
                data[key] = parse_date(row.raw.get(key))
            except ValueError:
                data[key] = None
                row.error(key, _("“%(v)s” is not a date") % {"v": row.text(key)})
        if row.text("valid_from") == "":
            row.error("valid_from", _("this column is required"))
        if data["valid_from"] and data["valid_to"] and data["valid_to"] < data["valid_from"]:
            row.error("valid_to", _("is before the start"))
        amount = row.text("amount", code=True).removesuffix("元")
        try:
            data["amount"] = Decimal(amount).quantize(Decimal("0.01"))
            if data["amount"] < 0 or not data["amount"].is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            data["amount"] = None
            row.error("amount", _("“%(v)s” is not an amount") % {"v": amount})
        data["per"] = PER_WORDS.get(row.text("per", code=True))
        if data["per"] is None:
            row.error("per", _("write 月 or 年"))
        data["level"] = LEVEL_WORDS.get(row.text("level", code=True))
        if data["level"] is None:
            row.error("level", _("write 国家, 省级 or 地方"))
        data["frequency"] = FREQUENCY_WORDS.get(row.text("frequency", code=True))
        if data["frequency"] is None:
            row.error("frequency", _("write 按月, 按季 or 按年"))
        every = FREQUENCY_MONTHS.get(data["frequency"], 1)
        month = row.text("pay_month", code=True).removesuffix("月") or "1"
        data["pay_month"] = int(month) if month.isdigit() else 0
        if every > 1 and not 1 <= data["pay_month"] <= every:
            row.error("pay_month", _("write a month from 1 to %(n)d") % {"n": every})
        if every == 1:
            data["pay_month"] = 1
        data["replaces"] = parse_bool(row.raw.get("replaces"))
        if data["replaces"] is None:
            row.error("replaces", _("write 是 or 否"))
        data["row"] = row.number
        data["note"] = row.text("note", max_length=200)

    def check(self, rows: list[Row]) -> None:
        seen = {}
        for row in rows:
            d = row.data
            key = (d["category"], d["grade"], d["cause"], d["hukou"], d["level"], d["valid_from"])
            if key in seen:
                row.error("valid_from", _("the same standard as row %(n)d") % {"n": seen[key]})
            seen[key] = row.number
        good = [row for row in rows if row.ok]
        if len(good) < len(rows):
            return
        by_number = {row.number: row for row in rows}
        for number, message in plan_standards([r.data for r in good]).overlaps:
            if number in by_number:
                by_number[number].error("valid_from", message)
            else:
                self.file_errors.append(RowError(0, "执行起始日期", message))

    def write(self, rows: list[Row]) -> tuple[int, int]:
        self.plan = save_standards([r.data for r in rows], actor=self.actor)
        return len(self.plan.created), len(self.plan.updated)

    def summarize(self, result) -> dict:
        """The older rows a replacement ended, so the person importing sees the change."""
        labels = dict(Category.choices)
        return {
            "closed": [
                {
                    "category": labels.get(s.category, s.category),
                    "grade": s.grade,
                    "level": s.get_level_display(),
                    "valid_from": str(s.valid_from),
                    "valid_to": str(s.valid_to),
                    "amount": str(s.amount),
                }
                for s in (self.plan.closed if self.plan else [])
            ]
        }


@dataclass
class StandardsPlan:
    """What saving a set of standard rows would do, before anything is written."""

    created: list[AllowanceStandard]
    updated: list[AllowanceStandard]
    closed: list[AllowanceStandard]  # older rows ended the day before their replacement
    # (the file's row or None, the message naming both rows): nothing is written while any
    overlaps: list[tuple[int | None, str]]


def _describe(standard: AllowanceStandard, rows: dict[int, int]) -> str:
    number = rows.get(id(standard))
    if number is not None:
        return _("row %(n)d") % {"n": number}
    return _("the standard held from %(d)s (%(a)s yuan %(per)s, %(level)s)") % {
        "d": standard.valid_from,
        "a": standard.amount,
        "per": standard.get_per_display(),
        "level": standard.get_level_display(),
    }


def plan_standards(items: list[dict]) -> StandardsPlan:
    """Rows equal to one held (same category, grade, cause, hukou, level and start) update
    it; others are new. A row with ``replaces`` ends, the day before its start, each older
    row it covers (``AllowanceStandard.covers``) still in force then. Two rows that would
    price one person at one level (``AllowanceStandard.prices_alike``: a blank grade,
    cause or hukou applies to all) may never both be in force in a month: their amounts
    would be paid twice."""
    current = list(AllowanceStandard.objects.filter(category__in={i["category"] for i in items}))
    by_start = {(*s.key, s.valid_from): s for s in current}
    rows: dict[int, int] = {}  # the file's row of each standard it gives
    involved: set[int] = set()  # the standards the items create or change
    created, updated, closed = [], [], []
    for item in items:
        key = (
            item["category"],
            item["grade"],
            item["cause"] or "",
            item["hukou"] or "",
            item["level"],
        )
        standard = by_start.get((*key, item["valid_from"]))
        if standard is None:
            standard = AllowanceStandard(
                category=key[0], grade=key[1], cause=key[2], hukou=key[3], level=key[4],
                valid_from=item["valid_from"],
            )  # fmt: skip
            created.append(standard)
            current.append(standard)
        values = (
            item["amount"],
            item["per"],
            item["valid_to"],
            item.get("frequency") or Frequency.MONTHLY,
            item.get("pay_month") or 1,
        )
        if standard.pk and values == (
            standard.amount,
            standard.per,
            standard.valid_to,
            standard.frequency,
            standard.pay_month,
        ):
            continue
        (
            standard.amount,
            standard.per,
            standard.valid_to,
            standard.frequency,
            standard.pay_month,
        ) = values
        standard.note = item.get("note", "")
        standard.derive()
        if standard.pk and standard not in updated:
            updated.append(standard)
        involved.add(id(standard))
        if "row" in item:
            rows[id(standard)] = item["row"]
        if item.get("replaces"):
            day_before = item["valid_from"] - dt.timedelta(days=1)
            for older in current:
                if (
                    older is not standard
                    and standard.covers(older)
                    and older.valid_from < standard.valid_from
                    and (older.valid_to is None or older.valid_to > day_before)
                ):
                    older.valid_to = day_before
                    older.derive()
                    closed.append(older)
                    if older.pk and older not in updated:
                        updated.append(older)
    overlaps = []
    # By category and level; within one, a blank grade, cause or hukou prices them all,
    # so it meets every standard that names one (``prices_alike``).
    kinds: dict[tuple, list[AllowanceStandard]] = {}
    for standard in current:
        kinds.setdefault((standard.category, standard.level), []).append(standard)
    for found in kinds.values():
        found.sort(key=lambda x: x.from_month)
        for i, first in enumerate(found):
            for second in found[i + 1 :]:
                if (
                    first.prices_alike(second)
                    and first.overlaps(second)
                    and (id(first) in involved or id(second) in involved)
                ):
                    overlaps.append(
                        (rows.get(id(second), rows.get(id(first))),
                        _(
                            "%(a)s and %(b)s would both be in force from %(m)s: two standards "
                            "of one category and level that price the same person (the same "
                            "grade, cause and hukou, or one of them blank, which applies to "
                            "all) cannot apply in one month (write 是 under 替代旧标准 to end "
                            "the older one the day before)"
                        )
                        % {
                            "a": _describe(second, rows),
                            "b": _describe(first, rows),
                            "m": months.label(max(first.from_month, second.from_month)),
                        })
                    )  # fmt: skip
    return StandardsPlan(created, updated, closed, overlaps)


@transaction.atomic
def save_standards(items: list[dict], *, actor=None) -> StandardsPlan:
    """Create or update standards as ``plan_standards`` plans them; entitlements of the
    categories touched are marked to compare again from the earliest month the changes
    cover (arrears when raised retroactively, recoveries when lowered). Returns the plan
    carried out.

    Rules: never two standards of one kind in force in the same month (``ValidationError``
    naming both; nothing written); a replacement ends the older row the day before, and
    the trail records each row so ended.
    """
    plan = plan_standards(items)
    if plan.overlaps:
        raise ValidationError([message for _row, message in plan.overlaps])
    AllowanceStandard.objects.bulk_create(plan.created)
    now = timezone.now()
    for standard in plan.updated:
        standard.changed_at = now
    AllowanceStandard.objects.bulk_update(
        plan.updated,
        [
            "amount",
            "per",
            "valid_to",
            "frequency",
            "pay_month",
            "note",
            "from_month",
            "to_month",
            "month_cents",
            "pay_every",
            "pay_offset",
            "pay_cents",
            "changed_at",
        ],
    )
    for standard in plan.closed:
        record(
            Action.UPDATE,
            obj=standard,
            changes={"valid_to": [None, str(standard.valid_to)]},
            detail={"replaced": True},
            user=actor,
        )
    touched: dict[str, int] = {}
    for standard in [*plan.created, *plan.updated]:
        month = standard.from_month
        if standard in plan.closed and standard.to_month is not None:
            month = standard.to_month + 1
        touched[standard.category] = min(month, touched.get(standard.category, month))
    for category, month in touched.items():
        mark_category(category, month)
    return plan


def mark_category(category: str, month: int) -> int:
    """Every entitlement of a category compares its months from ``month`` on again."""
    entitlements = Entitlement.objects.filter(category=category)
    marked = entitlements.filter(recheck_from__isnull=False).update(
        recheck_from=Least(F("recheck_from"), month)
    )
    return marked + entitlements.filter(recheck_from__isnull=True).update(recheck_from=month)


def _standard_rows(actor, object_id, full):
    labels = {**dict(Category.choices), **dict(Cause.choices), **HUKOU_CHINESE}
    per = {Per.MONTH: "月", Per.YEAR: "年"}
    level = {
        StandardLevel.NATIONAL: "国家",
        StandardLevel.PROVINCIAL: "省级",
        StandardLevel.LOCAL: "地方",
    }
    for s in AllowanceStandard.objects.all():
        yield [
            labels[s.category],
            s.grade or "",
            labels.get(s.cause, ""),
            labels.get(s.hukou, ""),
            s.valid_from,
            s.valid_to or "",
            s.amount,
            per[s.per],
            level[s.level],
            FREQUENCY_CHINESE[s.frequency],
            s.pay_month if s.frequency != Frequency.MONTHLY else "",
            "",
            s.note,
        ]


register_exporter(
    Exporter(
        kind="allowance_standards",
        label=gettext_lazy("Allowance standards"),
        permission="care.standards.view",
        headers=STANDARD_HEADERS,
        rows=_standard_rows,
    )
)


class TransferExporter(Exporter):
    """A batch as the bank needs it: one row per person, masked unless revealed (audited)."""

    def render(self, target, *, actor, object_id, full: bool, format: str) -> None:
        from shuangyong.care.selectors import transfer_rows

        batch = object_for(PaymentBatch.objects, object_id, _("No payment batch with ID %(id)s."))
        rows = transfer_rows(batch, full=full, user=actor)
        headers = [
            "序号",
            "姓名",
            "公民身份号码",
            "开户银行",
            "银行账号",
            "金额（元）",
            "所属街道",
            "发放明细",
        ]
        total = sum((r.amount for r in rows), Decimal(0))
        excel.write_workbook(
            target,
            [
                (
                    f"{batch.get_programme_display()}{batch.period}",
                    headers,
                    [
                        *(
                            [
                                r.number,
                                r.name,
                                r.id_number,
                                r.bank,
                                r.account,
                                r.amount,
                                r.street,
                                r.detail,
                            ]
                            for r in rows
                        ),
                        [
                            "",
                            _("Total"),
                            "",
                            "",
                            "",
                            total,
                            "",
                            _("%(n)d persons") % {"n": len(rows)},
                        ],
                    ],
                )
            ],
        )


register_exporter(
    TransferExporter(
        kind="payment_transfer",
        label=gettext_lazy("Bank transfer list"),
        permission="payments.view",
        headers=[],
        rows=None,
        takes_id=True,
        reveal_permission="payments.export_full",
    )
)


def _recovery_rows(actor, object_id, full):
    """The recoveries the user may see (their streets'); all of them from the command line."""
    from shuangyong.care.models import Recovery
    from shuangyong.care.recoveries import visible_recoveries

    found = (
        visible_recoveries(actor, state="")
        if actor is not None
        else Recovery.objects.select_related("person__street", "batch", "entitlement")
    )
    for r in found.order_by("person__street__path", "person__name", "pk"):
        yield [
            r.person.name,
            r.person.id_number_masked,
            r.person.street.name,
            r.entitlement.get_category_display(),
            r.months_label,
            r.reason_label,
            r.debtor,
            r.amount,
            r.back,
            r.outstanding,
            r.get_state_display(),
            str(r.batch),
            r.note,
        ]


register_exporter(
    Exporter(
        kind="recoveries",
        label=gettext_lazy("Recoveries"),
        permission="payments.view",
        headers=[
            "姓名",
            "公民身份号码",
            "所属街道",
            "优抚类别",
            "多发月份",
            "原因",
            "偿还人",
            "应追回（元）",
            "已追回（元）",
            "待追回（元）",
            "状态",
            "发现批次",
            "备注",
        ],
        rows=_recovery_rows,
    )
)


# --- the roster out, in the shape it comes in -----------------------------------------


class RosterExporter(Exporter):
    """The roster (优抚对象花名册) as it is imported: one row per person and category.

    Rules: only the persons of the actor's streets (the command line, run by the
    operator, writes the whole district); ID number, birth date, phone and bank account
    masked unless revealed with a reason (``care.reveal``, audited by ``write``); the
    file imports back with ``--update`` changing nothing.
    """

    def render(self, target, *, actor, object_id, full: bool, format: str) -> None:
        from shuangyong.care.roster import HEADERS as ROSTER_HEADERS

        rows = roster_rows(actor, full)
        excel.write_workbook(target, [(str(self.label), ROSTER_HEADERS, rows)])


def roster_rows(actor, full: bool):
    from shuangyong.access import scoped
    from shuangyong.care.models import EntitledPerson
    from shuangyong.core.validators import mask_phone

    persons = EntitledPerson.objects.all()
    if actor is not None:
        persons = scoped(actor, persons, via="street")
    entitlements = (
        Entitlement.objects.filter(person__in=persons)
        .select_related("person__street", "person__community")
        .order_by("person__street__path", "person__name", "person_id", "category")
    )
    for e in entitlements.iterator(chunk_size=2000):
        p = e.person
        community = p.community.name.removeprefix(p.street.name) if p.community else ""
        yield [
            p.name,
            p.id_number if full else p.id_number_masked,
            {"M": "男", "F": "女"}.get(p.sex, ""),
            p.birth_date.isoformat() if full and p.birth_date else "",
            (p.phone if full else mask_phone(p.phone)) if p.phone else "",
            p.street.name,
            community,
            p.address,
            HUKOU_CHINESE.get(p.hukou, ""),
            Category(e.category).label,
            e.grade or "",
            Cause(e.cause).label if e.cause else "",
            p.enlisted_on.isoformat() if p.enlisted_on else "",
            p.discharged_on.isoformat() if p.discharged_on else "",
            p.note,
            e.approved_on.isoformat() if e.approved_on else "",
            p.bank_name,
            (p.bank_account if full else p.bank_account_masked) if p.bank_account else "",
        ]


register_exporter(
    RosterExporter(
        kind="persons",
        label=gettext_lazy("Roster of entitled persons"),
        permission="care.view",
        headers=[],
        rows=None,
        reveal_permission="care.reveal",
    )
)
