from pathlib import Path

from shuangyong.core.management.commands.access_table import markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "access.md"


def test_docs_access_matches_the_policy_table():
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "run: shuangyong access_table > docs/access.md"
    )
