"""Phones of entitled persons and of conscription candidates (and their families) are
encrypted like ID numbers; entitled persons are found by exact phone through a blind index;
error workbooks mask them and are deleted after their retention."""

import datetime as dt
import io
import os
import sqlite3
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.urls import reverse

from shuangyong.care.models import EntitledPerson
from shuangyong.care.roster import RosterImporter
from shuangyong.care.roster_workbook import roster_rows, write_roster
from shuangyong.care.tests.conftest import person
from shuangyong.core.fields import encrypt_plain_column
from shuangyong.core.imports import EXPORTERS, error_workbook_folder, prune_error_workbooks
from shuangyong.core.testing import read_xlsx, write_xlsx
from shuangyong.core.validators import mask_phone
from shuangyong.defence.models import Candidate, ConscriptionCampaign

PHONE = "13912345678"


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_an_entitled_persons_phone_is_ciphertext_found_by_exact_number(district):
    someone = person(district, name="王老兵")
    someone.phone = PHONE
    someone.save()
    stored = raw("care_entitledperson", "phone", someone.pk)
    assert stored.startswith("sm4gcm:") and PHONE not in stored
    assert EntitledPerson.objects.get(pk=someone.pk).phone == PHONE
    assert list(EntitledPerson.objects.search("139 1234 5678")) == [someone]
    assert not EntitledPerson.objects.search("13912345679").exists()
    with pytest.raises(FieldError):
        list(EntitledPerson.objects.filter(phone=PHONE))


def test_a_candidates_phones_are_ciphertext_and_masked_unless_a_full_export(district, people):
    draft = ConscriptionCampaign.objects.create(year=2026, half=2, quota=5)
    candidate = Candidate.objects.create(
        campaign=draft,
        name="应征青年",
        id_number="11019920060101001X",
        birth_date=dt.date(2006, 1, 1),
        street=district.street,
        education="high_school",
        phone=PHONE,
        family_phone="13700001111",
    )
    for column, value in (("phone", PHONE), ("family_phone", "13700001111")):
        stored = raw("defence_candidate", column, candidate.pk)
        assert stored.startswith("sm4gcm:") and value not in stored
    assert Candidate.objects.get(pk=candidate.pk).family_phone == "13700001111"
    masked, full = io.BytesIO(), io.BytesIO()
    EXPORTERS["candidates"].write(masked, actor=people.office, object_id=draft.pk)
    EXPORTERS["candidates"].write(
        full, actor=people.office, object_id=draft.pk, full=True, reason="核对名单"
    )
    assert read_xlsx(masked)[1][-1] == "139****5678"
    assert read_xlsx(full)[1][-1] == PHONE


def test_the_data_migration_encrypts_plaintext_phones_once(district):
    someone = person(district, name="李老兵")
    with connection.cursor() as cursor:  # as the column held it before
        cursor.execute(
            "UPDATE care_entitledperson SET phone = %s, phone_index = '' WHERE id = %s",
            [PHONE, someone.pk],
        )
    editor = SimpleNamespace(connection=connection)
    args = ("care_entitledperson", "phone")
    assert encrypt_plain_column(editor, *args, index_column="phone_index") == 1
    assert encrypt_plain_column(editor, *args, index_column="phone_index") == 0  # idempotent
    assert raw("care_entitledperson", "phone", someone.pk).startswith("sm4gcm:")
    assert EntitledPerson.objects.with_phone(PHONE).get() == someone
    assert encrypt_plain_column(editor, *args, index_column="phone_index", reverse=True) == 1
    assert raw("care_entitledperson", "phone", someone.pk) == PHONE


def _phones(rows) -> list[str]:
    return [r[4] for r in rows[2:] if r and r[4]]


@pytest.mark.slow
def test_no_plaintext_phone_in_the_sqlite_file_after_a_roster_import(tmp_path):
    """A roster imported through the command line into a real SQLite file: its bytes hold
    no phone number of the roster."""
    streets = [("东街道", [])]
    rows = roster_rows(30, streets=streets, seed=5)
    phones = _phones(rows)
    assert len(phones) == 30
    roster = tmp_path / "roster.xlsx"
    write_roster(roster, 30, streets=streets, seed=5)
    units = write_xlsx(
        tmp_path / "units.xlsx",
        [
            ["编码", "名称", "类型", "上级编码"],
            ["D", "新区", "区", ""],
            ["S", "东街道", "街道", "D"],
        ],
    )
    env = {"SHUANGYONG_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "shuangyong.cli"]
    for args in (
        ["migrate", "-v0"],
        ["import", "units", str(units)],
        ["import", "persons", str(roster), "--json"],
    ):
        done = subprocess.run([*run, *args], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    database = tmp_path / "data" / "shuangyong.sqlite3"
    sqlite3.connect(database).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    blob = database.read_bytes()
    assert blob.count(b"sm4gcm:") >= 2 * 30  # ID numbers and phones
    assert [p for p in phones if p.encode() in blob] == []


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_no_plaintext_phone_in_a_pg_dump_after_a_roster_import(transactional_db, tmp_path):
    """On PostgreSQL the roster is written with COPY: that path encrypts too."""
    from shuangyong.org.models import Unit

    root = Unit.objects.create(code="D", name="新区", kind="district")
    Unit.objects.create(code="S", name="东街道", kind="street", parent=root)
    streets = [("东街道", [])]
    rows = roster_rows(30, streets=streets, seed=5)
    phones = _phones(rows)
    roster = tmp_path / "roster.xlsx"
    write_roster(roster, 30, streets=streets, seed=5)
    assert RosterImporter().run(roster).created == 30
    db = connection.settings_dict
    dump = subprocess.run(
        ["pg_dump", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432),
         "-U", db["USER"], db["NAME"]],
        capture_output=True,
        check=True,
        env={"PGPASSWORD": db["PASSWORD"] or "", "PATH": "/usr/bin:/bin"},
    ).stdout  # fmt: skip
    assert dump.count(b"sm4gcm:") >= 2 * 30
    assert [p for p in phones if p.encode() in dump] == []
    found = EntitledPerson.objects.search(phones[0])
    assert found.count() == 1 and found.get().phone == phones[0]


def test_error_workbooks_mask_phones(tmp_path, district):
    rows = roster_rows(3, streets=[("东街道", [])], seed=9)
    rows[2][9] = "退休干部"  # an unknown category: the row is rejected
    path = write_xlsx(tmp_path / "roster.xlsx", rows[1:])
    result = RosterImporter().run(path)
    assert result.rejected == 1
    out = io.BytesIO()
    result.write_error_workbook(out)
    written = read_xlsx(out)[1]
    assert written[4] == mask_phone(rows[2][4]) and rows[2][4] not in map(str, written)


def test_error_workbooks_are_deleted_after_their_retention(client, people, settings):
    settings.IMPORT_ERRORS_HOURS = 24
    folder = error_workbook_folder()
    folder.mkdir(parents=True)
    old, new = folder / "old.xlsx", folder / "new.xlsx"
    old.write_bytes(b"x")
    new.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    # Even before the pruning runs, an expired workbook is no longer handed out.
    client.force_login(people.office)
    session = client.session
    session["import_error_files"] = ["old", "new"]
    session.save()
    assert client.get(reverse("core:import_errors", args=["old"])).status_code == 404
    assert client.get(reverse("core:import_errors", args=["new"])).status_code == 200
    assert prune_error_workbooks() == 1
    assert not old.exists() and new.exists()
