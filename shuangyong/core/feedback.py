"""Telling the user what a service refused: one way for every page.

Services raise ValidationError (a message, a list, or a dict by field); a page shows
it either as flash messages (after a redirect) or on the form's fields (re-rendered).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError


def flash_errors(request, exc: ValidationError) -> None:
    """Each message of ``exc`` as an error message for the next page."""
    for message in exc.messages:
        messages.error(request, message)


def flash_form_errors(request, form) -> None:
    """An invalid form's errors as messages, each named by its field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def add_to_form(form, exc: ValidationError) -> None:
    """A service's refusal on the form: by field where the form has the field, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
