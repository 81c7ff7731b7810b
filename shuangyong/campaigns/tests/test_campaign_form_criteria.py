"""The campaign form's 述职 / 计划总结 dropdowns list the criteria of published standards
(of the campaign's own standard once it exists), never a draft's."""

from django.urls import reverse

from shuangyong.standards.models import Criterion, Standard


def test_no_draft_criteria_in_the_duty_report_dropdown(client, people, standard, campaign):
    draft = Standard.objects.create(name="草稿标准", version="v0")
    Criterion.objects.create(
        standard=draft, code="1", sort_key="0001", title="草稿项目", points=1, rule_type="manual"
    )
    client.force_login(people.office)
    new = client.get(reverse("campaigns:campaign_create")).context["form"]
    offered = {c.standard_id for c in new.fields["duty_report_criterion"].queryset}
    assert offered == {standard.pk}
    edit = client.get(reverse("campaigns:campaign_edit", args=[campaign.pk])).context["form"]
    assert {c.standard_id for c in edit.fields["plan_criterion"].queryset} == {standard.pk}


def test_outsiders(client, people):
    client.force_login(people.liaison_b)
    assert client.get(reverse("campaigns:campaign_create")).status_code == 403
