"""How criteria and rules read on a page: a rule in words, the tree with depths."""

from django.utils.translation import gettext as _

from shuangyong.standards import engine, measures
from shuangyong.standards.imports import RULE_NAMES


def rule_summary(rule_type: str, params: dict, points) -> str:
    """A rule in a sentence: "分档计分：≥95 得 3 分；≥85 得 1 分", and the measure it
    takes its value from, if any ("…（取数：走访慰问覆盖率）")."""
    if not rule_type:
        return ""
    code = measures.measure_of(params)
    if code:
        rest = {k: v for k, v in params.items() if k != "measure"}
        return _("%(rule)s (value: %(measure)s)") % {
            "rule": rule_summary(rule_type, rest, points),
            "measure": measures.label(code),
        }
    return engine.describe(rule_type, params, points, RULE_NAMES)


def tree_rows(criteria) -> list[dict]:
    """Criteria in order with what the tree template needs: depth, leaf or not, rule text."""
    parents = {c.parent_id for c in criteria}
    return [
        {
            "criterion": c,
            "depth": c.depth,
            "is_category": c.pk in parents,
            "rule": rule_summary(c.rule_type, c.rule_params, c.points),
        }
        for c in criteria
    ]


def nested(rows: list[dict]) -> list[dict]:
    """The flat rows as a tree: each row gains "children" (for the expandable view)."""
    roots: list[dict] = []
    stack: list[dict] = []
    for row in rows:
        row = {**row, "children": []}
        while stack and stack[-1]["depth"] >= row["depth"]:
            stack.pop()
        (stack[-1]["children"] if stack else roots).append(row)
        stack.append(row)
    return roots
