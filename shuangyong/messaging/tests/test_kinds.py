"""Every kind of notification is listed in ``messaging.kinds.Kind`` — where a webhook
chooses its events — and every listed kind is made somewhere: a notification of a kind
not listed is refused, and the code base is read for the kinds it makes.

No people: the kinds are checked where they are made."""

import ast
from pathlib import Path

import pytest

from shuangyong.api.webhooks import EVENTS
from shuangyong.messaging import notify
from shuangyong.messaging.kinds import Kind

SOURCE = Path(notify.__file__).resolve().parent.parent


def kinds_made() -> dict[str, list[str]]:
    """Each kind named as the first argument of a ``Message(…)`` outside the tests
    (a literal, or either branch of ``a if c else b``), with where."""
    made: dict[str, list[str]] = {}
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if name != "Message" and not (
                isinstance(node.func, ast.Name) and node.func.id == "Message"
            ):
                continue
            first = node.args[0]
            branches = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            for branch in branches:
                assert isinstance(branch, ast.Constant), f"{path}:{node.lineno}: name the kind"
                made.setdefault(branch.value, []).append(f"{path.name}:{node.lineno}")
    return made


def test_every_kind_made_is_listed_and_every_listed_kind_is_made():
    made = kinds_made()
    assert set(made) - set(Kind.values) == set(), made
    assert set(Kind.values) - set(made) == set()
    assert tuple(Kind.values) == EVENTS  # a webhook may choose each


def test_a_notification_of_a_kind_not_listed_is_refused():
    with pytest.raises(ValueError, match="messaging.kinds.Kind"):
        notify.Message("task_moved", "标题", "", "/", "k:1")
    assert notify.Message(Kind.NOTICE_OVERDUE, "标题", "", "/", "k:1").kind == "notice_overdue"
