"""Report exports: `shuangyong export annual_figures YEAR`, `export self_assessment CAMPAIGN`,
`export citypack CAMPAIGN`."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.campaigns.models import Campaign
from shuangyong.core import excel
from shuangyong.core.imports import Exporter, object_for, register_exporter, write_bytes
from shuangyong.core.validators import plain_digits
from shuangyong.reports.city_report import city_report
from shuangyong.reports.fonts import NoChineseFont
from shuangyong.reports.pdf import render_self_assessment
from shuangyong.reports.selectors import FIRST_YEAR, LAST_YEAR, annual_figures
from shuangyong.reports.self_assessment import (
    default_assessment,
    points,
    self_assessment_report,
)


class AnnualExporter(Exporter):
    def render(self, target, *, actor, object_id, full: bool, format: str) -> None:
        text = str(object_id or "")
        if not (plain_digits(text) and FIRST_YEAR <= int(text) <= LAST_YEAR):
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


class SelfAssessmentExporter(Exporter):
    """The self-assessment report on the latest self-assessment (live if there is none),
    as a PDF or as a workbook of the same figures."""

    def render(self, target, *, actor, object_id, full: bool, format: str) -> None:
        campaign = object_for(
            Campaign.objects.select_related("standard"), object_id, _("No campaign with ID %(id)s.")
        )
        report = self_assessment_report(campaign=campaign, assessment=default_assessment(campaign))
        if format == "pdf":
            try:
                data = render_self_assessment(report)
            except NoChineseFont as exc:
                raise ValidationError(str(exc)) from exc
            write_bytes(target, data)
            return
        summary = [
            ["依据", report.basis], ["总分", points(report.total.score)],
            ["基本分", points(report.total.base)], ["加分", points(report.total.bonus)],
            ["目标分", points(report.target)], ["距目标", points(report.shortfall)],
            ["不含未核实项", points(report.total.verified_score)],
            ["未核实项", "；".join(f"{r.node.code}" for r in report.total.unverified) or "无"],
            ["否决项", "；".join(report.total.vetoes) or "无"],
        ]  # fmt: skip
        excel.write_workbook(
            target,
            [
                (
                    "逐项得分",
                    ["考评编号", "考评项目", "分值", "得分", "评分依据"],
                    [r.score_cells() for r in report.rows],
                ),
                (
                    "失分项",
                    ["考评编号", "考评项目", "失分", "原因"],
                    [r.gap_cells() for r in report.gaps],
                ),
                ("汇总", ["项目", "数值"], summary),
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
register_exporter(
    SelfAssessmentExporter(
        kind="self_assessment",
        label=gettext_lazy("Self-assessment report"),
        permission="reports.export",
        headers=["考评编号", "考评项目", "分值", "得分", "评分依据"],
        rows=None,
        takes_id=True,
        formats=("xlsx", "pdf"),
    )
)


class CityReportExporter(Exporter):
    """The city pack as a workbook: scores, open risks, the evidence index (the page's
    figures: one reading feeds both)."""

    def render(self, target, *, actor, object_id, full: bool, format: str) -> None:
        campaign = object_for(
            Campaign.objects.select_related("standard"), object_id, _("No campaign with ID %(id)s.")
        )
        report = city_report(campaign)
        total = report.total
        years = campaign.years
        excel.write_workbook(
            target,
            [
                (
                    _("Scores"),
                    [_("No."), _("Criterion"), _("Points"), _("Earned"), _("What is missing")],
                    [
                        [_("Total"), campaign.name, total.available, total.score,
                         _("Ineligible: veto") if total.ineligible else ""],
                        *([("　" * s.depth) + s.code, s.title, s.points, s.earned, s.missing]
                          for s in report.scores),
                    ],
                ),
                (
                    _("Open risks"),
                    [_("Kind"), _("Matter"), _("Unit"), _("Deadline"), _("Detail")],
                    ([r.kind, r.title, r.unit, r.deadline, r.detail] for r in report.risks),
                ),
                (
                    _("Evidence index"),
                    [_("No."), _("Criterion"), *(str(y) for y in years)],
                    (
                        [row["criterion"].code, row["criterion"].title,
                         *(_cell(c) if row["scored"] else "" for c in row["cells"])]
                        for row in report.ledger
                    ),
                ),
            ],
        )  # fmt: skip


def _cell(cell: dict) -> str:
    text = _("%(a)d approved") % {"a": cell["approved"]}
    if cell["waiting"]:
        text += "，" + _("%(w)d waiting") % {"w": cell["waiting"]}
    if cell["missing"]:
        text += "，" + _("missing")
    return text


register_exporter(
    CityReportExporter(
        kind="citypack",
        label=gettext_lazy("City pack"),
        permission="citypack.view",
        headers=[],
        rows=None,
        takes_id=True,
    )
)
