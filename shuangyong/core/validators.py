"""Validators for values people type into forms and spreadsheets."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landline with area code, optional extension: 021-63211234, 02163211234-801.
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def compact(value) -> str:
    """Half-width, without spaces; Excel's 13800138000.0 becomes "13800138000"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def normalize_phone(value) -> str:
    """A phone number as typed or pasted, reduced to digits and dashes."""
    text = compact(value).replace("—", "-").replace("－", "-")
    if text.startswith("+86"):
        text = text[3:]
    return text


def mask_phone(value) -> str:
    """``138****8000``: the first three and last four digits of a phone; short ones whole."""
    text = normalize_phone(value)
    digits = sum(c.isdigit() for c in text)
    if digits < 8:
        return "*" * len(text)
    seen, out = 0, []
    for char in text:
        if char.isdigit():
            seen += 1
            out.append(char if seen <= 3 or seen > digits - 4 else "*")
        else:
            out.append(char)
    return "".join(out)


def validate_phone(value: str) -> None:
    """A mainland mobile number or a landline with area code."""
    if value and not (MOBILE_RE.match(value) or LANDLINE_RE.match(value)):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number (mobile 1xxxxxxxxxx or 0xx-xxxxxxxx)."),
            code="invalid_phone",
            params={"value": value},
        )


def plain_digits(value) -> bool:
    """Only ASCII 0–9: ``str.isdigit`` also accepts “²”, which ``int`` refuses."""
    text = str(value or "")
    return text.isascii() and text.isdigit()


def parse_id(value) -> int | None:
    """An object id as typed in a query string or on a command line, or None.

    Rules: ASCII digits only, and few enough to fit the database's integers: past
    2**63 SQLite cannot even compare the number, and the page would answer 500.
    """
    text = str(value or "")
    return int(text) if plain_digits(text) and len(text) <= 18 else None
