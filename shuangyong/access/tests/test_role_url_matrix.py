"""Every URL, as every role: the allow/deny table written out by hand.

A new URL that is missing here fails ``test_every_url_is_in_the_table``, so
nobody can add a page without deciding who may open it. Unit-scoped roles
are asked about objects of unit A: A's liaison may see them, the outsider
(B's liaison), the garrison and the street's care officer get 404.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import build_district, build_people, data_for_module
from shuangyong.campaigns.models import (
    Assessment,
    Campaign,
    Evidence,
    ProgressReport,
    Task,
    UnitReport,
)
from shuangyong.care.models import (
    Certificate,
    EntitledPerson,
    Entitlement,
    Need,
    PaymentBatch,
    Recovery,
    VisitOccasion,
)
from shuangyong.coordination.models import (
    Attendee,
    CalendarToken,
    JointItem,
    Meeting,
    MeetingFile,
    Notice,
    NoticeFile,
    Receipt,
    ReplyFile,
)
from shuangyong.defence.models import Candidate, ConscriptionCampaign, PlacementCase
from shuangyong.messaging.models import Delivery, Notification, Robot
from shuangyong.org.models import GroupPosition, LeadingGroup, Person, Position
from shuangyong.standards.models import Criterion, Standard
from shuangyong.supervision.models import (
    Inspection,
    OrderFile,
    OrderStep,
    SupervisionOrder,
)

ROLES = [
    "office",
    "supervisor",
    "liaison_a",
    "liaison_b",
    "military",
    "care",
    "leader",
    "auditor",
    "admin",
]
EVERYONE = set(ROLES)
OFFICE_ADMIN = {"office", "admin"}
DISTRICT_STAFF = {"office", "supervisor", "leader", "admin"}
WORKING = EVERYONE - {"auditor"}
OUTSIDERS_OF_A = {"liaison_b", "military", "care"}
SCORERS = {"office", "supervisor", "admin"}
REPORTERS = {"liaison_a", "liaison_b", "military", "care", "office", "admin"}
ISSUERS = {"office", "supervisor"}
UNIT_ROLES = {"liaison_a", "liaison_b", "military", "care"}
CARE_READERS = {"office", "care"}
VISIT_READERS = {"office", "care", "leader", "supervisor"}
SENDERS = UNIT_ROLES | OFFICE_ADMIN
CONSCRIPTION = DISTRICT_STAFF | {"liaison_a", "liaison_b", "military"}
REGISTRARS = OFFICE_ADMIN | {"liaison_a", "liaison_b"}
LOGIN = 302  # anonymous users are sent to the login page


def table(allowed, ok=200, *, outside=None, anon=LOGIN):
    """Expected status per role: ``ok`` for allowed, 403 for the rest, 404 for outsiders."""
    expected = {who: (ok if who in allowed else 403) for who in ROLES}
    for who in outside or ():
        if who in allowed:
            expected[who] = 404
    expected["anonymous"] = anon
    return expected


def token_revoke_table():
    """Only the owner (the office) revokes its token; other working roles find none."""
    return {**table(WORKING, 404), "office": 302}


def everyone(status, anon=LOGIN):
    return {**dict.fromkeys(ROLES, status), "anonymous": anon}


# url name -> (method, kwargs builder, expected statuses)
SPEC = {
    # The leader's home is the leader dashboard.
    "home": ("get", lambda w: {}, {**table(EVERYONE), "leader": 302}),
    "healthz": ("get", lambda w: {}, everyone(200, anon=200)),
    "org:unit_list": ("get", lambda w: {}, table(EVERYONE)),
    "org:unit_create": ("get", lambda w: {}, table(OFFICE_ADMIN)),
    "org:unit_detail": (
        "get",
        lambda w: {"pk": w.unit_a.pk},
        table(EVERYONE, outside=OUTSIDERS_OF_A),
    ),
    "org:unit_edit": ("get", lambda w: {"pk": w.unit_a.pk}, table(OFFICE_ADMIN)),
    "org:person_list": ("get", lambda w: {}, table(WORKING)),
    "org:person_create": ("get", lambda w: {}, table(OFFICE_ADMIN)),
    "org:person_detail": (
        "get",
        lambda w: {"pk": w.person_a.pk},
        table(WORKING, outside=OUTSIDERS_OF_A),
    ),
    "org:person_edit": ("get", lambda w: {"pk": w.person_a.pk}, table(OFFICE_ADMIN)),
    "org:group_current": ("get", lambda w: {}, table(EVERYONE)),
    "org:group_create": ("get", lambda w: {}, table(OFFICE_ADMIN)),
    "org:group_detail": ("get", lambda w: {"pk": w.group.pk}, table(EVERYONE)),
    "org:group_edit": ("get", lambda w: {"pk": w.group.pk}, table(OFFICE_ADMIN)),
    "org:position_add": ("post", lambda w: {"pk": w.group.pk}, table(OFFICE_ADMIN, 302)),
    "org:position_remove": (
        "post",
        lambda w: {"pk": w.group.pk, "position_pk": w.position.pk},
        table(OFFICE_ADMIN, 302),
    ),
    "accounts:login": ("get", lambda w: {}, everyone(302, anon=200)),
    "accounts:logout": ("post", lambda w: {}, everyone(302, anon=302)),
    "accounts:password_change": ("get", lambda w: {}, table(EVERYONE)),
    "accounts:otp_setup": ("get", lambda w: {}, table(EVERYONE)),
    "accounts:otp_verify": ("get", lambda w: {}, table(EVERYONE)),
    "accounts:otp_recovery_codes": ("post", lambda w: {}, table(EVERYONE, 302)),
    "accounts:otp_disable": ("post", lambda w: {}, table(EVERYONE, 302)),
    "accounts:account_list": ("get", lambda w: {}, table({"admin"})),
    "accounts:account_create": ("get", lambda w: {}, table({"admin"})),
    "accounts:account_detail": ("get", lambda w: {"pk": w.people.liaison_a.pk}, table({"admin"})),
    "accounts:account_set_password": (
        "post",
        lambda w: {"pk": w.people.liaison_a.pk},
        table({"admin"}, 302),
    ),
    "accounts:account_unlock": (
        "post",
        lambda w: {"pk": w.people.liaison_a.pk},
        table({"admin"}, 302),
    ),
    "accounts:account_reset_2fa": (
        "post",
        lambda w: {"pk": w.people.liaison_a.pk},
        table({"admin"}, 302),
    ),
    "core:import": ("get", lambda w: {"kind": "units"}, table(OFFICE_ADMIN)),
    "core:import_template": ("get", lambda w: {"kind": "people"}, table(OFFICE_ADMIN)),
    # Error workbooks belong to the session that made them: nobody else finds one.
    "core:import_errors": ("get", lambda w: {"token": "not-yours"}, everyone(404)),
    "core:export": ("get", lambda w: {"kind": "units"}, table(DISTRICT_STAFF)),
    "core:workdays": ("get", lambda w: {}, table(OFFICE_ADMIN)),
    "set_language": ("post", lambda w: {}, everyone(302, anon=302)),
    "org:person_reveal_id": (
        "post",
        lambda w: {"pk": w.person_a.pk},
        table(OFFICE_ADMIN),
        {"reason": "核对身份"},
    ),
    "audit:event_list": ("get", lambda w: {}, table({"auditor"})),
    "standards:standard_list": ("get", lambda w: {}, table(WORKING)),
    "standards:example_workbook": ("get", lambda w: {}, table(WORKING)),
    "standards:standard_detail": ("get", lambda w: {"pk": w.standard.pk}, table(WORKING)),
    "standards:standard_publish": (
        "post",
        lambda w: {"pk": w.standard.pk},
        table(OFFICE_ADMIN, 302),
    ),
    "standards:standard_archive": (
        "post",
        lambda w: {"pk": w.standard.pk},
        table(OFFICE_ADMIN, 302),
    ),
    "standards:standard_new_version": (
        "post",
        lambda w: {"pk": w.standard.pk},
        table(OFFICE_ADMIN, 302),
        {"version": "v9"},
    ),
    "standards:standard_delete": (
        "post",
        lambda w: {"pk": w.standard.pk},
        table(OFFICE_ADMIN, 302),
    ),
    # The world's standard is published: editing answers with a redirect and a message.
    "standards:criterion_create": (
        "get",
        lambda w: {"pk": w.standard.pk},
        table(OFFICE_ADMIN, 302),
    ),
    "standards:criterion_edit": (
        "get",
        lambda w: {"pk": w.standard.pk, "criterion_pk": w.item.pk},
        table(OFFICE_ADMIN, 302),
    ),
    "standards:criterion_delete": (
        "post",
        lambda w: {"pk": w.standard.pk, "criterion_pk": w.item.pk},
        table(OFFICE_ADMIN, 302),
    ),
    "campaigns:my_tasks": ("get", lambda w: {}, table(WORKING, 302)),
    "campaigns:task_list": ("get", lambda w: {"pk": w.campaign.pk}, table(WORKING)),
    "campaigns:task_create": ("get", lambda w: {"campaign_pk": w.campaign.pk}, table(OFFICE_ADMIN)),
    "campaigns:task_edit": (
        "get",
        lambda w: {"campaign_pk": w.campaign.pk, "pk": w.task.pk},
        table(OFFICE_ADMIN),
    ),
    "campaigns:copy_decomposition": (
        "post",
        lambda w: {"pk": w.campaign.pk},
        table(OFFICE_ADMIN, 302),
    ),
    # The task is unit A's: A's liaison sees it, the outsiders of A get 404.
    "campaigns:task_detail": (
        "get",
        lambda w: {"pk": w.task.pk},
        table(WORKING, outside=OUTSIDERS_OF_A),
    ),
    "campaigns:report_submit": (
        "post",
        lambda w: {"pk": w.task.pk},
        table(REPORTERS, 302, outside=OUTSIDERS_OF_A),
        {"text": "已完成", "percent": "100"},
    ),
    "campaigns:evidence_upload": (
        "post",
        lambda w: {"pk": w.task.pk},
        table(REPORTERS, 400, outside=OUTSIDERS_OF_A),
    ),
    "campaigns:report_review": (
        "post",
        lambda w: {"pk": w.report.pk},
        table(OFFICE_ADMIN, 302),
        {"decision": "accept"},
    ),
    "campaigns:evidence_download": (
        "get",
        lambda w: {"pk": w.evidence.pk},
        table(WORKING, outside=OUTSIDERS_OF_A),
    ),
    "campaigns:evidence_review": (
        "post",
        lambda w: {"pk": w.evidence.pk},
        table(OFFICE_ADMIN, 302),
        {"decision": "accept"},
    ),
    "campaigns:unit_reports": ("get", lambda w: {"pk": w.campaign.pk}, table(WORKING)),
    "campaigns:unit_report_review": (
        "post",
        lambda w: {"pk": w.unit_report.pk},
        table(OFFICE_ADMIN, 302),
        {"decision": "accept"},
    ),
    "campaigns:unit_report_download": (
        "get",
        lambda w: {"pk": w.unit_report.pk},
        table(WORKING, outside=OUTSIDERS_OF_A),
    ),
    "campaigns:ledger": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    "campaigns:coverage": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    "campaigns:live": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    "messaging:notifications": ("get", lambda w: {}, table(EVERYONE)),
    "messaging:notifications_read": ("post", lambda w: {}, table(EVERYONE, 302)),
    # A notification is its recipient's alone (unit A's liaison here).
    "messaging:notification_open": (
        "get",
        lambda w: {"pk": w.notification.pk},
        {**everyone(404), "liaison_a": 302},
    ),
    "messaging:preferences": ("get", lambda w: {}, table(EVERYONE)),
    "messaging:delivery_log": ("get", lambda w: {}, table(OFFICE_ADMIN)),
    "messaging:delivery_retry": (
        "post",
        lambda w: {"pk": w.delivery.pk},
        table(OFFICE_ADMIN, 302),
    ),
    "messaging:robot_add": ("post", lambda w: {}, table(OFFICE_ADMIN, 302)),
    "messaging:robot_remove": ("post", lambda w: {"pk": w.robot.pk}, table(OFFICE_ADMIN, 302)),
    "supervision:order_list": ("get", lambda w: {}, table(WORKING)),
    "supervision:order_detail": (
        "get",
        lambda w: {"pk": w.order.pk},
        table(WORKING, outside=OUTSIDERS_OF_A),
    ),
    # Signing for an order: only the supervised unit (A) may; outsiders do not see it.
    "supervision:order_step": (
        "post",
        lambda w: {"pk": w.order.pk, "action": "acknowledge"},
        {**table({"liaison_a"}, 302), **dict.fromkeys(OUTSIDERS_OF_A, 404)},
    ),
    "supervision:order_file": (
        "get",
        lambda w: {"pk": w.order_file.pk},
        table(WORKING, outside=OUTSIDERS_OF_A),
    ),
    "supervision:order_issue": ("get", lambda w: {"pk": w.campaign.pk}, table(ISSUERS)),
    "supervision:proposals": ("get", lambda w: {"pk": w.campaign.pk}, table(ISSUERS)),
    "supervision:inspection_list": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    "supervision:inspection_detail": (
        "get",
        lambda w: {"pk": w.inspection.pk},
        table(DISTRICT_STAFF),
    ),
    "supervision:lights": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    "supervision:ranking": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    "supervision:snapshot_now": ("post", lambda w: {"pk": w.campaign.pk}, table(OFFICE_ADMIN, 302)),
    "supervision:dashboard_latest": ("get", lambda w: {}, table(DISTRICT_STAFF, 302)),
    "supervision:dashboard": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    # Coordination. The notice and the joint item concern unit A (and garrison G).
    "coordination:notice_list": ("get", lambda w: {}, table(WORKING)),
    "coordination:notice_send": ("get", lambda w: {}, table(SENDERS)),
    "coordination:notice_detail": (
        "get",
        lambda w: {"pk": w.notice.pk},
        table(WORKING, outside=OUTSIDERS_OF_A),
    ),
    "coordination:notice_reply": (
        "post",
        lambda w: {"pk": w.notice.pk},
        table(UNIT_ROLES, 400, outside=OUTSIDERS_OF_A),  # 400: an empty reply
    ),
    "coordination:notice_chase": (
        "post",
        lambda w: {"pk": w.notice.pk},
        {**table(OFFICE_ADMIN, 302, outside=OUTSIDERS_OF_A), **dict.fromkeys(OUTSIDERS_OF_A, 404)},
    ),
    "coordination:notice_file": (
        "get",
        lambda w: {"pk": w.notice_file.pk},
        table(WORKING, outside=OUTSIDERS_OF_A),
    ),
    "coordination:reply_file": (
        "get",
        lambda w: {"pk": w.reply_file.pk},
        table(WORKING, outside=OUTSIDERS_OF_A),
    ),
    "coordination:meeting_list": ("get", lambda w: {}, table(WORKING)),
    "coordination:meeting_new": (
        "get",
        lambda w: {"campaign_pk": w.campaign.pk},
        table(OFFICE_ADMIN),
    ),
    "coordination:meeting_edit": (
        "get",
        lambda w: {"campaign_pk": w.campaign.pk, "pk": w.meeting.pk},
        table(OFFICE_ADMIN),
    ),
    "coordination:meeting_detail": ("get", lambda w: {"pk": w.meeting.pk}, table(WORKING)),
    "coordination:decision_add": (
        "post",
        lambda w: {"pk": w.meeting.pk},
        table(OFFICE_ADMIN, 400),  # 400: no text, no lead unit
    ),
    "coordination:meeting_file_add": (
        "post",
        lambda w: {"pk": w.meeting.pk},
        table(OFFICE_ADMIN, 400),  # 400: no file
    ),
    "coordination:meeting_file": ("get", lambda w: {"pk": w.meeting_file.pk}, table(WORKING)),
    # Someone else's attendance: only the office signs it.
    "coordination:sign_in": ("post", lambda w: {"pk": w.attendee.pk}, table(OFFICE_ADMIN, 302)),
    "coordination:joint_list": ("get", lambda w: {}, table(WORKING)),
    "coordination:joint_raise": ("get", lambda w: {}, table({"office", "admin", "military"})),
    "coordination:joint_detail": (
        "get",
        lambda w: {"pk": w.joint.pk},
        table(WORKING, outside={"liaison_b", "care"}),
    ),
    # A wrong-side sign-off is refused with a message on the item's page (302).
    "coordination:joint_sign": (
        "post",
        lambda w: {"pk": w.joint.pk, "side": "local"},
        table(WORKING, 302, outside={"liaison_b", "care"}),
    ),
    "coordination:comment_add": (
        "post",
        lambda w: {"kind": "task", "pk": w.task.pk},
        table(WORKING, 302, outside=OUTSIDERS_OF_A),
    ),
    "coordination:calendar": ("get", lambda w: {}, table(WORKING)),
    "coordination:calendar_token": ("post", lambda w: {}, table(WORKING, 302)),
    # The feed has no login: its private token is the key.
    "coordination:calendar_feed": (
        "get",
        lambda w: {"token": w.calendar_token.token},
        everyone(200, anon=200),
    ),
    # The city pack's old address sends everyone on to reports:city_report.
    "coordination:city_pack_moved": (
        "get",
        lambda w: {"pk": w.campaign.pk},
        everyone(301, anon=301),
    ),
    # Care: the entitled person lives in the street, whose care officer runs the registry.
    "care:home": ("get", lambda w: {}, table(CARE_READERS)),
    "care:person_new": ("get", lambda w: {}, table({"care"})),
    "care:person_detail": ("get", lambda w: {"pk": w.entitled.pk}, table(CARE_READERS)),
    "care:person_edit": ("get", lambda w: {"pk": w.entitled.pk}, table({"care"})),
    "care:person_reveal": ("post", lambda w: {"pk": w.entitled.pk}, table({"care"})),
    "care:entitlement_add": ("post", lambda w: {"pk": w.entitled.pk}, table({"care"}, 302)),
    "care:person_hukou": ("post", lambda w: {"pk": w.entitled.pk}, table({"care"}, 302)),
    "care:link_add": ("post", lambda w: {"pk": w.entitled.pk}, table({"care"}, 302)),
    "care:person_confirm": ("post", lambda w: {"pk": w.entitled.pk}, table({"care"}, 302)),
    "care:certificate_issue": ("post", lambda w: {"pk": w.entitled.pk}, table({"care"}, 302)),
    "care:certificate_step": (
        "post",
        lambda w: {"pk": w.certificate.pk, "action": "lost"},
        table({"care"}, 302),
    ),
    "care:entitlement_status": ("post", lambda w: {"pk": w.entitlement.pk}, table({"care"}, 302)),
    "care:entitlement_terms": ("post", lambda w: {"pk": w.entitlement.pk}, table({"care"}, 302)),
    "care:confirmations": ("get", lambda w: {}, table({"care"})),
    "care:standards": ("get", lambda w: {}, table(WORKING)),
    "care:batch_list": ("get", lambda w: {}, table(CARE_READERS)),
    "care:batch_compute": ("post", lambda w: {}, table({"care"}, 302)),
    "care:batch_detail": ("get", lambda w: {"pk": w.batch.pk}, table(CARE_READERS)),
    "care:batch_overpaid": ("get", lambda w: {"pk": w.batch.pk}, table(CARE_READERS)),
    # A street's care officer neither computes nor approves the district's batches.
    "care:batch_approve": ("post", lambda w: {"pk": w.batch.pk}, table({"office"}, 302)),
    # …nor discards them (the district's officer does: test_batch_views).
    "care:batch_discard": ("post", lambda w: {"pk": w.batch.pk}, table(set(), 302)),
    "care:recovery_list": ("get", lambda w: {}, table(CARE_READERS)),
    "care:recovery_detail": ("get", lambda w: {"pk": w.recovery.pk}, table(CARE_READERS)),
    # Money decisions are the district's: a street's officer records no repayment, writes
    # nothing off and changes no rule (the district's officer does: test_recovery_views).
    "care:recovery_repay": ("post", lambda w: {"pk": w.recovery.pk}, table(set(), 302)),
    "care:recovery_write_off": ("post", lambda w: {"pk": w.recovery.pk}, table({"office"}, 302)),
    "care:rules": ("get", lambda w: {}, table(CARE_READERS)),
    "care:rule_edit": ("post", lambda w: {"programme": "disability"}, table(set(), 302)),
    "care:occasion_list": ("get", lambda w: {}, table(VISIT_READERS)),
    "care:occasion_detail": ("get", lambda w: {"pk": w.occasion.pk}, table(VISIT_READERS)),
    "care:visit_add": ("post", lambda w: {"pk": w.occasion.pk}, table(CARE_READERS, 400)),
    "care:need_list": ("get", lambda w: {}, table(WORKING)),
    "care:need_new": ("get", lambda w: {}, table({"care", "office", "military"})),
    # The need is unit A's to handle: other units (and the street's officer) get 404.
    "care:need_detail": (
        "get",
        lambda w: {"pk": w.need.pk},
        table(WORKING, outside=OUTSIDERS_OF_A),
    ),
    "care:need_reply": (
        "post",
        lambda w: {"pk": w.need.pk},
        table(UNIT_ROLES | {"office"}, 400, outside=OUTSIDERS_OF_A),
    ),
    "care:need_close": (
        "post",
        lambda w: {"pk": w.need.pk},
        {**table({"office"}, 302), "care": 404},
    ),
    # Defence: streets' candidates are seen by the district and their street only.
    "defence:campaign_list": ("get", lambda w: {}, table(CONSCRIPTION)),
    "defence:campaign_detail": ("get", lambda w: {"pk": w.draft.pk}, table(CONSCRIPTION)),
    "defence:campaign_quotas": ("post", lambda w: {"pk": w.draft.pk}, table(OFFICE_ADMIN, 302)),
    "defence:campaign_notice": ("post", lambda w: {"pk": w.draft.pk}, table(OFFICE_ADMIN, 302)),
    "defence:candidate_list": ("get", lambda w: {"pk": w.draft.pk}, table(CONSCRIPTION)),
    "defence:candidate_new": ("get", lambda w: {"pk": w.draft.pk}, table(REGISTRARS)),
    "defence:candidate_detail": (
        "get",
        lambda w: {"pk": w.candidate.pk},
        table(CONSCRIPTION, outside={"liaison_a", "liaison_b", "military"}),
    ),
    "defence:candidate_step": (
        "post",
        lambda w: {"pk": w.candidate.pk},
        table(REGISTRARS, 302, outside={"liaison_a", "liaison_b"}),
    ),
    "defence:placement_list": ("get", lambda w: {}, table(VISIT_READERS)),
    "defence:placement_new": ("get", lambda w: {}, table(CARE_READERS)),
    "defence:placement_edit": ("get", lambda w: {"pk": w.case.pk}, table(CARE_READERS)),
    "defence:activity_list": ("get", lambda w: {}, table(WORKING)),
    "defence:activity_new": ("get", lambda w: {}, table(REPORTERS)),
    "defence:base_list": ("get", lambda w: {}, table(WORKING)),
    "reports:annual": ("get", lambda w: {}, table(DISTRICT_STAFF)),
    "reports:self_assessment": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    # The matrix runs without a Chinese font (see no_pdf_font): those allowed are sent
    # back to the page with the message; the PDF itself is tested in reports.
    "reports:self_assessment_pdf": (
        "get",
        lambda w: {"pk": w.campaign.pk},
        table(DISTRICT_STAFF, 302),
    ),
    "reports:city_report": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    "reports:pack": ("get", lambda w: {"pk": w.campaign.pk}, table(OFFICE_ADMIN)),
    # A pack is being built in the world: starting another only shows it.
    "reports:pack_start": ("post", lambda w: {"pk": w.campaign.pk}, table(OFFICE_ADMIN, 302)),
    "reports:pack_progress": ("get", lambda w: {"pk": w.pack.pk}, table(OFFICE_ADMIN)),
    # The world's pack has no file yet: those allowed get 404, the rest 403.
    "reports:pack_download": ("get", lambda w: {"pk": w.pack.pk}, table(OFFICE_ADMIN, 404)),
    "api_tokens:token_list": ("get", lambda w: {}, table(WORKING)),
    "api_tokens:token_revoke": ("post", lambda w: {"pk": w.token.pk}, token_revoke_table()),
    "api_tokens:webhook_list": ("get", lambda w: {}, table({"admin"})),
    "api_tokens:webhook_toggle": ("post", lambda w: {"pk": w.webhook.pk}, table({"admin"}, 302)),
    "campaigns:campaign_list": ("get", lambda w: {}, table(DISTRICT_STAFF)),
    "campaigns:campaign_create": ("get", lambda w: {}, table(OFFICE_ADMIN)),
    "campaigns:campaign_detail": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    "campaigns:campaign_edit": ("get", lambda w: {"pk": w.campaign.pk}, table(OFFICE_ADMIN)),
    "campaigns:assessment_create": ("get", lambda w: {"pk": w.campaign.pk}, table(SCORERS)),
    "campaigns:compare": ("get", lambda w: {"pk": w.campaign.pk}, table(DISTRICT_STAFF)),
    "campaigns:assessment_detail": (
        "get",
        lambda w: {"pk": w.assessment.pk},
        table(DISTRICT_STAFF),
    ),
    "campaigns:readiness": ("get", lambda w: {"pk": w.assessment.pk}, table(DISTRICT_STAFF)),
    "campaigns:score_criterion": (
        "post",
        lambda w: {"pk": w.assessment.pk, "criterion_pk": w.item.pk},
        table(SCORERS, 302),
        lambda w: {f"c{w.item.pk}-achieved": "on"},
    ),
    "audit:event_export": ("get", lambda w: {}, table({"auditor"})),
}

# Same views, other objects or kinds: each permission behind them is tried too.
EXTRA = [
    ("core:export", "get", lambda w: {"kind": "people"}, table(OFFICE_ADMIN)),
    # Unmasked ID numbers: the export permission and the reveal permission both.
    (
        "core:export",
        "post",
        lambda w: {"kind": "people"},
        table(OFFICE_ADMIN),
        {"full": "1", "reason": "核对名单"},
    ),
    ("core:import", "get", lambda w: {"kind": "people"}, table(OFFICE_ADMIN)),
    (
        "core:import",
        "get",
        lambda w: {"kind": "directives"},
        table(OFFICE_ADMIN),
        lambda w: {"campaign": w.campaign.pk},
    ),
    ("core:import", "get", lambda w: {"kind": "persons"}, table({"care"})),
    ("core:import", "get", lambda w: {"kind": "allowance_standards"}, table({"care"})),
    ("core:export", "get", lambda w: {"kind": "allowance_standards"}, table(WORKING)),
    (
        "core:export",
        "get",
        lambda w: {"kind": "payment_transfer"},
        table(CARE_READERS),
        lambda w: {"id": w.batch.pk},
    ),
    (
        "core:export",
        "get",
        lambda w: {"kind": "citypack"},
        table(DISTRICT_STAFF),
        lambda w: {"id": w.campaign.pk},
    ),
    (
        "org:unit_detail",
        "get",
        lambda w: {"pk": w.unit_a_child.pk},
        table(EVERYONE, outside=OUTSIDERS_OF_A),
    ),
]


def named_urls(resolver=None, namespace=""):
    """Every named URL as "namespace:name" (the API's token-only routes left out)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == "api_v1":  # bearer tokens, not sessions: shuangyong/api/tests
                continue
            yield from named_urls(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_is_in_the_table():
    assert set(named_urls()) == set(SPEC)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world is built once for the module's ~1,800 tests (each undoes its own writes)."""
    with data_for_module(django_db_blocker, tmp_path_factory) as media:
        district = build_district()
        world = build_world(district, build_people(district))
        world.media = media
        yield world


@pytest.fixture
def world(shared_world, db, settings):
    settings.MEDIA_ROOT = shared_world.media
    return shared_world


def build_world(district, people):
    person_a = Person.objects.create(
        name="王五", unit=district.a, phone="13800000001", id_number="11010519491231002X"
    )
    group = LeadingGroup.objects.create(
        name="测试区双拥工作领导小组", term="2025—2028", starts_on=dt.date(2025, 1, 1)
    )
    position = GroupPosition.objects.create(group=group, person=person_a, position=Position.MEMBER)
    standard, item = published_standard()
    campaign = Campaign.objects.create(
        name="测试创建",
        standard=standard,
        district=district.root,
        start_year=2025,
        end_year=2028,
        target_score=90,
    )
    assessment = Assessment.objects.create(
        campaign=campaign, kind="self", title="自评", held_on=dt.date(2026, 1, 1), assessors="甲"
    )
    task = Task.objects.create(
        campaign=campaign, criterion=item, title="研究双拥工作", lead_unit=district.a
    )
    report = ProgressReport.objects.create(task=task, unit=district.a, text="进展", percent=50)
    evidence = Evidence.objects.create(
        campaign=campaign,
        task=task,
        criterion=item,
        unit=district.a,
        year=2026,
        title="纪要",
        file=ContentFile(b"%PDF-1.4 minutes", name="minutes.pdf"),
        original_name="minutes.pdf",
        content_type="application/pdf",
        size=16,
        sha256="ab" * 32,
    )
    unit_report = UnitReport.objects.create(
        campaign=campaign,
        unit=district.a,
        year=2026,
        kind="duty_report",
        text="述职",
        file=ContentFile(b"%PDF-1.4 duty", name="duty.pdf"),
    )
    order = SupervisionOrder.objects.create(
        campaign=campaign,
        year=2026,
        number=1,
        level="general",
        unit=district.a,
        subject="督办",
        requirement="尽快完成",
        deadline=dt.date(2099, 1, 1),
    )
    order.tasks.add(task)
    order_file = OrderFile.objects.create(
        step=OrderStep.objects.create(order=order, action="respond", text="已办"),
        name="照片.pdf", file=ContentFile(b"%PDF-1.4 o", name="o.pdf"), size=10, sha256="0" * 64,
    )  # fmt: skip
    inspection = Inspection.objects.create(
        campaign=campaign, held_on=dt.date(2026, 5, 1), team="督查组"
    )
    inspection.units.add(district.a)
    notification = Notification.objects.create(
        recipient=people.liaison_a, kind="due", title="提醒", link="/", key="k"
    )
    delivery = Delivery.objects.create(
        event="due", key="k", channel="sms", address="13900000000", status="gave_up"
    )
    robot = Robot.objects.create(name="甲群", kind="wecom_robot", unit=district.a, token="t")
    notice = Notice.objects.create(
        campaign=campaign,
        sender_unit=district.office,
        author=people.office,
        title="报送材料",
        body="请报送",
        requires_reply=True,
        reply_deadline=dt.date(2099, 1, 1),
    )
    receipt = Receipt.objects.create(notice=notice, unit=district.a)
    notice_file = NoticeFile.objects.create(
        notice=notice, name="通知.pdf", file=ContentFile(b"%PDF-1.4 n", name="n.pdf")
    )
    reply_file = ReplyFile.objects.create(
        receipt=receipt, name="回执.pdf", file=ContentFile(b"%PDF-1.4 r", name="r.pdf")
    )
    meeting = Meeting.objects.create(
        campaign=campaign, kind="plenary", title="全体会议", held_on=dt.date(2026, 3, 1)
    )
    attendee = Attendee.objects.create(meeting=meeting, person=person_a)
    meeting_file = MeetingFile.objects.create(
        meeting=meeting,
        kind="minutes",
        name="纪要.pdf",
        file=ContentFile(b"%PDF-1.4 m", name="m.pdf"),
    )
    joint = JointItem.objects.create(
        campaign=campaign,
        title="训练场地",
        local_unit=district.a,
        garrison_unit=district.garrison,
    )
    calendar_token = CalendarToken.objects.create(user=people.liaison_a, token="t" * 43)
    entitled = EntitledPerson.objects.create(
        name="吴老兵",
        id_number="11010519491231002X",
        sex="F",
        birth_date=dt.date(1949, 12, 31),
        street=district.street,
    )
    entitlement = Entitlement.objects.create(
        person=entitled, category="disabled_veteran", grade=5, cause="war"
    )
    certificate = Certificate.objects.create(
        person=entitled, number="YD001", issued_on=dt.date(2026, 1, 1)
    )
    batch = PaymentBatch.objects.create(
        programme="disability",
        kind="regular",
        period="2026-11",
        first_month=24322,
        last_month=24322,
        computed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    recovery = Recovery.objects.create(
        batch=batch,
        entitlement=entitlement,
        person=entitled,
        first_month=24321,
        last_month=24321,
        amount_cents=410000,
        reason="deceased",
        debtor="家属",
    )
    occasion = VisitOccasion.objects.create(
        name="2026年八一",
        kind="army_day",
        year=2026,
        starts_on=dt.date(2026, 7, 20),
        ends_on=dt.date(2026, 8, 10),
    )
    need = Need.objects.create(
        source="family",
        requester="某军属",
        category="schooling",
        text="子女入学",
        assignee=district.a,
        deadline=dt.date(2099, 1, 1),
    )
    draft = ConscriptionCampaign.objects.create(year=2026, half=2, quota=5)
    candidate = Candidate.objects.create(
        campaign=draft,
        name="应征青年",
        id_number="11019920060101001X",
        birth_date=dt.date(2006, 1, 1),
        street=district.street,
        education="high_school",
    )
    case = PlacementCase.objects.create(
        name="退役士兵",
        id_number="11010519491231002X",
        kind="child",
        street=district.street,
        discharged_on=dt.date(2026, 1, 1),
    )
    from shuangyong.api.models import ApiToken

    token = ApiToken.objects.create(
        user=people.office, name="市平台", prefix="sy_x", key_hash="0" * 64
    )
    from shuangyong.api.models import Webhook

    webhook = Webhook.objects.create(
        name="市平台", url="https://example.invalid/h", secret="s" * 16
    )
    from shuangyong.reports.models import ReadinessPack

    pack = ReadinessPack.objects.create(campaign=campaign, status="running", total=10)
    return SimpleNamespace(
        delivery=delivery,
        robot=robot,
        pack=pack,
        token=token,
        webhook=webhook,
        draft=draft,
        candidate=candidate,
        case=case,
        entitled=entitled,
        entitlement=entitlement,
        certificate=certificate,
        batch=batch,
        recovery=recovery,
        occasion=occasion,
        need=need,
        notice=notice,
        notice_file=notice_file,
        reply_file=reply_file,
        meeting=meeting,
        attendee=attendee,
        meeting_file=meeting_file,
        joint=joint,
        calendar_token=calendar_token,
        order=order,
        order_file=order_file,
        inspection=inspection,
        notification=notification,
        task=task,
        report=report,
        evidence=evidence,
        unit_report=unit_report,
        unit_a=district.a,
        unit_a_child=district.a_child,
        person_a=person_a,
        group=group,
        position=position,
        people=people,
        standard=standard,
        item=item,
        campaign=campaign,
        assessment=assessment,
    )


def published_standard():
    standard = Standard.objects.create(name="测试标准", version="1")
    category = Criterion.objects.create(standard=standard, code="1", title="类", points=2)
    item = Criterion.objects.create(
        standard=standard,
        parent=category,
        code="1.1",
        title="项",
        points=2,
        rule_type="all_or_nothing",
    )
    Standard.objects.filter(pk=standard.pk).update(status="published")
    standard.refresh_from_db()
    return standard, item


CASES = [(name, *spec) for name, spec in SPEC.items()] + EXTRA
CASES = [case if len(case) == 5 else (*case, {}) for case in CASES]


@pytest.fixture(autouse=True)
def no_pdf_font(settings):
    """Rendering a PDF per role would only slow the matrix down; its access is the same."""
    settings.PDF_FONT = "/nonexistent/no-font.ttc"


@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
@pytest.mark.parametrize(
    "url_name,method,kwargs,expected,data", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_access(client, world, who, url_name, method, kwargs, expected, data):
    if who != "anonymous":
        client.force_login(getattr(world.people, who))
    url = reverse(url_name, kwargs=kwargs(world))
    response = getattr(client, method)(url, data(world) if callable(data) else data)
    assert response.status_code == expected[who], (
        f"{who} {method.upper()} {url}: {response.status_code}, expected {expected[who]}"
    )
    if (
        expected[who] == LOGIN
        and who == "anonymous"
        and url_name not in {"accounts:logout", "set_language"}
    ):
        assert response.url.startswith(reverse("accounts:login"))
