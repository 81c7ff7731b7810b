"""The self-assessment report as a PDF (fpdf2, with a Chinese font from this machine).

The layout follows the printable page: summary, a bar per category, vetoes, the
gaps largest first, then every criterion with the engine's reasons. The font is
embedded as a subset, so the file reads the same on a machine without it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from shuangyong.reports.fonts import CjkFont, NoChineseFont, find_cjk_font
from shuangyong.reports.self_assessment import SelfAssessmentReport, points

FAMILY = "cjk"
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (13, 110, 253)
DANGER = (176, 42, 55)
TRACK = (222, 226, 230)
HEAD_FILL = (233, 236, 239)
CATEGORY_FILL = (231, 241, 255)


class ReportPDF(FPDF):
    def __init__(self, *, font: CjkFont, running_title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.add_font(FAMILY, fname=font.path, collection_font_number=font.index)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_font(FAMILY, size=10)

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.running_title, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.set_text_color(*INK)

    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, _("Page %(n)s of %(total)s") % {"n": self.page_no(), "total": "{nb}"},
                  align="C")  # fmt: skip
        self.set_text_color(*INK)

    def heading(self, text: str):
        self.ln(3)
        self.set_font(FAMILY, size=13)
        self.set_text_color(*ACCENT)
        self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.set_font(FAMILY, size=10)

    def paragraph(self, text: str, *, color=INK, size=10):
        self.set_font(FAMILY, size=size)
        self.set_text_color(*color)
        self.multi_cell(0, 5.5, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)  # fmt: skip
        self.set_text_color(*INK)

    def grid(
        self,
        headings: list[str],
        rows: list[list[str]],
        widths: tuple[int, ...],
        shaded: frozenset[int] = frozenset(),
    ):
        """A table whose headings repeat on each page and whose cells wrap by character;
        the rows numbered in ``shaded`` (categories) are shaded."""
        style = FontFace(family=FAMILY, emphasis="", fill_color=HEAD_FILL)
        category = FontFace(family=FAMILY, emphasis="", fill_color=CATEGORY_FILL)
        self.set_font(FAMILY, size=9)
        with self.table(
            col_widths=widths,
            headings_style=style,
            line_height=5,
            text_align="LEFT",
            wrapmode=WrapMode.CHAR,
            padding=1,
        ) as table:
            head = table.row()
            for text in headings:
                head.cell(text)
            for number, values in enumerate(rows):
                row = table.row()
                for text in values:
                    row.cell(text, style=category if number in shaded else None)
        self.set_font(FAMILY, size=10)

    def bars(self, report: SelfAssessmentReport):
        """One horizontal bar per category: earned over the category's points."""
        label_w, bar_w, value_w, h = 62, 88, 24, 6
        for bar in report.charted_categories:
            if self.will_page_break(h + 2):
                self.add_page()
            x, y = self.get_x(), self.get_y()
            self.set_font(FAMILY, size=9)
            title = f"{bar.code} {bar.title}"
            while self.get_string_width(title) > label_w - 2 and len(title) > 4:
                title = title[:-2] + "…"
            self.cell(label_w, h, title)
            self.set_fill_color(*TRACK)
            self.rect(x + label_w, y + 1, bar_w, h - 2, style="F")
            self.set_fill_color(*(DANGER if bar.percent < 60 else ACCENT))
            if bar.percent:
                self.rect(x + label_w, y + 1, bar_w * bar.percent / 100, h - 2, style="F")
            self.set_xy(x + label_w + bar_w + 2, y)
            self.cell(value_w, h, f"{points(bar.earned)} / {points(bar.points)}",
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
            self.ln(1)
        self.set_fill_color(255, 255, 255)
        self.set_font(FAMILY, size=10)


def render_self_assessment(report: SelfAssessmentReport, font: CjkFont | None = None) -> bytes:
    """The report as PDF bytes.

    Raises reports.fonts.NoChineseFont when no Chinese font is available.
    """
    font = font or find_cjk_font()
    campaign = report.campaign
    title = _("%(campaign)s self-assessment report") % {"campaign": campaign.name}
    try:
        pdf = ReportPDF(font=font, running_title=title)
    except OSError as exc:  # the font went away since it was found
        raise NoChineseFont([font.path]) from exc
    pdf.set_title(title)
    pdf.set_creator("Shuangyong")
    pdf.add_page()

    pdf.set_font(FAMILY, size=18)
    pdf.multi_cell(0, 10, title, align="C", wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)  # fmt: skip
    pdf.ln(2)
    pdf.paragraph(_("Basis: %(basis)s") % {"basis": report.basis}, color=MUTED, size=9)
    pdf.paragraph(
        _("Standard: %(standard)s · Made on %(date)s")
        % {"standard": campaign.standard, "date": report.made_on.isoformat()},
        color=MUTED,
        size=9,
    )

    total = report.total
    pdf.heading(_("1. Summary"))
    pdf.grid(
        [_("Item"), _("Figure")],
        [
            [_("Total score"), points(total.score)],
            [_("Base points"), f"{points(total.base)} / {points(total.available)}"],
            [_("Bonus points"), f"{points(total.bonus)} / {points(campaign.standard.bonus_cap)}"],
            [_("Target score"), points(report.target)],
            [_("Short of the target"), points(report.shortfall)],
            [
                _("Without the items not yet verified"),
                _("%(score)s (%(n)d items not yet verified)")
                % {"score": points(total.verified_score), "n": len(total.unverified)},
            ],
            [_("Items short of full points"), str(len(report.gaps))],
            [
                _("Eligible"),
                _("No: a veto item is triggered") if total.ineligible else _("Yes: no veto item"),
            ],
        ],
        (60, 114),
    )

    pdf.heading(_("2. Points per category"))
    pdf.bars(report)

    pdf.heading(_("3. Veto items"))
    if total.vetoes:
        for veto in total.vetoes:
            pdf.paragraph("· " + veto, color=DANGER)
    else:
        pdf.paragraph(_("No veto item is triggered."))

    pdf.heading(_("4. Gaps, largest first"))
    if report.gaps:
        pdf.grid(
            [_("No."), _("Criterion"), _("Points lost"), _("Why")],
            [row.gap_cells() for row in report.gaps],
            (16, 58, 18, 82),
        )
    else:
        pdf.paragraph(_("Every item has its full points."))

    pdf.heading(_("5. Points per criterion"))
    pdf.grid(
        [_("No."), _("Criterion"), _("Points"), _("Earned"), _("Scoring basis")],
        [row.score_cells() for row in report.rows],
        (16, 62, 14, 14, 68),
        shaded=frozenset(n for n, row in enumerate(report.rows) if not row.criterion.is_leaf),
    )
    return bytes(pdf.output())
