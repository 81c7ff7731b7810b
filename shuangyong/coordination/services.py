"""Writes of the coordination mechanism: notices, replies, chases, meetings, decisions,
joint items, comments. Each checks who may do it, enforces its rules, and tells the
people concerned through the notification centre."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.access import Role, can, in_scope
from shuangyong.campaigns import responsibility
from shuangyong.campaigns.models import Campaign, Task, TaskKind
from shuangyong.coordination.models import (
    Attendee,
    Comment,
    Decision,
    JointItem,
    Meeting,
    MeetingFile,
    MeetingFileKind,
    Notice,
    NoticeFile,
    Receipt,
    ReplyFile,
)
from shuangyong.core.uploads import DOCUMENTS, check_upload
from shuangyong.messaging import notify
from shuangyong.messaging.notify import liaisons_of
from shuangyong.org.models import Person, Unit, UnitKind, User

if TYPE_CHECKING:
    from shuangyong.coordination.forms import MeetingForm

MAX_FILE_BYTES = 50 * 1024 * 1024


_Attached = TypeVar("_Attached", NoticeFile, ReplyFile, MeetingFile)


def _attach(
    upload: UploadedFile, model: type[_Attached], stored: list[FieldFile], **owner: Any
) -> _Attached:
    name = check_upload(upload, allowed=DOCUMENTS, max_bytes=MAX_FILE_BYTES)
    item = model(name=name, **owner)
    item.file.save(name, upload, save=False)
    stored.append(item.file)
    item.save()
    return item


# --- notices --------------------------------------------------------------------------


def allowed_recipients(user: User) -> QuerySet[Unit]:
    """Units ``user`` may send a notice to: any for the office; a unit's own children otherwise."""
    units = Unit.objects.filter(is_active=True)
    if not user.is_unit_scoped:
        return units
    root = user.scope_root
    if root is None:
        return units.none()
    return units.filter(path__startswith=root.path).exclude(pk=root.pk)


def units_of_roles(roles: Sequence[str], among: QuerySet[Unit]) -> list[Unit]:
    """The units, among ``among``, where someone active holds one of ``roles``."""
    if not roles:
        return []
    holders = User.objects.filter(is_active=True, role__in=roles).values("person__unit_id")
    return list(among.filter(pk__in=holders))


def sender_unit_of(user: User) -> Unit | None:
    """The unit a notice from ``user`` comes from: their own, or the district's office."""
    if user.is_unit_scoped:
        return user.unit
    return user.unit or Unit.objects.filter(parent=None).order_by("path").first()


@transaction.atomic
def send_notice(
    *,
    author: User,
    title: str,
    body: str,
    units: Iterable[Unit] = (),
    roles: Sequence[str] = (),
    requires_reply: bool,
    reply_deadline: dt.date | None = None,
    reply_fields: Iterable[str] = (),
    files: Iterable[UploadedFile] = (),
    campaign: Campaign | None = None,
    reference: str = "",
    sender_unit: Unit | None = None,
) -> Notice:
    """Send a notice to units, or to every unit where someone holds the chosen roles;
    each unit gets a receipt, its liaisons a notification.

    Rules: at least one recipient; every recipient is one the author may address
    (the office: any unit; a unit: only the units below it); a reply deadline is
    set (and not past) when a reply is required; attachments pass the upload checks.
    """
    if not can(author, "notices.send"):
        raise PermissionDenied("notices.send")
    sender_unit = sender_unit or sender_unit_of(author)
    if sender_unit is None:
        raise ValidationError(_("Your account belongs to no unit to send from."))
    units = list(dict.fromkeys([*units, *units_of_roles(roles, allowed_recipients(author))]))
    if not units:
        raise ValidationError({"units": _("Choose at least one recipient unit.")})
    allowed = set(
        allowed_recipients(author).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True)
    )
    refused = [u.name for u in units if u.pk not in allowed]
    if refused:
        raise ValidationError(
            {"units": _("You cannot send to: %(units)s") % {"units": "、".join(refused)}}
        )
    if requires_reply and (reply_deadline is None or reply_deadline < timezone.localdate()):
        raise ValidationError(
            {"reply_deadline": _("A required reply needs a deadline that is not past.")}
        )
    notice = Notice.objects.create(
        campaign=campaign,
        sender_unit=sender_unit,
        author=author,
        title=title.strip(),
        body=body.strip(),
        reference=reference.strip(),
        requires_reply=requires_reply,
        reply_deadline=reply_deadline if requires_reply else None,
        reply_fields=[f.strip() for f in reply_fields if f.strip()] if requires_reply else [],
    )
    Receipt.objects.bulk_create([Receipt(notice=notice, unit=u) for u in units])
    with responsibility.files_removed_on_failure() as stored:
        for upload in files:
            _attach(upload, NoticeFile, stored, notice=notice)
    message = notify.Message(
        "notice",
        _("Notice: %(t)s") % {"t": notice.title},
        _("From %(u)s") % {"u": sender_unit.name},
        reverse("coordination:notice_detail", args=[notice.pk]),
        f"notice:{notice.pk}",
    )
    notify.send([(u, message) for u in liaisons_of([u.pk for u in units])])
    return notice


