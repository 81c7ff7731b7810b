from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shuangyong.care import months, plausibility
from shuangyong.care.categories import Category, Cause, Hukou, Programme
from shuangyong.care.models import (
    BatchKind,
    EntitledPerson,
    EntitlementStatus,
    NeedCategory,
    NeedSource,
    ProgrammeRule,
    Relation,
    Satisfaction,
    VisitOccasion,
)
from shuangyong.core import idnumber
from shuangyong.org.forms import PhoneField
from shuangyong.org.models import Unit, UnitKind
from shuangyong.org.selectors import garrison_units

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, pinyin or ID number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("张三 / zhangsan / zs / an ID number"), "autofocus": True}
        ),
    )


class CommunitySelect(forms.Select):
    """Each community names its street (data-street), so the page lists only the
    communities of the street chosen (app.js); the form checks it again."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-street"] = instance.parent_id
        return option


class PersonForm(forms.ModelForm):
    """A person as a clerk fills the form in: the ID number first (sex and birth date come
    from it), the street then its communities, and, for a new person, the first category
    on the same form."""

    id_number = forms.CharField(label=_("resident ID number"), max_length=30)
    bank_account = forms.CharField(label=_("bank account"), max_length=40, required=False)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    grade = forms.IntegerField(
        label=_("disability grade"),
        min_value=1,
        max_value=10,
        required=False,
        help_text=_("Disabled veterans only."),
    )
    cause = forms.ChoiceField(label=_("cause"), choices=[("", "—"), *Cause.choices], required=False)
    approved_on = forms.DateField(
        label=_("approved"),
        widget=DATE,
        required=False,
        help_text=_("Paid from the month after approval."),
    )
    ORDER = [
        "id_number",
        "name",
        "phone",
        "street",
        "community",
        "address",
        "hukou",
        "category",
        "grade",
        "cause",
        "approved_on",
        "enlisted_on",
        "discharged_on",
        "bank_name",
        "bank_account",
        "note",
    ]

    class Meta:
        model = EntitledPerson
        field_classes = {"phone": PhoneField}
        fields = [
            "name",
            "phone",
            "street",
            "community",
            "address",
            "hukou",
            "enlisted_on",
            "discharged_on",
            "bank_name",
            "note",
        ]
        widgets = {
            "enlisted_on": DATE,
            "discharged_on": DATE,
            "note": forms.Textarea(attrs={"rows": 2}),
            "community": CommunitySelect(attrs={"data-filter-by": "id_street"}),
        }

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.ORDER)
        self.fields["street"].queryset = streets
        self.fields["community"].queryset = Unit.objects.filter(
            kind=UnitKind.COMMUNITY, parent__in=streets, is_active=True
        ).order_by("path")
        if self.instance.pk:
            for name in ("category", "grade", "cause", "approved_on"):
                del self.fields[name]  # more categories are added on the person's page
            # The ID number is not edited here (it is the person's key); the account is
            # replaced only when a new one is typed.
            del self.fields["id_number"]
            self.fields["bank_account"].help_text = _("Leave empty to keep the current account.")
            self.fields["hukou"].disabled = True
            self.fields["hukou"].help_text = _("Change it on the person's page, with its date.")

    def clean_id_number(self):
        try:
            facts = idnumber.parse(self.cleaned_data["id_number"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None
        if EntitledPerson.objects.with_id_number(facts.number).exists():
            raise ValidationError(_("This ID number is in the registry already."))
        self.facts = facts
        return facts.number

    def clean(self):
        data = super().clean()
        community, street = data.get("community"), data.get("street")
        if community and street and community.parent_id != street.pk:
            self.add_error("community", _("That community is not in the street chosen."))
        facts = getattr(self, "facts", None)
        born = facts.birth_date if facts else self.instance.birth_date
        errors = plausibility.service_dates(
            birth_date=born,
            enlisted_on=data.get("enlisted_on"),
            discharged_on=data.get("discharged_on"),
        )
        for field, message in errors.items():
            self.add_error(field, message)
        if "category" in self.fields and data.get("category"):
            self._check_category(data, born)
        return data

    def _check_category(self, data, born) -> None:
        from shuangyong.care.registry import check_terms

        try:
            check_terms(data["category"], data.get("grade"), data.get("cause") or "")
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        errors = plausibility.approval(
            category=data["category"],
            approved_on=data.get("approved_on"),
            birth_date=born,
            enlisted_on=data.get("enlisted_on"),
            discharged_on=data.get("discharged_on"),
        )
        for field, message in errors.items():
            if field in self.fields:
                self.add_error(field, message)


class EntitlementForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    grade = forms.IntegerField(
        label=_("disability grade"), min_value=1, max_value=10, required=False
    )
    cause = forms.ChoiceField(label=_("cause"), choices=[("", "—"), *Cause.choices], required=False)
    approved_on = forms.DateField(
        label=_("approved"),
        widget=DATE,
        required=False,
        help_text=_("Paid from the month after approval."),
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self):
        data = super().clean()
        if self.person is not None and data.get("category"):
            errors = plausibility.approval(
                category=data["category"],
                approved_on=data.get("approved_on"),
                birth_date=self.person.birth_date,
                enlisted_on=self.person.enlisted_on,
                discharged_on=self.person.discharged_on,
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=EntitlementStatus.choices)
    effective = forms.DateField(label=_("effective"), widget=DATE)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self):
        data = super().clean()
        if self.person is not None and data.get("status") == EntitlementStatus.DECEASED:
            errors = plausibility.death(
                effective=data.get("effective"), birth_date=self.person.birth_date
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return data


class TermsForm(forms.Form):
    grade = forms.IntegerField(label=_("disability grade"), min_value=1, max_value=10)
    cause = forms.ChoiceField(label=_("cause"), choices=Cause.choices)
    effective = forms.DateField(label=_("effective"), widget=DATE)


class HukouForm(forms.Form):
    hukou = forms.ChoiceField(label=_("hukou"), choices=Hukou.choices)
    effective = forms.DateField(label=_("effective"), widget=DATE)


class LinkForm(forms.Form):
    serviceman_name = forms.CharField(label=_("serviceman"), max_length=50)
    relation = forms.ChoiceField(label=_("relation"), choices=Relation.choices)
    serviceman_unit = forms.CharField(label=_("serviceman's unit"), max_length=100, required=False)


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("certificate number"), max_length=40)
    issued_on = forms.DateField(label=_("issued"), widget=DATE)


class ComputeForm(forms.Form):
    programme = forms.ChoiceField(label=_("programme"), choices=Programme.choices)
    period = forms.CharField(
        label=_("period"),
        max_length=10,
        help_text=_("2026-11 (a month), 2026-Q4 (a quarter) or 2026 (a year)"),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=BatchKind.choices)

    def clean_period(self):
        """The period as written (2026-11, 2026-Q4, 2026); a wrong one is named here."""
        text = self.cleaned_data["period"]
        try:
            return months.parse_period(text).text
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class OccasionForm(forms.ModelForm):
    class Meta:
        model = VisitOccasion
        fields = ["name", "kind", "year", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end is before the start."))
        return data


class VisitForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("family visited"),
        queryset=EntitledPerson.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    garrison = forms.ModelChoiceField(
        label=_("or a garrison unit"), queryset=Unit.objects.none(), required=False
    )
    visited_on = forms.DateField(label=_("date"), widget=DATE)
    visitors = forms.CharField(label=_("visited by"), max_length=200)
    gifts = forms.CharField(label=_("gifts"), max_length=200, required=False)
    money = forms.DecimalField(label=_("money"), max_digits=10, decimal_places=2, required=False)

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons
        self.fields["garrison"].queryset = garrison_units()


class NeedForm(forms.Form):
    source = forms.ChoiceField(label=_("raised by"), choices=NeedSource.choices)
    person = forms.ModelChoiceField(
        label=_("entitled person"),
        queryset=EntitledPerson.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    garrison = forms.ModelChoiceField(
        label=_("garrison unit"), queryset=Unit.objects.none(), required=False
    )
    requester = forms.CharField(
        label=_("requester"),
        max_length=100,
        required=False,
        help_text=_("For a military family: the family's name and contact."),
    )
    category = forms.ChoiceField(label=_("category"), choices=NeedCategory.choices)
    text = forms.CharField(label=_("what is needed"), widget=forms.Textarea(attrs={"rows": 4}))
    assignee = forms.ModelChoiceField(label=_("handled by"), queryset=Unit.objects.none())
    deadline = forms.DateField(label=_("deadline"), widget=DATE)

    def __init__(self, *args, persons, garrisons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons
        self.fields["garrison"].queryset = garrisons
        self.fields["assignee"].queryset = Unit.objects.filter(is_active=True).order_by("path")


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("reply"), widget=forms.Textarea(attrs={"rows": 4}))


class SatisfactionForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )


class RepaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("amount repaid (yuan)"), max_digits=12, decimal_places=2, min_value=0.01
    )
    debtor = forms.CharField(label=_("repaid by"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class WriteOffForm(forms.Form):
    reason = forms.CharField(label=_("reason for writing it off"), max_length=200)


class ProgrammeRuleForm(forms.ModelForm):
    class Meta:
        model = ProgrammeRule
        fields = ["confirmation", "grace_months", "offset_recoveries"]

    def clean_grace_months(self):
        months_ = self.cleaned_data["grace_months"]
        if months_ > 11:
            raise ValidationError(_("At most 11 months."))
        return months_
