"""The layer order is written three times — the README, docs/architecture.md and the
import-linter contract CI checks (pyproject.toml) — and must be one order."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _doc_line(path: Path) -> list[str]:
    lines = [line for line in path.read_text().splitlines() if line.startswith("access ← ")]
    assert len(lines) == 1, f"{path.name}: one line of the layer order expected"
    return [name.strip() for name in lines[0].split("←")]


def _contract() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    # The contract lists top to bottom; a layer in parentheses may be absent.
    return [re.sub(r"[()]|shuangyong\.", "", layer) for layer in reversed(contract["layers"])]


def test_the_readme_the_architecture_and_the_contract_give_one_order():
    readme = _doc_line(ROOT / "README.md")
    architecture = _doc_line(ROOT / "docs" / "architecture.md")
    assert readme == architecture
    assert _contract() == readme


def test_every_app_is_in_the_order():
    packages = {p.parent.name for p in (ROOT / "shuangyong").glob("*/__init__.py")}
    assert packages - {"settings"} == set(_contract())
