"""Notifications: in the app always, by email and text message unless muted; never twice.

Everything goes out in bulk: a run of the reminder job writes its
notifications with one insert and sends its mail in one connection.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail

from shuangyong.supervision import sms
from shuangyong.supervision.models import Delivery, Notification, NotificationPreference


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str
    link: str
    key: str


def send(pairs: list[tuple[object, Message]]) -> int:
    """Deliver (user, message) pairs; a user gets each key once. Returns how many were new.

    Rules: the in-app notification is always written; email goes to users with an
    address who did not mute it, text messages to users whose person has a phone and
    who did not mute them.
    """
    if not pairs:
        return 0
    keys = {m.key for _u, m in pairs}
    already = set(Notification.objects.filter(key__in=keys).values_list("recipient_id", "key"))
    fresh: dict[tuple[int, str], tuple[object, Message]] = {}
    for user, message in pairs:
        fresh.setdefault((user.pk, message.key), (user, message))
    new = [(u, m) for (uid, key), (u, m) in fresh.items() if (uid, key) not in already]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=u, kind=m.kind, title=m.title, body=m.body, link=m.link, key=m.key
            )
            for u, m in new
        ],
        ignore_conflicts=True,
    )
    muted = {
        p.user_id: p for p in NotificationPreference.objects.filter(user__in=[u for u, _m in new])
    }
    mails, texts = [], []
    for user, message in new:
        preference = muted.get(user.pk)
        if user.email and (preference is None or preference.email):
            mails.append((user.email, message))
        phone = user.person.phone if getattr(user, "person", None) else ""
        if phone and (preference is None or preference.sms):
            texts.append((phone, message))
    deliver(mails, texts)
    return len(new)


def deliver(mails: list[tuple[str, Message]], texts: list[tuple[str, Message]]) -> None:
    """Send email and text messages in bulk and record each delivery once."""
    records = []
    if mails:
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", "shuangyong@localhost")
        send_mass_mail(
            [(m.title, f"{m.body}\n\n{m.link}", sender, [address]) for address, m in mails],
            fail_silently=True,
        )
        records += [
            Delivery(channel=Delivery.Channel.EMAIL, address=a, key=m.key) for a, m in mails
        ]
    if texts:
        errors = sms.backend().send([(phone, f"【双拥】{m.title}") for phone, m in texts])
        records += [
            Delivery(
                channel=Delivery.Channel.SMS,
                address=phone,
                key=m.key,
                ok=not error,
                error=error[:300],
            )
            for (phone, m), error in zip(texts, errors, strict=True)
        ]
    Delivery.objects.bulk_create(records, ignore_conflicts=True)


def to_people_without_accounts(people_messages: list[tuple[object, Message]]) -> int:
    """Text or email people who have no account (a unit's head): each key once."""
    if not people_messages:
        return 0
    keys = {m.key for _p, m in people_messages}
    sent = set(Delivery.objects.filter(key__in=keys).values_list("address", "key"))
    mails, texts = [], []
    for person, message in people_messages:
        if person.phone and (person.phone, message.key) not in sent:
            texts.append((person.phone, message))
        elif person.email and (person.email, message.key) not in sent:
            mails.append((person.email, message))
    deliver(mails, texts)
    return len(mails) + len(texts)
