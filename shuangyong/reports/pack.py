"""Building a readiness pack: stream the evidence files of a campaign into a zip, in the
standard's order, one folder per criterion code (then year), with an Excel index of
every file and the self-assessment report as a PDF. Memory stays bounded whatever the
number of files: evidence rows are read in chunks, files are copied in blocks, the
index is written row by row.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook

from shuangyong.campaigns.models import Evidence
from shuangyong.reports.fonts import NoChineseFont
from shuangyong.reports.models import PackStatus, ReadinessPack
from shuangyong.reports.pdf import render_self_assessment
from shuangyong.reports.self_assessment import default_assessment, self_assessment_report

INDEX_HEADERS = ["考评编号", "考评项目", "台账要求", "年度", "台账标题", "单位", "提交时间",
                 "状态", "包内路径"]  # fmt: skip
PROGRESS_EVERY = 200
REPORT_NAME = "自评报告.pdf"
REPORT_MISSING_NAME = "自评报告-未生成.txt"


def pack_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "packs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _safe(name: str) -> str:
    return "".join("_" if c in '\\/:*?"<>|' else c for c in name)[:120] or "file"


def build(pack: ReadinessPack) -> ReadinessPack:
    """Build ``pack`` now; its progress is saved as it goes."""
    pack.status = PackStatus.RUNNING
    evidence = (
        Evidence.objects.filter(campaign_id=pack.campaign_id, superseded=False)
        .select_related("criterion", "unit")
        .order_by("criterion__sort_key", "year", "pk")
    )
    pack.total = evidence.count()
    pack.save(update_fields=["status", "total"])
    target = pack_folder() / f"readiness-{pack.campaign_id}-{pack.pk}.zip"
    try:
        with tempfile.TemporaryDirectory() as scratch:
            index = Path(scratch) / "index.xlsx"
            book = Workbook(write_only=True)
            sheet = book.create_sheet("台账索引")
            sheet.append(INDEX_HEADERS)
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                for n, item in enumerate(evidence.iterator(chunk_size=500), start=1):
                    code = item.criterion.code if item.criterion_id else "其他"
                    inside = f"{code}/{item.year}/{item.pk}-{_safe(item.original_name)}"
                    with item.file.open("rb") as source, archive.open(inside, "w") as out:
                        shutil.copyfileobj(source, out, 1 << 16)
                    sheet.append([
                        code, item.criterion.title if item.criterion_id else "",
                        item.criterion.evidence if item.criterion_id else "", item.year,
                        item.title, item.unit.name, timezone.localtime(item.submitted_at)
                        .strftime("%Y-%m-%d %H:%M"), item.get_status_display(), inside,
                    ])  # fmt: skip
                    if n % PROGRESS_EVERY == 0:
                        ReadinessPack.objects.filter(pk=pack.pk).update(done=n)
                book.save(index)
                archive.write(index, "台账索引.xlsx")
                _add_self_assessment(archive, pack)
        pack.status, pack.done, pack.path = PackStatus.DONE, pack.total, str(target)
        pack.size = target.stat().st_size
    except Exception as exc:  # the page says what went wrong; nothing half-built stays
        target.unlink(missing_ok=True)
        pack.status, pack.error = PackStatus.FAILED, str(exc)[:2000]
    pack.finished_at = timezone.now()
    pack.save(update_fields=["status", "done", "path", "size", "error", "finished_at"])
    return pack


def _add_self_assessment(archive: zipfile.ZipFile, pack: ReadinessPack) -> None:
    """The self-assessment report on the latest self-assessment; without a Chinese font,
    a note in its place saying what to install (the rest of the pack is still whole)."""
    campaign = pack.campaign
    report = self_assessment_report(campaign=campaign, assessment=default_assessment(campaign))
    try:
        archive.writestr(REPORT_NAME, render_self_assessment(report))
    except NoChineseFont as exc:
        archive.writestr(REPORT_MISSING_NAME, str(exc))


def start(pack: ReadinessPack) -> None:
    """Build in a background thread of this process: packs are wanted now, not at the
    worker's next round, and the page polls the progress."""

    def run():
        try:
            build(ReadinessPack.objects.get(pk=pack.pk))
        finally:
            connection.close()

    threading.Thread(target=run, name=f"pack-{pack.pk}", daemon=True).start()
