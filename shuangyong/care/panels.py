"""On a task page: the need it answers (when the task came from a need)."""

from __future__ import annotations

from django.template.loader import render_to_string

from shuangyong.care.models import Need
from shuangyong.core.panels import register_panel


@register_panel("campaigns.task", order=20)
def need_origin(request, task) -> str:
    need = Need.objects.filter(task=task).first()
    if need is None:
        return ""
    return render_to_string("care/_task_need.html", {"need": need})
