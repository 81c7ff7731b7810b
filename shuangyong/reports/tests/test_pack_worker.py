"""The readiness pack built by ``shuangyong worker`` (a real process running the command)
while a second web process, which neither queued nor builds it, watches its progress.

Three processes share the test's database: this one (the web process the office queues
the pack from), the worker, and the watcher (a second web process answering GETs through
Django's request handler). On PostgreSQL they share the test database; on SQLite the
test's in-memory database is copied into a file first. Two of the three evidence files are
named pipes, so the worker stops at a known point of the build until the test writes
the file: the progress the watcher shows at each stop is exact, not a race.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse

from shuangyong.reports import pack as packs
from shuangyong.reports.models import ReadinessPack
from shuangyong.reports.tests.test_pack import uploaded

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes"),
]

# The second web process: logs the office in, then answers each URL read from stdin
# with one JSON line (status and page), through the same request handler a server uses.
WATCHER = """
import json, sys
import django
django.setup()
from django.test import Client
from shuangyong.org.models import User
client = Client(HTTP_HOST="localhost")
client.force_login(User.objects.get(username=sys.argv[1]))
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    response = client.get(line.strip())
    if response.streaming:
        body = b"".join(response.streaming_content)
        page = {"bytes": len(body), "zip": body[:2] == b"PK"}
    else:
        page = response.content.decode()
    print(json.dumps({"status": response.status_code, "page": page}), flush=True)
"""
WAIT = 90  # seconds: a loaded machine starts Django in a few


def shared_database_url(tmp_path) -> str:
    """A URL the other processes reach the test's database by (its committed rows)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
        return (
            f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        )
    if connection.vendor != "sqlite":
        pytest.skip(f"no shared database on {connection.vendor}")
    copy = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


def wait_for_reader(fifo, worker) -> int:
    """Block until the worker opens the pipe to read it; returns the writing end."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: nobody reads it yet
            if worker.poll() is not None:
                pytest.fail(f"the worker ended early: {worker.returncode}")
            time.sleep(0.05)
    pytest.fail(f"the worker never reached {fifo.name}")


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_pack_and_a_second_web_process_shows_its_progress(
    client, campaign, standard, district, people, settings, tmp_path
):
    from shuangyong.campaigns import responsibility

    files = uploaded(campaign, standard, district, people, settings, tmp_path)
    for item in files:
        responsibility.review_evidence(evidence=item, approve=True, note="", reviewer=people.office)
    pipes = []
    for item in files[1:]:  # the pack's second and third files, in the standard's order
        item.refresh_from_db()
        os.remove(item.file.path)
        os.mkfifo(item.file.path)
        pipes.append(item.file.path)

    client.force_login(people.office)  # this web process queues the pack and builds nothing
    client.post(reverse("reports:pack_start", args=[campaign.pk]))
    pack = ReadinessPack.objects.get()
    assert pack.status == "queued"
    progress = reverse("reports:pack_progress", args=[pack.pk])

    env = {
        **os.environ,
        "DATABASE_URL": shared_database_url(tmp_path),
        "SHUANGYONG_DATA_DIR": str(tmp_path / "worker-data"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    started = time.monotonic()
    watcher = subprocess.Popen(
        [sys.executable, "-c", WATCHER, people.office.username],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    worker = None
    log = (tmp_path / "worker.log").open("w+")
    try:

        def look(url: str) -> dict:
            watcher.stdin.write(url + "\n")
            watcher.stdin.flush()
            line = watcher.stdout.readline()
            assert line, "the watcher ended"
            return json.loads(line)

        assert json.loads(watcher.stdout.readline()) == {"ready": True}
        seen = look(progress)["page"]  # queued, and nobody is working the queue
        assert "排队中" in seen and 'data-testid="pack-no-worker"' in seen

        worker = subprocess.Popen(
            [sys.executable, "-m", "shuangyong.cli", "worker", "--once"],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        second = wait_for_reader(pipes[0], worker)  # the first file is in, the second opened
        seen = look(progress)["page"]
        assert "生成中" in seen and "/ 3 个文件" in seen and "pack-no-worker" not in seen
        time.sleep(packs.PROGRESS_SECONDS + 0.2)  # so the next file's end beats
        os.write(second, b"%PDF-1.4 second")
        os.close(second)
        third = wait_for_reader(pipes[1], worker)  # the beat after the second file is saved
        seen = look(progress)["page"]
        assert 'data-testid="pack-percent">66%' in seen and "已完成 2 / 3 个文件" in seen
        os.write(third, b"%PDF-1.4 third")
        os.close(third)
        assert worker.wait(timeout=WAIT) == 0

        seen = look(progress)["page"]
        assert 'data-testid="pack-percent">100%' in seen and 'data-testid="pack-download"' in seen
        download = look(reverse("reports:pack_download", args=[pack.pk]))
        assert download["status"] == 200 and download["page"]["zip"]
    except BaseException:
        log.seek(0)
        print("worker output:\n" + log.read())
        raise
    finally:
        watcher.stdin.close()
        watcher.wait(timeout=WAIT)
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait()
        log.close()
    [built] = (tmp_path / "worker-data" / "packs").glob("*.zip")
    with zipfile.ZipFile(built) as archive:
        inside = sorted(n for n in archive.namelist() if "/" in n)
        assert archive.read(inside[-1]) == b"%PDF-1.4 third"
    assert len(inside) == 3 and built.name == f"readiness-{campaign.pk}-{pack.pk}-1.zip"
    print(f"worker and watcher: {time.monotonic() - started:.1f} s")
