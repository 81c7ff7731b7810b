"""Who may do what: one table, readable by an auditor in one sitting.

Names are "<area>.<action>". A permission missing from the table is a
programming error (KeyError), never a silent allow.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

from shuangyong.access.roles import Role

R = Role
EVERYONE = frozenset(Role)
DISTRICT_STAFF = frozenset({R.OFFICE, R.SUPERVISOR, R.LEADER, R.ADMIN})
WORKING_ROLES = EVERYONE - {R.AUDITOR}

PERMISSIONS: dict[str, frozenset[Role]] = {
    "home.view": EVERYONE,
    # Organisation
    "org.units.view": EVERYONE,
    "org.units.edit": frozenset({R.OFFICE, R.ADMIN}),
    "org.units.import": frozenset({R.OFFICE, R.ADMIN}),
    "org.units.export": DISTRICT_STAFF,
    "org.people.view": WORKING_ROLES,
    "org.people.edit": frozenset({R.OFFICE, R.ADMIN}),
    "org.people.import": frozenset({R.OFFICE, R.ADMIN}),
    "org.people.export": frozenset({R.OFFICE, R.ADMIN}),
    "org.group.view": EVERYONE,
    "org.group.edit": frozenset({R.OFFICE, R.ADMIN}),
    "org.people.reveal_id": frozenset({R.OFFICE, R.ADMIN}),
    # Evaluation standards
    "standards.view": WORKING_ROLES,
    "standards.edit": frozenset({R.OFFICE, R.ADMIN}),
    # Campaigns and their assessments
    "campaigns.view": DISTRICT_STAFF,
    "campaigns.edit": frozenset({R.OFFICE, R.ADMIN}),
    "assessments.view": DISTRICT_STAFF,
    "assessments.score": frozenset({R.OFFICE, R.SUPERVISOR, R.ADMIN}),
    # The responsibility mechanism: tasks, reports, evidence (unit roles see their units)
    "tasks.view": WORKING_ROLES,
    "tasks.edit": frozenset({R.OFFICE, R.ADMIN}),
    "tasks.report": frozenset(
        {R.UNIT_LIAISON, R.MILITARY_LIAISON, R.CARE_OFFICER, R.OFFICE, R.ADMIN}
    ),
    "tasks.review": frozenset({R.OFFICE, R.ADMIN}),
    # Supervision: lights, notifications, orders, inspections, dynamic evaluation
    "notifications.self": EVERYONE,
    # Messaging: the outbox's delivery log and the group robots
    "deliveries.view": frozenset({R.OFFICE, R.ADMIN}),
    "robots.manage": frozenset({R.OFFICE, R.ADMIN}),
    "lights.edit": frozenset({R.OFFICE, R.ADMIN}),
    "orders.view": WORKING_ROLES,
    "orders.issue": frozenset({R.OFFICE, R.SUPERVISOR}),
    "orders.respond": frozenset({R.UNIT_LIAISON, R.MILITARY_LIAISON, R.CARE_OFFICER}),
    "inspections.view": DISTRICT_STAFF,
    "inspections.edit": frozenset({R.OFFICE, R.SUPERVISOR}),
    "evaluation.view": DISTRICT_STAFF,
    "evaluation.snapshot": frozenset({R.OFFICE, R.ADMIN}),
    # Coordination: notices and receipts, meetings and decisions, joint items, up and down
    "notices.view": WORKING_ROLES,
    "notices.send": frozenset(
        {R.OFFICE, R.ADMIN, R.UNIT_LIAISON, R.MILITARY_LIAISON, R.CARE_OFFICER}
    ),
    "notices.reply": frozenset({R.UNIT_LIAISON, R.MILITARY_LIAISON, R.CARE_OFFICER}),
    "notices.chase_any": frozenset({R.OFFICE, R.ADMIN}),
    "meetings.view": WORKING_ROLES,
    "meetings.edit": frozenset({R.OFFICE, R.ADMIN}),
    "joint.view": WORKING_ROLES,
    "joint.raise": frozenset({R.OFFICE, R.ADMIN, R.MILITARY_LIAISON}),
    # Each side of a joint item signs for itself: the local unit (or the office for
    # it), and only the garrison's own liaison for the military side.
    "joint.sign_local": frozenset({R.OFFICE, R.ADMIN, R.UNIT_LIAISON}),
    "joint.sign_military": frozenset({R.MILITARY_LIAISON}),
    "comments.add": WORKING_ROLES,
    "calendar.view": WORKING_ROLES,
    "citypack.view": DISTRICT_STAFF,
    "directives.import": frozenset({R.OFFICE, R.ADMIN}),
    # The working-day calendar: the office adds a year's State Council arrangement.
    "workdays.edit": frozenset({R.OFFICE, R.ADMIN}),
    # Care services: the registry of entitled persons is personal data; the care
    # officers who run it see it (within their units), the office looks people up.
    "care.view": frozenset({R.CARE_OFFICER, R.OFFICE}),
    "care.edit": frozenset({R.CARE_OFFICER}),
    "care.import": frozenset({R.CARE_OFFICER}),
    "care.reveal": frozenset({R.CARE_OFFICER}),
    "care.standards.view": WORKING_ROLES,
    "care.standards.edit": frozenset({R.CARE_OFFICER}),
    "payments.view": frozenset({R.CARE_OFFICER, R.OFFICE}),
    "payments.compute": frozenset({R.CARE_OFFICER}),
    "payments.approve": frozenset({R.CARE_OFFICER, R.OFFICE}),
    "payments.export_full": frozenset({R.CARE_OFFICER}),
    "visits.view": frozenset({R.CARE_OFFICER, R.OFFICE, R.LEADER, R.SUPERVISOR}),
    "visits.record": frozenset({R.CARE_OFFICER, R.OFFICE}),
    "needs.view": WORKING_ROLES,
    "needs.add": frozenset({R.CARE_OFFICER, R.OFFICE, R.MILITARY_LIAISON}),
    "needs.reply": frozenset({R.UNIT_LIAISON, R.MILITARY_LIAISON, R.CARE_OFFICER, R.OFFICE}),
    "needs.close": frozenset({R.CARE_OFFICER, R.OFFICE}),
    # Defence: conscription (streets register and record their candidates' steps; the
    # district opens campaigns, splits quotas, publishes the notice, approves, dispatches),
    # placement cases (the veterans' office), support activities and defence education.
    "conscription.view": DISTRICT_STAFF | {R.UNIT_LIAISON, R.MILITARY_LIAISON},
    "conscription.edit": frozenset({R.OFFICE, R.ADMIN, R.UNIT_LIAISON}),
    "conscription.manage": frozenset({R.OFFICE, R.ADMIN}),
    "conscription.export_full": frozenset({R.OFFICE}),
    "placement.view": frozenset({R.CARE_OFFICER, R.OFFICE, R.LEADER, R.SUPERVISOR}),
    "placement.edit": frozenset({R.CARE_OFFICER, R.OFFICE}),
    "activities.view": WORKING_ROLES,
    # Reports: the district's yearly figures (aggregates only)
    "reports.view": DISTRICT_STAFF,
    "reports.export": DISTRICT_STAFF,
    "reports.pack": frozenset({R.OFFICE, R.ADMIN}),
    # The JSON API: a token acts as its user, with the user's role and units
    "api.use": WORKING_ROLES,
    "activities.record": frozenset(
        {R.OFFICE, R.ADMIN, R.UNIT_LIAISON, R.MILITARY_LIAISON, R.CARE_OFFICER}
    ),
    # Audit trail: the auditor alone (separation of duties: the administrator
    # manages accounts and cannot read or export what they did).
    "audit.view": frozenset({R.AUDITOR}),
    "audit.export": frozenset({R.AUDITOR}),
    # Accounts
    "accounts.self": EVERYONE,
    "accounts.manage": frozenset({R.ADMIN}),
}


# Permissions that show personal data in full; TOTP_FOR_PERSONAL_DATA makes a
# second factor mandatory for every role that holds one of them.
PERSONAL_DATA_PERMISSIONS = frozenset(
    {"org.people.reveal_id", "care.reveal", "payments.export_full", "conscription.export_full"}
)


def roles_seeing_personal_data() -> frozenset[Role]:
    return frozenset(r for p in PERSONAL_DATA_PERMISSIONS for r in PERMISSIONS[p])


def permitted_roles(permission: str) -> frozenset[Role]:
    return PERMISSIONS[permission]


def can(user, permission: str) -> bool:
    """True when ``user`` is logged in, active and has a role allowed ``permission``."""
    allowed = PERMISSIONS[permission]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in allowed


def require(permission: str) -> Callable:
    """View decorator: log in first, then 403 unless the role may ``permission``."""
    PERMISSIONS[permission]  # fail at import time on a misspelt name

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not can(request.user, permission):
                raise PermissionDenied(permission)
            return view(request, *args, **kwargs)

        wrapped.permission = permission
        return wrapped

    return decorator
