"""Standards in and out: Excel (one row per criterion) and YAML, round-tripping exactly.

The workbook's first sheet holds the criteria (编号, 考评项目, 分值, 评分方式,
评分参数, 评分标准, 台账要求, 加分项, 一票否决); a sheet 标准信息 holds the name,
issuer, version, effective date and bonus cap. YAML holds the same: the
metadata at the top and a flat ``criteria`` list in the standard's order.
An import creates a new draft; it is all or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.core import excel
from shuangyong.core.imports import (
    Column,
    Exporter,
    Importer,
    ImportFileError,
    Option,
    Row,
    RowError,
    cell_text,
    object_for,
    parse_bool,
    read_sheet,
    register_exporter,
    register_importer,
    write_bytes,
)
from shuangyong.standards import engine, notation, services
from shuangyong.standards.models import Criterion, Standard, sort_key

RULE_NAMES = {engine.RuleType(kind): name for kind, name in notation.RULE_NAMES.items()}
RULE_BY_NAME = {name: kind.value for kind, name in RULE_NAMES.items()} | {
    kind.value: kind.value for kind in engine.RuleType
}
META_SHEET = "标准信息"
META_FIELDS = [  # (label in the sheet, key in YAML)
    ("名称", "name"), ("发布单位", "issuer"), ("版本", "version"), ("生效日期", "effective_on"),
    ("加分上限", "bonus_cap"), ("说明", "description"),
]  # fmt: skip
CODE_RE = re.compile(r"^[1-9]\d*(\.[1-9]\d*)*$")
HEADERS = [
    "编号",
    "考评项目",
    "分值",
    "评分方式",
    "评分参数",
    "评分标准",
    "台账要求",
    "加分项",
    "一票否决",
]


number_out = services.plain_number


def canonical(params: Any) -> Any:
    """Parameters with keys sorted at every level: exports must not depend on the database."""
    return json.loads(json.dumps(params, sort_keys=True, ensure_ascii=False))


@register_importer
class StandardImporter(Importer):
    kind = "standard"
    label = gettext_lazy("Evaluation standard")
    permission = "standards.edit"
    allow_partial = False
    columns = (
        Column("code", "编号", aliases=("code",), note="1、1.2、1.2.3：上级编号在前"),
        Column("title", "考评项目", aliases=("title", "考评内容")),
        Column("points", "分值", aliases=("points",)),
        Column(
            "rule_type",
            "评分方式",
            required=False,
            aliases=("rule",),
            note="、".join(RULE_NAMES.values()) + "；类别行留空",
        ),
        Column(
            "rule_params",
            "评分参数",
            required=False,
            aliases=("params",),
            note="如 要素：A；B；C、分档：85得1分；95得2分、每例扣1分（各评分方式的写法见下表）；"
            "也可写 JSON",
        ),
        Column("description", "评分标准", required=False, aliases=("description",)),
        Column("evidence", "台账要求", required=False, aliases=("evidence",)),
        Column("is_bonus", "加分项", required=False, aliases=("bonus",), note="是/否"),
        Column("is_veto", "一票否决", required=False, aliases=("veto",), note="是/否"),
    )
    suffixes = frozenset({"yaml", "yml"})
    options = (
        Option("--name", "standard name (overrides the file)"),
        Option("--standard-version", "version label (overrides the file)"),
        Option("--issuer", "issuer (overrides the file)"),
    )

    # --- reading ----------------------------------------------------------------

    def read(self, source, name: str):
        if name.lower().endswith((".yaml", ".yml")):
            return self._yaml_rows(source)
        return super().read(source, name)

    def _yaml_rows(self, source):
        raw = source.read_bytes() if hasattr(source, "read_bytes") else source.read()
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise ImportFileError(_("The YAML cannot be read: %(e)s") % {"e": exc}) from exc
        if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
            raise ImportFileError(_("The YAML must have a top-level “criteria” list."))
        self.yaml_meta = {key: data.get(key) for _label, key in META_FIELDS}
        keys = [
            "code",
            "title",
            "points",
            "rule",
            "params",
            "description",
            "evidence",
            "bonus",
            "veto",
        ]
        rows = [HEADERS]
        for item in data["criteria"]:
            item = item if isinstance(item, dict) else {}
            cells = [item.get(k, "") for k in keys]
            cells[4] = (
                json.dumps(cells[4], ensure_ascii=False) if cells[4] not in ("", None) else ""
            )
            cells[7] = "是" if item.get("bonus") else "否"
            cells[8] = "是" if item.get("veto") else "否"
            rows.append(cells)
        return iter(rows)

    def _metadata(self) -> dict[str, Any]:
        meta = getattr(self, "yaml_meta", None)
        if meta is None:
            meta = {}
            sheet = read_sheet(self.source, self.source_name, META_SHEET) or []
            labels = {label: key for label, key in META_FIELDS}
            for row in sheet:
                if len(row) >= 2 and cell_text(row[0]) in labels:
                    meta[labels[cell_text(row[0])]] = row[1]
        for key, option in (
            ("name", "name"),
            ("version", "standard_version"),
            ("issuer", "issuer"),
        ):
            if self.options.get(option):
                meta[key] = self.options[option]
        return meta

    def prepare(self) -> None:
        meta = self._metadata()
        self.meta = {
            "name": cell_text(meta.get("name")),
            "issuer": cell_text(meta.get("issuer")),
            "version": cell_text(meta.get("version")),
            "description": cell_text(meta.get("description")),
        }
        for field, label in (("name", "名称"), ("version", "版本")):
            if not self.meta[field]:
                self.file_errors.append(RowError(0, f"{META_SHEET}/{label}", _("required")))
        effective = meta.get("effective_on")
        try:
            self.meta["effective_on"] = (
                effective
                if isinstance(effective, dt.date) and not isinstance(effective, dt.datetime)
                else effective.date()
                if isinstance(effective, dt.datetime)
                else dt.date.fromisoformat(cell_text(effective))
                if cell_text(effective)
                else None
            )
        except ValueError:
            self.file_errors.append(
                RowError(0, f"{META_SHEET}/生效日期", _("write a date as 2026-01-01"))
            )
        try:
            self.meta["bonus_cap"] = Decimal(cell_text(meta.get("bonus_cap")) or "0")
        except InvalidOperation:
            self.file_errors.append(RowError(0, f"{META_SHEET}/加分上限", _("must be a number")))
        if (
            self.meta["name"]
            and Standard.objects.filter(
                name=self.meta["name"], version=self.meta["version"]
            ).exists()
        ):
            self.file_errors.append(
                RowError(
                    0,
                    f"{META_SHEET}/版本",
                    _("version “%(v)s” of “%(n)s” exists already; give the import another version")
                    % {"v": self.meta["version"], "n": self.meta["name"]},
                )
            )

    # --- checking -----------------------------------------------------------------

    def clean(self, row: Row) -> None:
        data = row.data
        data["code"] = row.text("code", required=True, max_length=30, code=True)
        if data["code"] and not CODE_RE.match(data["code"]):
            row.error("code", _("a code is numbers joined by dots, like 2 or 2.3 or 2.3.1"))
        data["title"] = row.text("title", required=True, max_length=300)
        points_text = row.text("points", required=True, code=True)
        try:
            data["points"] = Decimal(points_text) if points_text else Decimal(0)
            if data["points"] < 0 or data["points"] != data["points"].quantize(Decimal("0.01")):
                raise InvalidOperation
        except InvalidOperation:
            row.error(
                "points",
                _("“%(v)s” is not a number of points (≥ 0, two decimals at most)")
                % {"v": points_text},
            )
            data["points"] = Decimal(0)
        rule_text = row.text("rule_type")
        data["rule_type"] = RULE_BY_NAME.get(rule_text, "") if rule_text else ""
        if rule_text and not data["rule_type"]:
            row.error(
                "rule_type",
                _("unknown scoring rule “%(v)s”; use one of: %(names)s")
                % {"v": rule_text, "names": "、".join(RULE_NAMES.values())},
            )
        params_text = row.text("rule_params")
        try:
            data["rule_params"] = notation.from_text(data["rule_type"], params_text)
        except notation.NotationError as exc:
            row.error(
                "rule_params",
                _("%(why)s (write it like 分档：85得1分；95得2分, or as JSON)") % {"why": exc},
            )
            data["rule_params"] = {}
        data["description"] = row.text("description")
        data["evidence"] = row.text("evidence")
        for key in ("is_bonus", "is_veto"):
            flag = parse_bool(row.raw.get(key))
            if flag is None:
                row.error(key, _("write 是 or 否"))
            data[key] = bool(flag)

    def check(self, rows: list[Row]) -> None:
        valid = [r for r in rows if r.ok]
        by_code: dict[str, Row] = {}
        for row in valid:
            code = row.data["code"]
            if code in by_code:
                row.error(
                    "code",
                    _("duplicate code “%(code)s” (also row %(row)d)")
                    % {"code": code, "row": by_code[code].number},
                )
            else:
                by_code[code] = row
        all_codes = {r.data.get("code") for r in rows}
        children: dict[str, list[Row]] = {}
        for code, row in by_code.items():
            parent = code.rpartition(".")[0]
            if parent and parent not in all_codes:
                row.error(
                    "code",
                    _("orphan: there is no criterion %(parent)s above it") % {"parent": parent},
                )
            elif parent:
                children.setdefault(parent, []).append(row)
        for code, row in by_code.items():
            data, kids = row.data, children.get(code, [])
            if kids:
                total = sum((k.data["points"] for k in kids), Decimal(0))
                if total > data["points"]:
                    row.error(
                        "points",
                        _("its items add up to %(total)s, more than its %(points)s")
                        % {"total": total, "points": data["points"]},
                    )
                if data["rule_type"]:
                    row.error("rule_type", _("a category is scored by its items: leave this empty"))
            elif data["is_veto"]:
                if data["points"]:
                    row.error("points", _("a veto item carries no points"))
            elif not data["rule_type"]:
                row.error("rule_type", _("an item needs a scoring rule"))
            elif messages := engine.validate(
                data["rule_type"], data["rule_params"], data["points"]
            ):
                row.error("rule_params", "；".join(messages))
            parent = by_code.get(code.rpartition(".")[0])
            if parent is not None and parent.data["is_bonus"]:
                data["is_bonus"] = True  # an item of a bonus category is a bonus item
            elif parent is not None and data["is_bonus"]:
                row.error("is_bonus", _("bonus items belong in a bonus category"))

    # --- writing ---------------------------------------------------------------------

    def write(self, rows: list[Row]) -> tuple[int, int]:
        self.standard = Standard.objects.create(**self.meta)
        Criterion.objects.bulk_create(
            [
                Criterion(
                    standard=self.standard,
                    code=r.data["code"],
                    sort_key=sort_key(r.data["code"]),
                    title=r.data["title"],
                    description=r.data["description"],
                    points=r.data["points"],
                    rule_type=r.data["rule_type"],
                    rule_params=r.data["rule_params"],
                    evidence=r.data["evidence"],
                    is_bonus=r.data["is_bonus"],
                    is_veto=r.data["is_veto"],
                )
                for r in rows
            ],
            batch_size=500,
        )
        services.link_parents(self.standard)
        return len(rows), 0

    def summarize(self, result) -> dict[str, Any]:
        return services.summary(self.standard)

    @classmethod
    def template_workbook(cls, target) -> None:
        """The empty sheet, the columns explained, and each scoring rule with an example."""
        notes = (
            [c.header, _("required") if c.required else _("optional"), str(c.note)]
            for c in cls.columns
        )
        rules = (
            [notation.RULE_NAMES[kind], notation.to_text(kind, params), meaning]
            for kind, params, meaning in notation.EXAMPLES
        )
        excel.write_workbook(
            target,
            [
                (str(cls.label or cls.kind), cls.headers(), []),
                (
                    _("Instructions"),
                    [_("Column"), _("Required"), _("Notes")],
                    _chain_rows(notes, [["", "", ""], ["评分方式", "评分参数示例", "含义"]], rules),
                ),
                (META_SHEET, ["项目", "内容"], [[label, ""] for label, _key in META_FIELDS]),
            ],
        )


def _chain_rows(*parts):
    for part in parts:
        yield from part


# --- export ------------------------------------------------------------------------


def criteria_rows(standard: Standard):
    for c in standard.criteria.order_by("sort_key"):
        yield [
            c.code,
            c.title,
            number_out(c.points),
            RULE_NAMES.get(c.rule_type, ""),
            notation.to_text(c.rule_type, canonical(c.rule_params)) if c.rule_params else "",
            c.description,
            c.evidence,
            "是" if c.is_bonus else "否",
            "是" if c.is_veto else "否",
        ]


def metadata(standard: Standard) -> dict[str, Any]:
    return {
        "name": standard.name,
        "issuer": standard.issuer,
        "version": standard.version,
        "effective_on": standard.effective_on.isoformat() if standard.effective_on else "",
        "bonus_cap": number_out(standard.bonus_cap),
        "description": standard.description,
    }


def as_yaml(standard: Standard) -> str:
    document = metadata(standard)
    document["criteria"] = []
    for c in standard.criteria.order_by("sort_key"):
        item: dict[str, Any] = {"code": c.code, "title": c.title, "points": number_out(c.points)}
        if c.rule_type:
            item["rule"] = c.rule_type
            if c.rule_params:
                item["params"] = canonical(c.rule_params)
        for key, value in (("description", c.description), ("evidence", c.evidence)):
            if value:
                item[key] = value
        if c.is_bonus:
            item["bonus"] = True
        if c.is_veto:
            item["veto"] = True
        document["criteria"].append(item)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000)


class StandardExporter(Exporter):
    def render(self, target, *, actor, object_id, full: bool, format: str) -> None:
        standard = object_for(
            Standard.objects, object_id, _("No evaluation standard with ID %(id)s.")
        )
        if format == "yaml":
            write_bytes(target, as_yaml(standard).encode("utf-8"))
            return
        meta = metadata(standard)
        excel.write_workbook(
            target,
            [
                ("考评标准", HEADERS, criteria_rows(standard)),
                (META_SHEET, ["项目", "内容"], [[label, meta[key]] for label, key in META_FIELDS]),
            ],
            stable=True,
        )


register_exporter(
    StandardExporter(
        kind="standard",
        label=gettext_lazy("Evaluation standard"),
        permission="standards.view",
        headers=HEADERS,
        rows=None,
        takes_id=True,
        formats=("xlsx", "yaml"),
    )
)
