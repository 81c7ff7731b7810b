"""Backup → wipe → restore gives back every table's rows and every file, byte for byte."""

import datetime as dt
import hashlib
import io
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from shuangyong.audit import chain
from shuangyong.core.backup import BackupError, backup, restore, table_counts
from shuangyong.core.idnumber import make
from shuangyong.org.models import Person


def wipe_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")


def wipe(media: Path):
    """What a lost server looks like: no tables, no uploaded files."""
    wipe_database()
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()


def file_checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def filled(transactional_db, people, district, settings):
    for i in range(15):
        Person.objects.create(
            name=f"人{i}",
            unit=district.b,
            id_number=make("110105", dt.date(1980, 1, 1) + dt.timedelta(i), i),
        )
    media = Path(settings.MEDIA_ROOT)
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "台账.pdf").write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 40)
    (media / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x01" * 5000)
    return media


def test_round_trip_restores_every_row_and_file(filled, tmp_path, english):
    archive = tmp_path / "backup.tar.gz"
    before_rows, before_files = table_counts(), file_checksums(filled)
    backup(archive)
    wipe(filled)
    report = restore(archive)
    assert report.mismatches == []
    assert table_counts() == before_rows
    assert file_checksums(filled) == before_files
    assert chain.verify().intact
    assert Person.objects.filter(name="人3").get().id_number.startswith("110105")


def test_restore_refuses_a_database_that_is_not_empty(filled, tmp_path, english):
    archive = tmp_path / "backup.tar.gz"
    backup(archive)
    rows = table_counts()
    with pytest.raises(BackupError, match="not empty"):
        restore(archive)
    assert table_counts() == rows


def test_truncated_archive_is_refused_before_anything_changes(filled, tmp_path, english):
    archive = tmp_path / "backup.tar.gz"
    backup(archive)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    wipe(filled)
    with pytest.raises(BackupError, match="corrupt or truncated"):
        restore(cut)
    with connection.cursor() as cursor:
        assert connection.introspection.table_names(cursor) == []
    restore(archive)  # leave a database for the teardown


def test_altered_member_fails_its_checksum(filled, tmp_path, english):
    archive = tmp_path / "backup.tar.gz"
    backup(archive)
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(altered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/photo.png":
                data = data[:-1] + b"\x02"
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    wipe(filled)
    with pytest.raises(BackupError, match="photo.png"):
        restore(altered)
    with connection.cursor() as cursor:
        assert connection.introspection.table_names(cursor) == []
    restore(archive)


def test_commands(filled, tmp_path, capsys, english):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive))
    assert "Backup written" in capsys.readouterr().out
    wipe(filled)
    call_command("restore", str(archive))
    assert "audit chain intact" in capsys.readouterr().out
