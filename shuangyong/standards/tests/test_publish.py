"""Draft → published (immutable) → archived; a new version starts as a copy."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shuangyong.standards import services
from shuangyong.standards.imports import StandardImporter
from shuangyong.standards.models import Criterion, Immutable, Standard

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example_standard.yaml"


@pytest.fixture
def draft(db):
    importer = StandardImporter()
    importer.run(EXAMPLE)
    return importer.standard


def test_publish_then_nothing_changes(draft):
    services.publish(standard=draft, actor=None)
    item = draft.criteria.get(code="1.1")
    item.title = "改一改"
    with pytest.raises(Immutable):
        item.save()
    with pytest.raises(Immutable):
        item.delete()


def test_publish_checks_the_sums(draft, english):
    Criterion.objects.filter(standard=draft, code="1").update(points=16)
    with pytest.raises(ValidationError) as info:
        services.publish(standard=draft, actor=None)
    assert (
        "1 组织领导坚强有力: 16.00 points, but its items add up to 15.00" in info.value.messages[0]
    )
    assert Standard.objects.get(pk=draft.pk).status == "draft"


def test_new_version_copies_everything(draft):
    published = services.publish(standard=draft, actor=None)
    copy = services.new_version(standard=published, version="2027", actor=None)
    assert copy.status == "draft" and copy.copied_from == published
    original = list(
        published.criteria.order_by("sort_key").values_list(
            "code",
            "title",
            "points",
            "rule_type",
            "rule_params",
            "is_bonus",
            "is_veto",
            "parent__code",
        )
    )
    copied = list(
        copy.criteria.order_by("sort_key").values_list(
            "code",
            "title",
            "points",
            "rule_type",
            "rule_params",
            "is_bonus",
            "is_veto",
            "parent__code",
        )
    )
    assert copied == original
    with pytest.raises(ValidationError):
        services.new_version(standard=published, version="2027", actor=None)


def test_archive_only_a_published_one(draft):
    with pytest.raises(ValidationError):
        services.archive(standard=draft, actor=None)
    services.publish(standard=draft, actor=None)
    assert services.archive(standard=draft, actor=None).status == "archived"


def test_pages_publish_and_refuse(client, people, draft):
    client.force_login(people.office)
    page = client.get(reverse("standards:standard_detail", args=[draft.pk]))
    assert page.status_code == 200 and "组织领导坚强有力" in page.content.decode()
    client.post(reverse("standards:standard_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "published"
    client.force_login(people.liaison_a)
    assert client.post(reverse("standards:standard_archive", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "published"


def test_detail_page_query_count_does_not_grow(
    client, people, draft, django_assert_max_num_queries
):
    client.force_login(people.office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("standards:standard_detail", args=[draft.pk]))
    assert response.status_code == 200


def test_a_version_label_longer_than_its_column_is_refused_by_name(client, people, draft):
    """A 3,000-character label was a PostgreSQL DataError (varchar 50), so a 500."""
    services.publish(standard=draft, actor=None)
    client.force_login(people.office)
    url = reverse("standards:standard_new_version", args=[draft.pk])
    response = client.post(url, {"version": "9" * 3000}, follow=True)
    assert "50" in response.content.decode()
    assert Standard.objects.count() == 1
