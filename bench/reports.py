"""Readiness pack memory: peak resident memory while building the pack for a campaign with
5,000 and 50,000 evidence files (each size in a fresh process, so the peaks are its own),
the self-assessment report's PDF included when the machine has a Chinese font.
The pack streams: the peak must not grow with the file count.

    .venv/bin/python bench/reports.py                      # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangyong_bench \\
        .venv/bin/python bench/reports.py
    BENCH_FILES=1000,10000 .venv/bin/python bench/reports.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/http.py would stand in for the standard library's ``http`` if this folder led
# sys.path (it does for a script): siblings are imported as ``bench.<name>``.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
SIZES = [int(s) for s in os.environ.get("BENCH_FILES", "5000,50000").split(",")]
FILE_BYTES = 4096


def _environment(scratch: Path) -> None:
    os.environ["SHUANGYONG_DATA_DIR"] = str(scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangyong.settings")
    os.environ.setdefault(
        "SHUANGYONG_KEYS",
        '{"active": "b", "keys": {"b": "' + "11" * 16 + '"}, "index": "' + "22" * 32 + '"}',
    )


def setup(n: int, scratch: Path) -> int:
    """A fresh database with one campaign of ``n`` evidence files; the campaign's id."""
    _environment(scratch)
    from bench.care import setup_database  # the same scratch-database setup

    setup_database()
    from django.conf import settings

    from shuangyong.campaigns.models import Campaign, Evidence, Task
    from shuangyong.org.models import Unit
    from shuangyong.standards.demo import example_standard

    root = Unit.objects.create(code="D", name="基准区", kind="district")
    unit = Unit.objects.create(code="A", name="甲局", kind="department", parent=root)
    standard = example_standard()
    leaves = list(standard.criteria.exclude(rule_type=""))
    campaign = Campaign.objects.create(
        name="基准", standard=standard, district=root, start_year=2025, end_year=2028,
        target_score=90,
    )  # fmt: skip
    tasks = Task.objects.bulk_create(
        [Task(campaign=campaign, criterion=c, title=c.title, lead_unit=unit) for c in leaves]
    )
    folder = Path(settings.MEDIA_ROOT) / "evidence" / "bench"  # MEDIA_ROOT is under the data dir
    folder.mkdir(parents=True)
    body = b"%PDF-1.4 " + os.urandom(FILE_BYTES - 9)
    rows = []
    for i in range(n):
        if len(rows) == 5000:
            Evidence.objects.bulk_create(rows)
            rows = []
        (folder / f"{i}.pdf").write_bytes(body)
        task = tasks[i % len(tasks)]
        rows.append(
            Evidence(
                campaign=campaign, task=task, criterion_id=task.criterion_id, unit=unit,
                year=2025 + i % 4, title=f"台账{i}", file=f"evidence/bench/{i}.pdf",
                original_name=f"台账{i}.pdf", content_type="application/pdf", size=FILE_BYTES,
                sha256="0" * 64, status="accepted",
            )
        )  # fmt: skip
    Evidence.objects.bulk_create(rows)
    return campaign.pk


def build(campaign_id: int, scratch: Path) -> dict:
    """Only the pack, in a process of its own: its peak memory is the build's."""
    _environment(scratch)
    import django

    django.setup()
    from shuangyong.reports import pack as packs
    from shuangyong.reports.models import ReadinessPack

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    pack = packs.build(ReadinessPack.objects.create(campaign_id=campaign_id))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    import zipfile

    with zipfile.ZipFile(pack.path) as archive:
        report = packs.REPORT_NAME in archive.namelist()
    return {
        "status": pack.status,
        "report_pdf": report,
        "seconds": round(seconds, 1),
        "zip_mb": round(pack.size / 2**20, 1),
        "peak_before_mb": round(before / 1024, 1),
        "peak_after_mb": round(peak / 1024, 1),
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--setup":
        print(json.dumps(setup(int(sys.argv[2]), Path(sys.argv[3]))))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--build":
        print(json.dumps(build(int(sys.argv[2]), Path(sys.argv[3]))))
        return
    print(f"Readiness pack: peak resident memory at {SIZES} evidence files of {FILE_BYTES} bytes")
    results = []
    for n in SIZES:
        scratch = Path(tempfile.mkdtemp(prefix="sy-bench-pack-"))

        def run(*args):
            out = subprocess.run(
                [sys.executable, __file__, *map(str, args)], capture_output=True, text=True,
                check=True,
            )  # fmt: skip
            return json.loads(out.stdout.strip().splitlines()[-1])

        campaign_id = run("--setup", n, scratch)
        result = {"files": n, **run("--build", campaign_id, scratch)}
        results.append(result)
        print(
            f"  {n:>7,} files: {result['seconds']:6.1f} s, zip {result['zip_mb']:7.1f} MB, "
            f"peak RSS {result['peak_before_mb']:6.1f} MB at the start, "
            f"{result['peak_after_mb']:6.1f} MB after the build"
            f"{' (with 自评报告.pdf)' if result['report_pdf'] else ' (no Chinese font: no PDF)'}"
        )
    base = results[0]["peak_after_mb"]
    for r in results[1:]:
        print(
            f"  peak at {r['files']:,} / peak at {results[0]['files']:,}: "
            f"{r['peak_after_mb'] / base:.2f}× "
            f"for {r['files'] / results[0]['files']:.0f}× the files"
        )


if __name__ == "__main__":
    main()
