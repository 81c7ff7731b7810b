"""What can be commented on, and who may see it: one resolver per kind of target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from django.urls import reverse

from shuangyong.access import can, scoped
from shuangyong.campaigns.models import Task
from shuangyong.campaigns.selectors import tasks_in_scope
from shuangyong.org.models import User

if TYPE_CHECKING:
    from shuangyong.coordination.models import JointItem, Notice
    from shuangyong.supervision.models import SupervisionOrder


@dataclass(frozen=True)
class Target:
    kind: str
    permission: str
    queryset: Callable[[User], QuerySet[Any]]  # the rows this user may see
    url_name: str


def _tasks(user: User) -> QuerySet[Task]:

    return tasks_in_scope(user)


def _orders(user: User) -> QuerySet[SupervisionOrder]:
    from shuangyong.supervision.models import SupervisionOrder

    return scoped(user, SupervisionOrder.objects.all())


def _notices(user: User) -> QuerySet[Notice]:
    from shuangyong.coordination.selectors import visible_notices

    return visible_notices(user)


def _joint(user: User) -> QuerySet[JointItem]:
    from shuangyong.coordination.selectors import visible_joint_items

    return visible_joint_items(user)


TARGETS = {
    "task": Target("task", "tasks.view", _tasks, "campaigns:task_detail"),
    "order": Target("order", "orders.view", _orders, "supervision:order_detail"),
    "notice": Target("notice", "notices.view", _notices, "coordination:notice_detail"),
    "joint": Target("joint", "joint.view", _joint, "coordination:joint_detail"),
}
KIND_OF_MODEL = {
    "campaigns.task": "task",
    "supervision.supervisionorder": "order",
    "coordination.notice": "notice",
    "coordination.jointitem": "joint",
}


def resolve(user: User, kind: str, pk: int) -> Model | None:
    """The target object if the user may see it, else None."""
    target = TARGETS.get(kind)
    if target is None or not can(user, target.permission):
        return None
    return target.queryset(user).filter(pk=pk).first()


def link_of(kind: str, pk: int) -> str:
    return reverse(TARGETS[kind].url_name, args=[pk])
