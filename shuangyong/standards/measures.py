"""Measures: figures the platform computes that a criterion's rule may take as its value.

A criterion names one in its rule parameters, ``{"target": 100, "measure": "visit_coverage"}``
(评分参数 ``目标：100。取数：visit_coverage``). The registry lives here, at the bottom, but the
figures come from the apps that hold the records: each app registers its measures in its own
``measures.py``, which this app discovers at start-up (as ``core`` finds ``imports.py``), so no
app imports upward.

A measure counts records: ``numerator`` of ``denominator`` are as they should be (families
visited of those to visit, needs answered by their deadline of those due…). Its percentage
feeds proportional and tiered rules, ``denominator − numerator`` is the failures of a
deduction rule, and "all of them, and at least one" achieves an all-or-nothing rule. With
nothing to count (denominator 0) a measure has no data: it never counts as 100 %.

Every measure runs a fixed number of set-based queries whatever the number of records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


@dataclass(frozen=True)
class Figure:
    """What a measure found: ``numerator`` of ``denominator``, what was counted (``note``,
    e.g. the visit round), and the page that lists the records behind it (``url``)."""

    numerator: int
    denominator: int
    note: str = ""
    url: str = ""

    @property
    def has_data(self) -> bool:
        return self.denominator > 0

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def failures(self) -> int:
        return max(self.denominator - self.numerator, 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": None if self.percent is None else str(self.percent),
            "note": self.note,
        }


@dataclass(frozen=True)
class Measure:
    code: str
    label: Any  # a lazy translation: the name a clerk reads
    description: Any  # what is counted, in one sentence
    compute: Callable[..., Figure] = field(compare=False)

    def __call__(self, campaign) -> Figure:
        return self.compute(campaign)


REGISTRY: dict[str, Measure] = {}


def register(code: str, *, label, description, compute: Callable[..., Figure]) -> Measure:
    """Add a measure; ``compute(campaign)`` returns its Figure. A code is registered once."""
    if code in REGISTRY and REGISTRY[code].compute is not compute:
        raise ValueError(f"measure {code} is already registered")
    REGISTRY[code] = Measure(code, label, description, compute)
    return REGISTRY[code]


def get(code: str) -> Measure | None:
    return REGISTRY.get(code)


def codes() -> list[str]:
    return sorted(REGISTRY)


def label(code: str) -> str:
    found = REGISTRY.get(code)
    return str(found.label) if found else code


def by_label(text: str) -> str | None:
    """The code of the measure whose label (in the current language) or code is ``text``."""
    text = (text or "").strip()
    for code, found in REGISTRY.items():
        if text in (code, str(found.label)):
            return code
    return None


def choices() -> list[tuple[str, str]]:
    """For a select: every measure, by label."""
    return sorted(((c, str(m.label)) for c, m in REGISTRY.items()), key=lambda p: p[1])


def measure_of(params) -> str:
    """The measure code a rule's parameters name, or ""."""
    if not isinstance(params, dict):
        return ""
    value = params.get("measure")
    return value if isinstance(value, str) else ""


# Where a check of a criterion is recorded outside the campaign's own tasks (an inspection
# that looked at it, say): each source gives the ids of the criteria it checked.
CHECK_SOURCES: list[Callable[..., set[int]]] = []


def register_check_source(source: Callable[..., set[int]]) -> Callable[..., set[int]]:
    """Add a source of checks: ``source(campaign)`` returns criterion ids (one query)."""
    if source not in CHECK_SOURCES:
        CHECK_SOURCES.append(source)
    return source


def checked_elsewhere(campaign) -> set[int]:
    """The criteria some registered source recorded a check of (a query per source)."""
    found: set[int] = set()
    for source in CHECK_SOURCES:
        found |= set(source(campaign))
    return found


def evaluate(wanted, campaign) -> dict[str, Figure]:
    """The figures of the measures ``wanted`` (codes) for ``campaign``; unknown codes skipped.
    A fixed number of queries per measure, whatever the number of records."""
    return {code: REGISTRY[code](campaign) for code in sorted(set(wanted)) if code in REGISTRY}
