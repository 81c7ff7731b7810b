"""Backups that restore: one archive with the database, the uploaded files and a manifest.

``backup`` writes ``manifest.json`` (every member's SHA-256, every table's row
count, the audit chain's head), the database (the SQLite backup API, or
``pg_dump -Fc``) and ``media/…``. The archive is written to a temporary name
and renamed when complete, so a crash never leaves a half archive behind.

``restore`` checks everything before touching anything: the archive reads to
the end, every member matches its checksum, the database is empty, no file
would be overwritten. Then it loads, and checks again: every table's row
count and the audit chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

import shuangyong

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}


class BackupError(Exception):
    """The archive, the target or the tools are not fit; nothing was changed."""


@dataclass
class RestoreReport:
    tables: int
    rows: int
    files: int
    audit_events: int
    mismatches: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Every table's row count, from the database's own list of tables."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = [
        "-h",
        db["HOST"] or "127.0.0.1",
        "-p",
        str(db["PORT"] or 5432),
        "-U",
        db["USER"] or "postgres",
    ]
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "PGPASSWORD": db["PASSWORD"] or ""}
    return args, env


def _run_tool(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            _("%(tool)s is not installed: apt-get install postgresql-client") % {"tool": command[0]}
        )
    # The command is built here from fixed tool names and settings, never from user input.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]}: {done.stderr.strip()[:2000]}")


def _dump_database(target: Path) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        destination = sqlite3.connect(target)
        with destination:
            connection.connection.backup(destination)
        destination.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_args()
        _run_tool(
            [
                "pg_dump",
                "-Fc",
                "--no-owner",
                *args,
                "-f",
                str(target),
                connection.settings_dict["NAME"],
            ],
            env,
        )
    else:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(v)s.") % {"v": connection.vendor}
        )


def _media_files() -> list[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(
        (path, "media/" + path.relative_to(root).as_posix())
        for path in root.rglob("*")
        if path.is_file()
    )


def backup(out: Path) -> dict:
    """Write the archive to ``out``; return its manifest."""
    from shuangyong.audit.models import ChainHead

    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="sy-backup-") as scratch:
        db_file = Path(scratch) / DB_MEMBER.get(connection.vendor, "db")
        _dump_database(db_file)
        head = ChainHead.objects.filter(pk=1).first()
        members = [(db_file, db_file.name), *_media_files()]
        manifest = {
            "format": FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "version": shuangyong.__version__,
            "vendor": connection.vendor,
            "tables": table_counts(),
            "audit_head": {"seq": head.last_seq, "hash": head.last_hash} if head else None,
            "files": {name: _sha256(path) for path, name in members},
        }
        manifest_file = Path(scratch) / MANIFEST
        manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest_file, MANIFEST)
            for path, name in members:
                archive.add(path, name)
        partial.replace(out)
    return manifest


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def _unpack_and_check(archive_path: Path, scratch: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()  # reads to the end: truncation shows here
            names = {m.name for m in members}
            if MANIFEST not in names:
                raise BackupError(_("The archive has no manifest; it is not a Shuangyong backup."))
            for member in members:
                if not _safe_member(member.name) or not (member.isfile() or member.isdir()):
                    raise BackupError(
                        _("The archive holds an unsafe entry: %(n)s") % {"n": member.name}
                    )
            archive.extractall(scratch, filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib_error()) as exc:
        raise BackupError(_("The archive is corrupt or truncated: %(e)s") % {"e": exc}) from exc
    try:
        manifest = json.loads((scratch / MANIFEST).read_text())
    except ValueError as exc:
        raise BackupError(_("The manifest cannot be read: %(e)s") % {"e": exc}) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Unknown backup format %(f)s.") % {"f": manifest.get("format")})
    listed = set(manifest["files"])
    present = {n for n in names if n != MANIFEST and (scratch / n).is_file()}
    if listed != present:
        missing, extra = sorted(listed - present), sorted(present - listed)
        raise BackupError(
            _("The archive does not match its manifest (missing: %(m)s; unlisted: %(x)s).")
            % {"m": ", ".join(missing) or "—", "x": ", ".join(extra) or "—"}
        )
    for name, checksum in manifest["files"].items():
        if _sha256(scratch / name) != checksum:
            raise BackupError(
                _("%(name)s does not match its checksum: the archive was altered or damaged.")
                % {"name": name}
            )
    return manifest


def zlib_error():
    import zlib

    return zlib.error


def _check_target(manifest: dict) -> None:
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            _("This is a %(a)s backup; the configured database is %(b)s.")
            % {"a": manifest["vendor"], "b": connection.vendor}
        )
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(
            _(
                "The database is not empty (%(n)d tables). Restore needs an empty database; "
                "nothing was changed."
            )
            % {"n": len(tables)}
        )
    media = Path(settings.MEDIA_ROOT)
    clashes = [
        n
        for n in manifest["files"]
        if n.startswith("media/") and (media / n.removeprefix("media/")).exists()
    ]
    if clashes:
        raise BackupError(
            _("%(n)d uploaded files already exist (e.g. %(f)s); nothing was changed.")
            % {"n": len(clashes), "f": clashes[0]}
        )


def _load_database(dump: Path) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(dump)
        source.backup(connection.connection)
        source.close()
    else:
        args, env = _pg_args()
        _run_tool(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                "-d",
                connection.settings_dict["NAME"],
                str(dump),
            ],
            env,
        )


def restore(archive_path: Path) -> RestoreReport:
    """Restore an archive into an empty database; verify row counts, files and the chain."""
    from shuangyong.audit import chain

    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(_("No such archive: %(p)s") % {"p": archive_path})
    with tempfile.TemporaryDirectory(prefix="sy-restore-") as scratch_name:
        scratch = Path(scratch_name)
        manifest = _unpack_and_check(archive_path, scratch)
        _check_target(manifest)
        _load_database(scratch / DB_MEMBER[manifest["vendor"]])
        media = Path(settings.MEDIA_ROOT)
        files = 0
        for name in manifest["files"]:
            if name.startswith("media/"):
                target = media / name.removeprefix("media/")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(scratch / name, target)
                files += 1
    counts = table_counts()
    mismatches = [
        f"{table}: {expected} → {counts.get(table)}"
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    ]
    for name, checksum in manifest["files"].items():
        if name.startswith("media/") and _sha256(media / name.removeprefix("media/")) != checksum:
            mismatches.append(name)
    verdict = chain.verify()
    if not verdict.intact:
        mismatches.append(f"audit chain broken at #{verdict.broken_seq}: {verdict.reason}")
    return RestoreReport(len(counts), sum(counts.values()), files, verdict.count, mismatches)
