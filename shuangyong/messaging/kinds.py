"""Every kind of event the platform tells people about, one name each: the kind of a
notification, and the event name an API webhook subscribes to (``api.webhooks.EVENTS``).

A notification of a kind not listed here is refused when it is made (``notify.Message``),
so a new kind is added here, where a webhook can then choose it, or not at all.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # responsibility (campaigns)
    DIRECTIVE = "directive", _("A new task assigned")
    DUE = "due", _("A task due soon")
    OVERDUE = "overdue", _("A task overdue")
    ESCALATION = "escalation", _("A late task escalated")
    REPORT_SUBMITTED = "report_submitted", _("Progress reported")
    REPORT_ACCEPTED = "report_accepted", _("A progress report accepted")
    REPORT_RETURNED = "report_returned", _("A progress report returned")
    EVIDENCE_RETURNED = "evidence_returned", _("An evidence file returned")
    UNIT_REPORT_SUBMITTED = "unit_report_submitted", _("A unit's report filed")
    UNIT_REPORT_ACCEPTED = "unit_report_accepted", _("A unit's report accepted")
    UNIT_REPORT_RETURNED = "unit_report_returned", _("A unit's report returned")
    # supervision
    ORDER = "order", _("A supervision order issued or late")
    # coordination
    NOTICE = "notice", _("A notice sent")
    CHASE = "chase", _("A notice chased")
    NOTICE_DUE = "notice_due", _("A notice's reply due soon")
    NOTICE_OVERDUE = "notice_overdue", _("A notice's reply overdue")
    DECISION = "decision", _("A meeting decision to carry out")
    JOINT = "joint", _("A joint item raised")
    JOINT_SIGNATURE = "joint_signature", _("A joint item awaiting signature")
    MENTION = "mention", _("Mentioned in a comment")
    # care
    NEED = "need", _("A need registered")
    NEED_ANSWERED = "need_answered", _("A need answered")
    BATCH_READY = "batch_ready", _("A payment batch ready to approve")
