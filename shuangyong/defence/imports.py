"""Conscription in Excel: registrations in (`import candidates FILE --campaign ID`), and
each stage's list out (`export candidates ID`: one sheet per stage)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.access import in_scope
from shuangyong.core import excel, idnumber
from shuangyong.core.imports import (
    Column,
    Exporter,
    Importer,
    ImportFileError,
    Option,
    Row,
    object_for,
    register_exporter,
    register_importer,
)
from shuangyong.core.validators import mask_phone
from shuangyong.defence import conscription
from shuangyong.defence.models import (
    Candidate,
    CandidateStatus,
    CandidateStep,
    ConscriptionCampaign,
    Education,
    Stage,
    StepEvent,
)
from shuangyong.defence.selectors import candidates
from shuangyong.org.imports import UnitMatcher
from shuangyong.org.models import Unit, UnitKind

EDUCATION_WORDS = {
    "初中": Education.HIGH_SCHOOL, "高中": Education.HIGH_SCHOOL, "中专": Education.HIGH_SCHOOL,
    "职高": Education.HIGH_SCHOOL, "高中及以下": Education.HIGH_SCHOOL,
    "大学在校生": Education.COLLEGE_STUDENT, "在校大学生": Education.COLLEGE_STUDENT,
    "高校在校生": Education.COLLEGE_STUDENT, "在校生": Education.COLLEGE_STUDENT,
    "大学毕业生": Education.COLLEGE_GRADUATE, "高校毕业生": Education.COLLEGE_GRADUATE,
    "大专": Education.COLLEGE_GRADUATE, "本科": Education.COLLEGE_GRADUATE,
    "研究生": Education.POSTGRADUATE, "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
}  # fmt: skip


@register_importer
class CandidateImporter(Importer):
    kind = "candidates"
    label = gettext_lazy("Conscription registrations")
    permission = "conscription.edit"
    columns = (
        Column("name", "姓名"),
        Column("id_number", "公民身份号码", aliases=("身份证号码", "身份证号"), sensitive=True),
        Column("phone", "联系电话", required=False, sensitive=True, masker=mask_phone),
        Column("street", "所属街道", note="街道名称、简称或编码"),
        Column("education", "文化程度", note="高中、大学在校生、大学毕业生、研究生"),
        Column("family_name", "家属姓名", required=False),
        Column("family_relation", "家属关系", required=False),
        Column(
            "family_id_number",
            "家属公民身份号码",
            required=False,
            sensitive=True,
            note="填写后，定兵时家属登记为义务兵家庭优抚对象",
        ),
        Column("family_phone", "家属联系电话", required=False, sensitive=True, masker=mask_phone),
    )
    options = (Option("--campaign", "the conscription campaign", type=int, required=True),)

    def prepare(self) -> None:
        try:
            self.campaign = object_for(
                ConscriptionCampaign.objects,
                self.options.get("campaign"),
                _("No conscription campaign with ID %(id)s."),
            )
        except ValidationError as exc:
            raise ImportFileError(exc.messages[0]) from None
        self.streets = UnitMatcher(
            Unit.objects.filter(kind=UnitKind.STREET, is_active=True),
            unknown=_("unknown street “%(name)s”"),
        )
        self.seen: dict[str, int] = {}
        # Who is registered already, loaded once: not a query per row.
        self.registered = set(self.campaign.candidates.values_list("id_number_index", flat=True))
        self.index_of = Candidate._meta.get_field("id_number").index_of

    def clean(self, row: Row) -> None:
        data = row.data
        data["name"] = row.text("name", required=True, max_length=50)
        street_text = row.text("street", required=True, code=True)
        data["street"], problem = self.streets.find(street_text) if street_text else (None, "")
        if problem:
            row.error("street", problem)
        elif data["street"] and self.actor and not in_scope(self.actor, data["street"]):
            row.error("street", _("%(v)s is outside your units") % {"v": street_text})
        education_text = row.text("education", required=True, code=True)
        data["education"] = EDUCATION_WORDS.get(education_text, education_text)
        if education_text and data["education"] not in Education.values:
            row.error("education", _("“%(v)s” is not an education level") % {"v": education_text})
        try:
            if data["education"] in Education.values:
                facts = conscription.check_age(
                    campaign=self.campaign,
                    id_number=row.raw.get("id_number") or "",
                    education=data["education"],
                )
            else:  # the age limit depends on the education, which is already at fault
                facts = idnumber.parse(row.raw.get("id_number") or "")
        except ValidationError as exc:
            row.error("id_number", "；".join(exc.message_dict.get("id_number", exc.messages)))
        else:
            data["id_number"], data["birth_date"] = facts.number, facts.birth_date
            if self.index_of(facts.number) in self.registered:
                row.error("id_number", _("This person is registered in this campaign."))
            elif facts.number in self.seen:
                row.error(
                    "id_number",
                    _("the same person as row %(n)d") % {"n": self.seen[facts.number]},
                )
            self.seen.setdefault(facts.number, row.number)
        data["phone"] = row.phone("phone")
        data["family_name"] = row.text("family_name", max_length=50)
        data["family_relation"] = row.text("family_relation", max_length=20)
        data["family_phone"] = row.phone("family_phone")
        family = row.text("family_id_number", code=True)
        data["family_id_number"] = ""
        if family:
            try:
                data["family_id_number"] = idnumber.parse(family).number
            except ValidationError as exc:
                row.error("family_id_number", exc.messages[0])
            if not data["family_name"]:
                row.error("family_name", str(conscription.FAMILY_NAME_NEEDED))

    def write(self, rows: list[Row]) -> tuple[int, int]:
        today = timezone.localdate()
        created = []
        for row in rows:
            created.append(Candidate(campaign=self.campaign, **row.data))
        Candidate.objects.bulk_create(created, batch_size=1000)
        CandidateStep.objects.bulk_create(
            [
                CandidateStep(
                    candidate=c,
                    event=StepEvent.REGISTERED,
                    stage=Stage.REGISTERED,
                    on=today,
                    by=self.actor,
                )
                for c in created
            ],
            batch_size=1000,
        )
        return len(created), 0


HEADERS = ["姓名", "公民身份号码", "出生日期", "所属街道", "文化程度", "环节", "状态", "原因",
           "家属姓名", "家属关系", "联系电话"]  # fmt: skip


class CandidateExporter(Exporter):
    """One sheet per stage (and one of those out or returned): the lists the district
    hands on at each step. ID numbers masked unless a full export was authorised."""

    def render(self, target, *, actor, object_id, full: bool, format: str) -> None:
        campaign = object_for(
            ConscriptionCampaign.objects, object_id, _("No conscription campaign with ID %(id)s.")
        )
        found = (
            candidates(actor, campaign)
            if actor is not None  # the command line exports the whole campaign
            else campaign.candidates.defer("id_number", "family_id_number")
        )
        if full:
            found = found.defer(None)
        sheets: dict[str, list] = {label: [] for _v, label in Stage.choices}
        gone = str(_("Out or returned"))
        sheets[gone] = []
        for c in found.select_related("street"):
            sheet = str(c.get_stage_display()) if c.status == CandidateStatus.ACTIVE else gone
            sheets.setdefault(sheet, []).append(
                [
                    c.name,
                    c.id_number if full else c.id_number_masked,
                    # The masked ID hides the birth date: a masked list gives the year only.
                    c.birth_date if full else c.birth_date.year,
                    c.street.name,
                    c.get_education_display(),
                    c.get_stage_display(),
                    c.get_status_display(),
                    c.reason,
                    c.family_name,
                    c.family_relation,
                    c.phone if full else mask_phone(c.phone),
                ]
            )
        excel.write_workbook(
            target, [(title[:31], HEADERS, rows) for title, rows in sheets.items()]
        )


register_exporter(
    CandidateExporter(
        kind="candidates",
        label=gettext_lazy("Conscription lists by stage"),
        permission="conscription.view",
        headers=HEADERS,
        rows=None,
        takes_id=True,
        reveal_permission="conscription.export_full",
    )
)
