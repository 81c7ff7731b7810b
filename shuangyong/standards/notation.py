"""Scoring parameters in plain Chinese, as a clerk writes them in the standard's Excel sheet.

One rule's parameters are a few clauses joined by “。”, each 标签：值:

- 要素：A；B；C (按要素计分, equal shares), or 要素：A（2分）；B（1分） (weighted);
- 目标：200 (按比例计分: the target that earns full points);
- 分档：85得1分；95得2分；100得3分 (分档计分: reach the value, earn the points;
  “85%得1分” and “达到85得1分” are read the same);
- 每例扣1分 (扣分制: points deducted per failure);
- 步长：0.5 (人工评分: scores go in steps of it);
- 凭台账：按要素计分 (凭台账计分: the rule that counts once the evidence is approved),
  followed by that rule's own clauses, e.g. 凭台账：按要素计分。要素：A；B；C;
- 取数：visit_coverage (the figure the platform computes for the item, by its code or its
  Chinese name; always a key of the rule itself, also after 凭台账), written last.

Writing checks that reading gives back exactly the same parameters; anything the
notation cannot say (an unknown key, a name holding a separator) is written as JSON,
which the importer still accepts, so an export always round-trips.
"""

from __future__ import annotations

import json
import re
from typing import Any

from shuangyong.standards import engine

try:  # the measures (issue 17) name the figures a rule may take its actual value from
    from shuangyong.standards import measures
except ImportError:  # pragma: no cover - before the measures exist
    measures = None

RULE_NAMES = {
    engine.RuleType.ALL_OR_NOTHING.value: "全有或全无",
    engine.RuleType.PER_ELEMENT.value: "按要素计分",
    engine.RuleType.PROPORTIONAL.value: "按比例计分",
    engine.RuleType.TIERED.value: "分档计分",
    engine.RuleType.DEDUCTION.value: "扣分制",
    engine.RuleType.EVIDENCE_GATED.value: "凭台账计分",
    engine.RuleType.MANUAL.value: "人工评分",
}
RULE_BY_NAME = {name: kind for kind, name in RULE_NAMES.items()}

CLAUSE_SEP = "。"
ITEM_SEP = "；"
LABELS = {"elements": "要素", "target": "目标", "tiers": "分档", "step": "步长", "inner": "凭台账"}
# The optional measure (the figure the platform computes for the item), when the
# standard names one: 取数：<measure key>.
MEASURE_LABEL = "取数"
KEY_BY_LABEL = {label: key for key, label in LABELS.items()} | {MEASURE_LABEL: "measure"}

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
WEIGHTED_RE = re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<points>-?\d+(?:\.\d+)?)\s*分\s*[）)]$")
TIER_RE = re.compile(
    r"^(?:达到|满|≥|>=)?\s*(?P<min>-?\d+(?:\.\d+)?)\s*[%％]?\s*(?:及以上)?\s*"
    r"[，,]?\s*得\s*(?P<points>-?\d+(?:\.\d+)?)\s*分$"
)
DEDUCTION_RE = re.compile(r"^每[例次项处个]扣\s*(?P<per>\d+(?:\.\d+)?)\s*分$")

EXAMPLES = [  # (rule, parameters, what it means): the template's instructions sheet
    (engine.RuleType.ALL_OR_NOTHING.value, {}, "做到得满分，否则0分；评分参数留空"),
    (
        engine.RuleType.PER_ELEMENT.value,
        {"elements": ["机构单设或挂牌", "专职人员到位", "办公场所固定"]},
        "分值平分给各要素；要分不同分值写 要素：A（2分）；B（1分）",
    ),
    (
        engine.RuleType.PROPORTIONAL.value,
        {"target": 200},
        "按实际值占目标的比例得分，达到目标得满分",
    ),
    (
        engine.RuleType.TIERED.value,
        {
            "tiers": [
                {"min": 85, "points": 1},
                {"min": 95, "points": 2},
                {"min": 100, "points": 3},
            ]
        },
        "实际值达到某一档即得该档分数；写 85%得1分 也可以",
    ),
    (engine.RuleType.DEDUCTION.value, {"per_failure": 1}, "从分值中每发现一例扣1分，扣完为止"),
    (
        engine.RuleType.EVIDENCE_GATED.value,
        {
            "inner": {
                "type": "per_element",
                "params": {"elements": ["联席会议制度", "军地协调制度", "考核奖惩制度"]},
            }
        },
        "台账审核通过后才按后面的规则计分",
    ),
    (engine.RuleType.MANUAL.value, {"step": 0.5}, "由考评人打分，分数须为步长的整数倍"),
]


