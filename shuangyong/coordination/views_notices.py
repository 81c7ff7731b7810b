"""Notices: the inbox and outbox, sending, reading, replying, chasing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import can, in_scope, require
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.campaigns.selectors import current_campaign
from shuangyong.coordination import selectors, services
from shuangyong.coordination.forms import NoticeForm, ReplyForm
from shuangyong.coordination.models import NoticeFile, ReplyFile
from shuangyong.core.feedback import add_to_form
from shuangyong.core.once import once_per_form


def _notice(request, pk: int):
    return get_object_or_404(selectors.visible_notices(request.user), pk=pk)


def is_sender_side(user, notice) -> bool:
    """The author, district staff, or the sending unit (and those above it) see every receipt."""
    if notice.author_id == user.pk or not user.is_unit_scoped:
        return True
    return in_scope(user, notice.sender_unit)


@require("notices.view")
def notice_list(request):
    default = "in" if request.user.is_unit_scoped else "all"
    box = request.GET.get("box", default)
    if box not in {"in", "out", "all"}:
        box = default
    rows = selectors.notice_rows(request.user, box=box)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coordination/notice_list.html",
        {"page": page, "box": box, "can_send": can(request.user, "notices.send")},
    )


@require("notices.send")
@once_per_form
def notice_send(request):
    recipients = services.allowed_recipients(request.user)
    form = NoticeForm(request.POST or None, request.FILES or None, recipients=recipients)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.send_notice(
                author=request.user,
                title=data["title"],
                reference=data["reference"],
                body=data["body"],
                units=data["units"],
                roles=data["roles"],
                requires_reply=data["requires_reply"],
                reply_deadline=data["reply_deadline"],
                reply_fields=data["reply_fields"],
                files=data["files"],
                campaign=current_campaign(),
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Sent to %(n)d units.") % {"n": notice.receipts.count()})
            return redirect("coordination:notice_detail", pk=notice.pk)
    return render(request, "coordination/notice_form.html", {"form": form})


@require("notices.view")
def notice_detail(request, pk: int, reply_form=None, http_status=200):
    notice = _notice(request, pk)
    user = request.user
    own = services.receipt_for(user, notice)
    if own is not None and own.read_at is None:
        services.mark_read(receipt=own, user=user)
        own.refresh_from_db()
    sender_side = is_sender_side(user, notice)
    may_reply = (
        own is not None
        and notice.requires_reply
        and own.replied_at is None
        and can(user, "notices.reply")
    )
    if may_reply and reply_form is None:
        reply_form = ReplyForm(questions=notice.reply_fields)
    status = selectors.notice_status(notice) if sender_side else None
    pending = []
    if status is not None:
        pending = status.not_replied if notice.requires_reply else status.unread
    return render(
        request,
        "coordination/notice_detail.html",
        {
            "notice": notice,
            "files": notice.files.all(),
            "own": own,
            "own_files": own.files.all() if own else [],
            "status": status,
            "pending": pending,
            "reply_form": reply_form if may_reply else None,
            "can_chase": notice.author_id == user.pk or can(user, "notices.chase_any"),
        },
        status=http_status,
    )


@require_POST
@require("notices.reply")
def notice_reply(request, pk: int):
    notice = _notice(request, pk)
    own = services.receipt_for(request.user, notice)
    if own is None:
        raise PermissionDenied(_("Your unit did not receive this notice."))
    form = ReplyForm(request.POST, request.FILES, questions=notice.reply_fields)
    if form.is_valid():
        try:
            receipt = services.reply(
                receipt=own,
                user=request.user,
                text=form.cleaned_data["text"],
                values=form.values(),
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            if receipt.late:
                messages.warning(request, _("Reply recorded, after the deadline: marked late."))
            else:
                messages.success(request, _("Reply recorded."))
            return redirect("coordination:notice_detail", pk=notice.pk)
    return notice_detail(request, pk, reply_form=form, http_status=400)


@require_POST
@require("notices.view")
def notice_chase(request, pk: int):
    notice = _notice(request, pk)
    count = services.chase(notice=notice, actor=request.user)
    if count:
        messages.success(request, _("Reminder sent to %(n)d units.") % {"n": count})
    else:
        messages.info(request, _("Every unit has answered: nobody to remind."))
    return redirect("coordination:notice_detail", pk=notice.pk)


@require("notices.view")
def notice_file(request, pk: int):
    item = get_object_or_404(NoticeFile, pk=pk)
    _notice(request, item.notice_id)
    record(Action.DOWNLOAD, obj=item)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@require("notices.view")
def reply_file(request, pk: int):
    item = get_object_or_404(ReplyFile.objects.select_related("receipt__unit"), pk=pk)
    notice = _notice(request, item.receipt.notice_id)
    if not (is_sender_side(request.user, notice) or in_scope(request.user, item.receipt.unit)):
        raise PermissionDenied
    record(Action.DOWNLOAD, obj=item, object_unit_id=item.receipt.unit_id)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
