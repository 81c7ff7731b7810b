"""Checks recorded by supervision (standards.measures): an inspection that looked at a
criterion verified it, whether or not it found anything."""

from __future__ import annotations

from shuangyong.standards.measures import register_check_source
from shuangyong.supervision.models import Inspection


def inspected_criteria(campaign) -> set[int]:
    """The criteria an inspection of the campaign looked at (one query)."""
    return set(
        Inspection.criteria.through.objects.filter(inspection__campaign=campaign).values_list(
            "criterion_id", flat=True
        )
    )


register_check_source(inspected_criteria)
