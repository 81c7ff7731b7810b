"""Building a readiness pack: stream the evidence files of a campaign into a zip, in the
standard's order, one folder per criterion code (then year), with an Excel index of
every file and the self-assessment report as a PDF. Only approved files go in unless the
pack asks for the others too; every entry carries its own date (a file: when it was
submitted; the index and the report: when the pack was built), not 1980-01-01. Memory
stays bounded whatever the number of files: evidence rows are read in chunks, files are
copied in blocks, the index is written row by row.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.campaigns.models import Evidence, ReviewStatus
from shuangyong.core import excel
from shuangyong.core.uploads import safe_filename
from shuangyong.reports.fonts import NoChineseFont
from shuangyong.reports.models import PackStatus, ReadinessPack
from shuangyong.reports.pdf import render_self_assessment
from shuangyong.reports.self_assessment import default_assessment, self_assessment_report

logger = logging.getLogger(__name__)

INDEX_HEADERS = ["考评编号", "考评项目", "台账要求", "年度", "台账标题", "单位", "提交时间",
                 "状态", "包内路径"]  # fmt: skip
MISSING = "文件缺失，未打包"
PROGRESS_SECONDS = 2.0
REPORT_NAME = "自评报告.pdf"
REPORT_MISSING_NAME = "自评报告-未生成.txt"
# Progress and heartbeat are saved every PROGRESS_SECONDS whatever the files' sizes (by
# count, a run of 50 MB files went minutes without one): a pack silent this long was cut off.
STALE_AFTER = dt.timedelta(minutes=10)


def pack_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "packs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def build(pack: ReadinessPack) -> ReadinessPack:
    """Build ``pack`` now; its progress is saved as it goes.

    Rules: a file missing from storage is marked in the index and the pack still
    builds (the page says how many); any other fault fails the pack with a message
    and leaves no partial zip; when it is done, the campaign's older zips are removed.
    """
    pack.status, pack.heartbeat = PackStatus.RUNNING, timezone.now()
    evidence = (
        Evidence.objects.filter(campaign_id=pack.campaign_id, superseded=False)
        .select_related("criterion", "unit")
        .order_by("criterion__sort_key", "year", "pk")
    )
    if not pack.include_unapproved:
        evidence = evidence.filter(status=ReviewStatus.ACCEPTED)
    pack.total = evidence.count()
    pack.save(update_fields=["status", "total", "heartbeat"])
    target = pack_folder() / f"readiness-{pack.campaign_id}-{pack.pk}.zip"
    missing = []
    try:
        with (
            tempfile.TemporaryDirectory() as scratch,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        ):
            index = Path(scratch) / "index.xlsx"
            rows = _files_into(archive, evidence, pack, missing)
            excel.write_workbook(index, [("台账索引", INDEX_HEADERS, rows)])
            built = _zip_time(timezone.now())
            with (
                index.open("rb") as source,
                archive.open(_entry("台账索引.xlsx", built), "w") as out,
            ):
                shutil.copyfileobj(source, out, 1 << 16)
            _add_self_assessment(archive, pack, built)
        pack.status, pack.done, pack.path = PackStatus.DONE, pack.total, str(target)
        pack.size = target.stat().st_size
        pack.error = (
            _("%(n)d files were missing from storage; the index marks them: %(which)s")
            % {"n": len(missing), "which": "、".join(missing[:10])}
            if missing
            else ""
        )
    except Exception:  # the page says it failed; the log has why; nothing half-built stays
        logger.exception("readiness pack %s failed", pack.pk)
        target.unlink(missing_ok=True)
        pack.status = PackStatus.FAILED
        pack.error = _("The pack could not be built; the server log has the details.")
    pack.finished_at = timezone.now()
    pack.save(update_fields=["status", "done", "path", "size", "error", "finished_at"])
    if pack.status == PackStatus.DONE:
        _remove_older_zips(pack)
    return pack


def _zip_time(moment) -> tuple[int, int, int, int, int, int]:
    """A moment as a zip entry's date (local time; a zip cannot hold dates before 1980)."""
    local = timezone.localtime(moment)
    return max(local.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def _entry(name: str, date_time) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _files_into(archive: zipfile.ZipFile, evidence, pack: ReadinessPack, missing: list):
    """Copy each evidence file into the zip and yield its line of the index."""
    last_beat = time.monotonic()
    for n, item in enumerate(evidence.iterator(chunk_size=500), start=1):
        code = item.criterion.code if item.criterion_id else "其他"
        inside = f"{code}/{item.year}/{item.pk}-{safe_filename(item.original_name)}"
        status = item.get_status_display()
        try:
            entry = _entry(inside, _zip_time(item.submitted_at))
            with item.file.open("rb") as source, archive.open(entry, "w") as out:
                shutil.copyfileobj(source, out, 1 << 16)
        except FileNotFoundError:
            missing.append(f"{item.title}（{item.unit.name}）")
            status, inside = MISSING, ""
        if time.monotonic() - last_beat >= PROGRESS_SECONDS:
            beat(pack, done=n)
            last_beat = time.monotonic()
        yield [
            code, item.criterion.title if item.criterion_id else "",
            item.criterion.evidence if item.criterion_id else "", item.year, item.title,
            item.unit.name, timezone.localtime(item.submitted_at).strftime("%Y-%m-%d %H:%M"),
            status, inside,
        ]  # fmt: skip


def beat(pack: ReadinessPack, *, done: int) -> None:
    """Save how many files are in and that the builder is alive."""
    ReadinessPack.objects.filter(pk=pack.pk).update(done=done, heartbeat=timezone.now())


def _add_self_assessment(archive: zipfile.ZipFile, pack: ReadinessPack, built) -> None:
    """The self-assessment report on the latest self-assessment; without a Chinese font,
    a note in its place saying what to install (the rest of the pack is still whole)."""
    campaign = pack.campaign
    report = self_assessment_report(campaign=campaign, assessment=default_assessment(campaign))
    try:
        archive.writestr(_entry(REPORT_NAME, built), render_self_assessment(report))
    except NoChineseFont as exc:
        archive.writestr(_entry(REPORT_MISSING_NAME, built), str(exc))


def _remove_older_zips(pack: ReadinessPack) -> None:
    """Only the newest pack of a campaign keeps its zip: each is a full copy of the files."""
    older = ReadinessPack.objects.filter(campaign_id=pack.campaign_id, pk__lt=pack.pk).exclude(
        path=""
    )
    for path in older.values_list("path", flat=True):
        Path(path).unlink(missing_ok=True)
    older.update(path="")


def expire_stale(campaign) -> None:
    """Fail the campaign's packs whose builder stopped beating (the process ended), so
    that they neither block a new pack nor keep the page polling."""
    cutoff = timezone.now() - STALE_AFTER
    silent = Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True, created_at__lt=cutoff)
    for pack in campaign.readiness_packs.filter(
        silent, status__in=[PackStatus.QUEUED, PackStatus.RUNNING]
    ):
        Path(pack_folder() / f"readiness-{pack.campaign_id}-{pack.pk}.zip").unlink(missing_ok=True)
        pack.status, pack.finished_at = PackStatus.FAILED, timezone.now()
        pack.error = _("The build was cut off (the server restarted?); build the pack again.")
        pack.save(update_fields=["status", "finished_at", "error"])


def busy(campaign) -> bool:
    """Whether a pack of ``campaign`` is being built (after failing the cut-off ones):
    one build at a time, each is a full copy of the files."""
    expire_stale(campaign)
    return campaign.readiness_packs.filter(
        status__in=[PackStatus.QUEUED, PackStatus.RUNNING]
    ).exists()


def start(pack: ReadinessPack) -> None:
    """Build in a background thread of this process: packs are wanted now, not at the
    worker's next round, and the page polls the progress."""

    def run():
        try:
            build(ReadinessPack.objects.get(pk=pack.pk))
        finally:
            connection.close()

    threading.Thread(target=run, name=f"pack-{pack.pk}", daemon=True).start()
