"""A joint item waiting for the other side's signature tells that side, once."""

from shuangyong.coordination import services
from shuangyong.messaging.models import Notification


def test_the_other_side_is_told_it_waits_for_its_signature(people, district, campaign):
    item = services.raise_joint_item(
        campaign=campaign,
        title="营区周边道路修缮",
        description="两侧共同确认",
        local_unit=district.a,
        garrison_unit=district.garrison,
        actor=people.office,
    )
    services.sign_off(item=item, side="local", actor=people.liaison_a)
    waiting = Notification.objects.filter(kind="joint_signature")
    assert list(waiting.values_list("recipient__username", flat=True)) == ["military"]
    services.sign_off(item=item, side="military", actor=people.military)
    assert waiting.count() == 1  # both signed: nobody else waits
