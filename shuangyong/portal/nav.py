"""The navigation: each entry shows only to roles whose permission allows it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shuangyong.access import can


def has_conscription_work(user) -> bool:
    """Whether the user's unit takes part in conscription: district staff, a street (its
    candidates) or an armed forces department. A department or a garrison would find a
    page of zeros; it still opens the pages from a link, it just has no menu entry.
    No query: the user's unit is loaded with the user."""
    if not user.is_unit_scoped:
        return True
    root = user.scope_root
    return root is not None and root.kind in ("district", "street", "armed_forces_dept")


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: str
    section: str = ""
    shown: Callable | None = None  # a further test of the user, beyond the permission


NAV = [
    NavEntry(_("Home"), "home", "home.view"),
    NavEntry(_("Dashboard"), "supervision:dashboard_latest", "evaluation.view", _("Campaign")),
    NavEntry(_("My tasks"), "campaigns:my_tasks", "tasks.view", _("Campaign")),
    NavEntry(_("Supervision orders"), "supervision:order_list", "orders.view", _("Campaign")),
    # Not "Campaigns": in Chinese the section and the item would both read 创建工作.
    NavEntry(_("Campaign cycles"), "campaigns:campaign_list", "campaigns.view", _("Campaign")),
    NavEntry(_("Annual figures"), "reports:annual", "reports.view", _("Campaign")),
    NavEntry(_("Standards"), "standards:standard_list", "standards.view", _("Campaign")),
    NavEntry(_("Notices"), "coordination:notice_list", "notices.view", _("Coordination")),
    NavEntry(_("Meetings"), "coordination:meeting_list", "meetings.view", _("Coordination")),
    NavEntry(_("Joint items"), "coordination:joint_list", "joint.view", _("Coordination")),
    NavEntry(_("Calendar"), "coordination:calendar", "calendar.view", _("Coordination")),
    NavEntry(_("Entitled persons"), "care:home", "care.view", _("Care")),
    NavEntry(_("Needs"), "care:need_list", "needs.view", _("Care")),
    NavEntry(
        _("Conscription"),
        "defence:campaign_list",
        "conscription.view",
        _("Defence"),
        shown=has_conscription_work,
    ),
    NavEntry(_("Placement"), "defence:placement_list", "placement.view", _("Defence")),
    NavEntry(_("Support activities"), "defence:activity_list", "activities.view", _("Defence")),
    NavEntry(_("Units"), "org:unit_list", "org.units.view", _("Organisation")),
    NavEntry(_("People"), "org:person_list", "org.people.view", _("Organisation")),
    NavEntry(_("Leading group"), "org:group_current", "org.group.view", _("Organisation")),
    NavEntry(_("Audit trail"), "audit:event_list", "audit.view", _("System")),
    NavEntry(_("Accounts"), "accounts:account_list", "accounts.manage", _("System")),
    NavEntry(_("Working days"), "core:workdays", "workdays.edit", _("System")),
    NavEntry(_("Delivery log"), "messaging:delivery_log", "deliveries.view", _("System")),
]


def nav_for(user, current_path: str) -> list[dict]:
    """The menu: a top entry per section the user may open; a section of one entry is a
    plain link, more become a dropdown (so the bar fits whatever the role)."""
    items = []
    for entry in NAV:
        if not can(user, entry.permission) or (entry.shown and not entry.shown(user)):
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": entry.label, "url": url, "section": entry.section, "active": active})
    groups: list[dict] = []
    for item in items:
        if item["section"] and groups and groups[-1]["section"] == item["section"]:
            groups[-1]["items"].append(item)
        else:
            groups.append({"section": item["section"], "items": [item]})
    for group in groups:
        group["active"] = any(i["active"] for i in group["items"])
        group["label"] = group["section"] if len(group["items"]) > 1 else group["items"][0]["label"]
    return groups
