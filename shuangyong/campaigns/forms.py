from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from shuangyong.campaigns.models import Assessment, Campaign
from shuangyong.org.models import Unit, UnitKind
from shuangyong.standards import engine
from shuangyong.standards.models import Standard, Status

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

    def clean(self):
        cleaned = super().clean()
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
