"""Comments with @mentions on tasks, orders, notices and joint items."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shuangyong.campaigns.models import Task
from shuangyong.coordination import services
from shuangyong.coordination.models import Comment
from shuangyong.messaging.models import Notification
from shuangyong.supervision.models import SupervisionOrder


@pytest.fixture
def task(campaign, district):
    return Task.objects.create(campaign=campaign, title="组织国防教育进校园", lead_unit=district.a)


def add(client, kind, pk, text, follow=True):
    return client.post(
        reverse("coordination:comment_add", args=[kind, pk]), {"text": text}, follow=follow
    )


def test_a_mention_by_user_name_or_by_name_notifies_that_person_once(client, task, people):
    client.force_login(people.office)
    response = add(client, "task", task.pk, "@liaison_a 请补充照片，@李四 也看一下")
    assert response.redirect_chain[-1][0].endswith(f"/campaigns/tasks/{task.pk}/#comments")
    comment = Comment.objects.get()
    assert set(comment.mentions.values_list("username", flat=True)) == {"liaison_a", "liaison_b"}
    mentioned = Notification.objects.filter(kind="mention")
    assert set(mentioned.values_list("recipient__username", flat=True)) == {
        "liaison_a",
        "liaison_b",
    }
    assert mentioned.first().link == reverse("campaigns:task_detail", args=[task.pk])
    assert "请补充照片" in response.content.decode()  # shown on the task's page


def test_an_unknown_mention_is_refused_and_the_text_is_kept(client, task, people):
    client.force_login(people.office)
    response = add(client, "task", task.pk, "@王麻子 请跟进")
    page = response.content.decode()
    assert not Comment.objects.exists() and not Notification.objects.exists()
    assert 'data-testid="comment-error"' in page and "@王麻子" in page
    assert "@王麻子 请跟进</textarea>" in page  # nothing typed is lost
    again = client.get(reverse("campaigns:task_detail", args=[task.pk])).content.decode()
    assert 'data-testid="comment-error"' not in again  # the draft is shown once


def test_an_ambiguous_name_is_refused(people, district, task):
    from conftest import make_user
    from shuangyong.access import Role

    make_user("liaison_a2", Role.UNIT_LIAISON, district.a_child, name="张三")
    with pytest.raises(ValidationError) as error:
        services.add_comment(target=task, author=people.office, text="@张三 看看", link="/")
    assert "@张三" in str(error.value)


def test_the_outsider_can_neither_read_nor_comment(client, task, people):
    client.force_login(people.liaison_b)
    assert add(client, "task", task.pk, "路过", follow=False).status_code == 404
    assert add(client, "nothing", task.pk, "x", follow=False).status_code == 404
    assert not Comment.objects.exists()


def test_comments_appear_on_orders_notices_and_joint_items(
    client, people, district, campaign, task
):
    order = SupervisionOrder.objects.create(
        campaign=campaign,
        year=2026,
        number=1,
        level="general",
        unit=district.a,
        subject="督办",
        requirement="r",
        deadline=dt.date(2099, 1, 1),
    )
    notice = services.send_notice(
        author=people.office, title="n", body="b", units=[district.a], requires_reply=False
    )
    joint = services.raise_joint_item(
        campaign=campaign,
        title="j",
        description="",
        local_unit=district.a,
        garrison_unit=district.garrison,
        actor=people.office,
    )
    client.force_login(people.liaison_a)
    for kind, target, url in [
        ("order", order, reverse("supervision:order_detail", args=[order.pk])),
        ("notice", notice, reverse("coordination:notice_detail", args=[notice.pk])),
        ("joint", joint, reverse("coordination:joint_detail", args=[joint.pk])),
    ]:
        response = add(client, kind, target.pk, f"关于{kind}的意见")
        assert response.redirect_chain[-1][0] == f"{url}#comments"
        assert f"关于{kind}的意见" in response.content.decode()
