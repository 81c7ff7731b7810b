"""The readiness pack: start it, watch it, download it."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shuangyong.access import require
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.campaigns.models import Campaign, Evidence, ReviewStatus
from shuangyong.reports import pack as packs
from shuangyong.reports.models import PackStatus, ReadinessPack


@require("reports.pack")
def pack_page(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    packs.expire_stale(campaign)
    latest = campaign.readiness_packs.first()
    waiting = Evidence.objects.filter(campaign=campaign, superseded=False).exclude(
        status=ReviewStatus.ACCEPTED
    )
    return render(
        request,
        "reports/pack.html",
        {"campaign": campaign, "pack": latest, "not_approved": waiting.count()},
    )


@require_POST
@require("reports.pack")
def pack_start(request, pk: int):
    """Start a pack unless one is being built for this campaign already."""
    campaign = get_object_or_404(Campaign, pk=pk)
    if not packs.busy(campaign):
        pack = ReadinessPack.objects.create(
            campaign=campaign,
            created_by=request.user,
            include_unapproved=request.POST.get("include_unapproved") == "1",
        )
        packs.start(pack)
    return redirect("reports:pack", pk=pk)


@require("reports.pack")
def pack_progress(request, pk: int):
    """The progress bar alone, for the page to poll (htmx)."""
    pack = get_object_or_404(ReadinessPack, pk=pk)
    return render(request, "reports/pack.html#progress", {"pack": pack})


@require("reports.pack")
def pack_download(request, pk: int):
    pack = get_object_or_404(ReadinessPack, pk=pk, status=PackStatus.DONE)
    try:
        handle = open(pack.path, "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError:
        raise Http404 from None
    record(Action.DOWNLOAD, obj=pack, detail={"file": "readiness pack", "size": pack.size})
    return FileResponse(
        handle, as_attachment=True, filename=f"迎检台账-{pack.campaign_id}-{pack.pk}.zip"
    )
