"""The roles people work in (DESIGN.md, "Who uses it")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Double-support office")
    SUPERVISOR = "supervisor", _("Supervisor")
    UNIT_LIAISON = "unit_liaison", _("Unit liaison")
    MILITARY_LIAISON = "military_liaison", _("Military liaison")
    CARE_OFFICER = "care_officer", _("Care officer")
    LEADER = "leader", _("Leader")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


# Roles that see only their own unit and the units below it.
UNIT_SCOPED_ROLES = frozenset({Role.UNIT_LIAISON, Role.MILITARY_LIAISON, Role.CARE_OFFICER})
