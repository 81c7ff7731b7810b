"""The materialised path keeps "a unit and everything below it" one prefix filter."""

import pytest
from django.core.exceptions import ValidationError

from shuangyong.access import in_scope, scoped
from shuangyong.org.models import Unit, rebuild_paths


def segment(unit):
    return f"{unit.sort_order:05d}.{unit.pk:08d}/"


def test_paths_follow_the_parents(district):
    d = district
    assert d.a_child.path == "/" + segment(d.root) + segment(d.a) + segment(d.a_child)
    assert set(Unit.objects.subtree_of(d.a)) == {d.a, d.a_child}


def test_moving_a_unit_moves_its_subtree(district):
    d = district
    d.a.parent = d.street
    d.a.save()
    d.a_child.refresh_from_db()
    assert d.a_child.path == "/" + "".join(segment(u) for u in (d.root, d.street, d.a, d.a_child))
    assert rebuild_paths() == 0  # nothing left to fix


def test_a_unit_cannot_go_under_its_own_child(district):
    district.a.parent = district.a_child
    with pytest.raises(ValidationError):
        district.a.full_clean()


def test_scope_of_a_unit_liaison(people, district):
    d = district
    visible = set(scoped(people.liaison_a, Unit.objects.all(), via=""))
    assert visible == {d.a, d.a_child}
    assert in_scope(people.liaison_a, d.a_child) and not in_scope(people.liaison_a, d.b)
    assert set(scoped(people.office, Unit.objects.all(), via="")) == set(Unit.objects.all())


def test_scope_unit_widens_a_care_officer(people, district):
    care = people.care
    assert set(scoped(care, Unit.objects.all(), via="")) == {district.street}
    care.scope_unit = district.root
    care.save()
    assert scoped(care, Unit.objects.all(), via="").count() == Unit.objects.count()


def test_unit_scoped_account_without_unit_sees_nothing(people):
    liaison = people.liaison_a
    liaison.person = None
    liaison.save()
    assert not scoped(liaison, Unit.objects.all(), via="").exists()


def test_tree_order_follows_sort_order_then_creation(district):
    d = district
    d.b.sort_order = 1
    d.b.save()
    d.a.sort_order = 2
    d.a.save()
    codes = [u.code for u in Unit.objects.filter(parent=d.root)]
    assert codes[-2:] == ["B", "A"]
    # the child moved with its parent
    d.a_child.refresh_from_db()
    assert d.a_child.path.startswith(d.a.path)
