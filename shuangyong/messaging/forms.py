from django import forms
from django.utils.translation import gettext_lazy as _

from shuangyong.messaging import channels
from shuangyong.messaging.models import Robot
from shuangyong.messaging.services import check_wecom_userid


class PreferenceForm(forms.Form):
    """One box per channel the site offers; in-app notifications cannot be turned off."""

    wecom_userid = forms.CharField(
        label=_("WeCom user ID"),
        max_length=64,
        required=False,
        help_text=_("As shown in the WeCom address book (账号)."),
    )

    def __init__(self, *args, preference, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = channels.personal_channels()
        for channel in self.offered:
            self.fields[f"ch_{channel.name}"] = forms.BooleanField(
                label=channel.label, required=False, initial=preference.wants(channel.name)
            )
        self.fields["wecom_userid"].initial = preference.wecom_userid
        if channels.get("wecom") not in self.offered:
            del self.fields["wecom_userid"]

    def clean_wecom_userid(self) -> str:
        return check_wecom_userid(self.cleaned_data.get("wecom_userid") or "")

    def channels_off(self) -> list[str]:
        return sorted(c.name for c in self.offered if not self.cleaned_data[f"ch_{c.name}"])


class RobotForm(forms.ModelForm):
    class Meta:
        model = Robot
        fields = ["name", "kind", "unit", "token", "secret"]
        widgets = {"token": forms.PasswordInput(render_value=False), "secret": forms.PasswordInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].required = True
