"""Notifications: in the app at once, on each person's channels through the outbox; never twice.

``send([(user, Message), …])`` writes the in-app notifications in one insert and
queues one delivery per chosen channel (and per group robot of the recipients'
units) in another; the worker sends them. A person gets each key once; an
address gets each key once per channel. ``listen(fn)`` lets an app hear every
event once (``fn(messages)``), e.g. to queue API webhooks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from shuangyong.access import UNIT_SCOPED_ROLES
from shuangyong.messaging import channels, outbox
from shuangyong.messaging.kinds import Kind
from shuangyong.messaging.models import Delivery, Notification, NotificationPreference, Robot
from shuangyong.org.models import Person, User


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str
    link: str
    key: str

    def __post_init__(self) -> None:
        # A kind not listed cannot be chosen by a webhook: refused where it is made.
        if self.kind not in Kind.values:
            raise ValueError(f"{self.kind!r} is not a kind of messaging.kinds.Kind")

    def payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": str(self.title),
            "body": str(self.body),
            "link": self.link,
        }


LISTENERS: list[Callable[[list[Message]], object]] = []


def liaisons_of(unit_ids: Iterable[int]) -> list[User]:
    """The accounts that act for these units (liaisons of every kind): the one lookup of
    "who answers for this unit" that every loop tells."""
    return list(
        User.objects.filter(
            is_active=True, role__in=UNIT_SCOPED_ROLES, person__unit_id__in=unit_ids
        ).select_related("person")
    )


def liaisons_by_unit(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """``liaisons_of`` grouped by their unit's id (one query for many units)."""
    found: dict[int, list[User]] = {}
    for user in liaisons_of(unit_ids):
        if user.person is not None:  # always: liaisons_of selects by the person's unit
            found.setdefault(user.person.unit_id, []).append(user)
    return found


def with_role(*roles: str) -> list[User]:
    """The active accounts of these roles (the office, the supervisors…)."""
    return list(User.objects.filter(is_active=True, role__in=roles).select_related("person"))


def listen(fn: Callable[[list[Message]], object]) -> None:
    """Call ``fn(messages)`` with the distinct new messages of every ``send``."""
    if fn not in LISTENERS:
        LISTENERS.append(fn)


def tell(users: Iterable[User], message: Message) -> int:
    """One message to several users (a one-line call for services)."""
    return send([(u, message) for u in users])


def send(pairs: list[tuple[User, Message]]) -> int:
    """Deliver (user, message) pairs; a user gets each key once. Returns how many were new.

    Rules: the in-app notification is always written; each personal channel the
    person did not turn off and has an address for gets one delivery; a unit's
    active group robots get one delivery per key for the unit's people. A fixed
    number of queries whatever the number of pairs.
    """
    if not pairs:
        return 0
    keys = {m.key for _u, m in pairs}
    already = set(Notification.objects.filter(key__in=keys).values_list("recipient_id", "key"))
    fresh: dict[tuple[int, str], tuple[User, Message]] = {}
    for user, message in pairs:
        fresh.setdefault((user.pk, message.key), (user, message))
    new = [(u, m) for (uid, key), (u, m) in fresh.items() if (uid, key) not in already]
    if not new:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=u, kind=m.kind, title=m.title, body=m.body, link=m.link, key=m.key
            )
            for u, m in new
        ],
        ignore_conflicts=True,
    )
    preferences = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(user__in=[u.pk for u, _m in new])
    }
    personal = channels.personal_channels()
    deliveries = []
    units_of_key: dict[str, set[int]] = defaultdict(set)
    messages: dict[str, Message] = {}
    for user, message in new:
        messages[message.key] = message
        preference = preferences.get(user.pk)
        for channel in personal:
            if preference is not None and not preference.wants(channel.name):
                continue
            address = channel.address_for(user, preference)
            if address:
                deliveries.append(_delivery(channel.name, address, message, user))
        person = getattr(user, "person", None)
        if person is not None and person.unit_id:
            units_of_key[message.key].add(person.unit_id)
    unit_ids = set().union(*units_of_key.values()) if units_of_key else set()
    if unit_ids:
        robots = list(Robot.objects.filter(unit_id__in=unit_ids, is_active=True))
        for key, units in units_of_key.items():
            for robot in robots:
                if robot.unit_id in units:
                    deliveries.append(_delivery(robot.kind, str(robot.pk), messages[key]))
    outbox.enqueue_many(deliveries)
    for listener in LISTENERS:
        listener(list(messages.values()))
    return len(new)


def _delivery(channel: str, address: str, message: Message, user: User | None = None) -> Delivery:
    return Delivery(
        channel=channel,
        address=address,
        key=message.key,
        event=message.kind,
        payload=message.payload(),
        user=user,
    )


def to_people_without_accounts(people_messages: list[tuple[Person, Message]]) -> int:
    """Text or email people who have no account (a unit's head): each key once.

    Rules: by text message when the person has a phone, else by email.
    """
    deliveries = []
    for person, message in people_messages:
        if person.phone:
            deliveries.append(_delivery("sms", person.phone, message))
        elif person.email:
            deliveries.append(_delivery("email", person.email, message))
    return outbox.enqueue_many(deliveries)
