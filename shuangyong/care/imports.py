"""Care's spreadsheets: the roster (in ``roster``), allowance standards in and out, and
a batch's bank-transfer workbook out."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    PaymentBatch,
    Per,
    StandardLevel,
)
from shuangyong.care.roster import RosterImporter  # noqa: F401 (registers the roster import)
from shuangyong.core import excel
from shuangyong.core.dates import parse_date
from shuangyong.core.imports import (
    Column,
    Exporter,
    Importer,
    Row,
    object_for,
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
    "备注",
]


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
        Column("note", "备注", required=False),
    )

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
        data["note"] = row.text("note", max_length=200)

    def check(self, rows: list[Row]) -> None:
        seen = {}
        for row in rows:
            d = row.data
            key = (d["category"], d["grade"], d["cause"], d["hukou"], d["level"], d["valid_from"])
            if key in seen:
                row.error("valid_from", _("the same standard as row %(n)d") % {"n": seen[key]})
            seen[key] = row.number

    def write(self, rows: list[Row]) -> tuple[int, int]:
        return save_standards([r.data for r in rows])


@transaction.atomic
def save_standards(items: list[dict]) -> tuple[int, int]:
    """Create or update standards; entitlements of the categories touched are marked to
    compare again from the earliest month the changes cover (arrears when raised
    retroactively). Returns (created, updated)."""
    current = {
        (s.category, s.grade, s.cause, s.hukou, s.level, s.valid_from): s
        for s in AllowanceStandard.objects.filter(category__in={i["category"] for i in items})
    }
    created, updated, touched = [], [], {}
    for item in items:
        key = (
            item["category"],
            item["grade"],
            item["cause"] or "",
            item["hukou"] or "",
            item["level"],
            item["valid_from"],
        )
        standard = current.get(key) or AllowanceStandard(
            category=item["category"],
            grade=item["grade"],
            cause=item["cause"] or "",
            hukou=item["hukou"] or "",
            level=item["level"],
            valid_from=item["valid_from"],
        )
        if standard.pk and (standard.amount, standard.per, standard.valid_to) == (
            item["amount"],
            item["per"],
            item["valid_to"],
        ):
            continue
        standard.amount, standard.per, standard.valid_to = (
            item["amount"],
            item["per"],
            item["valid_to"],
        )
        standard.note = item.get("note", "")
        standard.derive()
        (updated if standard.pk else created).append(standard)
        month = standard.from_month
        touched[standard.category] = min(month, touched.get(standard.category, month))
    AllowanceStandard.objects.bulk_create(created)
    now = timezone.now()
    for standard in updated:
        standard.changed_at = now
    AllowanceStandard.objects.bulk_update(
        updated,
        [
            "amount",
            "per",
            "valid_to",
            "note",
            "from_month",
            "to_month",
            "month_cents",
            "changed_at",
        ],
    )
    for category, month in touched.items():
        mark_category(category, month)
    return len(created), len(updated)


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
