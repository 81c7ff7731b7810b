import json

from django import forms
from django.utils.translation import gettext_lazy as _

from shuangyong.standards import engine, measures
from shuangyong.standards.imports import CODE_RE, RULE_NAMES
from shuangyong.standards.models import Criterion


class CriterionForm(forms.ModelForm):
    rule_params = forms.CharField(
        label=_("Rule parameters (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}),
        help_text=_('e.g. {"target": 100} or {"elements": ["…", "…"]}'),
    )
    measure = forms.ChoiceField(
        label=_("Value from the platform"),
        required=False,
        help_text=_(
            "A figure the platform computes (proportional, tiered, deduction or "
            "all-or-nothing rules): the live score takes the item's value from it."
        ),
    )

    class Meta:
        model = Criterion
        fields = [
            "code",
            "title",
            "points",
            "rule_type",
            "rule_params",
            "measure",
            "description",
            "evidence",
            "is_bonus",
            "is_veto",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard = standard
        self.fields["rule_type"].choices = [
            ("", _("— (a category)")),
            *((k.value, v) for k, v in RULE_NAMES.items()),
        ]
        self.fields["measure"].choices = [
            ("", _("— (entered by hand or from tasks)")),
            *measures.choices(),
        ]
        if self.instance.pk:
            params = dict(self.instance.rule_params or {})
            self.initial["measure"] = params.pop("measure", "")
            self.initial["rule_params"] = json.dumps(params, ensure_ascii=False) if params else ""

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not CODE_RE.match(code):
            raise forms.ValidationError(
                _("a code is numbers joined by dots, like 2 or 2.3 or 2.3.1")
            )
        parent = code.rpartition(".")[0]
        if parent and not self.standard.criteria.filter(code=parent).exists():
            raise forms.ValidationError(
                _("orphan: there is no criterion %(parent)s above it") % {"parent": parent}
            )
        taken = self.standard.criteria.filter(code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This code is taken."))
        if self.instance.pk and code != self.instance.code and self.instance.children.exists():
            raise forms.ValidationError(_("A category with items keeps its code."))
        return code

    def clean_rule_params(self):
        text = self.cleaned_data.get("rule_params") or ""
        try:
            params = json.loads(text) if text.strip() else {}
        except ValueError:
            raise forms.ValidationError(
                _('not valid JSON: write it like {"target": 100}')
            ) from None
        if not isinstance(params, dict):
            raise forms.ValidationError(_("the rule's parameters must be a mapping"))
        return params

    def clean(self):
        cleaned = super().clean()
        rule, points = cleaned.get("rule_type"), cleaned.get("points")
        if "rule_params" in cleaned:
            params = dict(cleaned["rule_params"])
            chosen = cleaned.get("measure") or params.pop("measure", "")
            if chosen:
                params["measure"] = chosen
            if chosen and not rule:
                self.add_error("measure", _("a category takes no measure"))
            cleaned["rule_params"] = params
        if rule and points is not None and "rule_params" in cleaned:
            for message in engine.validate(rule, cleaned["rule_params"], points):
                self.add_error("rule_params", message)
        if cleaned.get("is_veto") and points:
            self.add_error("points", _("a veto item carries no points"))
        return cleaned