def receipt_for(user: User, notice: Notice) -> Receipt | None:
    """The receipt of the user's own unit for this notice, if the unit is a recipient."""
    if not user.is_unit_scoped or user.unit is None:
        return None
    return notice.receipts.filter(unit=user.unit).first()


def mark_read(*, receipt: Receipt, user: User) -> None:
    """The first opening by someone of the unit records who read it and when."""
    if receipt.read_at is None:
        Receipt.objects.filter(pk=receipt.pk, read_at=None).update(
            read_at=timezone.now(), read_by=user
        )


@transaction.atomic
def reply(
    *,
    receipt: Receipt,
    user: User,
    text: str,
    values: dict[str, Any],
    files: Sequence[UploadedFile] = (),
) -> Receipt:
    """A unit replies to a notice. Late replies are accepted and marked late.

    Rules: the replying unit is the recipient; the notice asks for a reply; the
    text or the form's answers are given; files pass the upload checks.
    """
    receipt = (
        Receipt.objects.select_for_update().select_related("notice", "unit").get(pk=receipt.pk)
    )
    if not (can(user, "notices.reply") and user.is_unit_scoped and in_scope(user, receipt.unit)):
        raise PermissionDenied(_("Only the recipient unit replies."))
    notice = receipt.notice
    if not notice.requires_reply:
        raise ValidationError(_("This notice asks for no reply."))
    if receipt.replied_at is not None:
        raise ValidationError(_("Your unit has replied already."))
    missing = [f for f in notice.reply_fields if not str(values.get(f, "")).strip()]
    if missing:
        raise ValidationError({"values": _("Answer: %(f)s") % {"f": "、".join(missing)}})
    if not text.strip() and not notice.reply_fields and not files:
        raise ValidationError({"text": _("Write a reply or attach a file.")})
    now = timezone.now()
    receipt.reply_text, receipt.reply_values = (
        text.strip(),
        {f: str(values.get(f, "")).strip() for f in notice.reply_fields},
    )
    receipt.replied_at, receipt.replied_by = now, user
    receipt.late = bool(notice.reply_deadline and timezone.localdate() > notice.reply_deadline)
    if receipt.read_at is None:
        receipt.read_at, receipt.read_by = now, user
    receipt.save()
    with responsibility.files_removed_on_failure() as stored:
        for upload in files:
            _attach(upload, ReplyFile, stored, receipt=receipt)
    return receipt


def chase(*, notice: Notice, actor: User) -> int:
    """Remind every recipient unit that has not read (or not replied to) the notice; once a day."""
    if actor.pk != notice.author_id and not can(actor, "notices.chase_any"):
        raise PermissionDenied(_("Only the sender chases a notice."))
    pending = (
        notice.receipts.filter(read_at=None)
        if not notice.requires_reply
        else notice.receipts.filter(replied_at=None)
    )
    units = list(pending.values_list("unit_id", flat=True))
    today = timezone.localdate()
    message = notify.Message(
        "chase",
        _("Reminder: %(t)s") % {"t": notice.title},
        _("Reply by %(d)s.") % {"d": notice.reply_deadline}
        if notice.requires_reply
        else _("Please read it."),
        reverse("coordination:notice_detail", args=[notice.pk]),
        f"chase:{notice.pk}:{today}",
    )
    notify.send([(u, message) for u in liaisons_of(units)])
    pending.update(chased_at=timezone.now())
    return len(units)


# --- meetings and decisions --------------------------------------------------------------


@transaction.atomic
def save_meeting(
    *, campaign: Campaign, form: MeetingForm, attendees: Iterable[Person], actor: User
) -> Meeting:
    """Record a meeting and who is expected at it.

    Rules: the office records meetings; the task it counts for (if any) is of
    the same campaign; attendees removed from the list lose their sign-in.
    """
    if not can(actor, "meetings.edit"):
        raise PermissionDenied("meetings.edit")
    meeting = form.save(commit=False)
    if meeting.evidence_task_id and meeting.evidence_task.campaign_id != campaign.pk:
        raise ValidationError({"evidence_task": _("The task belongs to another campaign.")})
    meeting.campaign = campaign
    meeting.created_by = meeting.created_by or actor
    meeting.save()
    set_attendees(meeting=meeting, people=attendees)
    return meeting


