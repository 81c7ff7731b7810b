"""The contract run's figures for CI: one line per operation and role with the calls
schemathesis made and whether the operation failed, then the totals — also when the
suite runs in several processes (each writes its calls to a folder this process reads)."""

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

COUNTS = "SHUANGYONG_CONTRACT_COUNTS"
NODE = re.compile(r"\[(?P<label>[A-Z]+ [^\]]+)\](?:\[(?P<role>\w+)\])?$")


def pytest_configure(config):
    if not hasattr(config, "workerinput") and COUNTS not in os.environ:
        os.environ[COUNTS] = tempfile.mkdtemp(prefix="contract-counts-")


def write_counts(called: dict) -> None:
    """Called by the test module when it is done: its calls, for the summary below."""
    folder = os.environ.get(COUNTS)
    if folder and called:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        rows = [[label, role, n] for (label, role), n in called.items()]
        Path(folder, f"{worker}.json").write_text(json.dumps(rows))


def pytest_terminal_summary(terminalreporter, config):
    folder = os.environ.get(COUNTS)
    if hasattr(config, "workerinput") or not folder or not Path(folder).is_dir():
        return
    called: dict[tuple[str, str], int] = {}
    for path in Path(folder).glob("*.json"):
        for label, role, n in json.loads(path.read_text()):
            called[(label, role)] = called.get((label, role), 0) + n
    shutil.rmtree(folder, ignore_errors=True)
    if not called:
        return
    failed = set()
    for report in terminalreporter.stats.get("failed", []):
        found = NODE.search(report.nodeid)
        if found:
            failed.add((found["label"], found["role"] or "office"))
    write = terminalreporter.write_line
    for (label, role), n in sorted(called.items()):
        verdict = "FAILED" if (label, role) in failed else "0 failures"
        write(f"schemathesis: {label} as {role}: {n} calls, {verdict}")
    operations = {label for label, _role in called}
    roles = {role for _label, role in called}
    write(f"schemathesis: {len(operations)} operations x {len(roles)} roles, "
          f"{sum(called.values())} calls, {len(failed)} failed")  # fmt: skip
