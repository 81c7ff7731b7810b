from shuangyong.access import can
from shuangyong.portal.nav import nav_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": nav_for(user, request.path),
        # One small indexed count per page: the bell in the top bar.
        "unread_notifications": user.notifications.filter(read_at=None).count(),
        "may_use_api": can(user, "api.use"),
    }
