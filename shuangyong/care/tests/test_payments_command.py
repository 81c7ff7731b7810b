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


def run(capsys, *args, maker="care_district"):
    call_command("payments", "compute", *args, "--as", maker, "--json")
    return json.loads(capsys.readouterr().out)


def test_one_draft_per_programme_with_its_figures(registry, capsys, officer):
    result = {r["programme"]: r for r in run(capsys, "--period", "2026-11")}
    assert set(result) == {"disability", "survivor", "living", "family"}
    assert (result["living"]["persons"], result["living"]["total"]) == (1, "1000.00")
    assert result["survivor"]["total"] == "2500.00" and result["disability"]["persons"] == 0
    assert result["living"]["lines_by_kind"] == {"regular": 1}
    assert PaymentBatch.objects.filter(status="draft", computed_by=officer).count() == 4


def test_recomputing_replaces_the_draft(registry, capsys):
    first = run(capsys, "--period", "2026-11", "--programme", "living")
    again = run(capsys, "--period", "2026-11", "--programme", "living")
    assert first[0]["batch"] == again[0]["batch"] and PaymentBatch.objects.count() == 1


@pytest.mark.parametrize("period", ["2026-13", "11/2026", "2026-Q5"])
def test_a_bad_period_exits_2_with_the_reason(registry, capsys, period):
    with pytest.raises(SystemExit) as info:
        call_command("payments", "compute", "--period", period, "--as", "care_district", "--json")
    assert info.value.code == 2
    assert json.loads(capsys.readouterr().out)["error"]
    assert not PaymentBatch.objects.exists()


@pytest.mark.parametrize(
    ("maker", "reason"),
    [("nobody", "No active account"), ("office", "may not compute payment batches")],
)
def test_the_maker_is_named_and_may_compute(registry, capsys, people, english, maker, reason):
    with pytest.raises(SystemExit) as info:
        call_command("payments", "compute", "--period", "2026-11", "--as", maker, "--json")
    assert info.value.code == 2
    assert reason in json.loads(capsys.readouterr().out)["error"]
    assert not PaymentBatch.objects.exists()


def test_without_a_maker_the_command_refuses(registry):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--as"):
        call_command("payments", "compute", "--period", "2026-11")


def test_the_maker_of_a_command_line_batch_cannot_approve_it(registry, capsys, officer, people):
    from django.core.exceptions import ValidationError

    from shuangyong.care import payments

    batch_id = run(capsys, "--period", "2026-11", "--programme", "living")[0]["batch"]
    batch = PaymentBatch.objects.get(pk=batch_id)
    with pytest.raises(ValidationError):
        payments.approve(batch=batch, actor=officer)
    assert payments.approve(batch=batch, actor=people.office).is_approved
