"""The scoring parameters in plain Chinese: written by the exporter, read by the importer,
JSON still accepted, and the example standard round-trips byte for byte."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from shuangyong.core.testing import read_xlsx
from shuangyong.standards import engine, notation
from shuangyong.standards.imports import HEADERS, StandardImporter
from shuangyong.standards.models import Criterion, Standard
from shuangyong.standards.tests.test_import import GOOD, workbook

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example_standard.yaml"
PARAMS = HEADERS.index("评分参数")


@pytest.mark.parametrize(
    "rule,text,params",
    [
        ("per_element", "要素：A；B；C", {"elements": ["A", "B", "C"]}),
        (
            "per_element",
            "要素：常委会（2分）；常务会（1分）",
            {"elements": [{"name": "常委会", "points": 2}, {"name": "常务会", "points": 1}]},
        ),
        ("proportional", "目标：200", {"target": 200}),
        (
            "tiered",
            "分档：85得1分；95得2分；100得3分",
            {
                "tiers": [
                    {"min": 85, "points": 1},
                    {"min": 95, "points": 2},
                    {"min": 100, "points": 3},
                ]
            },
        ),
        ("deduction", "每例扣1分", {"per_failure": 1}),
        ("manual", "步长：0.5", {"step": 0.5}),
        (
            "evidence_gated",
            "凭台账：按要素计分。要素：联席会议制度；军地协调制度",
            {
                "inner": {
                    "type": "per_element",
                    "params": {"elements": ["联席会议制度", "军地协调制度"]},
                }
            },
        ),
        ("evidence_gated", "凭台账：全有或全无", {"inner": {"type": "all_or_nothing"}}),
    ],
)
def test_each_rule_written_and_read_back(rule, text, params):
    assert notation.to_text(rule, params) == text
    assert notation.from_text(rule, text) == params
    assert engine.validate(rule, params, engine.Decimal(3)) == []


def test_a_clerk_may_write_percent_signs_and_ascii_separators():
    assert notation.from_text("tiered", "分档：85%得1分; 达到95得2分；100% 得3分") == {
        "tiers": [{"min": 85, "points": 1}, {"min": 95, "points": 2}, {"min": 100, "points": 3}]
    }
    assert notation.from_text("per_element", "要素:甲;乙") == {"elements": ["甲", "乙"]}


def test_json_is_still_read_and_what_the_words_cannot_say_is_written_as_json():
    assert notation.from_text("proportional", '{"target": 100}') == {"target": 100}
    odd = {"elements": ["甲；乙", "丙"]}  # a name holding the separator
    assert notation.to_text("per_element", odd) == '{"elements": ["甲；乙", "丙"]}'
    assert notation.from_text("per_element", notation.to_text("per_element", odd)) == odd
    assert notation.to_text("proportional", {"target": "100"}).startswith("{")
    assert notation.to_text("all_or_nothing", {}) == ""


@pytest.mark.parametrize(
    "text,says",
    [
        ("目标：很多", "不是数字"),
        ("上限：3", "不认识"),
        ("分档：八十五得一分", "85得1分"),
        ("随便写", "标签：内容"),
    ],
)
def test_a_faulty_notation_says_why(text, says):
    with pytest.raises(notation.NotationError, match=says):
        notation.from_text("proportional", text)


def test_the_example_standard_exports_in_words_and_imports_back_byte_stable(db, tmp_path):
    StandardImporter().run(EXAMPLE)
    first = tmp_path / "first.xlsx"
    call_command("export", "standard", str(Standard.objects.get().pk), "-o", str(first))
    cells = [row[PARAMS] for row in read_xlsx(first)[1:] if row[PARAMS]]
    assert len(cells) >= 36 and not [c for c in cells if c.startswith("{")], cells
    assert any(c.startswith("分档：85得1分；95得2分；100得3分") for c in cells)
    assert any(c.startswith("每例扣1分") for c in cells)
    assert "凭台账：按要素计分。要素：联席会议制度；军地协调制度；考核奖惩制度" in cells
    before = {c.code: c.rule_params for c in Criterion.objects.all()}
    Standard.objects.all().delete()
    result = StandardImporter().run(first)
    assert result.rejected == 0, result.errors
    assert {c.code: c.rule_params for c in Criterion.objects.all()} == before
    second = tmp_path / "second.xlsx"
    call_command("export", "standard", str(Standard.objects.get().pk), "-o", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_a_workbook_written_in_words_imports(db, tmp_path):
    rows = [row[:] for row in GOOD]
    rows[1][PARAMS] = "要素：常委会；常务会"
    rows[2][PARAMS] = "凭台账：全有或全无"
    result = StandardImporter().run(workbook(tmp_path / "s.xlsx", rows))
    assert result.rejected == 0, result.errors
    assert Criterion.objects.get(code="1.1").rule_params == {"elements": ["常委会", "常务会"]}


def test_a_faulty_cell_names_row_and_column(db, tmp_path):
    rows = [row[:] for row in GOOD]
    rows[1][PARAMS] = "要素"
    result = StandardImporter().run(workbook(tmp_path / "s.xlsx", rows))
    assert Standard.objects.count() == 0
    [error] = result.errors
    assert (error.row, error.column) == (3, "评分参数") and "标签：内容" in error.message


def test_the_template_shows_each_rule_with_an_example(client, people):
    client.force_login(people.office)
    response = client.get("/data/import/standard/template.xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    rows = [[c or "" for c in row] for row in book.worksheets[1].iter_rows(values_only=True)]
    shown = {row[0]: row[1] for row in rows}
    for kind, params, _meaning in notation.EXAMPLES:
        name = notation.RULE_NAMES[kind]
        assert shown[name] == notation.to_text(kind, params)
        assert notation.from_text(kind, shown[name]) == params
    assert shown["分档计分"] == "分档：85得1分；95得2分；100得3分"


@pytest.mark.parametrize(
    "rule,text,params",
    [
        (
            "tiered",
            "分档：85得1分；95得2分。取数：visit_coverage",
            {
                "tiers": [{"min": 85, "points": 1}, {"min": 95, "points": 2}],
                "measure": "visit_coverage",
            },
        ),
        (
            "deduction",
            "每例扣1分。取数：placement_on_time",
            {"per_failure": 1, "measure": "placement_on_time"},
        ),
        (
            "evidence_gated",
            "凭台账：全有或全无。取数：notice_replies",
            {"inner": {"type": "all_or_nothing"}, "measure": "notice_replies"},
        ),
    ],
)
def test_the_measure_a_rule_takes_its_value_from(rule, text, params):
    """取数 is the rule's own (also after 凭台账), written last, by its code."""
    assert notation.to_text(rule, params) == text
    assert notation.from_text(rule, text) == params


def test_a_measure_may_be_written_by_its_chinese_name():
    if notation.measures is None or notation.measures.get("visit_coverage") is None:
        pytest.skip("the measures are not registered")
    label = notation.measures.label("visit_coverage")
    assert notation.from_text("proportional", f"目标：100。取数：{label}") == {
        "target": 100,
        "measure": "visit_coverage",
    }
