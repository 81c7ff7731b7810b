"""The readiness pack: queue it for the worker, watch it, download it."""

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
    packs.recover_stale(campaign_id=campaign.pk)
    latest = campaign.readiness_packs.first()
    waiting = Evidence.objects.filter(campaign=campaign, superseded=False).exclude(
        status=ReviewStatus.ACCEPTED
    )
    return render(
        request,
        "reports/pack.html",
        {"campaign": campaign, "pack": latest, "not_approved": waiting.count(),
         **_progress(latest)},
    )  # fmt: skip


def _progress(pack) -> dict:
    """What the progress box says beside the row: whether a queued pack waits for a
    worker that is not running, and the most attempts a pack gets."""
    waiting = pack is not None and pack.status == PackStatus.QUEUED
    return {"no_worker": waiting and packs.worker_missing(), "max_attempts": packs.MAX_ATTEMPTS}


@require_POST
@require("reports.pack")
def pack_start(request, pk: int):
    """Queue a pack for the worker unless one of this campaign is queued or being built."""
    campaign = get_object_or_404(Campaign, pk=pk)
    packs.enqueue(
        campaign=campaign,
        created_by=request.user,
        include_unapproved=request.POST.get("include_unapproved") == "1",
    )
    return redirect("reports:pack", pk=pk)


@require("reports.pack")
def pack_progress(request, pk: int):
    """The progress bar alone, for the page to poll (htmx): read from the row, which the
    worker building the pack writes, so every web process shows the same."""
    pack = get_object_or_404(ReadinessPack, pk=pk)
    if pack.status == PackStatus.RUNNING and packs.recover_stale(campaign_id=pack.campaign_id):
        pack.refresh_from_db()
    return render(request, "reports/pack.html#progress", {"pack": pack, **_progress(pack)})


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
