"""Registry plausibility: dates that cannot all be true are refused, naming the field.

- enlistment not before the person's 16th birthday (below any age the 兵役法 has let
  anyone serve at: 18, 17 by choice; military academies' cadets from 16);
- discharge after enlistment;
- death (a status change to deceased) not before birth;
- an approval not before the events it approves: never before birth; for the categories
  of a person's own service not before the enlistment, for the veterans' categories not
  before the discharge, for 农村籍退役士兵（60周岁以上） not before the 60th birthday.

Each check returns ``{field: message}`` (empty when plausible), so forms attach the
message to the field and the roster import to the row's column.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from shuangyong.care.categories import Category

MIN_ENLISTMENT_AGE = 16
C = Category
# Categories granted for the person's own service (an approval after the enlistment).
SERVICE_CATEGORIES = frozenset(
    {
        C.DISABLED_VETERAN,
        C.WAR_VETERAN,
        C.NUCLEAR_VETERAN,
        C.ILL_RETURNED_VETERAN,
        C.DEMOBILISED_VETERAN,
        C.RURAL_VETERAN_60,
        C.PRE_1954_ENLISTEE,
    }
)
# Categories of those who left the service (an approval after the discharge).
VETERAN_CATEGORIES = frozenset(
    {
        C.WAR_VETERAN,
        C.NUCLEAR_VETERAN,
        C.ILL_RETURNED_VETERAN,
        C.DEMOBILISED_VETERAN,
        C.RURAL_VETERAN_60,
    }
)


def birthday(born: dt.date, age: int) -> dt.date:
    """The day ``born`` turns ``age``; 29 February's child turns it on 28 February."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return born.replace(year=born.year + age, day=28)


def service_dates(
    *, birth_date: dt.date | None, enlisted_on: dt.date | None, discharged_on: dt.date | None
) -> dict[str, str]:
    """Enlistment not before the 16th birthday; discharge after enlistment and birth."""
    errors: dict[str, str] = {}
    if birth_date and enlisted_on:
        sixteen = birthday(birth_date, MIN_ENLISTMENT_AGE)
        if enlisted_on < sixteen:
            errors["enlisted_on"] = _(
                "%(d)s is before the 16th birthday (%(b)s): nobody enlists that young."
            ) % {"d": enlisted_on.isoformat(), "b": sixteen.isoformat()}
    if enlisted_on and discharged_on and discharged_on <= enlisted_on:
        errors["discharged_on"] = _("%(d)s is not after the enlistment (%(e)s).") % {
            "d": discharged_on.isoformat(),
            "e": enlisted_on.isoformat(),
        }
    elif birth_date and discharged_on and discharged_on <= birth_date:
        errors["discharged_on"] = _("%(d)s is not after the birth (%(b)s).") % {
            "d": discharged_on.isoformat(),
            "b": birth_date.isoformat(),
        }
    return errors


def approval(
    *,
    category: str,
    approved_on: dt.date | None,
    birth_date: dt.date | None,
    enlisted_on: dt.date | None,
    discharged_on: dt.date | None,
    field: str = "approved_on",
) -> dict[str, str]:
    """An entitlement's approval not before the events it approves (see the module)."""
    if approved_on is None:
        return {}
    bounds = []
    if birth_date:
        bounds.append((birth_date, _("the birth")))
    if category in SERVICE_CATEGORIES and enlisted_on:
        bounds.append((enlisted_on, _("the enlistment")))
    if category in VETERAN_CATEGORIES and discharged_on:
        bounds.append((discharged_on, _("the discharge")))
    if category == C.RURAL_VETERAN_60 and birth_date:
        bounds.append((birthday(birth_date, 60), _("the 60th birthday")))
    for bound, event in bounds:
        if approved_on < bound:
            return {
                field: _("The approval (%(d)s) is before %(event)s (%(b)s) it follows.")
                % {"d": approved_on.isoformat(), "event": event, "b": bound.isoformat()}
            }
    return {}


def death(*, effective: dt.date | None, birth_date: dt.date | None) -> dict[str, str]:
    """A death not before the birth."""
    if effective and birth_date and effective < birth_date:
        return {
            "effective": _("A death on %(d)s is before the birth (%(b)s).")
            % {"d": effective.isoformat(), "b": birth_date.isoformat()}
        }
    return {}
