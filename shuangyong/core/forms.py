from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shuangyong.core.uploads import SPREADSHEETS, check_upload


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet"))
    partial = forms.BooleanField(
        label=_("Import the valid rows and report the others"),
        required=False,
        help_text=_("Without this, nothing is imported if any row has a fault."),
    )

    def __init__(self, *args, extra_suffixes=frozenset(), flags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = SPREADSHEETS | extra_suffixes
        # The importer's yes/no options (--update) as checkboxes.
        for option in flags:
            self.fields[option.name] = forms.BooleanField(label=option.label, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        upload.name = check_upload(
            upload, allowed=self.allowed, max_bytes=settings.IMPORT_MAX_BYTES
        )
        return upload
