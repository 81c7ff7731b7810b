from django import forms
from django.utils.translation import gettext_lazy as _

from shuangyong.access import Role
from shuangyong.campaigns.forms import MultipleFileField
from shuangyong.campaigns.models import Task
from shuangyong.coordination.models import Meeting, MeetingFileKind
from shuangyong.org.models import Person, Unit, UnitKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROLE_TARGETS = [
    (Role.UNIT_LIAISON, _("every member unit's liaison")),
    (Role.MILITARY_LIAISON, _("every garrison unit")),
    (Role.CARE_OFFICER, _("every street's care officer")),
]


# The recipient picker's groups: ticking one sends to every such unit the author may address.
RECIPIENT_GROUPS = [
    ("streets", _("All streets")),
    ("members", _("All member units")),
    ("garrisons", _("All garrisons")),
]


def recipient_groups_of(unit) -> list[str]:
    """The picker's groups ``unit`` belongs to (a street and a garrison are not counted
    again among the member units: they have their own group)."""
    if unit.kind == UnitKind.STREET:
        return ["streets"]
    if unit.kind == UnitKind.GARRISON:
        return ["garrisons"]
    return ["members"] if unit.is_member else []


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    reference = forms.CharField(label=_("Document number"), max_length=100, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    groups = forms.MultipleChoiceField(
        label=_("Recipient groups"),
        choices=RECIPIENT_GROUPS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Recipient units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roles = forms.MultipleChoiceField(
        label=_("Or everyone in a role"),
        choices=ROLE_TARGETS,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    requires_reply = forms.BooleanField(label=_("A reply is required"), required=False)
    reply_deadline = forms.DateField(label=_("Reply by"), required=False, widget=DATE)
    reply_fields = forms.CharField(
        label=_("Questions of the reply form"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: one question per line; each recipient answers every one."),
    )
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = recipients.order_by("path")
        self.fields["units"].label_from_instance = lambda u: u.name

    def recipient_rows(self) -> list[dict]:
        """The picker's rows, one query: each unit, its groups, and whether it is ticked."""
        if not hasattr(self, "_recipient_rows"):
            value = self["units"].value() or []
            ticked = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
            self._recipient_rows = [
                {
                    "unit": unit,
                    "groups": " ".join(recipient_groups_of(unit)),
                    "ticked": str(unit.pk) in ticked,
                }
                for unit in self.fields["units"].queryset.only(
                    "pk", "name", "kind", "is_member", "path"
                )
            ]
        return self._recipient_rows

    def clean(self):
        """The units ticked, and every unit of each group ticked, once each."""
        data = super().clean()
        chosen = list(data.get("units") or [])
        groups = set(data.get("groups") or [])
        if groups:
            chosen += [
                unit
                for unit in self.fields["units"].queryset
                if groups.intersection(recipient_groups_of(unit))
            ]
        data["units"] = list(dict.fromkeys(chosen))
        return data

    def clean_reply_fields(self):
        return [
            line.strip() for line in self.cleaned_data["reply_fields"].splitlines() if line.strip()
        ]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for index, question in enumerate(self.questions):
            self.fields[f"q{index}"] = forms.CharField(
                label=question, max_length=500, required=True
            )
        self.order_fields([*(f"q{i}" for i in range(len(self.questions))), "text", "files"])

    def values(self) -> dict:
        return {q: self.cleaned_data.get(f"q{i}", "") for i, q in enumerate(self.questions)}


class MeetingForm(forms.ModelForm):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    class Meta:
        model = Meeting
        fields = ["kind", "title", "held_on", "place", "agenda", "minutes", "evidence_task"]
        widgets = {
            "held_on": DATE,
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            Person.objects.filter(is_active=True)
            .select_related("unit")
            .order_by("unit__path", "name")
        )
        self.fields["attendees"].queryset = people
        self.fields["attendees"].label_from_instance = lambda p: (
            f"{p.name}（{p.unit.display_name}）"
        )
        if self.instance.pk:
            self.initial["attendees"] = list(
                self.instance.attendees.values_list("person_id", flat=True)
            )
        tasks = (
            Task.objects.filter(campaign=campaign)
            .select_related("criterion")
            .order_by("criterion__sort_key", "pk")
        )
        self.fields["evidence_task"].queryset = tasks
        self.fields["evidence_task"].label_from_instance = lambda t: (
            f"{t.criterion.code + ' ' if t.criterion else ''}{t.title}"
        )


class MeetingFileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingFileKind.choices)
    unit = forms.ModelChoiceField(
        label=_("Reporting unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("For a duty report: the unit that gave it."),
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("path")


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=Unit.objects.none(), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = Unit.objects.filter(is_active=True).order_by("path")


class JointItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    local_unit = forms.ModelChoiceField(label=_("Local side"), queryset=Unit.objects.none())
    garrison_unit = forms.ModelChoiceField(label=_("Military side"), queryset=Unit.objects.none())

    def __init__(self, *args, garrisons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_unit"].queryset = (
            Unit.objects.filter(is_active=True).exclude(kind=UnitKind.GARRISON).order_by("path")
        )
        self.fields["garrison_unit"].queryset = garrisons.order_by("path")


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Write @ and a user name or a person's name to notify them."),
    )
