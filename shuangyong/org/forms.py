from django import forms
from django.utils.translation import gettext_lazy as _

from shuangyong.access import scoped
from shuangyong.core.idnumber import mask as mask_id_number
from shuangyong.core.idnumber import normalize as normalize_id
from shuangyong.core.protect import MIN_REASON_LENGTH
from shuangyong.core.validators import normalize_phone
from shuangyong.org.models import GroupPosition, LeadingGroup, Person, Unit


class PhoneField(forms.CharField):
    """Accepts what people type (spaces, full-width digits, +86) and stores the plain number."""

    def to_python(self, value):
        return normalize_phone(super().to_python(value))


class UnitForm(forms.ModelForm):
    class Meta:
        field_classes = {"contact_phone": PhoneField}
        model = Unit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "is_member",
            "head",
            "contact_name",
            "contact_phone",
            "duties",
            "sort_order",
            "is_active",
        ]
        widgets = {"duties": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.order_by("path")
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents
        people = Person.objects.filter(is_active=True)
        self.fields["head"].queryset = (
            people.filter(unit=self.instance) if self.instance.pk else people.none()
        )


class PersonForm(forms.ModelForm):
    class Meta:
        field_classes = {"phone": PhoneField}
        model = Person
        fields = ["name", "unit", "position", "phone", "email", "id_number", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(user, Unit.objects.order_by("path"), via="")
        # Never send a stored ID number back to the browser: leave blank to keep it.
        self.had_id_number = bool(self.instance.pk and self.instance.id_number)
        self.initial["id_number"] = ""
        if self.had_id_number:
            self.fields["id_number"].help_text = _(
                "On file: %(masked)s. Leave blank to keep it; type a new number to replace it."
            ) % {"masked": mask_id_number(self.instance.id_number)}

    def clean_id_number(self):
        number = normalize_id(self.cleaned_data.get("id_number"))
        if not number:
            return self.instance.id_number if self.had_id_number else ""
        holders = Person.objects.with_id_number(number)
        if self.instance.pk:
            holders = holders.exclude(pk=self.instance.pk)
        if holders.exists():
            raise forms.ValidationError(_("This ID number already belongs to another person."))
        return number


class RevealForm(forms.Form):
    """The reason for showing one full ID number (the person pages of org and care)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        min_length=MIN_REASON_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("Why do you need the full number?")}),
    )


class LeadingGroupForm(forms.ModelForm):
    class Meta:
        model = LeadingGroup
        fields = ["name", "term", "starts_on", "ends_on", "document_no"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class GroupPositionForm(forms.ModelForm):
    class Meta:
        model = GroupPosition
        fields = ["person", "position", "title"]

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["person"].queryset = Person.objects.filter(is_active=True).select_related(
            "unit"
        )
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.unit.display_name}）"

    def clean_person(self):
        person = self.cleaned_data["person"]
        taken = GroupPosition.objects.filter(group=self.group, person=person)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This person already holds a position in this group."))
        return person


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
