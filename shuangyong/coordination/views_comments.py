"""Comments on any target (a task, an order, a notice, a joint item), with @mentions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangyong.access import require
from shuangyong.coordination import comments, services
from shuangyong.coordination.forms import CommentForm
from shuangyong.coordination.panels import DRAFT_KEY


@require_POST
@require("comments.add")
def comment_add(request, kind: str, pk: int):
    target = comments.resolve(request.user, kind, pk)
    if target is None:
        raise Http404
    link = comments.link_of(kind, pk)
    form = CommentForm(request.POST)
    text = request.POST.get("text", "")
    try:
        if not form.is_valid():
            raise ValidationError(_("Write a comment."))
        services.add_comment(target=target, author=request.user, text=text, link=link)
    except ValidationError as exc:
        # Back to the page with the text kept, so a mistyped @name loses nothing.
        request.session[DRAFT_KEY.format(kind=kind, pk=pk)] = {
            "text": text,
            "error": "；".join(exc.messages),
        }
    else:
        messages.success(request, _("Comment added."))
    return redirect(f"{link}#comments")
