"""Pages under load: each page's req/s and p95 beside a plain Django view, served alike.

Builds the data on PostgreSQL (a database it creates and drops): the demo district at
1×; at ``--scale 100`` the issue's district (300 units, 5,000 tasks with 4 indicators and
a progress report each, 100,000 entitled persons with an entitlement each), grown from
the demo district in bulk. Then it starts the product the way production runs it
(gunicorn, ``shuangyong.settings.production``, static files collected) and, with the same
gunicorn settings, a plain Django view defined in this file (Django's default apps and
middleware, 20 rows of ``django_content_type`` rendered in a template). Each page is
driven by 50 concurrent keep-alive clients (processes of threads using ``http.client``)
for a fixed time, each client a different person of the role that uses the page (one
real login per role through the login form; 49 colleagues of the same role and unit are
made for the run, each with a session as their login would store it), and each sends
the session and CSRF cookies a browser holds after logging in, and
the whole round is repeated. In a round the plain view is measured before the first
page and after each page. Printed per page: req/s (min / median of the rounds), p95
(median of the rounds), and the ratio to the plain view (min–max over the rounds), each
to the mean of the plain view's rates measured just before and just after it. The
client's own CPU use is printed for each page: where it nears the machine's cores, the
client, not the server, is what was measured. "cached %" is the
share of answers served whole from the page cache (``X-Sy-Page-Cache: hit``; the
minimum over the rounds; an answer filled from a page shared by role, ``shared``, ran
the middleware and is not counted): ``PAGE_CACHE=0`` in the environment measures the pages
without it, i.e. what every page costs after a write; ``--writes N`` writes N times a
second while each page is driven (in turn a login, a person's record, a task), as a
district's logins and casework do, so kept pages give way as they would in use.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sy_bench_http \\
        .venv/bin/python bench/http.py [--scale 100] [--rounds 3] [--seconds 10] [--writes 1]

Environment: BENCH_WORKERS / BENCH_THREADS (gunicorn, default 4 × 4 for 2 cores),
BENCH_CLIENTS (50), BENCH_PROCESSES (client processes, 5), REDIS_URL (passed to the
product: the cache and sessions then live in Redis), BENCH_KEEP=1 keeps the database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this folder comes first on sys.path, and this file, ``http.py``, would
# stand in for the standard library's ``http`` package: take the folder off again.
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    sys.path.pop(0)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import http.client  # noqa: E402
import multiprocessing  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from collections import Counter  # noqa: E402

KEYS = '{"active": "b", "keys": {"b": "' + "11" * 16 + '"}, "index": "' + "22" * 32 + '"}'
PASSWORD = "Mingchuan@2026"  # the demo accounts' password
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sy_bench_http"


# --- the plain view (served by gunicorn as ``bench.http:plain_app()``) -------------------

PLAIN_TEMPLATE = """<!doctype html>
<html lang="zh-hans"><head><meta charset="utf-8"><title>plain</title></head>
<body><h1>20 rows</h1>
<table><thead><tr><th>id</th><th>app</th><th>model</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.app_label }}</td>
<td>{{ row.model }}</td></tr>{% endfor %}
</tbody></table></body></html>
"""


def plain_view(request):
    from django.contrib.contenttypes.models import ContentType
    from django.shortcuts import render

    return render(request, "plain.html", {"rows": ContentType.objects.order_by("id")[:20]})


def _urlpatterns():
    from django.urls import path

    return [path("plain/", plain_view)]


def __getattr__(name):  # the plain app's URLconf is this module: urlpatterns on demand
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def plain_app():
    """The WSGI application of a plain Django project (startproject's apps and middleware)
    on the same database, with the same connection settings as the product."""
    import dj_database_url
    import django
    from django.conf import settings

    locmem = ("django.template.loaders.locmem.Loader", {"plain.html": PLAIN_TEMPLATE})
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ["SECRET_KEY"],
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        DATABASES={
            "default": dj_database_url.parse(
                os.environ["DATABASE_URL"],
                conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
            )
        },
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {"loaders": [("django.template.loaders.cached.Loader", [locmem])]},
            }
        ],
        USE_TZ=True,
        TIME_ZONE="Asia/Shanghai",
    )
    django.setup()
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


# --- the load generator ---------------------------------------------------------------


def _drive(args):
    """One client process: ``len(headers)`` threads, each a keep-alive connection sending
    GET ``path`` until the end; the latencies of answers completed inside the window."""
    port, path, headers, start_at, warmup, seconds = args
    window_start, end = start_at + warmup, start_at + warmup + seconds
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    def client(header):
        mine, codes = [], Counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.time() < start_at:
            time.sleep(0.001)
        while True:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=header)
                response = conn.getresponse()
                response.read()
                status = response.status
                hit = response.getheader("X-Sy-Page-Cache") == "hit"
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, hit = 0, False
            now = time.time()
            if now >= end:
                break
            if now >= window_start:
                mine.append(time.perf_counter() - began)
                codes[status] += 1
                codes["from the cache"] += hit
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    cpu = time.process_time()
    threads = [threading.Thread(target=client, args=(h,)) for h in headers]
    for t in threads:
        t.start()
    # CPU time of the window only (warm-up excluded), measured by this process.
    while time.time() < window_start:
        time.sleep(0.01)
    cpu = time.process_time()
    for t in threads:
        t.join()
    return latencies, statuses, time.process_time() - cpu


def load(pool, *, port, path, headers, processes, warmup, seconds):
    """``len(headers)`` clients spread over ``processes`` processes; returns req/s, p95 (ms),
    statuses and the client's CPU seconds per wall second."""
    start_at = time.time() + 0.3
    slices = [headers[i::processes] for i in range(processes)]
    results = pool.map(_drive, [(port, path, s, start_at, warmup, seconds) for s in slices if s])
    latencies = sorted(x for r in results for x in r[0])
    statuses = Counter()
    for r in results:
        statuses.update(r[1])
    cpu = sum(r[2] for r in results)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else float("nan")
    return len(latencies) / seconds, p95, statuses, cpu / seconds


@contextlib.contextmanager
def writing(per_second: float):
    """While the block runs, ``per_second`` writes a second from this process, in turn:
    a colleague logs in (a last login, which no page shows), a person's record is
    saved (the registry's table) and a task is saved (the campaign's). Kept pages give
    way to the writes to what they read (``core.writes``)."""
    if per_second <= 0:
        yield
        return
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from shuangyong.campaigns.models import Task
    from shuangyong.care.models import EntitledPerson
    from shuangyong.org.models import User

    person = EntitledPerson.objects.order_by("pk").values_list("pk", flat=True).first()
    task = Task.objects.order_by("pk").values_list("pk", flat=True).first()
    kinds = [
        lambda: User.objects.filter(username="health").update(last_login=timezone.now()),
        lambda: EntitledPerson.objects.filter(pk=person).update(name=F("name")),
        lambda: Task.objects.filter(pk=task).update(title=F("title")),
    ]
    stop = threading.Event()

    def write():
        turn = 0
        while not stop.wait(1 / per_second):
            kinds[turn % len(kinds)]()
            turn += 1
        connection.close()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield
    finally:
        stop.set()
        writer.join()


# --- data ------------------------------------------------------------------------------


def setup_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build(scale: int) -> dict:
    """The demo district, grown to ``scale`` × in bulk; returns the ids the pages need."""
    import io

    from django.core.management import call_command

    from shuangyong.campaigns.models import Campaign
    from shuangyong.care.models import EntitledPerson

    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):  # the demo's list of accounts
        call_command("demo", verbosity=0)
    campaign = Campaign.objects.order_by("pk").first()
    person = EntitledPerson.objects.order_by("pk").first()
    if scale > 1:
        grow(campaign, scale)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"campaign": campaign.pk, "person": person.pk}


