"""`shuangyong payments compute --period P --json`: draft batches from the command line."""

import json

import pytest
from django.core.management import call_command

from shuangyong.care.models import PaymentBatch
from shuangyong.care.tests.conftest import entitle, person, standard


@pytest.fixture
def registry(district, officer):
    standard("war_veteran", "1000", per="month")
    standard("martyr_survivor", "30000")
    entitle(person(district, name="甲"), "war_veteran", officer)
    entitle(person(district, name="乙"), "martyr_survivor", officer)


def run(capsys, *args):
    call_command("payments", "compute", *args, "--json")
    return json.loads(capsys.readouterr().out)


def test_one_draft_per_programme_with_its_figures(registry, capsys):
    result = {r["programme"]: r for r in run(capsys, "--period", "2026-11")}
    assert set(result) == {"disability", "survivor", "living", "family"}
    assert (result["living"]["persons"], result["living"]["total"]) == (1, "1000.00")
    assert result["survivor"]["total"] == "2500.00" and result["disability"]["persons"] == 0
    assert result["living"]["lines_by_kind"] == {"regular": 1}
    assert PaymentBatch.objects.filter(status="draft", computed_by=None).count() == 4


def test_recomputing_replaces_the_draft(registry, capsys):
    first = run(capsys, "--period", "2026-11", "--programme", "living")
    again = run(capsys, "--period", "2026-11", "--programme", "living")
    assert first[0]["batch"] == again[0]["batch"] and PaymentBatch.objects.count() == 1


@pytest.mark.parametrize("period", ["2026-13", "11/2026", "2026-Q5"])
def test_a_bad_period_exits_2_with_the_reason(registry, capsys, period):
    with pytest.raises(SystemExit) as info:
        call_command("payments", "compute", "--period", period, "--json")
    assert info.value.code == 2
    assert json.loads(capsys.readouterr().out)["error"]
    assert not PaymentBatch.objects.exists()
