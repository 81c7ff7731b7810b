"""Shared test fixtures: a small district and one person per role.

People are named by role and unit: the office, unit A's liaison, unit B's
liaison (the outsider for unit A), the garrison's military liaison, and so on.
"""

import os
import shutil
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from shuangyong.access import Role

# The machines are shared and noisy: Hypothesis's "too slow to generate" health check
# measures the machine, not the test; the examples and their checks stay the same.
hypothesis_settings.register_profile("shuangyong", suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("shuangyong")

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run beside one unless told it is safe (it is: one thread per test).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A fixed key ring for tests, so nothing is written to the developer's data folder.
TEST_KEYS = (
    '{"active": "test1", "keys": {"test1": "00112233445566778899aabbccddeeff"},'
    ' "index": "' + "ab" * 32 + '"}'
)
os.environ.setdefault("SHUANGYONG_KEYS", TEST_KEYS)  # for the commands tests run in subprocesses


def pytest_configure(config):
    # pytest-django has loaded the settings before this file: set the keys there too.
    from django.conf import settings

    from shuangyong.core import crypto

    settings.SHUANGYONG_KEYS = TEST_KEYS
    crypto.key_ring.cache_clear()


FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "Test#Pass2026"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # PBKDF2's million rounds per password would dominate the suite's time.
    settings.PASSWORD_HASHERS = [FAST_HASHER]
    # Each test starts with an empty local-memory cache: cached values of an earlier
    # test (whose rows were rolled back, ids reused) must not leak in. Never Redis.
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        cache.clear()


def make_user(username: str, role: str, unit, *, name: str | None = None, scope_unit=None):
    from shuangyong.org.models import Person, User

    person = Person.objects.create(name=name or f"{username}人", unit=unit, position="联络员")
    user = User(username=username, role=role, person=person, scope_unit=scope_unit)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def english():
    """For tests that read messages: the UI defaults to Chinese, these read English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def district(db):
    """A district with two member units (A, B), a sub-unit of A, a street, a garrison."""
    return build_district()


def build_district() -> SimpleNamespace:
    from shuangyong.org.models import Unit, UnitKind

    root = Unit.objects.create(code="D", name="测试区", kind=UnitKind.DISTRICT)
    office_unit = Unit.objects.create(
        code="O", name="测试区双拥办", short_name="双拥办", kind=UnitKind.DEPARTMENT, parent=root
    )
    unit_a = Unit.objects.create(
        code="A",
        name="甲局",
        short_name="甲",
        kind=UnitKind.DEPARTMENT,
        parent=root,
        is_member=True,
    )
    unit_a_child = Unit.objects.create(
        code="A1", name="甲局下属所", kind=UnitKind.OTHER, parent=unit_a
    )
    unit_b = Unit.objects.create(
        code="B",
        name="乙局",
        short_name="乙",
        kind=UnitKind.DEPARTMENT,
        parent=root,
        is_member=True,
    )
    street = Unit.objects.create(
        code="S", name="东街道", kind=UnitKind.STREET, parent=root, is_member=True
    )
    garrison = Unit.objects.create(
        code="G", name="某部", kind=UnitKind.GARRISON, parent=root, is_member=True
    )
    return SimpleNamespace(
        root=root,
        office=office_unit,
        a=unit_a,
        a_child=unit_a_child,
        b=unit_b,
        street=street,
        garrison=garrison,
    )


@pytest.fixture
def people(district):
    """One account per role; unit-scoped roles sit in their own units."""
    return build_people(district)


def build_people(d: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(
        office=make_user("office", Role.OFFICE, d.office, name="林办"),
        supervisor=make_user("supervisor", Role.SUPERVISOR, d.root, name="韩督"),
        liaison_a=make_user("liaison_a", Role.UNIT_LIAISON, d.a, name="张三"),
        liaison_b=make_user("liaison_b", Role.UNIT_LIAISON, d.b, name="李四"),
        military=make_user("military", Role.MILITARY_LIAISON, d.garrison, name="邱军"),
        care=make_user("care", Role.CARE_OFFICER, d.street, name="蔡优"),
        leader=make_user("leader", Role.LEADER, d.root, name="沈书记"),
        auditor=make_user("auditor", Role.AUDITOR, d.office, name="孟审"),
        admin=make_user("admin", Role.ADMIN, d.office, name="钟管"),
    )


@pytest.fixture
def standard(db):
    """The example standard, published."""
    from shuangyong.standards.demo import example_standard

    return example_standard()


@pytest.fixture
def campaign(district, standard):
    return build_campaign(district, standard)


def build_campaign(district, standard):
    from shuangyong.campaigns.models import Campaign

    return Campaign.objects.create(
        name="测试区创建",
        standard=standard,
        district=district.root,
        start_year=2025,
        end_year=2028,
        target_score=90,
    )


@pytest.fixture
def assessment(campaign, people):
    """A self-assessment of the campaign, not yet scored."""
    import datetime as dt

    from shuangyong.campaigns.models import Assessment

    return Assessment.objects.create(
        campaign=campaign,
        kind="self",
        title="自评",
        held_on=dt.date(2026, 11, 1),
        assessors="林办",
        created_by=people.office,
    )


@contextmanager
def data_for_module(django_db_blocker, tmp_path_factory):
    """Build a module's shared data once, inside a transaction rolled back after the module.

    Each test still runs in its own savepoint (pytest-django's ``db``), so what a test
    writes is undone before the next one; only the shared rows are built once. Files
    the builder writes go to a media folder of their own, which ``use_media`` points
    a test's settings at. Yields that folder.
    """
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=[FAST_HASHER]),
        transaction.atomic(),
    ):
        yield media
        transaction.set_rollback(True)


# --- browser -----------------------------------------------------------------


def _browser_available() -> bool:
    return os.path.exists(CHROMIUM)


@pytest.fixture(scope="session")
def browser():
    if not _browser_available():
        if os.environ.get("SHUANGYONG_BROWSER_REQUIRED"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI requires the browser tests.")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab that fails the test if the page tries to leave the machine."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.outside_requests = []
    page.console_errors = []

    def on_request(request):
        if not request.url.startswith((live_server.url, "data:", "blob:")):
            page.outside_requests.append(request.url)

    def on_response(response):
        # A page we open on purpose may answer 403/404; its assets must not fail.
        if response.status >= 400 and response.request.resource_type != "document":
            page.console_errors.append(f"{response.status} {response.url}")

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.console_errors.append(message.text)

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("console", on_console)
    page.base = live_server.url
    yield page
    context.close()
    assert page.outside_requests == [], f"requests left the machine: {page.outside_requests}"
    assert page.console_errors == [], f"console errors: {page.console_errors}"


def browser_login(page, username: str, password: str = PASSWORD) -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def browser_logout(page) -> None:
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")
    page.wait_for_load_state()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The slow tests and the browser tests first: run in parallel, a long test picked up
    last would leave the other workers idle at the end."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("slow") or _is_browser(item) else 1)


def _is_browser(item) -> bool:
    return "tests/browser" in str(item.path)


def pytest_terminal_summary(terminalreporter):
    """Say how many browser tests ran, so CI output shows they were not skipped."""
    counts = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            is_browser = "browser" in getattr(report, "keywords", {})
            # A pass or failure is counted on its call; a skip or error on setup.
            counted_phase = report.when == "call" or outcome in ("skipped", "error")
            if is_browser and counted_phase:
                counts[outcome] = counts.get(outcome, 0) + 1
    if counts:
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"browser tests (Chromium at {CHROMIUM}): {summary}")
    _summary_lines(terminalreporter)


def _summary_lines(terminalreporter):
    """Counts tests leave for the end of the run: with parallel workers a test's own print
    never reaches the terminal, so a test appends ``("counts", (topic, label, calls))`` to
    its ``user_properties`` (``record_property``) and they are added up here, per label and
    in total, with the labels whose test failed (the API contract test: calls per
    operation and role)."""
    calls: dict[tuple[str, str], int] = {}
    failed: set[tuple[str, str]] = set()
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == "counts":
                    topic, label, n = value
                    calls[(topic, label)] = calls.get((topic, label), 0) + n
                    if report.failed:
                        failed.add((topic, label))
    for topic in sorted({topic for topic, _label in calls}):
        labels = sorted(label for t, label in calls if t == topic)
        for label in labels:
            verdict = "FAILED" if (topic, label) in failed else "0 failures"
            terminalreporter.write_line(f"{topic}: {label}: {calls[topic, label]} calls, {verdict}")
        total = sum(calls[topic, label] for label in labels)
        broken = sum(1 for t, _label in failed if t == topic)
        write = terminalreporter.write_line
        write(f"{topic}: {len(labels)} in all, {total} calls, {broken} failed")
