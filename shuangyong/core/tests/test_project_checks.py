"""Checks CI also runs, kept in the suite so a developer sees them first."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

PACKAGE = Path(__file__).resolve().parents[2]


def test_no_missing_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "shuangyong.settings.production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-only-0123456789",
        "ALLOWED_HOSTS": "shuangyong.example",
        "SHUANGYONG_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "shuangyong.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "shuangyong.settings.production",
        "SHUANGYONG_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "shuangyong.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=", re.I)
EXTERNAL = re.compile(r"(src|href)=[\"']?(https?:)?//", re.I)


def test_templates_keep_to_the_content_security_policy():
    """No inline scripts, handlers or styles, and nothing fetched from outside."""
    problems = []
    for template in PACKAGE.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for name, pattern in [
            ("inline script", INLINE_SCRIPT),
            ("inline handler", INLINE_HANDLER),
            ("inline style", INLINE_STYLE),
            ("external asset", EXTERNAL),
        ]:
            if pattern.search(text):
                problems.append(f"{template.relative_to(PACKAGE)}: {name}")
    assert problems == []


def test_responses_carry_the_policy(client, db):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_vendored_assets_are_served_by_the_app(client, db):
    for path in [
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
    ]:
        assert (PACKAGE / "static" / path).is_file(), path
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path


CLOCK_READS = {"localdate", "today", "now", "localtime"}
DEFERRED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _run_at_import(node: ast.AST):
    """The nodes of ``node`` Python evaluates when the module is imported: everything but
    the bodies of functions and lambdas (their decorators and defaults are evaluated)."""
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, DEFERRED):
            yield from (
                n
                for part in (*getattr(child, "decorator_list", []), *child.args.defaults)
                for n in _run_at_import(part)
            )
        else:
            yield from _run_at_import(child)


def _module_level_clock_reads(path: Path):
    """Calls to the clock that run once, when the module is collected: a suite that runs
    past midnight in Beijing (16:00 UTC) then sends yesterday's date to a server that
    reads today's."""
    for node in _run_at_import(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CLOCK_READS
        ):
            yield f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"


def test_test_modules_read_the_clock_when_a_test_runs_not_at_import():
    roots = [PACKAGE, PACKAGE.parent / "tests"]
    found = [
        where
        for root in roots
        for pattern in ("test*.py", "conftest.py")
        for path in sorted(root.rglob(pattern))
        for where in _module_level_clock_reads(path)
    ]
    assert not found, found


def test_the_clock_check_sees_what_runs_at_import_only():
    source = """
import datetime as dt
from django.utils import timezone
TODAY = timezone.localdate()
class Dates:
    LATER = dt.date.today()
    def method(self):
        return timezone.now()
@pytest.mark.parametrize("day", [timezone.localdate()])
def test(day=dt.date.today()):
    return timezone.now()
later = lambda: timezone.now()
"""
    found = [
        node.lineno
        for node in _run_at_import(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_READS
    ]
    assert sorted(found) == [4, 6, 9, 10]
