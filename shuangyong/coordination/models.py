"""Coordination (综合协调): notices with receipts, meetings whose decisions become tasks,
joint military-civil items, comments with @mentions, calendar tokens."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangyong.campaigns.models import Campaign, Task
from shuangyong.org.models import Person, Unit

# --- notices (通知) and receipts (回执) -------------------------------------------------


class Notice(models.Model):
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    sender_unit = models.ForeignKey(
        Unit, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(_("document number"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    requires_reply = models.BooleanField(_("a reply is required"), default=False)
    reply_deadline = models.DateField(_("reply by"), null=True, blank=True)
    reply_fields = models.JSONField(
        _("reply form"),
        default=list,
        blank=True,
        help_text=_("Optional questions the reply must answer, one per line."),
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.title


def notice_file_path(instance, filename: str) -> str:
    return f"notices/{instance.notice_id}/{secrets.token_hex(4)}-{filename}"


class NoticeFile(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=notice_file_path, max_length=300)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Receipt(models.Model):
    """One recipient unit of a notice: who read it, when; its reply, on time or late."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="receipts"
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_text = models.TextField(_("reply"), blank=True)
    reply_values = models.JSONField(default=dict, blank=True)
    late = models.BooleanField(_("late"), default=False)
    chased_at = models.DateTimeField(_("last chased"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["notice", "unit"], name="one_receipt_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.unit}"


def reply_file_path(instance, filename: str) -> str:
    return f"notices/replies/{instance.receipt_id}/{secrets.token_hex(4)}-{filename}"


class ReplyFile(models.Model):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=reply_file_path, max_length=300)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


# --- meetings (会议) and decisions (议定事项) -------------------------------------------


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("Leading group plenary")
    MILITARY_AFFAIRS = "military_affairs", _("Party committee military affairs meeting")
    JOINT = "joint", _("Joint military-civil meeting")
    OFFICE = "office", _("Office meeting")


class Meeting(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    evidence_task = models.ForeignKey(
        Task,
        verbose_name=_("counts as evidence for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The task whose evidence the minutes become (e.g. holding the plenary)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class MeetingFileKind(models.TextChoices):
    MINUTES = "minutes", _("Minutes")
    DUTY_REPORT = "duty_report", _("Duty report")
    OTHER = "other", _("Attachment")


def meeting_file_path(instance, filename: str) -> str:
    return f"meetings/{instance.meeting_id}/{secrets.token_hex(4)}-{filename}"


class MeetingFile(models.Model):
    """Minutes, a unit's duty report given at the meeting, or another attachment.

    When the meeting counts for a task, the file is also that task's evidence.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingFileKind.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("reporting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(upload_to=meeting_file_path, max_length=300)
    name = models.CharField(max_length=200)
    evidence = models.ForeignKey(
        "campaigns.Evidence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    signed_in_at = models.DateTimeField(_("signed in"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attend_once")]

    def __str__(self) -> str:
        return f"{self.person}"


class Decision(models.Model):
    """A decision of a meeting (议定事项); its task carries it to the lead unit."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="decision")

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def done(self) -> bool:
        return self.task.is_done


# --- joint military-civil items (军地联动) -----------------------------------------------


class JointItem(models.Model):
    """Work shared by a local unit and a garrison unit: closed only when both sides sign off."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="joint_items")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    local_unit = models.ForeignKey(
        Unit, verbose_name=_("local side"), on_delete=models.PROTECT, related_name="+"
    )
    garrison_unit = models.ForeignKey(
        Unit, verbose_name=_("military side"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="joint_items"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    local_signed_at = models.DateTimeField(_("local sign-off"), null=True, blank=True)
    local_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    military_signed_at = models.DateTimeField(_("military sign-off"), null=True, blank=True)
    military_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("joint item")
        verbose_name_plural = _("joint items")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def closed(self) -> bool:
        return bool(self.local_signed_at and self.military_signed_at)


# --- comments with @mentions and calendar tokens -----------------------------------------


class Comment(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.text[:50]


class CalendarToken(models.Model):
    """The private address of a person's iCalendar feed; a new one revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"{self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
