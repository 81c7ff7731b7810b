"""The demo district: each app contributes a step, run in order by ``shuangyong demo``.

Steps must be idempotent (running the command twice changes nothing the second
time) and use fictional names only.
"""

from collections.abc import Callable
from dataclasses import dataclass

DEMO_PASSWORD = "Mingchuan@2026"


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    run: Callable[[Callable[[str], None]], None]


DEMO_STEPS: list[DemoStep] = []


def register_demo_step(order: int, name: str):
    """Decorator: ``run(log)`` is called with a function that prints one line."""

    def decorator(run):
        DEMO_STEPS.append(DemoStep(order, name, run))
        return run

    return decorator
