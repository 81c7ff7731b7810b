"""Joint military-civil items: open until both sides sign off, each side only its own."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shuangyong.coordination import services
from shuangyong.coordination.models import JointItem
from shuangyong.messaging.models import Notification
from shuangyong.org.models import Unit, UnitKind


@pytest.fixture
def item(campaign, people, district):
    """The garrison asks unit A for help with a training ground."""
    return services.raise_joint_item(
        campaign=campaign,
        title="协调训练场地",
        description="秋季训练需临时场地",
        local_unit=district.a,
        garrison_unit=district.garrison,
        actor=people.military,
    )


def test_raising_an_item_tells_both_sides(item, people):
    told = set(
        Notification.objects.filter(kind="joint").values_list("recipient__username", flat=True)
    )
    assert told == {"liaison_a", "military"}


def test_it_stays_open_after_the_local_sign_off_and_closes_after_the_military_one(
    client, item, people
):
    url = reverse("coordination:joint_detail", args=[item.pk])
    client.force_login(people.liaison_a)
    assert client.get(url).context["sides"] == {"local"}
    client.post(reverse("coordination:joint_sign", args=[item.pk, "local"]))
    item.refresh_from_db()
    assert item.local_signed_by == people.liaison_a and not item.closed
    assert client.get(url).context["sides"] == set()

    client.force_login(people.military)
    assert client.get(url).context["sides"] == {"military"}
    response = client.post(
        reverse("coordination:joint_sign", args=[item.pk, "military"]), follow=True
    )
    item.refresh_from_db()
    assert item.closed and item.military_signed_by == people.military
    assert 'data-testid="joint-state"' in response.content.decode()
    assert item not in client.get(reverse("coordination:joint_list")).context["page"]
    assert item in client.get(reverse("coordination:joint_list") + "?state=closed").context["page"]


def test_each_side_signs_only_its_own(client, item, people):
    for who, side in [
        (people.liaison_a, "military"),
        (people.office, "military"),
        (people.military, "local"),
        (people.supervisor, "local"),
    ]:
        with pytest.raises(PermissionDenied):
            services.sign_off(item=item, side=side, actor=who)
    client.force_login(people.military)
    response = client.post(reverse("coordination:joint_sign", args=[item.pk, "local"]), follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message  # a clear refusal on the item's page
    item.refresh_from_db()
    assert item.local_signed_at is None and item.military_signed_at is None


def test_nobody_signs_twice_and_an_unknown_side_is_refused(item, people):
    services.sign_off(item=item, side="local", actor=people.office)
    with pytest.raises(ValidationError):
        services.sign_off(item=item, side="local", actor=people.liaison_a)
    with pytest.raises(ValidationError):
        services.sign_off(item=item, side="both", actor=people.office)


def test_another_garrison_or_unit_neither_sees_nor_signs_it(client, item, people, district):
    other = Unit.objects.create(
        code="G2", name="另一部", kind=UnitKind.GARRISON, parent=district.root
    )
    from conftest import make_user
    from shuangyong.access import Role

    other_liaison = make_user("military2", Role.MILITARY_LIAISON, other, name="秦军")
    for outsider in (people.liaison_b, people.care, other_liaison):
        client.force_login(outsider)
        assert client.get(reverse("coordination:joint_detail", args=[item.pk])).status_code == 404
        assert (
            client.post(reverse("coordination:joint_sign", args=[item.pk, "military"])).status_code
            == 404
        )
    with pytest.raises(PermissionDenied):
        services.sign_off(item=item, side="military", actor=other_liaison)


def test_a_military_liaison_raises_items_only_for_their_own_garrison(campaign, people, district):
    other = Unit.objects.create(
        code="G2", name="另一部", kind=UnitKind.GARRISON, parent=district.root
    )
    with pytest.raises(PermissionDenied):
        services.raise_joint_item(
            campaign=campaign,
            title="t",
            description="",
            local_unit=district.a,
            garrison_unit=other,
            actor=people.military,
        )
    with pytest.raises(ValidationError):
        services.raise_joint_item(
            campaign=campaign,
            title="t",
            description="",
            local_unit=district.garrison,
            garrison_unit=district.garrison,
            actor=people.office,
        )
    with pytest.raises(ValidationError):
        services.raise_joint_item(
            campaign=campaign,
            title="t",
            description="",
            local_unit=district.a,
            garrison_unit=district.b,
            actor=people.office,
        )
    with pytest.raises(PermissionDenied):
        services.raise_joint_item(
            campaign=campaign,
            title="t",
            description="",
            local_unit=district.a,
            garrison_unit=district.garrison,
            actor=people.liaison_a,
        )
    assert not JointItem.objects.exists()


def test_the_garrison_raises_an_item_through_the_form(client, campaign, people, district):
    client.force_login(people.military)
    form = client.get(reverse("coordination:joint_raise")).context["form"]
    assert list(form.fields["garrison_unit"].queryset) == [district.garrison]
    response = client.post(
        reverse("coordination:joint_raise"),
        {
            "title": "部队家属就医需求",
            "description": "需协调定点医院",
            "local_unit": district.b.pk,
            "garrison_unit": district.garrison.pk,
        },
    )
    item = JointItem.objects.get()
    assert response.url == reverse("coordination:joint_detail", args=[item.pk])
    assert item.raised_by == people.military and item.local_unit == district.b
