"""The annual figures in Excel: `shuangyong export annual_figures YEAR`."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.core import excel
from shuangyong.core.imports import Exporter, register_exporter
from shuangyong.core.validators import plain_digits
from shuangyong.reports.selectors import annual_figures


class AnnualExporter(Exporter):
    def render(self, target, *, actor, object_id, full: bool, format: str) -> None:
        text = str(object_id or "")
        if not (plain_digits(text) and 2000 <= int(text) <= 2100):
            raise ValidationError(_("Give the year, e.g. 2026."))
        sections, paid = annual_figures(int(text))
        rows = [[s.title, label, value] for s in sections for label, value in s.rows]
        excel.write_workbook(
            target,
            [
                (f"{text}年度数据", ["类别", "项目", "数值"], rows),
                (
                    "抚恤补助发放",
                    ["优抚类别", "人数", "金额（元）"],
                    [[r.category, r.persons, r.amount] for r in paid],
                ),
            ],  # fmt: skip
        )


register_exporter(
    AnnualExporter(
        kind="annual_figures",
        label=gettext_lazy("Annual figures"),
        permission="reports.export",
        headers=["类别", "项目", "数值"],
        rows=None,
        takes_id=True,
    )
)
