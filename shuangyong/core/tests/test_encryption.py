"""ID numbers at rest: encrypted, found by blind index, rotated without losing a row."""

import datetime as dt
import json
import sqlite3
import subprocess
import sys

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from shuangyong.core import crypto, keys
from shuangyong.core.idnumber import make
from shuangyong.org.models import Person

ID = make("110105", dt.date(1980, 5, 17), 123)


def raw_column(person):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM org_person WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


def test_stored_value_is_ciphertext_and_reads_back(district):
    person = Person.objects.create(name="王五", unit=district.a, id_number=ID.lower())
    stored = raw_column(person)
    assert stored.startswith("sm4gcm:test1:") and ID not in stored
    assert Person.objects.get(pk=person.pk).id_number == ID
    assert person.id_number_index == crypto.blind_index(ID)


def test_same_number_encrypts_differently_each_time(district):
    a = Person.objects.create(name="甲", unit=district.a, id_number=ID)
    b = Person.objects.create(name="乙", unit=district.b)
    Person.objects.filter(pk=b.pk).update(id_number=ID)
    assert raw_column(a) != raw_column(b)


def test_exact_lookup_on_the_encrypted_column_is_refused(district):
    with pytest.raises(FieldError):
        list(Person.objects.filter(id_number=ID))


def test_a_value_moved_to_another_column_does_not_open(district):
    person = Person.objects.create(name="王五", unit=district.a, id_number=ID)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(raw_column(person), context="care_person.id_number")


def test_wrong_key_is_named(district, settings):
    person = Person.objects.create(name="王五", unit=district.a, id_number=ID)
    other = crypto.new_ring()
    settings.SHUANGYONG_KEYS = json.dumps(
        {"active": "test1", "keys": {"test1": "ff" * 16}, "index": other.index_key.hex()}
    )
    with pytest.raises(crypto.DecryptionError, match="test1"):
        Person.objects.get(pk=person.pk)
    assert keys.check() and "does not open" in keys.check()[0]


def test_rotation_reencrypts_every_row_and_loses_none(district, settings, tmp_path):
    key_path = tmp_path / "keys.json"
    crypto.write_key_file(crypto.new_ring(), key_path)
    settings.SHUANGYONG_KEYS = ""
    settings.SHUANGYONG_KEY_FILE = key_path
    numbers = [make("110105", dt.date(1970, 1, 1) + dt.timedelta(days=i), i) for i in range(25)]
    for i, number in enumerate(numbers):
        Person.objects.create(name=f"人{i}", unit=district.a, id_number=number)
    old_kid = crypto.key_ring().active
    assert keys.rotate() == 25
    new_kid = crypto.key_ring().active
    assert new_kid != old_kid and keys.key_usage() == {new_kid: 25}
    assert sorted(Person.objects.exclude(id_number_index="").values_list("name", flat=True))
    assert {p.id_number for p in Person.objects.exclude(id_number_index="")} == set(numbers)
    assert Person.objects.with_id_number(numbers[7]).get().name == "人7"
    assert keys.retire() == [old_kid]
    call_command("keys", "check")


@pytest.mark.slow
def test_no_plaintext_id_number_in_the_sqlite_file(tmp_path):
    """Import people with ID numbers into a real SQLite file and search its bytes."""
    numbers = [make("320102", dt.date(1985, 3, 1) + dt.timedelta(days=i), i) for i in range(20)]
    from shuangyong.core.testing import write_xlsx

    units = write_xlsx(tmp_path / "units.xlsx", [["编码", "名称", "类型"], ["X", "新区", "区"]])
    people = write_xlsx(
        tmp_path / "people.xlsx",
        [["姓名", "单位", "公民身份号码"], *[[f"人{i}", "X", n] for i, n in enumerate(numbers)]],
    )
    env = {"SHUANGYONG_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "shuangyong.cli"]
    for args in (
        ["migrate", "-v0"],
        ["import", "units", str(units)],
        ["import", "people", str(people), "--json"],
    ):
        done = subprocess.run([*run, *args], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    database = tmp_path / "data" / "shuangyong.sqlite3"
    # Fold the write-ahead log in, then read every byte of the file.
    sqlite3.connect(database).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    blob = database.read_bytes()
    assert blob.count(b"sm4gcm:") >= 20
    leaked = [n for n in numbers if n.encode() in blob or n[:17].encode() in blob]
    assert leaked == []


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_no_plaintext_id_number_in_a_pg_dump(transactional_db, tmp_path):
    from shuangyong.core.testing import write_xlsx
    from shuangyong.org.imports import PersonImporter
    from shuangyong.org.models import Unit

    Unit.objects.create(code="X", name="新区", kind="district")
    numbers = [make("320102", dt.date(1985, 3, 1) + dt.timedelta(days=i), i) for i in range(20)]
    sheet = write_xlsx(
        tmp_path / "people.xlsx",
        [["姓名", "单位", "公民身份号码"], *[[f"人{i}", "X", n] for i, n in enumerate(numbers)]],
    )
    assert PersonImporter().run(sheet).created == 20
    db = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            db["NAME"],
        ],
        capture_output=True,
        check=True,
        env={"PGPASSWORD": db["PASSWORD"] or "", "PATH": "/usr/bin:/bin"},
    ).stdout
    assert dump.count(b"sm4gcm:") >= 20
    assert [n for n in numbers if n.encode() in dump or n[:17].encode() in dump] == []
