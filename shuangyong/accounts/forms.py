from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from shuangyong.org.models import Person, Unit, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After %(limit)s failures in a row the account is "
            "locked for a while."
        ),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})

    def get_invalid_login_error(self):
        from django.conf import settings

        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT},
        )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned

    def check_policy(self, user):
        password = self.cleaned_data.get("password1")
        if password:
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "person", "role", "scope_unit", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(is_active=True).select_related("unit")
        taken = User.objects.exclude(person=None)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        self.fields["person"].queryset = people.exclude(pk__in=taken.values("person"))
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.unit.display_name}）"
        self.fields["scope_unit"].queryset = Unit.objects.order_by("path")
        self.fields["role"].required = True


class NewAccountForm(PasswordPairMixin, AccountForm):
    def clean(self):
        cleaned = super().clean()
        probe = User(username=cleaned.get("username") or "")
        self.check_policy(probe)
        return cleaned


class SetPasswordForm(PasswordPairMixin):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        self.check_policy(self.user)
        return cleaned
