import secrets
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from shuangyong.campaigns.models import Assessment, Campaign, Task, UnitReportKind
from shuangyong.campaigns.responsibility import REPORT_TEXT_MAX
from shuangyong.org.models import Person, Unit, UnitKind
from shuangyong.standards import engine
from shuangyong.standards.models import Criterion, Standard, Status

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "standard",
            "district",
            "start_year",
            "end_year",
            "target_score",
            "self_assessment_due",
            "mock_inspection_on",
            "official_inspection_on",
            "duty_report_criterion",
            "plan_criterion",
        ]
        widgets = {
            "self_assessment_due": DATE,
            "mock_inspection_on": DATE,
            "official_inspection_on": DATE,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = Standard.objects.filter(status=Status.PUBLISHED)
        self.fields["district"].queryset = Unit.objects.filter(kind=UnitKind.DISTRICT)
        criteria = Criterion.objects.exclude(rule_type="").select_related("standard")
        if self.instance.pk:
            criteria = criteria.filter(standard=self.instance.standard)
        else:  # the standards a new campaign may choose: published ones, drafts never
            criteria = criteria.filter(standard__in=self.fields["standard"].queryset)
        for name in ("duty_report_criterion", "plan_criterion"):
            self.fields[name].queryset = criteria.order_by("standard", "sort_key")
            self.fields[name].help_text = _(
                "Optional: its actual value becomes the share (%) of member units whose "
                "report was accepted."
            )

    def clean(self):
        cleaned = super().clean()
        standard = cleaned.get("standard")
        for name in ("duty_report_criterion", "plan_criterion"):
            chosen = cleaned.get(name)
            if chosen and standard and chosen.standard_id != standard.pk:
                self.add_error(name, _("Choose a criterion of the campaign's standard."))
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The cycle cannot end before it starts."))
        target = cleaned.get("target_score")
        if target is not None and target < 0:
            self.add_error("target_score", _("The target cannot be negative."))
        return cleaned


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["kind", "title", "held_on", "assessors", "note"]
        widgets = {"held_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}


class ScoreForm(forms.Form):
    """The facts one criterion asks for, shaped by its scoring rule."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def __init__(self, *args, criterion, **kwargs):
        kwargs.setdefault("prefix", f"c{criterion.pk}")
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        fields = {}
        if criterion.is_veto:
            fields["vetoed"] = forms.BooleanField(
                label=_("Happened (disqualifies)"), required=False
            )
        kind, params = criterion.rule_type, criterion.rule_params or {}
        if kind == engine.RuleType.EVIDENCE_GATED:
            fields["evidence_approved"] = forms.BooleanField(
                label=_("Evidence approved"), required=False
            )
            kind, params = params["inner"]["type"], params["inner"].get("params") or {}
        if kind == engine.RuleType.ALL_OR_NOTHING:
            fields["achieved"] = forms.BooleanField(label=_("Achieved"), required=False)
        elif kind == engine.RuleType.PER_ELEMENT:
            shares = engine.element_points(params, criterion.points)
            fields["elements"] = forms.TypedMultipleChoiceField(
                label=_("Elements achieved"),
                required=False,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                choices=[(i, f"{name}（{points}）") for i, (name, points) in enumerate(shares)],
            )
        elif kind in (engine.RuleType.PROPORTIONAL, engine.RuleType.TIERED):
            label = (
                _("Actual value")
                if kind == engine.RuleType.TIERED
                else _("Actual value (target %(t)s)") % {"t": params.get("target")}
            )
            fields["actual"] = forms.DecimalField(label=label, required=False, decimal_places=2)
        elif kind == engine.RuleType.DEDUCTION:
            fields["failures"] = forms.IntegerField(
                label=_("Failures found"), required=False, min_value=0
            )
        elif kind == engine.RuleType.MANUAL:
            fields["score"] = forms.DecimalField(
                label=_("Score"),
                required=False,
                min_value=Decimal(0),
                max_value=criterion.points,
                decimal_places=2,
            )
        for name, field in fields.items():
            self.fields[name] = field
        self.order_fields([*fields, "comment"])

    def facts(self) -> dict:
        data = self.cleaned_data
        return engine.Facts(
            achieved=bool(data.get("achieved")),
            elements=frozenset(data.get("elements") or ()),
            actual=data.get("actual"),
            failures=data.get("failures") or 0,
            evidence_approved=bool(data.get("evidence_approved")),
            score=data.get("score"),
            vetoed=bool(data.get("vetoed")),
        ).to_json()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        criterion = self.criterion
        if criterion.rule_type:
            try:
                engine.score(
                    engine.Rule(criterion.rule_type, criterion.rule_params),
                    criterion.points,
                    engine.Facts.from_json(self.facts()),
                )
            except engine.RuleError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (evidence attached to a report)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = [
            "criterion",
            "title",
            "lead_unit",
            "co_units",
            "owner",
            "deadline",
            "recurrence",
            "weight",
            "evidence_required",
        ]
        widgets = {
            "deadline": DATE,
            "co_units": forms.SelectMultiple(attrs={"size": 6}),
            "evidence_required": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = campaign.standard.criteria.order_by("sort_key")
        units = Unit.objects.filter(is_active=True).order_by("path")
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units
        self.fields["owner"].queryset = Person.objects.filter(is_active=True).select_related("unit")
        self.fields["owner"].label_from_instance = lambda p: f"{p.name}（{p.unit.display_name}）"


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("What was done"),
        max_length=REPORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At most %(n)d characters; attach longer material as evidence.")
        % {"n": REPORT_TEXT_MAX},
    )
    percent = forms.IntegerField(label=_("Done (%)"), min_value=0, max_value=100)
    files = MultipleFileField(label=_("Evidence files"), required=False)
    # A one-time token per form shown: submitting it twice files one report.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = secrets.token_urlsafe(24)
        self.indicators = list(task.indicators.all())
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=_("%(name)s (target %(target)s%(measure)s)")
                % {
                    "name": indicator.name,
                    "target": f"{indicator.target.normalize():f}",
                    "measure": indicator.measure,
                },
                required=False,
                max_digits=14,
                decimal_places=2,
            )

    def values(self) -> dict:
        return {
            i.pk: self.cleaned_data[f"indicator_{i.pk}"]
            for i in self.indicators
            if self.cleaned_data.get(f"indicator_{i.pk}") is not None
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))])
    note = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("The same title again uploads a new version."),
    )
    year = forms.IntegerField(label=_("Year"))


class UnitReportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"))
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitReportKind.choices)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class CopyForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Copy the decomposition of"), queryset=Campaign.objects.none()
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Campaign.objects.exclude(pk=campaign.pk)
