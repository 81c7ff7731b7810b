"""shuangyong access_table > docs/access.md — the permission table as Markdown."""

from django.core.management.base import BaseCommand

from shuangyong.access.policy import PERMISSIONS
from shuangyong.access.roles import Role

INTRO = """# Who may do what

Written by `shuangyong access_table > docs/access.md` from
`shuangyong/access/policy.py`; a test fails when the two disagree. Unit-scoped
roles (unit liaison, military liaison, care officer) only ever see their own
unit and the units below it.
"""


def markdown() -> str:
    roles = list(Role)
    lines = [
        INTRO,
        "| permission | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for permission, allowed in PERMISSIONS.items():
        marks = " | ".join("✓" if r in allowed else "" for r in roles)
        lines.append(f"| `{permission}` | {marks} |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Print the permission table as Markdown (docs/access.md)."

    def handle(self, *args, **options):
        self.stdout.write(markdown(), ending="")