def set_attendees(*, meeting: Meeting, people: Iterable[Person]) -> None:
    """Make the attendance list exactly ``people``; those kept keep their sign-in."""
    wanted = {p.pk for p in people}
    meeting.attendees.exclude(person_id__in=wanted).delete()
    existing = set(meeting.attendees.values_list("person_id", flat=True))
    Attendee.objects.bulk_create(
        [Attendee(meeting=meeting, person_id=pk) for pk in sorted(wanted - existing)]
    )


def add_meeting_file(
    *, meeting: Meeting, kind: str, unit: Unit | None, upload: UploadedFile, actor: User
) -> MeetingFile:
    """Attach minutes, a duty report or another file to a meeting.

    Rules: the file passes the upload checks; a duty report names the unit that
    gave it. When the meeting counts for a task, the file also becomes that
    task's evidence, approved at once (the office recorded it); a failure
    leaves no file behind.
    """
    if not can(actor, "meetings.edit"):
        raise PermissionDenied("meetings.edit")
    if kind not in MeetingFileKind.values:
        raise ValidationError({"kind": _("Unknown kind of file.")})
    if kind == MeetingFileKind.DUTY_REPORT and unit is None:
        raise ValidationError({"unit": _("Say which unit gave the duty report.")})
    with transaction.atomic(), responsibility.files_removed_on_failure() as stored:
        item = _attach(
            upload,
            MeetingFile,
            stored,
            meeting=meeting,
            kind=kind,
            unit=unit if kind == MeetingFileKind.DUTY_REPORT else None,
        )
        task = meeting.evidence_task
        if task is not None and kind != MeetingFileKind.OTHER:
            upload.seek(0)
            label = MeetingFileKind(kind).label
            given_by = f" {unit.name}" if unit is not None and item.unit_id else ""
            title = f"{meeting.title} {label}{given_by}"
            evidence = responsibility.add_evidence(
                task=task,
                unit=item.unit or task.lead_unit,
                author=actor,
                upload=upload,
                stored=stored,
                title=title,
                year=meeting.held_on.year,
            )
            responsibility.review_evidence(evidence=evidence, approve=True, note="", reviewer=actor)
            item.evidence = evidence
            item.save(update_fields=["evidence"])
    return item


def sign_in(*, attendee: Attendee, actor: User) -> bool:
    """Record an attendee's presence; False when already signed in.

    Rules: attendees sign themselves in; the office signs in anyone on the list.
    """
    if not (
        can(actor, "meetings.edit") or (actor.person_id and actor.person_id == attendee.person_id)
    ):
        raise PermissionDenied(_("Only the attendee or the office signs in."))
    return bool(
        Attendee.objects.filter(pk=attendee.pk, signed_in_at=None).update(
            signed_in_at=timezone.now()
        )
    )


@transaction.atomic
def add_decision(
    *, meeting: Meeting, text: str, lead_unit: Unit | None, deadline: dt.date | None, actor: User
) -> Decision:
    """A decision of the meeting, carried out as a task of its lead unit.

    Rules: the decision says what was decided; it has a lead unit and a deadline
    that is not past. Closing the task marks the decision done.
    """
    if not can(actor, "meetings.edit"):
        raise PermissionDenied("meetings.edit")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what was decided.")})
    if lead_unit is None:
        raise ValidationError({"lead_unit": _("A decision needs a lead unit to carry it out.")})
    if deadline is None or deadline < timezone.localdate():
        raise ValidationError({"deadline": _("Give a deadline that is not in the past.")})
    task = Task.objects.create(
        campaign=meeting.campaign,
        kind=TaskKind.DECISION,
        lead_unit=lead_unit,
        deadline=deadline,
        title=_("Meeting decision: %(t)s") % {"t": text[:120]},
        evidence_required=_("Proof that the decision was carried out"),
    )
    decision = Decision.objects.create(meeting=meeting, text=text, task=task)
    message = notify.Message(
        "decision",
        task.title,
        meeting.title,
        reverse("campaigns:task_detail", args=[task.pk]),
        f"decision:{decision.pk}",
    )
    notify.send([(u, message) for u in liaisons_of([lead_unit.pk])])
    return decision


# --- joint military-civil items ------------------------------------------------------------