class NotationError(ValueError):
    """The text is neither the notation nor JSON; the message says which clause and why."""


# --- writing ------------------------------------------------------------------------


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NotationError("not a number")
    return str(value)


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise NotationError("not a name")
    if any(sep in name for sep in (CLAUSE_SEP, ITEM_SEP, ";", "\n", "：")) or WEIGHTED_RE.match(
        name
    ):
        raise NotationError("a name holds a separator")
    return name


def _clauses(rule_type: str, params: dict[str, Any], *, top: bool = True) -> list[str]:
    clauses: list[str] = []
    for key, value in params.items():
        if key == "measure" and top:
            continue  # written last, below
        if key == "elements":
            items = []
            for element in value:
                if isinstance(element, dict):
                    if set(element) != {"name", "points"}:
                        raise NotationError("an element has other keys")
                    items.append(
                        f"{_clean_name(element['name'])}（{_number(element['points'])}分）"
                    )
                else:
                    items.append(_clean_name(element))
            if not items:
                raise NotationError("no elements")
            clauses.append(f"要素：{ITEM_SEP.join(items)}")
        elif key == "target":
            clauses.append(f"目标：{_number(value)}")
        elif key == "tiers":
            if not value or any(
                not isinstance(t, dict) or set(t) != {"min", "points"} for t in value
            ):
                raise NotationError("tiers of another shape")
            tiers = ITEM_SEP.join(f"{_number(t['min'])}得{_number(t['points'])}分" for t in value)
            clauses.append(f"分档：{tiers}")
        elif key == "per_failure":
            clauses.append(f"每例扣{_number(value)}分")
        elif key == "step":
            clauses.append(f"步长：{_number(value)}")

        elif key == "inner" and rule_type == engine.RuleType.EVIDENCE_GATED.value:
            if not isinstance(value, dict) or not set(value) <= {"type", "params"}:
                raise NotationError("inner of another shape")
            inner_type = value.get("type")
            if inner_type not in RULE_NAMES or inner_type == engine.RuleType.EVIDENCE_GATED.value:
                raise NotationError("unknown inner rule")
            inner_params = value.get("params")
            if "params" in value and not (isinstance(inner_params, dict) and inner_params):
                raise NotationError("empty inner params are written as JSON")
            clauses.append(f"凭台账：{RULE_NAMES[inner_type]}")
            clauses += _clauses(inner_type, inner_params or {}, top=False)
        else:
            raise NotationError(f"no words for {key}")
    if top and "measure" in params:
        code = params["measure"]
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise NotationError("a measure is a code")
        clauses.append(f"{MEASURE_LABEL}：{code}")
    return clauses


def to_text(rule_type: str, params: dict[str, Any] | None) -> str:
    """The parameters in the notation, or as sorted JSON when the notation cannot say them.

    Rules: reading the text back gives exactly ``params``; empty parameters are an empty cell.
    """
    if not params:
        return ""
    as_json = json.dumps(params, ensure_ascii=False, sort_keys=True)
    try:
        text = CLAUSE_SEP.join(_clauses(rule_type, params))
        if from_text(rule_type, text) == json.loads(as_json):
            return text
    except (NotationError, TypeError, AttributeError, KeyError):
        pass
    return as_json


