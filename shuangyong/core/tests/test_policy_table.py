"""docs/policy.md lists every rule the product enforces, where, and the test that holds
it: each row must name at least one test, and every test and piece of code it names must
exist (the file, and a function, class or name defined in it)."""

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
POLICY = ROOT / "docs" / "policy.md"
REFERENCE = re.compile(r"`([\w./-]+\.py)::([\w]+)(?:\[[^\]]*\])?`")


def rows() -> list[dict]:
    """Each table row below a "| Rule | Source | Code | Tests |" header, as a dict."""
    found, columns = [], None
    for number, line in enumerate(POLICY.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("|"):
            columns = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if cells[0] == "Rule":
            columns = cells
        elif columns and not set(line) <= set("|- "):
            assert len(cells) == len(columns), f"policy.md line {number}: {len(cells)} cells"
            found.append({"line": number, **dict(zip(columns, cells, strict=True))})
    return found


@cache
def names_in(path: str) -> frozenset[str]:
    """Every function, class and assigned name a Python file defines, at any depth."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


@cache
def defined_tests(path: str) -> frozenset[str]:
    """The test functions a test file defines at module level."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    )


def missing(references: list[tuple[str, str]], defined) -> list[str]:
    faults = []
    for path, name in references:
        if not (ROOT / path).is_file():
            faults.append(f"{path} does not exist")
        elif name not in defined(path):
            faults.append(f"{path} defines no {name}")
    return faults


def test_the_table_is_there_and_every_row_has_its_columns():
    table = rows()
    assert len(table) >= 25, "docs/policy.md lost rows"
    for row in table:
        assert row["Rule"] and row["Source"], f"line {row['line']}: rule and source"
        assert REFERENCE.search(row["Code"]), f"line {row['line']}: no code named"


def test_every_rule_names_tests_that_exist():
    faults = []
    for row in rows():
        named = REFERENCE.findall(row["Tests"])
        if not named:
            faults.append(f"line {row['line']}: “{row['Rule'][:40]}…” names no test")
        faults += [f"line {row['line']}: {f}" for f in missing(named, defined_tests)]
    assert not faults, "\n".join(faults)


def test_every_rule_names_code_that_exists():
    faults = []
    for row in rows():
        named = REFERENCE.findall(row["Code"])
        faults += [f"line {row['line']}: {f}" for f in missing(named, names_in)]
    assert not faults, "\n".join(faults)


def test_the_checker_catches_a_missing_test():
    """The checker itself can fail: a made-up test and a made-up file are reported."""
    assert missing([("shuangyong/core/tests/test_policy_table.py", "test_nothing")], defined_tests)
    assert missing([("shuangyong/nowhere.py", "test_x")], defined_tests)
    assert not missing(
        [("shuangyong/core/tests/test_policy_table.py", "test_the_checker_catches_a_missing_test")],
        defined_tests,
    )
