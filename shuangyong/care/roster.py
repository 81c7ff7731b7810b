"""The roster of entitled persons (优抚对象花名册) in: tolerant of what real files hold
(title rows, full-width digits and brackets, lowercase x, spaces, Excel date serials,
1990.1.2 and 1990年1月2日, empty rows, the older names of categories), strict about
what matters (every ID checked against GB 11643 and against the sex and birth date
columns, duplicates in the file and in the registry).

One row is one person under one category; a person under two categories is two rows
with the same ID. Writing is bulk: PostgreSQL gets COPY, other databases bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.access import can, scoped
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.care import plausibility
from shuangyong.care.categories import (
    PROGRAMME_OF,
    Programme,
    parse_category,
    parse_cause,
    parse_grade,
    parse_hukou,
)
from shuangyong.care.models import EntitledPerson, Entitlement, PayableSpan, StatusChange
from shuangyong.care.models.registry import mask_account
from shuangyong.care.payments import ledger_start
from shuangyong.care.registry import check_terms, first_paid_month
from shuangyong.core import crypto, idnumber, writes
from shuangyong.core.dates import EXCEL_EPOCH, parse_date
from shuangyong.core.imports import (
    Column,
    Importer,
    Option,
    Row,
    normalize_header,
    register_importer,
)
from shuangyong.core.pinyin import search_key
from shuangyong.core.validators import mask_phone
from shuangyong.org.imports import UnitMatcher
from shuangyong.org.models import Unit, UnitKind

HEADERS = [
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "联系电话",
    "所属街道",
    "所属社区",
    "居住地址",
    "户籍类型",
    "优抚类别",
    "伤残等级",
    "伤残性质",
    "入伍时间",
    "退役时间",
    "备注",
    "批准时间",
    "开户银行",
    "银行账号",
]
SEX_WORDS = {"男": "M", "女": "F", "M": "M", "F": "F", "男性": "M", "女性": "F"}
YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
cached_search_key = lru_cache(maxsize=200_000)(search_key)


def loose_date(value) -> dt.date | None:
    """A date as rosters write it, also a bare year and month (1990.3 → 1990-03-01), a
    bare year (1968), and Excel serials of any age (the old are born before 1954)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if 1900 <= number <= 2100:
            return dt.date(number, 1, 1)
        if 0 < number < 80000 and number == value:
            return EXCEL_EPOCH + dt.timedelta(days=number)
    try:
        return parse_date(value)
    except ValueError:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        found = YEAR_MONTH.match(text)
        if found and 1 <= int(found.group(2)) <= 12:
            return dt.date(int(found.group(1)), int(found.group(2)), 1)
        raise