@transaction.atomic
def raise_joint_item(
    *,
    campaign: Campaign,
    title: str,
    description: str,
    local_unit: Unit,
    garrison_unit: Unit,
    actor: User,
    task: Task | None = None,
) -> JointItem:
    """Open a joint item between a local unit and a garrison unit.

    Rules: the military side is a garrison unit, the local side is not; a military
    liaison raises items only for their own garrison unit.
    """
    if not can(actor, "joint.raise"):
        raise PermissionDenied("joint.raise")
    if garrison_unit.kind != UnitKind.GARRISON:
        raise ValidationError({"garrison_unit": _("The military side must be a garrison unit.")})
    if local_unit.kind == UnitKind.GARRISON:
        raise ValidationError({"local_unit": _("The local side cannot be a garrison unit.")})
    if actor.role == Role.MILITARY_LIAISON and not in_scope(actor, garrison_unit):
        raise PermissionDenied(_("You raise items for your own garrison unit."))
    item = JointItem.objects.create(
        campaign=campaign,
        title=title.strip(),
        description=description.strip(),
        local_unit=local_unit,
        garrison_unit=garrison_unit,
        raised_by=actor,
        task=task,
    )
    message = notify.Message(
        "joint",
        _("Joint item: %(t)s") % {"t": item.title},
        item.description[:200],
        reverse("coordination:joint_detail", args=[item.pk]),
        f"joint:{item.pk}",
    )
    notify.send([(u, message) for u in liaisons_of([local_unit.pk, garrison_unit.pk])])
    return item


@transaction.atomic
def sign_off(*, item: JointItem, side: str, actor: User) -> JointItem:
    """One side signs off; the item closes when both have.

    Rules: the local side signs by its liaison or the office; the military side
    only by its garrison unit's military liaison; nobody signs for the other
    side, and nobody twice.
    """
    item = (
        JointItem.objects.select_for_update()
        .select_related("local_unit", "garrison_unit")
        .get(pk=item.pk)
    )
    if side not in ("local", "military"):
        raise ValidationError(_("Unknown side."))
    unit = item.local_unit if side == "local" else item.garrison_unit
    if not (can(actor, f"joint.sign_{side}") and in_scope(actor, unit)):
        if side == "local":
            raise PermissionDenied(_("Only the local side signs off here."))
        raise PermissionDenied(_("Only the garrison unit signs off for the military side."))
    if getattr(item, f"{side}_signed_at"):
        if side == "local":
            raise ValidationError(_("The local side has signed off already."))
        raise ValidationError(_("The military side has signed off already."))
    setattr(item, f"{side}_signed_at", timezone.now())
    setattr(item, f"{side}_signed_by", actor)
    item.save()
    _tell_other_side(item, signed=side)
    return item


def _tell_other_side(item: JointItem, *, signed: str) -> None:
    """The side that has not signed yet is told the item waits for its signature."""
    other = "military" if signed == "local" else "local"
    if getattr(item, f"{other}_signed_at"):
        return
    unit = item.garrison_unit if other == "military" else item.local_unit
    message = notify.Message(
        "joint_signature",
        _("Waiting for your signature: %(t)s") % {"t": item.title},
        item.description[:200],
        reverse("coordination:joint_detail", args=[item.pk]),
        f"joint_signature:{item.pk}:{other}",
    )
    notify.tell(liaisons_of([unit.pk]), message)


# --- comments with @mentions ---------------------------------------------------------------


MENTION = re.compile(r"@([\w\-.]+)")


def resolve_mentions(text: str) -> list[User]:
    """@username or @姓名 → accounts; an unknown or ambiguous name is an error naming it."""
    names = list(dict.fromkeys(MENTION.findall(text)))
    if not names:
        return []
    users = list(User.objects.filter(is_active=True).select_related("person"))
    found, unknown = [], []
    for name in names:
        matches = [u for u in users if u.username == name] or [
            u for u in users if u.person is not None and u.person.name == name
        ]
        if len(matches) == 1:
            found.append(matches[0])
        else:
            unknown.append(name)
    if unknown:
        raise ValidationError(
            {
                "text": _("Nobody, or more than one person, answers to: %(n)s")
                % {"n": "、".join("@" + n for n in unknown)}
            }
        )
    return found


@transaction.atomic
def add_comment(*, target: Model, author: User, text: str, link: str) -> Comment:
    """Comment on a task, order or notice; each @mentioned person is notified once."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment.")})
    mentioned = resolve_mentions(text)
    comment = Comment.objects.create(target=target, author=author, text=text)
    comment.mentions.set(mentioned)
    message = notify.Message(
        "mention",
        _("%(who)s mentioned you") % {"who": author.display_name},
        text[:200],
        link,
        f"comment:{comment.pk}",
    )
    notify.send([(u, message) for u in mentioned if u.pk != author.pk])
    return comment
