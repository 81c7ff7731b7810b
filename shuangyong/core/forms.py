from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from shuangyong.core.imports import SPREADSHEET_SUFFIXES


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet"))
    partial = forms.BooleanField(
        label=_("Import the valid rows and report the others"),
        required=False,
        help_text=_("Without this, nothing is imported if any row has a fault."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in SPREADSHEET_SUFFIXES | {".csv"}:
            raise forms.ValidationError(
                _("“%(name)s” is not a spreadsheet: use .xlsx, .xls, .ods or .csv."),
                params={"name": upload.name},
            )
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                },
            )
        return upload
