"""The platform's own tables: the office's entries in the working-day calendar."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayArrangement(models.Model):
    """One day of a year's State Council holiday arrangement as the office entered it:
    a statutory holiday or a make-up working day (调休). A year with any row here is
    known to the calendar; its rows win over the library's for the same day."""

    day = models.DateField(_("date"), unique=True)
    working = models.BooleanField(_("working day"))
    name = models.CharField(_("holiday"), max_length=50, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday arrangement")

    def __str__(self) -> str:
        return f"{self.day} {'work' if self.working else 'rest'}"
