"""The self-assessment report as a PDF: Chinese text in an embedded font, the same
figures as the page, the download audited; no font means a clear message, not a 500."""

import io

import pypdf
from django.urls import reverse

from shuangyong.audit.models import AuditEvent
from shuangyong.reports.self_assessment import points, self_assessment_report


def _pdf_url(campaign, basis=""):
    url = reverse("reports:self_assessment_pdf", args=[campaign.pk])
    return f"{url}?basis={basis}" if basis else url


def _fonts(data: bytes):
    """Each font's name and whether its program is embedded, and the page count."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add((str(font["/BaseFont"]), embedded))
    return fonts, len(reader.pages)


def test_the_office_downloads_the_pdf_in_chinese(
    client, people, campaign, scored, cjk_font, pdf_text
):
    client.force_login(people.office)
    response = client.get(_pdf_url(campaign))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    fonts, pages = _fonts(response.content)
    assert pages >= 2
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert any(cjk_font.name.replace(" ", "") in name for name, _embedded in fonts), fonts
    compact = "".join(pdf_text(response.content).split())
    assert "测试区创建" in compact and "自评报告" in compact
    assert points(scored.evaluate().score) in compact
    assert "双拥工作领导小组健全" in compact  # criterion 1.2's title
    assert "10.2" in compact  # the triggered veto
    event = AuditEvent.objects.get(action="export", object_type="export:self_assessment")
    assert event.object_id == str(campaign.pk) and event.actor_id == people.office.pk


def test_the_live_basis_prints_the_live_score(client, people, campaign, scored, cjk_font, pdf_text):
    client.force_login(people.supervisor)
    response = client.get(_pdf_url(campaign, "live"))
    compact = "".join(pdf_text(response.content).split())
    live = self_assessment_report(campaign=campaign, assessment=None)
    assert "".join(live.basis.split()) in compact
    assert points(live.total.score) in compact


def test_without_a_font_the_pdf_step_says_so(client, people, campaign, scored, no_cjk_font):
    client.force_login(people.office)
    response = client.get(_pdf_url(campaign), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[0][1] == 302
    assert "fonts-noto-cjk" in body and 'data-testid="criteria"' in body
    assert not AuditEvent.objects.filter(object_type="export:self_assessment").exists()


def test_outsiders_get_no_pdf(client, people, campaign, scored):
    for who in (people.liaison_a, people.care, people.auditor):
        client.force_login(who)
        assert client.get(_pdf_url(campaign)).status_code == 403
