"""The readiness pack built by ``shuangyong worker`` (a real process running the command)
while a second web process, which neither queued nor builds it, watches its progress.

Three processes share the test's database: this one (the web process the office queues
the pack from), the worker, and the watcher (a second web process answering GETs through
Django's request handler). On PostgreSQL they share the test database; on SQLite the
test's in-memory database is copied into a file first. Two of the three evidence files are
named pipes, so the worker stops at a known point of the build until the test writes
the file: the progress the watcher shows at each stop is exact, not a race.
"""

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

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


class Processes:
    """The test's database shared with other processes, the watcher, and the workers."""

    def __init__(self, env, tmp_path, sqlite_copy):
        self.env, self.tmp_path, self.sqlite_copy = env, tmp_path, sqlite_copy
        self.log = (tmp_path / "worker.log").open("w+")
        self.workers = []
        self.watcher = subprocess.Popen(
            [sys.executable, "-c", WATCHER, "office"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        assert json.loads(self.watcher.stdout.readline()) == {"ready": True}

    def look(self, url: str) -> dict:
        """One GET answered by the second web process."""
        self.watcher.stdin.write(url + "\n")
        self.watcher.stdin.flush()
        line = self.watcher.stdout.readline()
        assert line, "the watcher ended"
        return json.loads(line)

    def worker(self) -> subprocess.Popen:
        """``shuangyong worker --once``: one round, which builds one queued pack."""
        self.workers.append(subprocess.Popen(
            [sys.executable, "-m", "shuangyong.cli", "worker", "--once"],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env,
        ))  # fmt: skip
        return self.workers[-1]

    def execute(self, sql: str, params: list) -> None:
        """Write to the shared database (on SQLite, the file the others use)."""
        if self.sqlite_copy is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
            return
        utc = [  # Django keeps SQLite datetimes as naive UTC text
            p.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ") if hasattr(p, "tzinfo") else p
            for p in params
        ]
        with sqlite3.connect(self.sqlite_copy) as db:
            db.execute(sql.replace("%s", "?"), utc)

    def close(self) -> None:
        self.watcher.stdin.close()
        self.watcher.wait(timeout=WAIT)
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        self.log.seek(0)
        print("workers' output:\n" + self.log.read())
        self.log.close()


@pytest.fixture
def queued(client, campaign, standard, district, people, settings, tmp_path):
    """Three approved files, the second and third named pipes; the office's click queued
    the pack (this web process builds nothing); then the watcher is started."""
    from shuangyong.campaigns import responsibility

    files = uploaded(campaign, standard, district, people, settings, tmp_path)
    pipes = []
    for item in files:
        responsibility.review_evidence(evidence=item, approve=True, note="", reviewer=people.office)
        item.refresh_from_db()
    for item in files[1:]:  # the pack's second and third files, in the standard's order
        os.remove(item.file.path)
        os.mkfifo(item.file.path)
        pipes.append(item.file.path)
    client.force_login(people.office)
    client.post(reverse("reports:pack_start", args=[campaign.pk]))
    pack = ReadinessPack.objects.get()
    assert pack.status == "queued"
    url = shared_database_url(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SHUANGYONG_DATA_DIR": str(tmp_path / "worker-data"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    copy = url.removeprefix("sqlite:///") if url.startswith("sqlite:") else None
    started = time.monotonic()
    processes = Processes(env, tmp_path, copy)
    try:
        progress = reverse("reports:pack_progress", args=[pack.pk])
        yield SimpleNamespace(pack=pack, pipes=pipes, run=processes, progress=progress)
    finally:
        processes.close()
        print(f"processes: {time.monotonic() - started:.1f} s")


def feed(fd: int, content: bytes) -> None:
    os.write(fd, content)
    os.close(fd)


def the_zip(tmp_path, pack, attempt: int) -> list[str]:
    [built] = (tmp_path / "worker-data" / "packs").glob("*.zip")
    assert built.name == f"readiness-{pack.campaign_id}-{pack.pk}-{attempt}.zip"
    with zipfile.ZipFile(built) as archive:
        inside = sorted(n for n in archive.namelist() if "/" in n)
        assert archive.read(inside[-1]) == b"%PDF-1.4 third"
    return inside


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_pack_and_a_second_web_process_shows_its_progress(queued, tmp_path):
    run, progress = queued.run, queued.progress
    seen = run.look(progress)["page"]  # queued, and nobody is working the queue
    assert "排队中" in seen and 'data-testid="pack-no-worker"' in seen

    worker = run.worker()
    second = wait_for_reader(queued.pipes[0], worker)  # the first file is in, the second opened
    seen = run.look(progress)["page"]
    assert "生成中" in seen and "/ 3 个文件" in seen and "pack-no-worker" not in seen
    time.sleep(packs.PROGRESS_SECONDS + 0.2)  # so the next file's end beats
    feed(second, b"%PDF-1.4 second")
    third = wait_for_reader(queued.pipes[1], worker)  # the beat after the second is saved
    seen = run.look(progress)["page"]
    assert 'data-testid="pack-percent">66%' in seen and "已完成 2 / 3 个文件" in seen
    feed(third, b"%PDF-1.4 third")
    assert worker.wait(timeout=WAIT) == 0

    seen = run.look(progress)["page"]
    assert 'data-testid="pack-percent">100%' in seen and 'data-testid="pack-download"' in seen
    download = run.look(reverse("reports:pack_download", args=[queued.pack.pk]))
    assert download["status"] == 200 and download["page"]["zip"]
    assert len(the_zip(tmp_path, queued.pack, attempt=1)) == 3


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_build_the_next_worker_builds_it_again(queued, tmp_path):
    """The worker is killed (SIGKILL: no clean-up) in the middle of the pack; once its
    heartbeat is older than STALE_AFTER the progress page shows the pack queued again
    (second attempt), and the next worker builds it from the start."""
    run, progress = queued.run, queued.progress
    first = run.worker()
    second = wait_for_reader(queued.pipes[0], first)
    first.kill()
    first.wait()
    os.close(second)
    assert "生成中" in run.look(progress)["page"]  # silent, but not for long enough yet
    long_ago = timezone.now() - packs.STALE_AFTER - dt.timedelta(minutes=1)
    run.execute("UPDATE reports_readinesspack SET heartbeat = %s", [long_ago])
    seen = run.look(progress)["page"]
    assert "排队中" in seen and 'data-testid="pack-attempt"' in seen and "第2次" in seen

    again = run.worker()
    feed(wait_for_reader(queued.pipes[0], again), b"%PDF-1.4 second")
    feed(wait_for_reader(queued.pipes[1], again), b"%PDF-1.4 third")
    assert again.wait(timeout=WAIT) == 0
    assert 'data-testid="pack-percent">100%' in run.look(progress)["page"]
    assert len(the_zip(tmp_path, queued.pack, attempt=2)) == 3  # the first one's zip is gone
