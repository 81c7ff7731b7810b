"""Menus hold only what the role can use: no item named like its own section (the
office's 创建工作 ▸ 创建工作), no 征兵 menu for a unit without conscription work."""

from django.urls import reverse

from conftest import make_user
from shuangyong.access import Role
from shuangyong.portal.nav import nav_for


def items(user):
    return [
        (str(g["label"]), str(i["label"]), i["url"]) for g in nav_for(user, "/") for i in g["items"]
    ]


def test_no_item_reads_like_its_section(people):
    for user in vars(people).values():
        for group in nav_for(user, "/"):
            labels = [str(i["label"]) for i in group["items"]]
            assert len(labels) == len(set(labels)), (user, labels)
            if len(labels) > 1:
                assert str(group["label"]) not in labels, (user, group["label"], labels)


def test_the_conscription_menu_only_where_there_is_conscription_work(people, district):
    conscription = reverse("defence:campaign_list")
    street = make_user("street_liaison", Role.UNIT_LIAISON, district.street)
    shown = {
        name: conscription in [url for _g, _l, url in items(user)]
        for name, user in [
            ("office", people.office),
            ("street", street),
            ("department", people.liaison_a),
            ("garrison", people.military),
        ]
    }
    assert shown == {"office": True, "street": True, "department": False, "garrison": False}


def test_the_pages_still_open_from_a_link(client, people):
    client.force_login(people.liaison_a)
    assert client.get(reverse("defence:campaign_list")).status_code == 200


def test_the_menu_costs_no_query(people, django_assert_num_queries):
    user = type(people.liaison_a).objects.select_related("person__unit").get(pk=people.liaison_a.pk)
    with django_assert_num_queries(0):
        nav_for(user, "/")
