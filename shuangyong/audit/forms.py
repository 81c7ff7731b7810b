from django import forms
from django.utils.translation import gettext_lazy as _

from shuangyong.audit.models import Action


class EventFilterForm(forms.Form):
    actor = forms.CharField(label=_("Person"), required=False, max_length=100)
    unit = forms.IntegerField(label=_("Unit"), required=False, widget=forms.Select)
    object_type = forms.CharField(label=_("Object type"), required=False, widget=forms.Select)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *Action.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units=(), object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [("", "—"), *units]
        self.fields["object_type"].widget.choices = [("", "—"), *((t, t) for t in object_types)]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "actor": data["actor"].strip(),
            "unit_id": data["unit"],
            "object_type": data["object_type"],
            "object_id": data["object_id"].strip(),
            "action": data["action"],
            "since": data["since"],
            "until": data["until"],
        }
