"""`shuangyong export self_assessment CAMPAIGN -o FILE`: the report as PDF or Excel,
audited; a wrong ID or no font is a clear error and no file."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shuangyong.audit.models import AuditEvent
from shuangyong.core.testing import read_xlsx
from shuangyong.reports.self_assessment import points


def test_the_pdf_from_the_command_line(campaign, scored, cjk_font, pdf_text, tmp_path):
    out = tmp_path / "自评报告.pdf"
    call_command("export", "self_assessment", str(campaign.pk), "-o", str(out))
    text = "".join(pdf_text(out.read_bytes()).split())
    assert "测试区创建自评报告" in text and points(scored.evaluate().score) in text
    assert AuditEvent.objects.filter(object_type="export:self_assessment").count() == 1


def test_the_same_figures_as_a_workbook(campaign, scored, tmp_path):
    out = tmp_path / "自评报告.xlsx"
    call_command("export", "self_assessment", str(campaign.pk), "-o", str(out))
    rows = read_xlsx(out)
    assert rows[0] == ["考评编号", "考评项目", "分值", "得分", "评分依据"]
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["1.2"][3] == "2" and by_code["2.1"][3] == points(by_code["2.1"][2])
    gaps = read_xlsx(out, sheet=1)
    assert gaps[1][0] == "10.2"  # the veto first
    summary = dict(tuple(r) for r in read_xlsx(out, sheet=2)[1:])
    assert summary["总分"] == points(scored.evaluate().score)


def test_a_wrong_campaign_or_missing_font_writes_nothing(campaign, no_cjk_font, tmp_path):
    out = tmp_path / "r.pdf"
    with pytest.raises(CommandError, match="没有编号为"):
        call_command("export", "self_assessment", "999999", "-o", str(out))
    with pytest.raises(CommandError, match="fonts-noto-cjk"):
        call_command("export", "self_assessment", str(campaign.pk), "-o", str(out))
    assert not out.exists()