def grow(campaign, scale: int) -> None:
    """Units, tasks (4 indicators and a progress report each) and entitled persons (one
    entitlement each) added in bulk until the district has 3 × ``scale`` units,
    50 × ``scale`` tasks and 1,000 × ``scale`` entitled persons."""
    import datetime as dt

    from django.db import transaction

    from shuangyong.campaigns.models import Indicator, ProgressReport, Task
    from shuangyong.care.models import EntitledPerson, Entitlement
    from shuangyong.org.models import Unit, User, rebuild_paths

    units_wanted, tasks_wanted, persons_wanted = 3 * scale, 50 * scale, 1000 * scale
    root = campaign.district
    with transaction.atomic():
        have = Unit.objects.count()
        Unit.objects.bulk_create(
            [
                Unit(code=f"B{i}", name=f"基准单位{i}", kind="department", parent=root,
                     is_member=True)
                for i in range(max(0, units_wanted - have))
            ]
        )  # fmt: skip
        rebuild_paths()
        units = list(Unit.objects.filter(is_member=True).order_by("pk"))
        leaves = list(campaign.standard.criteria.exclude(rule_type="").order_by("pk"))
        author = User.objects.filter(username="edu").first()
        today = dt.date.today()
        start = Task.objects.filter(campaign=campaign).count()
        tasks = Task.objects.bulk_create(
            [
                Task(
                    campaign=campaign,
                    criterion=leaves[i % len(leaves)],
                    title=f"基准任务{i}",
                    lead_unit=units[i % len(units)],
                    deadline=today + dt.timedelta(days=i % 400 - 60),
                    progress=(i * 7) % 101,
                )
                for i in range(start, tasks_wanted)
            ],
            batch_size=2000,
        )
        through = Task.co_units.through
        through.objects.bulk_create(
            [through(task_id=t.pk, unit_id=units[(i + 1) % len(units)].pk)
             for i, t in enumerate(tasks)],
            batch_size=5000,
        )  # fmt: skip
        Indicator.objects.bulk_create(
            [
                Indicator(task=t, name=f"指标{j}", target=100, actual=(i + j * 13) % 120)
                for i, t in enumerate(tasks)
                for j in range(4)
            ],
            batch_size=5000,
        )
        ProgressReport.objects.bulk_create(
            [
                ProgressReport(task=t, unit_id=t.lead_unit_id, author=author, text="按计划推进",
                               percent=t.progress, status=("accepted", "submitted")[i % 2])
                for i, t in enumerate(tasks)
            ],
            batch_size=5000,
        )  # fmt: skip
    streets = list(Unit.objects.filter(kind="street", path__startswith=root.path).order_by("pk"))
    communities = {
        s.pk: list(Unit.objects.filter(parent=s, kind="community").order_by("pk")) for s in streets
    }
    categories = ["disabled_veteran", "martyr_survivor", "war_veteran", "demobilised_veteran",
                  "rural_veteran_60", "conscript_family"]  # fmt: skip
    have = EntitledPerson.objects.count()
    chunk = 20_000
    for first in range(have, persons_wanted, chunk):
        with transaction.atomic():
            people = []
            for i in range(first, min(first + chunk, persons_wanted)):
                street = streets[i % len(streets)]
                near = communities[street.pk]
                born = dt.date(1940, 1, 1) + dt.timedelta(days=i // 1000)
                people.append(
                    EntitledPerson(
                        name=f"基准{i}", id_number=id_number(born, i % 1000),
                        sex="FM"[i % 2], birth_date=born, street=street,
                        community=near[i % len(near)] if near else None,
                        hukou=("urban", "rural")[i % 2], search_text=f"jizhun{i}",
                    )
                )  # fmt: skip
            people = EntitledPerson.objects.bulk_create(people, batch_size=5000)
            Entitlement.objects.bulk_create(
                [
                    Entitlement(person=p, category=categories[p.pk % len(categories)],
                                grade=(1 + p.pk % 10) if p.pk % len(categories) == 0 else None,
                                cause="war" if p.pk % len(categories) == 0 else "",
                                pays_from=0, status="active")
                    for p in people
                ],
                batch_size=5000,
            )  # fmt: skip


def id_number(born, sequence: int) -> str:
    """A valid resident ID number (GB 11643 check digit) of a person born on ``born``."""
    body = f"110101{born:%Y%m%d}{sequence:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


# --- the servers -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app: str, port: int, env: dict, workers: int, threads: int):
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), app,
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--keep-alive", "5", "--log-level", "warning",
        "--pythonpath", str(ROOT), "--chdir", str(ROOT),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.time() + 60
    probe = "/healthz" if "shuangyong" in app else "/plain/"
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", probe)
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"{app} did not start")
        time.sleep(0.3)
    raise SystemExit(f"{app} did not answer within 60 s")


