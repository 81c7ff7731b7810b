"""Keeping a task's kept columns (``lights.refresh``) in step with the writes that change them.

A task saved, a progress report saved or deleted (submitted, reviewed, withdrawn), the
campaign's light rules saved: each refreshes the rows concerned. Writes in bulk
(``bulk_create``, ``QuerySet.update``) send no signal; their callers call
``lights.refresh`` themselves, and rows created in bulk carry no ``light_on``, so the
pages and the worker's daily job find and refresh them anyway.

``tasks_refreshed`` tells higher apps (supervision's caches) that the tasks of these
campaigns changed, whichever way they were written.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from shuangyong.campaigns import lights
from shuangyong.campaigns.models import LightRules, ProgressReport, Task

# Sent with ``campaign_ids``: the campaigns whose tasks were just refreshed.
tasks_refreshed = Signal()


@receiver(post_save, sender=Task, dispatch_uid="campaigns.task_saved")
def task_saved(sender, instance: Task, raw=False, **kwargs):
    if raw:
        return
    changed = lights.refresh(tasks=Task.objects.filter(pk=instance.pk))
    for name, value in changed.get(instance.pk, {}).items():
        setattr(instance, name, value)


@receiver(post_save, sender=ProgressReport, dispatch_uid="campaigns.report_saved")
@receiver(post_delete, sender=ProgressReport, dispatch_uid="campaigns.report_deleted")
def report_changed(sender, instance: ProgressReport, raw=False, **kwargs):
    if raw:
        return
    lights.refresh(tasks=Task.objects.filter(pk=instance.task_id))


@receiver(post_save, sender=LightRules, dispatch_uid="campaigns.light_rules_saved")
def rules_saved(sender, instance: LightRules, raw=False, **kwargs):
    if raw:
        return
    lights.refresh(tasks=Task.objects.filter(campaign_id=instance.campaign_id))
