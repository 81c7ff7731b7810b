"""Messaging services: a person's channel choices, group robots, the delivery log."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import can, in_scope
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.messaging.models import Delivery, DeliveryStatus, NotificationPreference, Robot
from shuangyong.org.models import Unit, User


def preference_of(user: User) -> NotificationPreference:
    return NotificationPreference.objects.get_or_create(user=user)[0]


# A WeCom account as the address book gives it. "@all" and "a|b" are addressing syntax of
# the send API (everyone in the app, several people): a person may only name themselves.
WECOM_USERID = re.compile(r"[A-Za-z0-9._-][A-Za-z0-9._@-]{0,63}")


def check_wecom_userid(value: str) -> str:
    """The WeCom user ID as stored, or ValidationError when it would address anyone else."""
    value = value.strip()
    if value and not WECOM_USERID.fullmatch(value):
        raise ValidationError(
            _("A WeCom user ID is letters, digits, '.', '_', '-' or '@', and names one person.")
        )
    return value


@transaction.atomic
def set_preferences(
    *, user: User, channels_off: list[str], wecom_userid: str | None = None
) -> NotificationPreference:
    """Save which channels a person turned off (and their WeCom ID).

    Rules: a person sets only their own; in-app notifications cannot be turned off; the
    WeCom ID names one account (never "@all" or a list), else ValidationError.
    """
    if wecom_userid is not None:
        wecom_userid = check_wecom_userid(wecom_userid)
    preference = preference_of(user)
    before = {"channels_off": preference.channels_off, "wecom_userid": preference.wecom_userid}
    preference.channels_off = sorted(set(channels_off))
    if wecom_userid is not None:
        preference.wecom_userid = wecom_userid.strip()
    preference.save()
    after = {"channels_off": preference.channels_off, "wecom_userid": preference.wecom_userid}
    if before != after:
        record(Action.UPDATE, obj=preference, changes={"before": before, "after": after}, user=user)
    return preference


@transaction.atomic
def add_robot(
    *, actor: User, name: str, kind: str, unit: Unit, token: str, secret: str = ""
) -> Robot:
    """Add a group chat's robot for a unit.

    Rules: office and administrator only (``robots.manage``); the unit within their scope.
    """
    if not can(actor, "robots.manage") or not in_scope(actor, unit):
        raise PermissionDenied
    robot = Robot.objects.create(name=name, kind=kind, unit=unit, token=token, secret=secret)
    record(Action.CREATE, obj=robot, detail={"kind": kind, "unit": unit.pk}, user=actor)
    return robot


@transaction.atomic
def remove_robot(*, actor: User, robot: Robot) -> None:
    """Turn a robot off (its log stays). Rules: ``robots.manage``."""
    if not can(actor, "robots.manage"):
        raise PermissionDenied
    robot.is_active = False
    robot.save(update_fields=["is_active"])
    record(Action.UPDATE, obj=robot, changes={"is_active": [True, False]}, user=actor)


@transaction.atomic
def retry_delivery(*, actor: User, delivery: Delivery) -> None:
    """Send a given-up delivery again at the next worker round. Rules: ``deliveries.view``."""
    if not can(actor, "deliveries.view"):
        raise PermissionDenied
    if delivery.status != DeliveryStatus.GAVE_UP:
        return
    delivery.status = DeliveryStatus.RETRY
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    record(Action.UPDATE, obj=delivery, detail={"retry": True}, user=actor)
