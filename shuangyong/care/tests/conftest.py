import datetime as dt
from decimal import Decimal

import pytest

from conftest import make_user
from shuangyong.access import Role
from shuangyong.care import registry
from shuangyong.care.imports import save_standards
from shuangyong.care.models import EntitledPerson
from shuangyong.core import idnumber
from shuangyong.org.models import Unit, UnitKind


@pytest.fixture
def officer(district):
    """The district's care officer (退役军人事务局), who computes batches."""
    return make_user(
        "care_district", Role.CARE_OFFICER, district.office, name="孙优抚", scope_unit=district.root
    )


@pytest.fixture
def community(district):
    return Unit.objects.create(
        code="S1", name="东街社区", kind=UnitKind.COMMUNITY, parent=district.street
    )


_serial = iter(range(1, 10_000))


def person(district, *, name="王老兵", born=dt.date(1950, 3, 1), hukou="rural", street=None):
    number = idnumber.make("110199", born, next(_serial) % 1000)
    return EntitledPerson.objects.create(
        name=name,
        id_number=number,
        sex="M" if int(number[16]) % 2 else "F",
        birth_date=born,
        street=street or district.street,
        hukou=hukou,
    )


def standard(
    category,
    amount,
    *,
    per="year",
    valid_from=dt.date(2020, 1, 1),
    grade=None,
    cause="",
    hukou="",
    level="national",
    valid_to=None,
):
    save_standards(
        [
            {
                "category": category,
                "grade": grade,
                "cause": cause,
                "hukou": hukou,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "amount": Decimal(amount),
                "per": per,
                "level": level,
            }
        ]
    )


def entitle(who, category, actor, *, grade=None, cause="", approved_on=None, pays_from=None):
    return registry.add_entitlement(
        person=who,
        category=category,
        grade=grade,
        cause=cause,
        approved_on=approved_on,
        pays_from=pays_from,
        actor=actor,
    )
