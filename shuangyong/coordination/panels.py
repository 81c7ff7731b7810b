"""Coordination's panels on other apps' pages: comments everywhere, and on a task page
the meeting decision it carries and the joint items it belongs to."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from shuangyong.access import can
from shuangyong.coordination import selectors
from shuangyong.coordination.comments import KIND_OF_MODEL
from shuangyong.coordination.forms import CommentForm
from shuangyong.coordination.models import Decision, JointItem
from shuangyong.core.panels import register_panel

DRAFT_KEY = "comment-draft:{kind}:{pk}"


def comments_panel(request, obj) -> str:
    """The comments on ``obj`` and, for those who may write, the form (with a draft that an
    error sent back, so nothing typed is lost)."""
    kind = KIND_OF_MODEL[obj._meta.label_lower]
    draft = request.session.pop(DRAFT_KEY.format(kind=kind, pk=obj.pk), None)
    form = None
    if can(request.user, "comments.add"):
        form = CommentForm(initial={"text": draft["text"]} if draft else None)
    return render_to_string(
        "coordination/_comments.html",
        {
            "comments": selectors.comments_for(obj),
            "form": form,
            "kind": kind,
            "pk": obj.pk,
            "draft_error": draft["error"] if draft else "",
            # Rendered without the request: the page's context processors (menu,
            # unread count) have run once already; the form needs only the token.
            "csrf_token": get_token(request),
        },
    )


@register_panel("campaigns.task", order=10)
def task_origin(request, task) -> str:
    decision = Decision.objects.filter(task=task).select_related("meeting").first()
    joint = list(JointItem.objects.filter(task=task).select_related("local_unit", "garrison_unit"))
    if decision is None and not joint:
        return ""
    return render_to_string(
        "coordination/_task_origin.html", {"decision": decision, "joint": joint}
    )


for label in KIND_OF_MODEL:
    register_panel(label, order=90)(comments_panel)