# --- reading ------------------------------------------------------------------------


def _parse_number(text: str, what: str) -> int | float:
    text = text.strip()
    if not NUMBER_RE.match(text):
        raise NotationError(f"{what}：“{text}”不是数字")
    return float(text) if "." in text else int(text)


def _items(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[；;]", text) if item.strip()]


def _split_clauses(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[。\n]", text) if c.strip()]


def from_text(rule_type: str, text: str) -> dict[str, Any]:
    """Parameters from the notation or from JSON (a text starting with “{”).

    Rules: an empty text is no parameters; an unknown label, a clause given twice or a
    value that is not a number where one is needed is a NotationError naming it.
    """
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            params = json.loads(text)
        except ValueError as exc:
            raise NotationError(f"JSON 有误：{exc}") from None
        if not isinstance(params, dict):
            raise NotationError("JSON 须为 {…}")
        return params
    clauses = _split_clauses(text)
    params: dict[str, Any] = {}
    target = params
    for clause in clauses:
        if match := DEDUCTION_RE.match(clause):
            key, value = "per_failure", _parse_number(match["per"], "每例扣分")
        else:
            parts = re.split(r"[：:]", clause, maxsplit=1)
            if len(parts) != 2:
                raise NotationError(f"看不懂“{clause}”：应写成 标签：内容")
            label, raw = parts[0].strip(), parts[1].strip()
            key = KEY_BY_LABEL.get(label)
            if key is None:
                raise NotationError(
                    f"不认识“{label}”：可用 "
                    + "、".join([*LABELS.values(), MEASURE_LABEL])
                    + "，或 每例扣N分"
                )
            value = _value(key, raw)
        if key == "measure":
            if "measure" in params:
                raise NotationError(f"“{clause}”重复")
            params["measure"] = value  # the rule's own, also after 凭台账
            continue
        if key == "inner":
            if target is not params or "inner" in params:
                raise NotationError("“凭台账”只能写一次")
            inner: dict[str, Any] = {"type": value}
            params["inner"] = inner
            target = inner.setdefault("params", {})
            continue
        if key in target:
            raise NotationError(f"“{clause}”重复")
        target[key] = value
    if "inner" in params and not params["inner"]["params"]:
        del params["inner"]["params"]
    return params


def _value(key: str, raw: str) -> Any:
    if key == "elements":
        items = _items(raw)
        if not items:
            raise NotationError("要素：至少写一个")
        weighted = [WEIGHTED_RE.match(item) for item in items]
        if all(weighted):
            return [
                {"name": m["name"].strip(), "points": _parse_number(m["points"], "要素分值")}
                for m in weighted
                if m
            ]
        if any(weighted):
            raise NotationError("要素：要么都写分值，要么都不写")
        return items
    if key == "tiers":
        tiers = []
        for item in _items(raw):
            match = TIER_RE.match(item)
            if not match:
                raise NotationError(f"分档：“{item}”应写成 85得1分")
            tiers.append(
                {
                    "min": _parse_number(match["min"], "分档"),
                    "points": _parse_number(match["points"], "分档"),
                }
            )
        if not tiers:
            raise NotationError("分档：至少写一档")
        return tiers
    if key in ("target", "step"):
        return _parse_number(raw, LABELS[key])
    if key == "inner":
        kind = RULE_BY_NAME.get(raw) or (raw if raw in RULE_NAMES else None)
        if kind is None or kind == engine.RuleType.EVIDENCE_GATED.value:
            raise NotationError(
                f"凭台账：“{raw}”不是评分方式，可用 "
                + "、".join(n for k, n in RULE_NAMES.items() if k != "evidence_gated")
            )
        return kind
    if key == "measure":
        if not raw:
            raise NotationError("取数：写出指标代码或名称")
        found = measures.by_label(raw) if measures is not None else None
        return found or raw  # an unknown code is named by the engine's check
    raise NotationError(raw)  # pragma: no cover - every label has a key above
