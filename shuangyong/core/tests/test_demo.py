import pytest
from django.core.management import call_command

from conftest import data_for_module
from shuangyong.access import Role
from shuangyong.core.demo import DEMO_PASSWORD
from shuangyong.org.demo import FORBIDDEN_NAMES
from shuangyong.org.models import GroupPosition, LeadingGroup, Person, Unit, UnitKind, User


def counts():
    return (
        Unit.objects.count(),
        Person.objects.count(),
        GroupPosition.objects.count(),
        User.objects.count(),
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district, loaded once for this module (each test undoes its own writes)."""
    with data_for_module(django_db_blocker, tmp_path_factory):
        call_command("demo")
        yield


def test_demo_district_is_complete_and_idempotent(demo, db, capsys):
    first = counts()
    call_command("demo")
    assert counts() == first
    assert Unit.objects.member_units().count() >= 30
    streets = Unit.objects.filter(kind=UnitKind.STREET)
    assert streets.count() >= 5
    assert all(street.children.filter(kind=UnitKind.COMMUNITY).exists() for street in streets)
    assert Unit.objects.filter(kind=UnitKind.GARRISON).count() >= 3
    group = LeadingGroup.objects.current()
    assert group and group.positions.filter(position="leader").count() == 1
    assert {u.role for u in User.objects.all()} == set(Role.values)
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output and "office" in output


def test_demo_uses_no_names_from_the_source_document(demo, db):
    names = set(Person.objects.values_list("name", flat=True))
    assert not names & FORBIDDEN_NAMES


def test_demo_id_numbers_are_well_formed_and_fictional(demo, db):
    from shuangyong.core.idnumber import parse
    from shuangyong.org.demo import DEMO_REGION

    numbers = [p.id_number for p in Person.objects.all()]
    assert all(numbers) and len(set(numbers)) == len(numbers)
    for number in numbers:
        parse(number)
        assert number.startswith(DEMO_REGION)
