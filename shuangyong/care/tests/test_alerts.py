"""Care loops tell people: a batch waits for its approvers, an answered need reaches its author."""

import datetime as dt

from django.utils import timezone

from shuangyong.care import payments, support
from shuangyong.care.tests.conftest import entitle, person, standard
from shuangyong.messaging.models import Notification


def kinds(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_computed_batch_tells_its_approvers_not_its_maker(people, officer, district):
    standard("war_veteran", "1000", per="month")
    entitle(person(district, name="东一"), "war_veteran", officer)
    batch = payments.compute(programme="living", period="2026-11", actor=officer)
    assert kinds(people.office) == ["batch_ready"]
    assert kinds(officer) == []  # the maker does not approve
    assert kinds(people.care) == []  # a street's officer approves nothing
    assert kinds(people.liaison_b) == []
    payments.compute(programme="living", period="2026-11", actor=officer)  # computed again
    assert kinds(people.office) == ["batch_ready"]  # the same day: not announced twice
    assert Notification.objects.filter(link__endswith=f"/batches/{batch.pk}/").count() == 1


def test_a_need_answered_tells_who_registered_it(people, district, campaign):
    need = support.add_need(
        source="garrison",
        person=None,
        garrison=district.garrison,
        requester="",
        category="employment",
        text="随军家属就业",
        assignee=district.a,
        deadline=timezone.localdate() + dt.timedelta(days=10),
        actor=people.military,
    )
    assert "need" in kinds(people.liaison_a)  # assigned
    support.reply_need(need=need, text="已推荐岗位", actor=people.liaison_a)
    assert kinds(people.military) == ["need_answered"]
    assert "need_answered" not in kinds(people.liaison_b)
