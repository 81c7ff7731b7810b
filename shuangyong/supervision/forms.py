from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangyong.campaigns.models import LightRules, Task
from shuangyong.org.models import Unit
from shuangyong.supervision.models import Inspection, OrderLevel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrderForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit supervised"), queryset=Unit.objects.filter(is_active=True)
    )
    tasks = forms.ModelMultipleChoiceField(
        label=_("Tasks"), queryset=Task.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    level = forms.ChoiceField(label=_("Level"), choices=OrderLevel.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    requirement = forms.CharField(
        label=_("What must be done"), widget=forms.Textarea(attrs={"rows": 4})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args, campaign, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("path")
        tasks = Task.objects.filter(campaign=campaign, progress__lt=100).select_related("criterion")
        if unit is not None:
            tasks = tasks.filter(lead_unit=unit) | tasks.filter(co_units=unit)
        self.fields["tasks"].queryset = tasks.distinct().order_by("deadline")
        self.fields["tasks"].label_from_instance = lambda t: (
            f"{t.criterion.code + ' ' if t.criterion else ''}{t.title}（{t.deadline or '—'}）"
        )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class StepForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["held_on", "team", "units", "criteria", "summary"]
        widgets = {
            "held_on": DATE,
            "units": forms.SelectMultiple(attrs={"size": 8}),
            "criteria": forms.SelectMultiple(attrs={"size": 8}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(is_active=True).order_by("path")
        self.fields["criteria"].queryset = campaign.standard.criteria.order_by("sort_key")


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=None, required=False)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Rectify by"), widget=DATE)

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = inspection.units.order_by("path")
        self.fields["criterion"].queryset = inspection.campaign.standard.criteria.exclude(
            rule_type=""
        ).order_by("sort_key")


class LightRulesForm(forms.ModelForm):
    class Meta:
        model = LightRules
        fields = [
            "yellow_days",
            "yellow_below",
            "red_days",
            "red_below",
            "remind_days",
            "escalate_days",
            "propose_overdue_days",
            "propose_gap_points",
        ]
