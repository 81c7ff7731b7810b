from django.urls import reverse

from shuangyong.standards.models import Criterion, Standard


def draft():
    standard = Standard.objects.create(name="草稿标准", version="1")
    Criterion.objects.create(standard=standard, code="1", title="组织领导", points=2)
    return standard


def test_office_adds_an_item_under_a_category(client, people):
    standard = draft()
    client.force_login(people.office)
    page = client.get(reverse("standards:criterion_create", args=[standard.pk]) + "?parent=1")
    assert page.context["form"].initial["code"] == "1.1"
    response = client.post(
        reverse("standards:criterion_create", args=[standard.pk]),
        {
            "code": "1.1",
            "title": "研究双拥工作",
            "points": "2",
            "rule_type": "per_element",
            "rule_params": '{"elements": ["常委会", "常务会"]}',
        },
    )
    assert response.status_code == 302
    item = standard.criteria.get(code="1.1")
    assert item.parent.code == "1" and item.rule_params == {"elements": ["常委会", "常务会"]}


def test_parameters_that_do_not_fit_are_shown_on_the_field(client, people):
    standard = draft()
    client.force_login(people.office)
    response = client.post(
        reverse("standards:criterion_create", args=[standard.pk]),
        {
            "code": "1.1",
            "title": "x",
            "points": "2",
            "rule_type": "proportional",
            "rule_params": '{"target": 0}',
        },
    )
    assert "rule_params" in response.context["form"].errors
    response = client.post(
        reverse("standards:criterion_create", args=[standard.pk]),
        {"code": "3.1", "title": "x", "points": "2", "rule_type": "all_or_nothing"},
    )
    assert "找不到编号为 3 的上级项目" in str(response.context["form"].errors["code"])
    assert standard.criteria.count() == 1


def test_a_published_standard_is_not_edited(client, people):
    standard = draft()
    Standard.objects.filter(pk=standard.pk).update(status="published")
    category = standard.criteria.get()
    client.force_login(people.office)
    client.post(
        reverse("standards:criterion_edit", args=[standard.pk, category.pk]),
        {"code": "1", "title": "改了", "points": "2"},
    )
    client.post(reverse("standards:criterion_delete", args=[standard.pk, category.pk]))
    category.refresh_from_db()
    assert category.title == "组织领导"


def test_deleting_removes_the_subtree(client, people):
    standard = draft()
    category = standard.criteria.get()
    Criterion.objects.create(
        standard=standard,
        parent=category,
        code="1.1",
        title="项",
        points=2,
        rule_type="all_or_nothing",
    )
    client.force_login(people.office)
    client.post(reverse("standards:criterion_delete", args=[standard.pk, category.pk]))
    assert not standard.criteria.exists()
