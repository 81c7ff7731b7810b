from django.template.loader import render_to_string
from django.utils.html import escape

from shuangyong.access import can
from shuangyong.core import pagecache
from shuangyong.portal.nav import nav_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    holes = pagecache.holes(request)
    context = {"nav_items": nav_for(user, request.path), "may_use_api": can(user, "api.use")}
    if holes is not None:
        context["holes"] = holes  # a page made for everyone with this view: no one's own parts
    else:
        context["unread_notifications"] = unread_notifications(user)
    return context


def unread_notifications(user) -> int:
    """One small indexed count per page: the bell in the top bar."""
    return user.notifications.filter(read_at=None).count()


def bell(request) -> str:
    """The bell with the asker's own count, for a page shared by everyone with their view."""
    return render_to_string(
        "base.html#bell", {"unread_notifications": unread_notifications(request.user)}
    )


def display_name(request) -> str:
    return escape(request.user.display_name)
