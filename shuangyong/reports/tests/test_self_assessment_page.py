"""The printable self-assessment page: district staff only, the basis chosen on the page,
the PDF button greyed out with the reason when the machine has no Chinese font."""

from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangyong.campaigns.models import Task
from shuangyong.reports.self_assessment import self_assessment_report


def _url(campaign, **query):
    url = reverse("reports:self_assessment", args=[campaign.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_office_reads_the_report_on_the_latest_self_assessment(
    client, people, campaign, scored, cjk_font
):
    client.force_login(people.office)
    body = client.get(_url(campaign)).content.decode()
    score = floatformat(scored.evaluate().score, "-2")
    assert f'data-testid="report-score">{score}<' in body
    assert "测试区创建" in body and "自评" in body
    assert 'data-testid="vetoes"' in body and "10.2" in body
    assert 'data-testid="earned-1.2">2<' in body
    assert 'data-testid="category-bars"' in body and "sy-progress-" in body
    assert 'data-testid="pdf-link"' in body and 'data-testid="font-problem"' not in body


def test_the_live_basis_is_chosen_on_the_page(client, people, campaign, scored, district):
    Task.objects.create(campaign=campaign, criterion=campaign.standard.criteria.get(code="1.1"),
                        title="召开常委会", lead_unit=district.a, progress=100)  # fmt: skip
    live = self_assessment_report(campaign=campaign, assessment=None).total.score
    assert live != scored.evaluate().score
    client.force_login(people.office)
    body = client.get(_url(campaign, basis="live")).content.decode()
    assert '<option value="live" selected>' in body
    assert f'data-testid="report-score">{floatformat(live, "-2")}<' in body
    assert 'self-assessment.pdf?basis=live" data-testid="pdf-link"' in body


def test_without_a_chinese_font_the_page_still_works_and_says_why(
    client, people, campaign, scored, no_cjk_font
):
    client.force_login(people.office)
    response = client.get(_url(campaign))
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="criteria"' in body
    assert 'data-testid="font-problem"' in body and "fonts-noto-cjk" in body
    assert 'data-testid="pdf-link"' not in body


def test_unit_liaisons_and_the_auditor_are_refused(client, people, campaign, scored):
    for who in (people.liaison_a, people.liaison_b, people.military, people.auditor):
        client.force_login(who)
        assert client.get(_url(campaign)).status_code == 403
    client.logout()
    assert client.get(_url(campaign)).status_code == 302


def test_the_page_runs_the_same_queries_whatever_the_work(
    client, people, campaign, scored, district, django_assert_num_queries
):
    from django.db import connection

    client.force_login(people.office)
    client.get(_url(campaign))  # session and language settle on the first request
    with CaptureQueriesContext(connection) as small:
        client.get(_url(campaign))
    criteria = list(campaign.standard.criteria.filter(rule_type="all_or_nothing"))
    Task.objects.bulk_create(
        Task(campaign=campaign, criterion=criteria[i % len(criteria)], title=f"任务{i}",
             lead_unit=district.a, progress=100)
        for i in range(150)
    )  # fmt: skip
    with django_assert_num_queries(len(small)):
        client.get(_url(campaign))
    # Live: the work's facts instead of scores, and the figures of the eleven measures the
    # example standard names (a fixed few each).
    with django_assert_num_queries(len(small) + 21):
        client.get(_url(campaign, basis="live"))
