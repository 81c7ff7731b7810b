"""Excel import and export of units and people, through the shared pipeline."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.access import scoped
from shuangyong.core import idnumber
from shuangyong.core.imports import (
    Column,
    Exporter,
    Importer,
    Row,
    cell_text,
    parse_bool,
    register_exporter,
    register_importer,
)
from shuangyong.core.pinyin import search_key
from shuangyong.core.protect import export_id_number
from shuangyong.core.validators import plain_digits
from shuangyong.org.models import Person, Unit, UnitKind, rebuild_paths

UNIT_FIELDS = [
    "name",
    "short_name",
    "kind",
    "is_member",
    "contact_name",
    "contact_phone",
    "duties",
    "sort_order",
]


# The spreadsheet vocabulary is fixed Chinese, whatever language the UI is in.
KIND_NAMES = {
    UnitKind.DISTRICT: ("区", "区县", "县", "district"),
    UnitKind.STREET: ("街道", "镇", "乡镇", "street"),
    UnitKind.COMMUNITY: ("社区", "村", "居委会", "community"),
    UnitKind.DEPARTMENT: ("部门", "机关", "委办局", "department"),
    UnitKind.GARRISON: ("驻区部队", "部队", "garrison"),
    UnitKind.ARMED_FORCES_DEPT: ("人武部", "人民武装部", "armed_forces_dept"),
    UnitKind.HOSPITAL: ("医院", "hospital"),
    UnitKind.SCHOOL: ("学校", "school"),
    UnitKind.ENTERPRISE: ("企业", "enterprise"),
    UnitKind.OTHER: ("其他", "other"),
}
KIND_BY_NAME = {name: kind for kind, names in KIND_NAMES.items() for name in names}


def parse_kind(text: str) -> str | None:
    """A unit kind from its Chinese name (街道, 驻区部队…) or its key."""
    return KIND_BY_NAME.get(text.strip().lower())


def kind_name(kind: str) -> str:
    return KIND_NAMES[UnitKind(kind)][0]


def _validation_message(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


@register_importer
class UnitImporter(Importer):
    kind = "units"
    label = gettext_lazy("Units")
    permission = "org.units.import"
    columns = (
        Column("code", "编码", aliases=("code", "单位编码")),
        Column("name", "名称", aliases=("name", "单位名称")),
        Column("short_name", "简称", required=False, aliases=("short name",)),
        Column(
            "kind",
            "类型",
            aliases=("kind", "单位类型"),
            note="区、街道、社区、部门、驻区部队、人武部、医院、学校、企业、其他",
        ),
        Column(
            "parent",
            "上级编码",
            required=False,
            aliases=("parent", "上级单位编码"),
            note="留空表示顶级单位",
        ),
        Column("is_member", "成员单位", required=False, aliases=("member",), note="是/否"),
        Column("contact_name", "联系人", required=False),
        Column("contact_phone", "联系电话", required=False, aliases=("phone",)),
        Column("duties", "职责", required=False, aliases=("duties", "职责分工")),
        Column("sort_order", "排序", required=False, aliases=("order",)),
    )

    def prepare(self) -> None:
        self.existing = {
            u["code"]: u
            for u in Unit.objects.values("pk", "code", "name", "short_name", "parent__code")
        }

    def clean(self, row: Row) -> None:
        raw, data = row.raw, row.data
        data["code"] = row.text("code", required=True, max_length=32, code=True)
        data["name"] = row.text("name", required=True, max_length=100)
        data["short_name"] = row.text("short_name", max_length=50)
        kind_text = cell_text(raw.get("kind"))
        data["kind"] = parse_kind(kind_text) if kind_text else None
        if not data["kind"]:
            row.error("kind", _("unknown unit kind “%(value)s”") % {"value": kind_text})
        data["parent"] = row.text("parent", code=True)
        member = parse_bool(raw.get("is_member"))
        if member is None:
            row.error("is_member", _("write 是 or 否"))
        data["is_member"] = bool(member)
        data["contact_name"] = row.text("contact_name", max_length=50)
        data["contact_phone"] = row.phone("contact_phone")
        data["duties"] = row.text("duties")
        order = row.text("sort_order", code=True) or "0"
        if not (plain_digits(order) and len(order) <= 9):
            row.error("sort_order", _("must be a whole number"))
        data["sort_order"] = int(order) if plain_digits(order) and len(order) <= 9 else 0

    def check(self, rows: list[Row]) -> None:
        faulted = {row.data.get("code"): row for row in rows if not row.ok}
        rows = [row for row in rows if row.ok]
        by_code: dict[str, Row] = {}
        by_name: dict[str, Row] = {}
        by_short: dict[str, Row] = {}
        for row in rows:
            code, name, short = row.data["code"], row.data["name"], row.data["short_name"]
            if code in by_code:
                row.error(
                    "code",
                    _("duplicate code “%(code)s” (also row %(row)d)")
                    % {"code": code, "row": by_code[code].number},
                )
            by_code.setdefault(code, row)
            if name in by_name:
                row.error(
                    "name", _("duplicate name (also row %(row)d)") % {"row": by_name[name].number}
                )
            by_name.setdefault(name, row)
            if short:
                if short in by_short:
                    row.error(
                        "short_name",
                        _("duplicate short name (also row %(row)d)")
                        % {"row": by_short[short].number},
                    )
                by_short.setdefault(short, row)
        # Names must stay unique against units that this file does not touch.
        for unit in self.existing.values():
            if unit["code"] in by_code:
                continue
            if unit["name"] in by_name:
                by_name[unit["name"]].error(
                    "name", _("name already used by unit %(code)s") % {"code": unit["code"]}
                )
            if unit["short_name"] and unit["short_name"] in by_short:
                by_short[unit["short_name"]].error(
                    "short_name",
                    _("short name already used by unit %(code)s") % {"code": unit["code"]},
                )
        # Parents must exist, and the tree must stay a tree.
        parent_of = {code: u["parent__code"] or "" for code, u in self.existing.items()}
        parent_of.update({row.data["code"]: row.data["parent"] for row in rows})
        for row in rows:
            parent = row.data["parent"]
            if not parent:
                continue
            if parent in faulted and parent not in self.existing:
                row.error(
                    "parent",
                    _("the parent unit (row %(row)d) has faults itself")
                    % {"row": faulted[parent].number},
                )
                continue
            if parent not in parent_of:
                row.error("parent", _("unknown parent unit code “%(code)s”") % {"code": parent})
                continue
            seen = {row.data["code"]}
            while parent:
                if parent in seen:
                    row.error("parent", _("the parent chain loops back to this unit"))
                    break
                seen.add(parent)
                parent = parent_of.get(parent, "")

    def write(self, rows: list[Row]) -> tuple[int, int]:
        existing = {u.code: u for u in Unit.objects.filter(code__in=[r.data["code"] for r in rows])}
        new, changed = [], []
        for row in rows:
            data = row.data
            unit = existing.get(data["code"]) or Unit(code=data["code"])
            for name in UNIT_FIELDS:
                setattr(unit, name, data[name])
            unit.search_text = " ".join(
                filter(None, [search_key(unit.name), search_key(unit.short_name)])
            )
            (changed if unit.pk else new).append(unit)
        Unit.objects.bulk_update(changed, [*UNIT_FIELDS, "search_text"], batch_size=500)
        Unit.objects.bulk_create(new, batch_size=500)
        codes = {r.data["code"] for r in rows} | {
            r.data["parent"] for r in rows if r.data["parent"]
        }
        pk_of = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
        linked = [
            Unit(pk=pk_of[r.data["code"]], parent_id=pk_of.get(r.data["parent"])) for r in rows
        ]
        Unit.objects.bulk_update(linked, ["parent"], batch_size=500)
        rebuild_paths()
        return len(new), len(changed)


def _unit_rows(actor, _object_id, _full):
    units = Unit.objects.select_related("parent").order_by("path")
    if actor is not None:
        units = scoped(actor, units, via="")
    for unit in units.iterator(chunk_size=1000):
        yield [
            unit.code,
            unit.name,
            unit.short_name,
            kind_name(unit.kind),
            unit.parent.code if unit.parent_id else "",
            "是" if unit.is_member else "否",
            unit.contact_name,
            unit.contact_phone,
            unit.duties,
            unit.sort_order,
        ]


register_exporter(
    Exporter(
        kind="units",
        label=gettext_lazy("Units"),
        permission="org.units.export",
        headers=UnitImporter.headers(),
        rows=_unit_rows,
    )
)


class UnitMatcher:
    """Finds a unit by code, full name or short name, loaded in one query.

    ``units`` narrows the candidates (the streets a roster may name); ``unknown`` is
    the message for a name none of them has (with ``%(name)s``).
    """

    def __init__(self, units=None, *, unknown: str = "") -> None:
        self.unknown = unknown
        if units is None:
            units = Unit.objects.filter(is_active=True).only("pk", "code", "name", "short_name")
        self.by_key: dict[str, Unit | None] = {}
        for unit in units:
            for key in (unit.code, unit.name, unit.short_name):
                if not key:
                    continue
                # A key shared by two units (a code equal to another's short name) is
                # ambiguous, and stays so whatever unit shares it next.
                if key in self.by_key and self.by_key[key] != unit:
                    self.by_key[key] = None
                else:
                    self.by_key[key] = unit

    def find(self, text: str) -> tuple[Unit | None, str]:
        if text not in self.by_key:
            return None, (self.unknown or _("unknown unit “%(name)s”")) % {"name": text}
        unit = self.by_key[text]
        if unit is None:
            return None, _("“%(name)s” matches more than one unit; use the unit code") % {
                "name": text
            }
        return unit, ""


@register_importer
class PersonImporter(Importer):
    kind = "people"
    label = gettext_lazy("People")
    permission = "org.people.import"
    columns = (
        Column("name", "姓名", aliases=("name",)),
        Column(
            "unit", "单位", aliases=("unit", "所在单位", "单位名称"), note="单位编码、全称或简称"
        ),
        Column("position", "职务", required=False, aliases=("position",)),
        Column("phone", "联系电话", required=False, aliases=("phone", "手机", "手机号码", "电话")),
        Column("email", "电子邮箱", required=False, aliases=("email", "邮箱")),
        Column(
            "id_number",
            "公民身份号码",
            required=False,
            aliases=("身份证号", "身份证号码", "id number"),
            note="18 位；导出的脱敏号码（含 *）原样导回表示不修改",
            sensitive=True,
        ),
    )

    def prepare(self) -> None:
        self.units = UnitMatcher()
        self.index_of = Person._meta.get_field("id_number").index_of
        # Who holds which ID number now, by blind index: nothing is decrypted.
        self.id_holders = dict(
            Person.objects.exclude(id_number_index="").values_list("id_number_index", "pk")
        )

    def clean(self, row: Row) -> None:
        raw, data = row.raw, row.data
        data["name"] = row.text("name", required=True, max_length=50)
        unit_text = row.text("unit", required=True)
        if unit_text:
            data["unit"], message = self.units.find(unit_text)
            if message:
                row.error("unit", message)
        data["position"] = row.text("position", max_length=100)
        data["phone"] = row.phone("phone")
        data["email"] = row.text("email", max_length=254)
        if data["email"]:
            try:
                validate_email(data["email"])
            except ValidationError:
                row.error(
                    "email", _("“%(value)s” is not an email address") % {"value": data["email"]}
                )
        number = idnumber.normalize(raw.get("id_number"))
        data["id_number"] = number
        data["id_number_kept"] = "*" in number  # an exported, masked number: leave it alone
        if number and not data["id_number_kept"]:
            try:
                idnumber.parse(number)
            except ValidationError as exc:
                row.error("id_number", _validation_message(exc))

    def check(self, rows: list[Row]) -> None:
        rows = [r for r in rows if r.ok]
        existing = {
            (p.unit_id, p.name): p
            for p in Person.objects.filter(unit_id__in={r.data["unit"].pk for r in rows})
        }
        seen: dict[tuple[int, str], Row] = {}
        numbers: dict[str, Row] = {}
        for row in rows:
            key = (row.data["unit"].pk, row.data["name"])
            if key in seen:
                row.error(
                    "name",
                    _("the same person appears twice in this unit (also row %(row)d)")
                    % {"row": seen[key].number},
                )
            seen.setdefault(key, row)
            number, current = row.data["id_number"], existing.get(key)
            if row.data["id_number_kept"]:
                if current is None or idnumber.mask(current.id_number) != number:
                    row.error(
                        "id_number",
                        _("a masked number can only stand for the number already on file"),
                    )
                continue
            if not number:
                continue
            if number in numbers:
                row.error(
                    "id_number",
                    _("the same ID number is on row %(row)d too") % {"row": numbers[number].number},
                )
            numbers.setdefault(number, row)
            holder = self.id_holders.get(self.index_of(number))
            if holder is not None and (current is None or current.pk != holder):
                row.error("id_number", _("this ID number already belongs to another person"))

    def write(self, rows: list[Row]) -> tuple[int, int]:
        unit_ids = {r.data["unit"].pk for r in rows}
        existing = {(p.unit_id, p.name): p for p in Person.objects.filter(unit_id__in=unit_ids)}
        new, changed = [], []
        for row in rows:
            data = row.data
            person = existing.get((data["unit"].pk, data["name"]))
            if person is None:
                person = Person(name=data["name"], unit=data["unit"])
                new.append(person)
            else:
                changed.append(person)
            person.position = data["position"]
            person.phone = data["phone"]
            person.email = data["email"]
            if not data["id_number_kept"]:
                person.id_number = data["id_number"]
            person.search_text = search_key(person.name)
        Person.objects.bulk_create(new, batch_size=1000)
        Person.objects.bulk_update(
            changed, ["position", "phone", "email", "id_number", "id_number_index"], batch_size=1000
        )
        return len(new), len(changed)


def _people_rows(actor, _object_id, full):
    people = Person.objects.select_related("unit").order_by("unit__path", "id")
    if actor is not None:
        people = scoped(actor, people)
    for person in people.iterator(chunk_size=2000):
        yield [
            person.name,
            person.unit.code,
            person.position,
            person.phone,
            person.email,
            export_id_number(person.id_number, full=full),
        ]


register_exporter(
    Exporter(
        kind="people",
        label=gettext_lazy("People"),
        permission="org.people.export",
        headers=PersonImporter.headers(),
        rows=_people_rows,
        reveal_permission="org.people.reveal_id",
    )
)