@register_importer
class RosterImporter(Importer):
    kind = "persons"
    label = gettext_lazy("Entitled persons")
    permission = "care.import"
    columns = (
        Column("name", "姓名"),
        Column("id_number", "公民身份号码", aliases=("身份证号码", "身份证号"), sensitive=True),
        Column("sex", "性别", required=False, note="须与身份证号码一致"),
        Column("birth_date", "出生日期", required=False, note="须与身份证号码一致", sensitive=True),
        Column("phone", "联系电话", required=False, sensitive=True, masker=mask_phone),
        Column("street", "所属街道", note="街道名称、简称或编码"),
        Column("community", "所属社区", required=False),
        Column("address", "居住地址", required=False),
        Column("hukou", "户籍类型", required=False, note="城镇 或 农村"),
        Column("category", "优抚类别", note="如：残疾军人、烈士遗属、参战退役军人"),
        Column("grade", "伤残等级", required=False, note="残疾军人必填：1–10 或 一级–十级"),
        Column("cause", "伤残性质", required=False, note="残疾军人必填：因战、因公、因病"),
        Column("enlisted_on", "入伍时间", required=False),
        Column("discharged_on", "退役时间", required=False),
        Column("note", "备注", required=False),
        Column("approved_on", "批准时间", required=False, note="填写则自批准次月起发放"),
        Column("bank_name", "开户银行", required=False),
        Column("bank_account", "银行账号", required=False, sensitive=True),
    )
    options = (
        Option(
            "--update",
            "update persons already in the registry (same ID number)",
            type=bool,
            label=gettext_lazy("Update persons already in the registry"),
        ),
    )

    # What a care officer needs in full to fix a rejected row from the error workbook.
    REVEALED_IN_ERRORS = ("id_number", "birth_date", "phone")

    def run(self, source, *, name=None, partial=False):
        """The import; then, for a role that may reveal ID numbers (care.reveal), the error
        workbook keeps the rejected rows' ID number, birth date and phone in full (audited),
        so the officer can fix each row from it. Other roles, and the command line, get
        them masked."""
        result = super().run(source, name=name, partial=partial)
        if result.rejected_rows and self.actor is not None and can(self.actor, "care.reveal"):
            columns = [c for c in self.columns if c.key in self.REVEALED_IN_ERRORS]
            shown = {
                position
                for position in result.sensitive_positions
                if position < len(result.headers)
                and any(c.matches(normalize_header(result.headers[position])) for c in columns)
            }
            if shown:
                result.sensitive_positions -= shown
                record(
                    Action.REVEAL,
                    object_type="import:persons",
                    object_repr=name or getattr(source, "name", ""),
                    user=self.actor,
                    detail={
                        "error_workbook": True,
                        "rows": len(result.rejected_rows),
                        "columns": sorted(str(result.headers[p]) for p in shown),
                    },
                )
        return result

    def prepare(self) -> None:
        self.update = bool(self.options.get("update"))
        self.communities: dict[tuple[int, str], Unit] = {}
        units = Unit.objects.filter(is_active=True, kind__in=[UnitKind.STREET, UnitKind.COMMUNITY])
        if self.actor is not None:  # a street's officer imports its own streets' persons
            units = scoped(self.actor, units, via="")
        units = list(units.only("pk", "code", "name", "short_name", "kind", "parent_id"))
        streets = [u for u in units if u.kind == UnitKind.STREET]
        self.streets = UnitMatcher(streets, unknown=_("unknown street “%(name)s”"))
        street_names = {u.pk: u.name for u in streets}
        for unit in units:
            if unit.kind == UnitKind.COMMUNITY:
                # Rosters write 桂香社区 where the unit is called 桂园街道桂香社区.
                keys = {unit.code, unit.name, unit.short_name}
                keys.add(unit.name.removeprefix(street_names.get(unit.parent_id, "")))
                for key in keys - {""}:
                    self.communities[(unit.parent_id, key)] = unit
        self.existing = {}
        self.outside: set[str] = set()  # registered in a street the importer may not touch
        self.hukou_of: dict[str, str] = {}
        inside = {u.pk for u in units if u.kind == UnitKind.STREET}
        for index, pk, street_id, hukou in EntitledPerson.objects.values_list(
            "id_number_index", "pk", "street_id", "hukou"
        ):
            if self.actor is not None and self.actor.is_unit_scoped and street_id not in inside:
                self.outside.add(index)
            else:
                self.existing[index] = pk
                self.hukou_of[index] = hukou
        self.today = timezone.localdate()

    def clean(self, row: Row) -> None:  # noqa: C901 - one column after the other
        data, raw = row.data, row.raw
        data["name"] = row.text("name", required=True, max_length=50)
        number = idnumber.normalize(raw.get("id_number"))
        data["id_number"] = number
        facts = None
        if not number:
            row.error("id_number", _("this column is required"))
        else:
            try:
                facts = idnumber.parse(number, today=self.today)
            except ValidationError as exc:
                row.error("id_number", exc.messages[0])
        sex_text = row.text("sex", code=True)
        if sex_text:
            sex = SEX_WORDS.get(sex_text.upper())
            if sex is None:
                row.error("sex", _("“%(v)s” is neither 男 nor 女") % {"v": sex_text})
            elif facts and sex != facts.sex:
                row.error(
                    "sex",
                    _("does not agree with the ID number (%(s)s)")
                    % {"s": "男" if facts.sex == "M" else "女"},
                )
        data["birth_date"] = facts.birth_date if facts else None
        data["sex"] = facts.sex if facts else ""
        born = self._date(row, "birth_date")
        if born and facts and born != facts.birth_date:
            # Not the ID's date: with the masked ID beside it, it would give the number away.
            row.error("birth_date", _("does not agree with the ID number"))
        data["phone"] = row.phone("phone")
        street_text = row.text("street", required=True, code=True)
        street = None
        if street_text:
            street, problem = self.streets.find(street_text)
            if problem:
                row.error("street", problem)
        data["street"] = street
        community_text = row.text("community", code=True)
        data["community"] = None
        if community_text and street is not None:
            data["community"] = self.communities.get((street.pk, community_text))
            if data["community"] is None:
                row.error(
                    "community",
                    _("“%(v)s” is not a community of %(s)s")
                    % {"v": community_text, "s": street.name},
                )
        data["address"] = row.text("address", max_length=200)
        data["hukou"] = self._parse(row, "hukou", parse_hukou, gettext_lazy("城镇 or 农村")) or ""
        category_text = row.text("category", required=True)
        category, bracket = parse_category(category_text) if category_text else (None, "")
        if category_text and category is None:
            row.error("category", _("unknown category “%(v)s”") % {"v": category_text})
        data["category"] = category
        data["grade"] = self._parse(row, "grade", parse_grade, gettext_lazy("1–10 or 一级–十级"))
        cause_text = row.text("cause") or bracket
        try:
            data["cause"] = parse_cause(cause_text) or ""
        except ValueError:
            data["cause"] = ""
            row.error("cause", _("“%(v)s” is not 因战, 因公 or 因病") % {"v": cause_text})
        if category and not any(e.column in ("伤残等级", "伤残性质") for e in row.errors):
            try:
                check_terms(category, data["grade"], data["cause"])
            except ValidationError as exc:
                key = "grade" if "grade" in exc.message_dict else "cause"
                row.error(key, exc.message_dict[key][0])
        data["enlisted_on"] = self._date(row, "enlisted_on")
        data["discharged_on"] = self._date(row, "discharged_on")
        dates = {k: data[k] for k in ("birth_date", "enlisted_on", "discharged_on")}
        for key, message in plausibility.service_dates(**dates).items():
            row.error(key, message)
        data["approved_on"] = self._date(row, "approved_on")
        if category:
            approval = plausibility.approval(
                category=category, approved_on=data["approved_on"], **dates
            )
            for key, message in approval.items():
                row.error(key, message)
        data["note"] = row.text("note")
        data["bank_name"] = row.text("bank_name", max_length=100)
        data["bank_account"] = row.text("bank_account", code=True)

    def _date(self, row: Row, key: str) -> dt.date | None:
        value = row.raw.get(key)
        try:
            day = loose_date(value)
        except ValueError:
            row.error(key, _("“%(v)s” is not a date") % {"v": row.text(key)})
            return None
        if day and not dt.date(1900, 1, 1) <= day <= self.today:
            row.error(key, _("%(d)s is impossible") % {"d": day.isoformat()})
            return None
        return day

    def _parse(self, row: Row, key: str, parser, expected: str):
        text = row.text(key)
        try:
            return parser(text)
        except ValueError:
            row.error(key, _("“%(v)s” is not %(e)s") % {"v": text, "e": expected})
            return None

    def check(self, rows: list[Row]) -> None:
        index_of = EntitledPerson._meta.get_field("id_number").index_of
        seen: dict[tuple[str, str], int] = {}
        people: dict[str, Row] = {}
        for row in rows:
            number = row.data.get("id_number")
            if not number or any(e.column == "公民身份号码" for e in row.errors):
                continue
            key = (number, row.data.get("category") or "")
            if key in seen:
                row.error(
                    "id_number", _("the same person and category as row %(n)d") % {"n": seen[key]}
                )
                continue
            seen[key] = row.number
            first = people.setdefault(number, row)
            if first is not row and first.data["name"] != row.data["name"]:
                row.error(
                    "name",
                    _("row %(n)d has this ID number under the name %(name)s")
                    % {"n": first.number, "name": first.data["name"]},
                )
            for key in ("street", "hukou"):  # one person, one street and one hukou
                mine, theirs = row.data.get(key), first.data.get(key)
                if first is not row and mine and theirs and mine != theirs:
                    row.error(
                        key, _("differs from row %(n)d of the same person") % {"n": first.number}
                    )
            index = row.data["index"] = index_of(number)
            if index in self.outside:
                row.error(
                    "id_number",
                    _(
                        "registered in a street outside your units; "
                        "the district's officer updates it"
                    ),
                )
            elif index in self.existing and not self.update:
                row.error(
                    "id_number",
                    _(
                        "already in the registry; to update it, tick “update persons already "
                        "in the registry” (--update on the command line)"
                    ),
                )
            elif index in self.existing and row.data["hukou"] not in ("", self.hukou_of[index]):
                row.error(
                    "hukou",
                    _("differs from the registry: change it on the person's page, with its date"),
                )
            elif index in self.existing:
                # An empty cell keeps the registry's hukou, for the person and for the
                # spans of any new entitlement (which the payment standards match on).
                row.data["hukou"] = self.hukou_of[index]

    # --- writing -----------------------------------------------------------------

    def write(self, rows: list[Row]) -> tuple[int, int]:
        now = timezone.now()
        started = {p: ledger_start(p) is not None for p in Programme.values}
        persons: dict[str, dict] = {}
        updated_ids = set()
        for row in rows:
            data = row.data
            if data["index"] in self.existing:
                updated_ids.add(self.existing[data["index"]])
            kept = persons.setdefault(data["index"], data)
            kept["hukou"] = kept["hukou"] or data["hukou"]  # rows agree where both say it
        for row in rows:
            # every entitlement's spans carry the person's hukou, which the standards
            # match on, even from a row whose own cell was empty
            row.data["hukou"] = persons[row.data["index"]]["hukou"]
        new_people = [d for i, d in persons.items() if i not in self.existing]
        person_ids = dict(self.existing)
        person_ids.update(self._insert_people(new_people))
        changed_ids = set()
        if updated_ids:
            changed_ids = self._update_people([d for i, d in persons.items() if i in self.existing])
        have = set(
            Entitlement.objects.filter(person_id__in=updated_ids).values_list(
                "person_id", "category"
            )
        )
        entitlements = []
        for row in rows:
            data = row.data
            person_id = person_ids[data["index"]]
            if (person_id, data["category"]) in have:
                continue
            programme = PROGRAMME_OF.get(data["category"])
            first = first_paid_month(
                data["approved_on"],
                ledger_started=bool(programme and started[programme]),
                today=self.today,
            )
            entitlements.append((person_id, data, first))
            if person_id in updated_ids:
                changed_ids.add(person_id)  # a person already registered, under a new category
        self._insert_entitlements(entitlements, now)
        # "updated" counts the registered persons the file changed, not those it repeats.
        self.unchanged = len(updated_ids - changed_ids)
        return len(new_people), len(changed_ids)

    def _person_values(self, data: dict) -> dict:
        return {
            "name": data["name"],
            "sex": data["sex"],
            "birth_date": data["birth_date"],
            "phone": data["phone"],
            "street_id": data["street"].pk,
            "community_id": data["community"].pk if data["community"] else None,
            "address": data["address"],
            "hukou": data["hukou"],
            "enlisted_on": data["enlisted_on"],
            "discharged_on": data["discharged_on"],
            "bank_name": data["bank_name"],
            "note": data["note"],
        }

    def _insert_people(self, found: list[dict]) -> dict[str, int]:
        if not found:
            return {}
        now = timezone.now()
        if connection.vendor == "postgresql":
            return self._copy_people(found, now)
        objects = [
            EntitledPerson(
                **self._person_values(d),
                id_number=d["id_number"],
                bank_account=d["bank_account"],
                created_at=now,
                updated_at=now,
                search_text=cached_search_key(d["name"]),
                bank_account_masked=mask_account(d["bank_account"]),
            )
            for d in found
        ]
        created = EntitledPerson.objects.bulk_create(objects, batch_size=2000)
        if created and created[0].pk is not None:
            return {p.id_number_index: p.pk for p in created}
        return dict(EntitledPerson.objects.values_list("id_number_index", "pk"))

    def _copy_people(self, found: list[dict], now) -> dict[str, int]:
        table = EntitledPerson._meta.db_table
        field = EntitledPerson._meta.get_field("id_number")
        account_context = EntitledPerson._meta.get_field("bank_account").context
        phone_context = EntitledPerson._meta.get_field("phone").context
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                f"FROM generate_series(1, {len(found)})"
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns = [
                "id",
                "name",
                "id_number",
                "id_number_index",
                "id_number_masked",
                "sex",
                "birth_date",
                "phone",
                "phone_index",
                "street_id",
                "community_id",
                "address",
                "hukou",
                "enlisted_on",
                "discharged_on",
                "bank_name",
                "bank_account",
                "bank_account_masked",
                "note",
                "search_text",
                "created_at",
                "updated_at",
            ]
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for pk, d in zip(ids, found, strict=True):
                    account, phone = d["bank_account"], d["phone"]
                    copy.write_row(
                        (
                            pk,
                            d["name"],
                            crypto.encrypt(d["id_number"], context=field.context),
                            d["index"],
                            idnumber.mask(d["id_number"]),
                            d["sex"],
                            d["birth_date"],
                            crypto.encrypt(phone, context=phone_context) if phone else "",
                            crypto.blind_index(phone),
                            d["street"].pk,
                            d["community"].pk if d["community"] else None,
                            d["address"],
                            d["hukou"],
                            d["enlisted_on"],
                            d["discharged_on"],
                            d["bank_name"],
                            crypto.encrypt(account, context=account_context) if account else "",
                            mask_account(account),
                            d["note"],
                            cached_search_key(d["name"]),
                            now,
                            now,
                        )
                    )
        writes.written()  # COPY goes round Django's cursor: the data version must still move
        return {d["index"]: pk for pk, d in zip(ids, found, strict=True)}

    def _update_people(self, found: list[dict]) -> set[int]:
        """Write what differs; the ids of the persons changed."""
        people = {
            p.id_number_index: p
            for p in EntitledPerson.objects.filter(id_number_index__in=[d["index"] for d in found])
        }
        # Only rows that really differ are written, and they get a new updated_at, which
        # the API's "changed since" filter reads (bulk_update skips auto_now fields).
        now = timezone.now()
        changed = []
        for d in found:
            person = people[d["index"]]
            values = self._person_values(d)
            if d["bank_account"]:
                values["bank_account"] = d["bank_account"]
                values["bank_account_masked"] = mask_account(d["bank_account"])
            values["search_text"] = cached_search_key(values["name"])
            if all(getattr(person, key) == value for key, value in values.items()):
                continue
            for key, value in values.items():
                setattr(person, key, value)
            person.updated_at = now
            changed.append(person)
        fields = [
            *self._person_values(found[0]).keys(),
            "bank_account",
            "bank_account_masked",
            "phone_index",
            "search_text",
            "updated_at",
        ]
        EntitledPerson.objects.bulk_update(changed, fields, batch_size=1000)
        return {p.pk for p in changed}

    def _insert_entitlements(self, found: list[tuple[int, dict, int]], now) -> None:
        if not found:
            return
        hukou = {person_id: data["hukou"] for person_id, data, _first in found}
        if connection.vendor == "postgresql":
            self._copy_entitlements(found, hukou, now)
            return
        created = Entitlement.objects.bulk_create(
            [
                Entitlement(
                    person_id=person_id,
                    category=data["category"],
                    grade=data["grade"],
                    cause=data["cause"],
                    approved_on=data["approved_on"],
                    pays_from=first,
                    changed_at=now,
                    recheck_from=first or None,
                )
                for person_id, data, first in found
            ],
            batch_size=2000,
        )
        if created and created[0].pk is None:  # backends without RETURNING
            by_key = {
                (e.person_id, e.category): e.pk
                for e in Entitlement.objects.filter(changed_at=now).only(
                    "pk", "person_id", "category"
                )
            }
            for entitlement in created:
                entitlement.pk = by_key[(entitlement.person_id, entitlement.category)]
        PayableSpan.objects.bulk_create(
            [
                PayableSpan(
                    entitlement_id=e.pk,
                    first_month=e.pays_from,
                    grade=e.grade,
                    cause=e.cause,
                    hukou=hukou[e.person_id],
                )
                for e in created
            ],
            batch_size=2000,
        )
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    entitlement_id=e.pk,
                    status="active",
                    effective=e.approved_on,
                    reason=_("Imported from the roster"),
                    by=self.actor,
                )
                for e in created
            ],
            batch_size=2000,
        )

    def _copy_entitlements(self, found, hukou, now) -> None:
        ent_table, span_table = Entitlement._meta.db_table, PayableSpan._meta.db_table
        change_table = StatusChange._meta.db_table
        reason = _("Imported from the roster")
        actor_id = self.actor.pk if self.actor else None
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{ent_table}', 'id')) "
                f"FROM generate_series(1, {len(found)})"
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns = (
                "id, person_id, category, grade, cause, approved_on, pays_from, status, "
                "status_reason, changed_at, recheck_from"
            )
            with cursor.cursor.copy(f"COPY {ent_table} ({columns}) FROM STDIN") as copy:
                for pk, (person_id, d, first) in zip(ids, found, strict=True):
                    copy.write_row(
                        (
                            pk,
                            person_id,
                            d["category"],
                            d["grade"],
                            d["cause"],
                            d["approved_on"],
                            first,
                            "active",
                            "",
                            now,
                            first or None,
                        )
                    )
            span_columns = "entitlement_id, first_month, grade, cause, hukou"
            with cursor.cursor.copy(f"COPY {span_table} ({span_columns}) FROM STDIN") as copy:
                for pk, (person_id, d, first) in zip(ids, found, strict=True):
                    copy.write_row((pk, first, d["grade"], d["cause"], hukou[person_id]))
            change_columns = "entitlement_id, status, effective, reason, by_id, at"
            with cursor.cursor.copy(f"COPY {change_table} ({change_columns}) FROM STDIN") as copy:
                for pk, (_person, d, _first) in zip(ids, found, strict=True):
                    # As the ORM path and the person page: the approval's date, or none.
                    copy.write_row((pk, "active", d["approved_on"], reason, actor_id, now))
            writes.written()  # as above: COPY goes round Django's cursor

    def summarize(self, result) -> dict:
        unchanged = getattr(self, "unchanged", 0)
        return {"persons": result.created + result.updated + unchanged, "unchanged": unchanged}
