"""Password rules beyond Django's: character classes, and never the username."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least ``min_classes`` of: lower-case, upper-case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(n)d of: lower-case letters, upper-case "
                    "letters, digits and symbols."
                )
                % {"n": self.min_classes},
                code="password_too_plain",
            )

    def get_help_text(self) -> str:
        return _("Mix at least %(n)d of: lower-case, upper-case, digits, symbols.") % {
            "n": self.min_classes
        }


class NotUsernameValidator:
    """The password may not contain the username, forwards or backwards."""

    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and (
            username in password.lower() or username[::-1] in password.lower()
        ):
            raise ValidationError(
                _("The password may not contain the username."), code="password_has_username"
            )

    def get_help_text(self) -> str:
        return _("It may not contain your username.")
