"""Readiness packs: the evidence ledger as an Excel index plus a zip of the files,
built in the background for a campaign."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PackStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReadinessPack(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="readiness_packs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=300, blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Moved on with the progress: a pack that stops beating was cut off (the process
    # that built it ended) and must not block the next one for ever.
    heartbeat = models.DateTimeField(null=True, blank=True, editable=False)
    # Claims so far: a worker's claim counts one; a build cut off by a restart is queued
    # again until MAX_ATTEMPTS (reports.pack), and a build checks at each beat that the
    # row is still its own claim (same count) before writing.
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # Files still awaiting review (or returned) go to the inspectors only when asked.
    include_unapproved = models.BooleanField(_("include files not yet approved"), default=False)

    audit_ignore = ("done", "total", "heartbeat", "attempts")

    class Meta:
        verbose_name = _("readiness pack")
        verbose_name_plural = _("readiness packs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == PackStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def rebuild_attempt(self) -> int:
        """Which attempt a pack built again after a cut-off is on (queued: the next
        claim's); 0 for a first build or a finished pack."""
        if self.status == PackStatus.RUNNING and self.attempts > 1:
            return self.attempts
        if self.status == PackStatus.QUEUED and self.attempts >= 1:
            return self.attempts + 1
        return 0
