from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangyong.core.validators import validate_phone
from shuangyong.defence.models import (
    ConscriptionCampaign,
    Education,
    EducationBase,
    PlacementCase,
    Stage,
    SupportActivity,
)
from shuangyong.org.forms import PhoneField
from shuangyong.org.models import Unit
from shuangyong.org.selectors import garrison_units

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = ConscriptionCampaign
        fields = ["year", "half", "quota"]


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    id_number = forms.CharField(label=_("resident ID number"), max_length=30)
    street = forms.ModelChoiceField(label=_("street"), queryset=Unit.objects.none())
    education = forms.ChoiceField(label=_("education"), choices=Education.choices)
    phone = PhoneField(label=_("phone"), max_length=30, required=False, validators=[validate_phone])
    family_name = forms.CharField(label=_("family member"), max_length=50, required=False)
    family_relation = forms.CharField(label=_("relation"), max_length=20, required=False)
    family_id_number = forms.CharField(
        label=_("family member's ID number"),
        max_length=30,
        required=False,
        help_text=_("With it, approval entitles the family to the conscript family allowance."),
    )
    family_phone = PhoneField(
        label=_("family phone"), max_length=30, required=False, validators=[validate_phone]
    )

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets


class StepForm(forms.Form):
    """One action on a candidate: pass the next stage, drop out, approve, dispatch, return."""

    action = forms.ChoiceField(
        choices=[
            ("advance", _("Passed")),
            ("drop", _("Out")),
            ("approve", _("Approve")),
            ("dispatch", _("Dispatch")),
            ("return", _("Returned by the army")),
        ]
    )
    to = forms.TypedChoiceField(choices=Stage.choices, coerce=int, required=False)
    on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class NoticeForm(forms.Form):
    on = forms.DateField(label=_("public notice from"), widget=DATE, initial=timezone.localdate)


class PlacementForm(forms.ModelForm):
    class Meta:
        model = PlacementCase
        fields = [
            "name",
            "id_number",
            "kind",
            "method",
            "street",
            "discharged_on",
            "reported_on",
            "job_arranged_on",
            "receiving_unit",
            "on_post_on",
            "outcome",
            "closed_on",
        ]
        widgets = {
            name: DATE
            for name in (
                "discharged_on",
                "reported_on",
                "job_arranged_on",
                "on_post_on",
                "closed_on",
            )
        } | {"outcome": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        if self.instance.pk:  # the number is the case: it is not edited
            del self.fields["id_number"]


class ActivityForm(forms.ModelForm):
    task = forms.ModelChoiceField(
        label=_("evidence for task"), queryset=None, required=False, empty_label="—"
    )
    file = forms.FileField(label=_("photo or minutes"), required=False)

    class Meta:
        model = SupportActivity
        fields = [
            "kind",
            "title",
            "held_on",
            "unit",
            "partners",
            "garrison",
            "base",
            "people_reached",
            "cost",
            "note",
        ]
        widgets = {"held_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, units, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["partners"].queryset = Unit.objects.filter(is_active=True).order_by("path")
        self.fields["garrison"].queryset = garrison_units()
        self.fields["task"].queryset = tasks


class BaseForm(forms.ModelForm):
    class Meta:
        model = EducationBase
        fields = ["name", "address", "unit", "level"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