def stop_server(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- logging in ------------------------------------------------------------------------


def _cookies(response) -> dict:
    found = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
    return found


def login(port: int, username: str) -> tuple[str, str]:
    """Logs in through the login form; returns the session key and the CSRF cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf = _cookies(response)["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
        },
    )
    response = conn.getresponse()
    response.read()
    cookies = _cookies(response)
    if response.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login as {username} failed: {response.status}")
    return cookies["sessionid"], cookies.get("csrftoken", csrf)  # a login rotates it


def colleagues(session_key: str, n: int) -> list[str]:
    """``n`` sessions of ``n`` different people: the one who logged in with ``session_key``
    (the first) and ``n - 1`` colleagues made for the run with the same role, unit and
    password, each logged in as a login would (their own id and password hash in a
    session otherwise holding what the first login stored)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY

    from shuangyong.org.models import Person, User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    data = store(session_key=session_key).load()
    first = User.objects.get(pk=data[SESSION_KEY])
    people = Person.objects.bulk_create(
        Person(name=f"{first.display_name}{i}", unit=first.unit, position=first.person.position)
        for i in range(1, n)
    )
    users = User.objects.bulk_create(
        User(
            username=f"{first.username}-{i}",
            role=first.role,
            person=person,
            scope_unit=first.scope_unit,
            password=first.password,
        )
        for i, person in enumerate(people, start=1)
    )
    keys = [session_key]
    for user in users:
        session = store()
        session.update(data)
        session[SESSION_KEY] = str(user.pk)
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        keys.append(session.session_key)
    return keys


# --- the run ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument(
        "--writes", type=float, default=0.0,
        help="writes a second while each page is driven (a login, a person, a task in turn)",
    )  # fmt: skip
    options = parser.parse_args()
    clients = int(os.environ.get("BENCH_CLIENTS", "50"))
    processes = int(os.environ.get("BENCH_PROCESSES", "5"))
    workers = int(os.environ.get("BENCH_WORKERS", "4"))
    threads = int(os.environ.get("BENCH_THREADS", "4"))
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        raise SystemExit("bench/http.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    # The client processes are forked now, before Django opens anything.
    pool = multiprocessing.get_context("fork").Pool(processes)

    scratch = tempfile.mkdtemp(prefix="sy-bench-http-")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "shuangyong.settings.production",
        "SECRET_KEY": "bench-" + "x" * 50,
        "SHUANGYONG_KEYS": KEYS,
        "SHUANGYONG_DATA_DIR": scratch,
        "STATIC_ROOT": str(Path(scratch) / "static"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback; TLS is the proxy's
        "TOTP_FOR_PERSONAL_DATA": "0",  # the care officer logs in with a password only
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    setup_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    ids = build(options.scale)
    call_command("collectstatic", "--noinput", verbosity=0)
    from django.db import connection

    from shuangyong.api.services import issue_token
    from shuangyong.campaigns.models import Task
    from shuangyong.care.models import EntitledPerson
    from shuangyong.org.models import Unit, User

    sizes = (
        f"{Unit.objects.count()} units, {Task.objects.count()} tasks, "
        f"{EntitledPerson.objects.count()} entitled persons"
    )
    _, api_key = issue_token(user=User.objects.get(username="care"), name="bench")
    connection.close()
    print(
        f"data: {options.scale}× ({sizes}), built in {time.perf_counter() - started:.0f} s",
        flush=True,
    )

    product_port, plain_port = free_port(), free_port()
    servers = [
        start_server("shuangyong.wsgi:application", product_port, env, workers, threads),
        start_server("bench.http:plain_app()", plain_port, env, workers, threads),
    ]
    try:
        sessions = {}
        for role in ["office", "leader", "supervisor", "care"]:
            # Each client holds the cookies a browser holds after logging in.
            session_key, csrf = login(product_port, role)
            sessions[role] = [
                {"Cookie": f"sessionid={key}; csrftoken={csrf}"}
                for key in colleagues(session_key, clients)
            ]
        connection.close()
        c, p = ids["campaign"], ids["person"]
        pages = [
            ("plain view", plain_port, "/plain/", [{}] * clients),
            ("login page", product_port, "/accounts/login/", [{}] * clients),
            ("home", product_port, "/", sessions["office"]),
            ("campaign overview", product_port, f"/campaigns/{c}/", sessions["office"]),
            ("dashboard", product_port, f"/supervision/campaigns/{c}/dashboard/",
             sessions["leader"]),
            ("task list", product_port, f"/campaigns/{c}/tasks/", sessions["office"]),
            ("ranking", product_port, f"/supervision/campaigns/{c}/ranking/",
             sessions["supervisor"]),
            ("registry", product_port, "/care/", sessions["care"]),
            ("person page", product_port, f"/care/persons/{p}/", sessions["care"]),
            ("/api/v1/persons", product_port, "/api/v1/persons",
             [{"Authorization": f"Bearer {api_key}"}] * clients),
        ]  # fmt: skip
        if options.only:
            wanted = {"plain view", *options.only.split(",")}
            pages = [page for page in pages if page[0] in wanted]
        # Every page answers 200 to its role before anything is timed.
        for name, port, path, headers in pages:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", path, headers=headers[0])
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{name} {path}: {response.status}")
        print(
            f"gunicorn {workers} workers × {threads} threads (gthread) for each server; "
            f"{clients} clients in {processes} processes; {options.rounds} rounds of "
            f"{options.seconds:.0f} s (+{options.warmup:.0f} s warm-up) per page; "
            f"{os.cpu_count()} cores"
            + (f"; {options.writes:g} writes/s during each page" if options.writes else ""),
            flush=True,
        )
        figures = {name: [] for name, *_ in pages}
        ratios = {name: [] for name, *_ in pages}

        def measure(page):
            name, port, path, headers = page
            with writing(options.writes):
                rate, p95, statuses, cpu = load(
                    pool, port=port, path=path, headers=headers, processes=processes,
                    warmup=options.warmup, seconds=options.seconds,
                )  # fmt: skip
            served = sum(n for code, n in statuses.items() if isinstance(code, int))
            bad = {c: n for c, n in statuses.items() if isinstance(c, int) and c != 200}
            if bad:
                print(f"  {name}: answers other than 200: {bad}", flush=True)
            figures[name].append((rate, p95, statuses["from the cache"] / max(served, 1), cpu))
            return rate

        # The plain view is measured before each page and after it: a page's ratio is to
        # the mean of the two, so the machine's drift over a round (other tenants, the
        # cache warming) weighs on both sides alike.
        plain_page, timed = pages[0], pages[1:]
        for round_ in range(options.rounds):
            print(f"round {round_ + 1}: load {os.getloadavg()[0]:.1f}", flush=True)
            before = measure(plain_page)
            for page in timed:
                rate = measure(page)
                after = measure(plain_page)
                ratios[page[0]].append(rate / ((before + after) / 2))
                before = after
        ratios["plain view"] = [1.0]
        print(f"load after: {os.getloadavg()[0]:.1f}")
        print(
            f"{'page':<20} {'req/s min':>9} {'median':>7} {'p95 ms':>7} {'ratio to plain':>15} "
            f"{'cached %':>8} {'client cores':>12}"
        )
        for name, runs in figures.items():
            rates = [rate for rate, *_ in runs]
            p95 = statistics.median(p for _, p, _, _ in runs)
            cached = min(share for _, _, share, _ in runs) * 100
            client = statistics.median(cpu for *_, cpu in runs)
            print(
                f"{name:<20} {min(rates):>9.1f} {statistics.median(rates):>7.1f} {p95:>7.0f} "
                f"{min(ratios[name]):>7.2f}–{max(ratios[name]):.2f} {cached:>8.1f} "
                f"{client:>12.2f}"
            )
        print(
            f"client cores: the load generator's own CPU use (median of the rounds), of "
            f"{os.cpu_count()} cores shared with the servers"
        )
    finally:
        for server in servers:
            stop_server(server)
        pool.terminate()
        if os.environ.get("BENCH_KEEP") != "1":
            drop_database(url)


if __name__ == "__main__":
    main()
