"""Demo: the example standard, imported and published."""

from pathlib import Path

import yaml

from shuangyong.core.demo import register_demo_step
from shuangyong.standards import services
from shuangyong.standards.imports import StandardImporter
from shuangyong.standards.models import Standard

EXAMPLE = Path(__file__).parent / "data" / "example_standard.yaml"


def example_standard() -> Standard:
    """The example standard, imported and published on first call."""
    meta = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    existing = Standard.objects.filter(name=meta["name"], version=meta["version"]).first()
    if existing:
        return existing
    importer = StandardImporter()
    result = importer.run(EXAMPLE)
    if result.rejected:
        raise RuntimeError(f"the example standard does not import: {result.as_dict()['errors']}")
    return services.publish(standard=importer.standard, actor=None)


@register_demo_step(20, "示例考评标准")
def load_standard(log) -> None:
    standard = example_standard()
    summary = services.summary(standard)
    log(
        f"  {standard}：{summary['criteria']} 项，{summary['total_points']:g} 分，"
        f"加分上限 {summary['bonus_cap']:g}，一票否决 {summary['veto_items']} 项"
    )
