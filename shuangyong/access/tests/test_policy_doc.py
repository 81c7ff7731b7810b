from pathlib import Path

from shuangyong.access.policy import PERMISSIONS
from shuangyong.access.roles import Role

DOC = Path(__file__).resolve().parents[3] / "docs" / "access.md"


def test_docs_access_matches_the_policy_table():
    rows = {}
    header = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == "permission":
            header = cells[1:]
        elif header and cells and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = {
                r for r, mark in zip(header, cells[1:], strict=True) if mark
            }
    assert header == [r.value for r in Role]
    assert rows == {perm: {r.value for r in roles} for perm, roles in PERMISSIONS.items()}
