"""Meetings: the list, recording one, sign-in, files, decisions that become tasks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, require
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.campaigns.models import Campaign
from shuangyong.coordination import selectors, services
from shuangyong.coordination.forms import DecisionForm, MeetingFileForm, MeetingForm
from shuangyong.coordination.models import Attendee, Meeting, MeetingKind
from shuangyong.core.feedback import add_to_form


@require("meetings.view")
def meeting_list(request):
    kind = request.GET.get("kind", "")
    meetings = selectors.meeting_rows(kind=kind)
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    can_edit = can(request.user, "meetings.edit")
    return render(
        request,
        "coordination/meeting_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": MeetingKind.choices,
            "campaigns": Campaign.objects.order_by("-end_year", "-id") if can_edit else [],
        },
    )


@require("meetings.edit")
def meeting_edit(request, campaign_pk: int, pk: int | None = None):
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    meeting = get_object_or_404(Meeting, pk=pk, campaign=campaign) if pk else None
    form = MeetingForm(request.POST or None, instance=meeting, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.save_meeting(
                campaign=campaign,
                form=form,
                attendees=form.cleaned_data["attendees"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("coordination:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "coordination/meeting_form.html",
        {"form": form, "campaign": campaign, "meeting": meeting},
    )


@require("meetings.view")
def meeting_detail(request, pk: int, decision_form=None, file_form=None, status=200):
    meeting = get_object_or_404(
        Meeting.objects.select_related("campaign", "evidence_task", "created_by__person"), pk=pk
    )
    can_edit = can(request.user, "meetings.edit")
    attendees = list(
        meeting.attendees.select_related("person__unit").order_by("person__unit__path")
    )
    return render(
        request,
        "coordination/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "signed": sum(1 for a in attendees if a.signed_in_at),
            "mine": next((a for a in attendees if a.person_id == request.user.person_id), None),
            "files": selectors.visible_meeting_files(request.user, meeting),
            "decisions": meeting.decisions.select_related("task__lead_unit").order_by("pk"),
            "can_edit": can_edit,
            "decision_form": (decision_form or DecisionForm()) if can_edit else None,
            "file_form": (file_form or MeetingFileForm()) if can_edit else None,
        },
        status=status,
    )


@require_POST
@require("meetings.view")
def attendee_sign_in(request, pk: int):
    attendee = get_object_or_404(Attendee.objects.select_related("person"), pk=pk)
    if services.sign_in(attendee=attendee, actor=request.user):
        messages.success(request, _("%(name)s signed in.") % {"name": attendee.person.name})
    return redirect("coordination:meeting_detail", pk=attendee.meeting_id)


@require_POST
@require("meetings.edit")
def decision_add(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.select_related("campaign"), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.add_decision(
                meeting=meeting,
                text=form.cleaned_data["text"],
                lead_unit=form.cleaned_data["lead_unit"],
                deadline=form.cleaned_data["deadline"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Decision recorded; a task went to %(unit)s.")
                % {"unit": decision.task.lead_unit.name},
            )
            return redirect("coordination:meeting_detail", pk=meeting.pk)
    return meeting_detail(request, meeting.pk, decision_form=form, status=400)


@require_POST
@require("meetings.edit")
def meeting_file_add(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.select_related("evidence_task__campaign"), pk=pk)
    form = MeetingFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = services.add_meeting_file(
                meeting=meeting,
                kind=form.cleaned_data["kind"],
                unit=form.cleaned_data["unit"],
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            if item.evidence_id:
                messages.success(request, _("File added, and filed as the task's evidence."))
            else:
                messages.success(request, _("File added."))
            return redirect("coordination:meeting_detail", pk=meeting.pk)
    return meeting_detail(request, meeting.pk, file_form=form, status=400)


@require("meetings.view")
def meeting_file(request, pk: int):
    item = get_object_or_404(selectors.visible_meeting_files(request.user), pk=pk)
    record(Action.DOWNLOAD, obj=item)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
