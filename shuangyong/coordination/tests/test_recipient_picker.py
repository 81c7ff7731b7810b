"""The notice form's recipient picker: groups (all streets, all member units, all
garrisons) expanded on the server within the units the author may address, each unit a
checkbox in a list filtered by typing, the role targets as real checkboxes."""

from django.urls import reverse

from shuangyong.access import Role
from shuangyong.coordination.models import Notice
from shuangyong.org.models import Unit, UnitKind

URL = "coordination:notice_send"


def send(client, **data):
    return client.post(reverse(URL), {"title": "关于走访慰问的通知", "body": "请落实。", **data})


def recipients(notice):
    return sorted(notice.receipts.values_list("unit__name", flat=True))


def test_a_group_sends_to_every_unit_of_it(client, people, district):
    Unit.objects.create(code="S2", name="西街道", kind=UnitKind.STREET, parent=district.root)
    client.force_login(people.office)
    assert send(client, groups=["streets"]).status_code == 302
    assert recipients(Notice.objects.get()) == ["东街道", "西街道"]


def test_groups_and_single_units_together_once_each(client, people, district):
    client.force_login(people.office)
    send(client, groups=["members", "garrisons"], units=[district.a.pk, district.street.pk])
    # 甲局 ticked and in the member group: one receipt; the street ticked alone.
    assert recipients(Notice.objects.get()) == sorted(["东街道", "乙局", "甲局", "某部"])


def test_a_unit_sender_reaches_only_the_units_below_it(client, people, district):
    Unit.objects.create(
        code="A2", name="甲局直属站", kind=UnitKind.OTHER, parent=district.a, is_member=True
    )
    client.force_login(people.liaison_a)
    page = client.get(reverse(URL)).content.decode()
    assert "甲局直属站" in page and "乙局" not in page
    send(client, groups=["members", "streets"])
    assert recipients(Notice.objects.get()) == ["甲局直属站"]


def test_the_picker_renders_checkboxes_not_bars(
    client, people, district, django_assert_max_num_queries
):
    client.force_login(people.office)
    with django_assert_max_num_queries(12):
        page = client.get(reverse(URL)).content.decode()
    assert 'data-testid="recipient-picker"' in page and "data-picker-search" in page
    assert page.count('name="units"') == 7  # every unit once
    assert page.count('name="groups"') == 3
    for role in (Role.UNIT_LIAISON, Role.MILITARY_LIAISON, Role.CARE_OFFICER):
        assert 'class="form-check-input" id="id_roles_' in page and f'value="{role}"' in page
    assert 'name="roles" value="unit_liaison" class="form-control' not in page
    assert 'multiple size="10"' not in page


def test_a_refused_form_keeps_the_ticks(client, people, district):
    client.force_login(people.office)
    response = client.post(reverse(URL), {"title": "", "body": "x", "units": [district.b.pk]})
    page = response.content.decode()
    assert response.status_code == 200 and not Notice.objects.exists()
    assert f'value="{district.b.pk}" id="sy-unit-{district.b.pk}" checked' in page


def test_outsiders(client, people, district):
    client.force_login(people.auditor)
    assert client.get(reverse(URL)).status_code == 403
    client.force_login(people.liaison_b)
    send(client, units=[district.a.pk])  # not below unit B
    assert not Notice.objects.exists()
