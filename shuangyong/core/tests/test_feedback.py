"""A service's refusal shown on a form: by field where the form has it, else on top."""

from django import forms
from django.core.exceptions import ValidationError

from shuangyong.core.feedback import add_to_form


class NameForm(forms.Form):
    name = forms.CharField()


def test_errors_go_to_their_field_or_on_top():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    add_to_form(form, ValidationError({"name": "已存在", "deadline": "不能早于今天"}))
    assert form.errors["name"] == ["已存在"]
    assert form.non_field_errors() == ["不能早于今天"]  # django's add_error(None, …) raised here
    add_to_form(form, ValidationError("整体不通过"))
    assert "整体不通过" in form.non_field_errors()
