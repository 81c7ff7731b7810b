"""Resident ID numbers (居民身份证号码, GB 11643-1999): normalise, check, mask.

One masking function serves templates, exports, the audit trail and the API:
``110105********002X`` (the region code and the last four stay visible).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangyong.core.validators import compact

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def normalize(value) -> str:
    """Half-width, no spaces, upper-case X: what people paste from Excel and Word."""
    return compact(value).upper()


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse(value, *, today: dt.date | None = None) -> IdFacts:
    """Check an ID number and return its birth date and sex; ValidationError says why not."""
    number = normalize(value)
    if len(number) != 18:
        raise ValidationError(
            _("an ID number has 18 characters; this one has %(n)d"),
            code="id_length",
            params={"n": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("an ID number is 17 digits followed by a digit or X"), code="id_chars"
        )
    if number[0] == "0":
        raise ValidationError(_("the region code cannot start with 0"), code="id_region")
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("the birth date %(date)s in the ID number does not exist"),
            code="id_date",
            params={"date": number[6:14]},
        ) from None
    if born.year < 1900 or born > (today or timezone.localdate()):
        raise ValidationError(
            _("the birth date %(date)s in the ID number is impossible"),
            code="id_date",
            params={"date": born.isoformat()},
        )
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("the check digit is wrong (GB 11643): the number is mistyped"), code="id_check"
        )
    return IdFacts(number, born, "M" if int(number[16]) % 2 else "F")


def validate_id_number(value) -> None:
    if value:
        parse(value)


def mask(value) -> str:
    """``110105********002X``; anything that is not a full ID number is masked whole."""
    number = normalize(value)
    if not number:
        return ""
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    return "*" * len(number)


def make(region: str, born: dt.date, serial: int) -> str:
    """A well-formed number (valid check digit) for demo data and tests; fictional people only.

    ``serial`` is the 3-digit sequence; odd is male, even is female.
    """
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + check_digit(first17)
