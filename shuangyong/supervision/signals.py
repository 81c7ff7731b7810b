"""What makes the cached live score and ranking stale (``supervision.cache``).

Any save or delete (or many-to-many change) of a record the figures read bumps a
version: the campaign's when the record names its campaign (a task, a report, an
order, an inspection…), else every campaign's (an indicator, a unit, a criterion,
and the records of the apps whose measures the live score counts). Tasks refreshed
in bulk (``campaigns.signals.tasks_refreshed``) bump their campaigns.
"""

from __future__ import annotations

from functools import cache as memoize

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from shuangyong.campaigns.signals import tasks_refreshed
from shuangyong.supervision import cache

# Records of these apps feed the figures; snapshots only record them.
SCORE_APPS = {"campaigns", "supervision", "standards"}
IGNORED = {("supervision", "snapshot")}


@memoize
def _apps() -> frozenset[str]:
    """The score apps and every app that registered a measure or a check source."""
    from shuangyong.standards import measures

    modules = [m.compute.__module__ for m in measures.REGISTRY.values()]
    modules += [source.__module__ for source in measures.CHECK_SOURCES]
    return frozenset(SCORE_APPS | {m.split(".")[1] for m in modules if m.count(".") >= 1})


def _concerns(model) -> bool:
    meta = model._meta
    if (meta.app_label, meta.model_name) in IGNORED:
        return False
    return meta.app_label in _apps() or (meta.app_label, meta.model_name) == ("org", "unit")


def _stale(instance) -> None:
    campaign_id = getattr(instance, "campaign_id", None)
    # cache.bump invalidates now and again at commit: a figure computed by another
    # request between the two read the data before this write committed.
    if campaign_id is not None:
        cache.bump(campaign_id)
    else:
        cache.bump_all()


@receiver(post_save, dispatch_uid="supervision.cache_saved")
@receiver(post_delete, dispatch_uid="supervision.cache_deleted")
def record_changed(sender, instance, raw=False, **kwargs):
    if not raw and _concerns(sender):
        _stale(instance)


@receiver(m2m_changed, dispatch_uid="supervision.cache_m2m")
def links_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and _concerns(type(instance)):
        _stale(instance)


@receiver(tasks_refreshed, dispatch_uid="supervision.cache_tasks_refreshed")
def tasks_changed(sender, campaign_ids, **kwargs):
    for campaign_id in campaign_ids:
        cache.bump(campaign_id)
