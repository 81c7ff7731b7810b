"""Panels that apps higher up add to the pages of apps below them.

A task page belongs to ``campaigns``, but its comments and the meeting decision it
carries belong to ``coordination``, which campaigns must not import. So the
higher app registers a panel for the model, and the page renders whatever is
registered with ``{% panels object %}``: the dependency points down, as always.
A panel is ``func(request, obj) -> str`` (safe HTML, or "" for nothing) and must
run a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

PANELS: dict[str, list[tuple[int, Callable]]] = defaultdict(list)


def register_panel(model_label: str, order: int = 50) -> Callable:
    """Decorator: add a panel to the pages of ``model_label`` ("campaigns.task")."""

    def decorator(func: Callable) -> Callable:
        PANELS[model_label].append((order, func))
        PANELS[model_label].sort(key=lambda item: item[0])
        return func

    return decorator


def render_panels(request, obj) -> SafeString:
    label = obj._meta.label_lower
    parts = [func(request, obj) for _order, func in PANELS.get(label, [])]
    # Panels return rendered templates (safe); anything else is escaped, not trusted.
    return format_html_join("", "{}", ((p,) for p in parts if p))
