"""Building a readiness pack: stream the evidence files of a campaign into a zip, in the
standard's order, one folder per criterion code (then year), with an Excel index of
every file and the self-assessment report as a PDF. Only approved files go in unless the
pack asks for the others too; every entry carries its own date (a file: when it was
submitted; the index and the report: when the pack was built), not 1980-01-01. Memory
stays bounded whatever the number of files: evidence rows are read in chunks, files are
copied in blocks, the index is written row by row.

Packs are built by ``shuangyong worker``, never in a thread of a web process: the page
queues one (``enqueue``), a worker round claims it (``claim``: one worker per pack) and
builds it, writing its progress and heartbeat to the row, so every web process shows the
same progress. A build whose heartbeat stops (its worker was killed or the machine
restarted) is queued again and rebuilt from the start, at most ``MAX_ATTEMPTS`` claims in
all, then failed with a message (``recover_stale``): a restart is routine and the office
asked for the pack, but a pack that itself kills its worker must not do so for ever.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangyong.campaigns.models import Evidence, ReviewStatus
from shuangyong.core import excel
from shuangyong.core.uploads import safe_filename
from shuangyong.messaging import jobs
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
# Claims of one pack before a cut-off build is failed instead of queued again.
MAX_ATTEMPTS = 3
# No round of any worker and no pack's heartbeat for this long: no worker is running.
WORKER_SILENT = dt.timedelta(minutes=3)


class CutOff(Exception):
    """The row is no longer this build's claim: it went silent, was queued again (or
    failed) and another worker may be building it; this build stops and writes nothing."""


def pack_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "packs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def zip_path(pack: ReadinessPack) -> Path:
    """Where a claim of ``pack`` writes its zip: one file per claim, so a build that was
    cut off but still runs never writes into the file of the claim that replaced it."""
    return pack_folder() / f"readiness-{pack.campaign_id}-{pack.pk}-{pack.attempts}.zip"


def _claimed(pack: ReadinessPack):
    """The row while it is still this claim of ``pack`` (running, same attempt count)."""
    return ReadinessPack.objects.filter(
        pk=pack.pk, status=PackStatus.RUNNING, attempts=pack.attempts
    )


def build(pack: ReadinessPack) -> ReadinessPack:
    """Build ``pack`` now; its progress is saved as it goes.

    Rules: a pack not claimed yet (the command, tests) is claimed here; a file missing
    from storage is marked in the index and the pack still builds (the page says how
    many); any other fault fails the pack with a message and leaves no partial zip; a
    build whose claim was taken back (``CutOff``) stops and leaves the row alone; when it
    is done, the campaign's older zips are removed.
    """
    if pack.status != PackStatus.RUNNING:
        pack.status, pack.attempts = PackStatus.RUNNING, pack.attempts + 1
        pack.save(update_fields=["status", "attempts"])
    pack.heartbeat = timezone.now()
    evidence = (
        Evidence.objects.filter(campaign_id=pack.campaign_id, superseded=False)
        .select_related("criterion", "unit")
        .order_by("criterion__sort_key", "year", "pk")
    )
    if not pack.include_unapproved:
        evidence = evidence.filter(status=ReviewStatus.ACCEPTED)
    pack.total = evidence.count()
    target = zip_path(pack)
    missing, lost = [], []
    try:
        if not _claimed(pack).update(total=pack.total, done=0, heartbeat=pack.heartbeat):
            raise CutOff
        with (
            tempfile.TemporaryDirectory() as scratch,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        ):
            index = Path(scratch) / "index.xlsx"
            rows = _files_into(archive, evidence, pack, missing, lost)
            excel.write_workbook(index, [("台账索引", INDEX_HEADERS, rows)])
            if lost:  # raised here, not inside the workbook's writer
                raise CutOff
            built = _zip_time(timezone.now())
            with (
                index.open("rb") as source,
                archive.open(_entry("台账索引.xlsx", built), "w") as out,
            ):
                shutil.copyfileobj(source, out, 1 << 16)
            # The files' last beat may be seconds old and the report takes a while too.
            if not _claimed(pack).update(done=pack.total, heartbeat=timezone.now()):
                raise CutOff
            _add_self_assessment(archive, pack, built)
        pack.status, pack.done, pack.path = PackStatus.DONE, pack.total, str(target)
        pack.size = target.stat().st_size
        pack.error = (
            _("%(n)d files were missing from storage; the index marks them: %(which)s")
            % {"n": len(missing), "which": "、".join(missing[:10])}
            if missing
            else ""
        )
    except CutOff:
        logger.warning("readiness pack %s: claim %s was taken back", pack.pk, pack.attempts)
        target.unlink(missing_ok=True)
        pack.refresh_from_db()
        return pack
    except Exception:  # the page says it failed; the log has why; nothing half-built stays
        logger.exception("readiness pack %s failed", pack.pk)
        target.unlink(missing_ok=True)
        pack.status = PackStatus.FAILED
        pack.error = _("The pack could not be built; the server log has the details.")
    pack.finished_at = timezone.now()
    if not _settle(pack, ["status", "done", "path", "size", "error", "finished_at"]):
        logger.warning("readiness pack %s: claim %s was taken back", pack.pk, pack.attempts)
        target.unlink(missing_ok=True)
        pack.refresh_from_db()
        return pack
    if pack.status == PackStatus.DONE:
        _remove_older_zips(pack)
    return pack


def _settle(pack: ReadinessPack, fields: list[str]) -> bool:
    """Save ``fields`` (audited) if the row is still this claim; False when it is not."""
    with transaction.atomic():
        if not _claimed(pack).select_for_update().exists():
            return False
        pack.save(update_fields=fields)
    return True


def _zip_time(moment) -> tuple[int, int, int, int, int, int]:
    """A moment as a zip entry's date (local time; a zip cannot hold dates before 1980)."""
    local = timezone.localtime(moment)
    return max(local.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def _entry(name: str, date_time) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _files_into(archive: zipfile.ZipFile, evidence, pack: ReadinessPack, missing: list, lost: list):
    """Copy each evidence file into the zip and yield its line of the index; stop early,
    noting it in ``lost``, when a beat finds the row is no longer this build's claim."""
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
            if not beat(pack, done=n):
                lost.append(n)
                return
            last_beat = time.monotonic()
        yield [
            code, item.criterion.title if item.criterion_id else "",
            item.criterion.evidence if item.criterion_id else "", item.year, item.title,
            item.unit.name, timezone.localtime(item.submitted_at).strftime("%Y-%m-%d %H:%M"),
            status, inside,
        ]  # fmt: skip


def beat(pack: ReadinessPack, *, done: int) -> bool:
    """Save how many files are in and that the builder is alive; False when the row is no
    longer this build's claim (nothing is saved then)."""
    return bool(_claimed(pack).update(done=done, heartbeat=timezone.now()))


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


def enqueue(*, campaign, created_by, include_unapproved: bool) -> ReadinessPack | None:
    """Queue a pack of ``campaign`` for the worker; None when one is queued or being built.

    Rules: one pack of a campaign at a time (each is a full copy of the files); cut-off
    builds are recovered first, so they do not block it.
    """
    if busy(campaign):
        return None
    return ReadinessPack.objects.create(
        campaign=campaign, created_by=created_by, include_unapproved=include_unapproved
    )


def claim() -> ReadinessPack | None:
    """Take the oldest queued pack for this process to build, or None.

    Rules: one claim per pack: on PostgreSQL the row is locked with SKIP LOCKED, so two
    workers take two different packs at once; the update is conditional on the pack
    still being queued, so a database without row locks (SQLite, which serialises
    writes) never hands one pack to two workers either. A claim counts an attempt.
    """
    now = timezone.now()
    with transaction.atomic():
        queued = ReadinessPack.objects.filter(status=PackStatus.QUEUED).order_by("created_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True)
        pack = queued.first()
        if pack is None:
            return None
        taken = ReadinessPack.objects.filter(pk=pack.pk, status=PackStatus.QUEUED).update(
            status=PackStatus.RUNNING, attempts=F("attempts") + 1, heartbeat=now, done=0
        )
    if not taken:
        return None
    pack.status, pack.attempts, pack.heartbeat, pack.done = (
        PackStatus.RUNNING, pack.attempts + 1, now, 0,
    )  # fmt: skip
    return pack


def recover_stale(*, campaign_id: int | None = None) -> int:
    """Queue again the packs whose build stopped beating (its process ended), or fail
    them once they had ``MAX_ATTEMPTS`` claims; returns how many were recovered.

    Rules: only running packs silent for ``STALE_AFTER``; the cut-off claim's zip is
    removed; the change is made only if the row is still that claim, so a worker and a
    page recovering at once act once. A rebuild starts from the first file.
    """
    cutoff = timezone.now() - STALE_AFTER
    silent = Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True, created_at__lt=cutoff)
    stale = ReadinessPack.objects.filter(silent, status=PackStatus.RUNNING)
    if campaign_id is not None:
        stale = stale.filter(campaign_id=campaign_id)
    recovered = 0
    for pack in stale:  # at most one per campaign
        cut_off_zip = zip_path(pack)
        if pack.attempts < MAX_ATTEMPTS:
            pack.status, pack.done, pack.heartbeat = PackStatus.QUEUED, 0, None
            fields = ["status", "done", "heartbeat"]
        else:
            pack.status, pack.finished_at = PackStatus.FAILED, timezone.now()
            pack.error = _(
                "The build was cut off %(n)d times (the worker building it stopped) and is "
                "not tried again; the server log may say why. Build the pack again."
            ) % {"n": pack.attempts}
            fields = ["status", "finished_at", "error"]
        with transaction.atomic():
            still = ReadinessPack.objects.filter(
                silent, pk=pack.pk, status=PackStatus.RUNNING, attempts=pack.attempts
            )
            taken_back = still.select_for_update().exists()
            if taken_back:
                pack.save(update_fields=fields)
        if taken_back:  # otherwise its builder settled it meanwhile and the zip is the pack's
            cut_off_zip.unlink(missing_ok=True)
            recovered += 1
    return recovered


def busy(campaign) -> bool:
    """Whether a pack of ``campaign`` is queued or being built (after recovering the
    cut-off ones): one build at a time, each is a full copy of the files."""
    recover_stale(campaign_id=campaign.pk)
    return campaign.readiness_packs.filter(
        status__in=[PackStatus.QUEUED, PackStatus.RUNNING]
    ).exists()


def worker_missing() -> bool:
    """Whether no worker has shown a sign of life for ``WORKER_SILENT``: no round started
    and no pack beating (a worker building a large pack starts no round meanwhile)."""
    since = timezone.now() - WORKER_SILENT
    seen = jobs.worker_last_seen()
    if seen is not None and seen >= since:
        return False
    return not ReadinessPack.objects.filter(
        status=PackStatus.RUNNING, heartbeat__gte=since
    ).exists()


def work_queued() -> int:
    """A worker round's share of the packs: recover cut-off builds, then build the oldest
    queued pack (one per round, so the outbox is sent between packs); returns 0 or 1."""
    recover_stale()
    pack = claim()
    if pack is None:
        return 0
    build(pack)
    return 1
