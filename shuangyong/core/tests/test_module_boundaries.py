"""What a shipped module may take from another: its public names only, and nothing from a
test package. The layer contract (import-linter) says which apps; this says which names."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
# Django's own underscored API, meant to be used from outside the model.
DJANGO_API = {"_meta", "_default_manager", "_base_manager"}


def _shipped_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DJANGO_API


def boundary_problems(path: Path, source: str) -> list[str]:
    """Where ``source`` imports another module's private name, reaches one through an
    imported module or class (``payments._lines``), or imports from a test package."""
    problems, imported = [], set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("shuangyong"):
            if ".tests." in f"{node.module}.":
                problems.append(f"{path}:{node.lineno} imports from a test package")
            for alias in node.names:
                imported.add(alias.asname or alias.name)
                if _private(alias.name):
                    problems.append(f"{path}:{node.lineno} imports {node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("shuangyong"):
                    if ".tests." in f"{alias.name}.":
                        problems.append(f"{path}:{node.lineno} imports a test package")
                    imported.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
        ):
            problems.append(f"{path}:{node.lineno} uses {node.value.id}.{node.attr}")
    return problems


def test_no_shipped_module_takes_a_private_name_or_a_test_helper():
    problems = []
    for path in _shipped_modules():
        problems += boundary_problems(path.relative_to(PACKAGE.parent), path.read_text())
    assert problems == []


def test_the_check_sees_each_kind_of_crossing():
    source = (
        "from shuangyong.care.payments import _lines\n"
        "from shuangyong.care import payments\n"
        "from shuangyong.care.tests.roster import faulty_roster\n"
        "payments._window()\n"
        "Model._meta\n"
    )
    found = boundary_problems(Path("x.py"), source)
    assert found == [
        "x.py:1 imports shuangyong.care.payments._lines",
        "x.py:3 imports from a test package",
        "x.py:4 uses payments._window",
    ]
