"""One pipeline for every spreadsheet import.

Each kind of import (units, people, later the standard, the decomposition, the
roster…) declares its columns and three steps: clean one row, check the rows
together, write the valid rows in bulk. The pipeline reads the file, finds the
header row (real files carry a title above it), runs the steps, and then writes
everything or nothing; with ``partial`` it writes the valid rows and hands back
the rejected ones for an error workbook. Writing happens in one transaction.

Row numbers are the ones a person sees in Excel (1-based, header included).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuangyong.access import can
from shuangyong.audit.models import Action
from shuangyong.audit.services import record
from shuangyong.core import excel
from shuangyong.core.protect import validate_reason
from shuangyong.core.validators import compact, normalize_phone, parse_id, validate_phone

HEADER_SCAN_ROWS = 20
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


class ImportFileError(Exception):
    """The file cannot be read at all (wrong format, corrupt, empty)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    note: str = ""
    sensitive: bool = False  # masked in error workbooks (ID numbers)
    masker: Any = None  # how a sensitive value is masked (an ID number's mask when None)

    def matches(self, text: str) -> bool:
        return text in {normalize_header(h) for h in (self.header, *self.aliases)}


@dataclass(frozen=True)
class Option:
    """A command-line option an importer needs (``--campaign ID``)."""

    flag: str
    help: str
    type: type = str
    required: bool = False
    label: str = ""  # a yes/no option's checkbox on the import page

    @property
    def name(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


@dataclass
class RowError:
    row: int
    column: str
    message: str
    name: str = ""  # the row's 姓名/名称 cell, so a list of faults says whose row it is

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass
class Row:
    number: int
    cells: list[Any]
    raw: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict, repr=False)

    def error(self, key: str, message: str) -> None:
        name = cell_text(self.raw.get("name"))[:50]
        self.errors.append(RowError(self.number, self.headers.get(key, key), str(message), name))

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(
        self, key: str, *, required: bool = False, max_length: int | None = None, code: bool = False
    ) -> str:
        """The cell as text; a fault when it is required and empty, or too long.

        ``code`` normalises full-width characters and drops spaces (for codes and numbers).
        """
        value = compact(self.raw.get(key)) if code else cell_text(self.raw.get(key))
        if required and not value:
            self.error(key, _("this column is required"))
        elif max_length and len(value) > max_length:
            self.error(key, _("at most %(n)d characters") % {"n": max_length})
        return value

    def phone(self, key: str) -> str:
        """A phone number, normalised; a fault when it is neither mobile nor landline."""
        value = normalize_phone(self.raw.get(key))
        try:
            validate_phone(value)
        except ValidationError as exc:
            self.error(key, "；".join(exc.messages))
        return value


@dataclass
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: list[Row] = field(default_factory=list, repr=False)
    headers: list[str] = field(default_factory=list, repr=False)
    sensitive_positions: set[int] = field(default_factory=set, repr=False)
    maskers: dict[int, Any] = field(default_factory=dict, repr=False)
    written: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.extra,
            "created": self.created,
            "updated": self.updated,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
        }

    def write_error_workbook(self, target) -> None:
        """Each rejected row as it was in the file, with its reasons in a last column.

        Sensitive columns (ID numbers) are masked: the workbook is a download
        that may travel; the person fixing it has the original file.
        """
        from shuangyong.core.idnumber import mask

        def cells(row: Row) -> list:
            return [
                self.maskers.get(i, mask)(v) if i in self.sensitive_positions and v else v
                for i, v in enumerate(row.cells)
            ]

        rows = (
            [*cells(row), "；".join(f"{e.column}：{e.message}" for e in row.errors)]
            for row in self.rejected_rows
        )
        excel.write_workbook(target, [(_("Rejected rows"), [*self.headers, _("Reasons")], rows)])


def normalize_header(text: Any) -> str:
    """Header cells compare without spaces, full-width forms or required-markers."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(text.split()).strip("*＊")
    for marker in ("(必填)", "(选填)"):
        text = text.replace(marker, "")
    return text.lower()


def cell_text(value: Any) -> str:
    """A cell as the text a person would read: 13800138000.0 → "13800138000"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    # Text is kept as written: full-width （）：， are part of Chinese titles.
    # Codes, numbers and IDs are normalised where they are parsed (compact()).
    return str(value).strip()


def parse_bool(value: Any) -> bool | None:
    """是/否, Y/N, 1/0, true/false; None when the cell says none of these."""
    text = cell_text(value).lower()
    if text in {"是", "y", "yes", "1", "true", "√", "✓"}:
        return True
    if text in {"否", "n", "no", "0", "false", "", "×"}:
        return False
    return None


def read_sheet(source, name: str, sheet_name: str) -> list[list[Any]] | None:
    """Another sheet of the same workbook by name, or None when there is none."""
    from python_calamine import CalamineError, CalamineWorkbook

    if Path(name).suffix.lower() not in SPREADSHEET_SUFFIXES:
        return None
    try:
        if isinstance(source, Path):
            workbook = CalamineWorkbook.from_path(str(source))
        else:
            source.seek(0)
            workbook = CalamineWorkbook.from_filelike(source)
        if sheet_name not in workbook.sheet_names:
            return None
        return workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as exc:
        raise ImportFileError(str(exc)) from exc


# Excel's own limits: a sheet past them no spreadsheet program opens, so no person made it.
MAX_SHEET_ROWS = 1_048_576
MAX_SHEET_COLUMNS = 16_384
_CHUNK = 1 << 20
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"(?:[A-Z]+\d+:)?([A-Z]+)(\d+)\"")
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")


def check_extent(source, name: str) -> None:
    """Refuse a spreadsheet with more rows or cells than an import takes, before parsing it.

    Rules: an .xlsx/.xlsm sheet's own ``<dimension>`` is read first (a lie about a
    huge sheet is refused at once); then its rows and cells are counted while
    decompressing, without parsing, and the count stops at the limit — so a small
    file that unpacks to millions of rows costs a fraction of a second, not the
    parse. A CSV's lines are counted. Limits: ``IMPORT_MAX_ROWS`` (Excel's
    1,048,576 by default) and ``IMPORT_MAX_CELLS``.
    """
    from django.conf import settings

    max_rows = getattr(settings, "IMPORT_MAX_ROWS", MAX_SHEET_ROWS)
    max_cells = getattr(settings, "IMPORT_MAX_CELLS", 40_000_000)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        raw = source.read_bytes() if isinstance(source, Path) else _peek(source)
        if raw.count(b"\n") > max_rows:
            raise ImportFileError(_too_large(max_rows, max_cells))
        return
    if suffix not in {".xlsx", ".xlsm"}:
        return  # .xls is bounded by its format (65,536 rows); others are parsed as they come
    handle = source.open("rb") if isinstance(source, Path) else source
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_sheet(archive, info, max_rows, max_cells)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error) as exc:
        raise ImportFileError(
            _("The file cannot be read as a spreadsheet: %(reason)s") % {"reason": exc}
        ) from exc
    finally:
        if isinstance(source, Path):
            handle.close()
        else:
            handle.seek(0)


def _peek(source) -> bytes:
    source.seek(0)
    data = source.read()
    source.seek(0)
    return data


def _too_large(max_rows: int, max_cells: int) -> str:
    return _(
        "The sheet is too large to import: at most %(rows)s rows and %(cells)s cells. "
        "Split it into several files."
    ) % {"rows": f"{max_rows:,}", "cells": f"{max_cells:,}"}


def _check_sheet(archive, info, max_rows: int, max_cells: int) -> None:
    rows = cells = 0
    previous = b""
    patterns: tuple[bytes, ...] = ()
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            if not patterns:
                if found := _DIMENSION.search(chunk):
                    width = _column_number(found.group(1).decode())
                    height = int(found.group(2))
                    if height > max_rows or width > MAX_SHEET_COLUMNS or height * width > max_cells:
                        raise ImportFileError(_too_large(max_rows, max_cells))
                root = _ROOT.search(chunk)
                prefix = (root.group(1) or b"") if root else b""
                patterns = (b"<" + prefix + b"row", b"<" + prefix + b"c ", b"<" + prefix + b"c>")
            # A tag cut by the chunk boundary is counted once: each pattern also looks at
            # the previous chunk's last len-1 bytes, too short to hold a whole match.
            row_tag, *cell_tags = patterns
            rows += (previous[-(len(row_tag) - 1) :] + chunk).count(row_tag)
            cells += sum((previous[-(len(t) - 1) :] + chunk).count(t) for t in cell_tags)
            # Rows may number themselves (r="2000000"): the last one in the chunk says how far.
            last = chunk.rfind(row_tag)
            if last >= 0 and (number := _ROW_NUMBER.match(chunk, last)):
                rows = max(rows, int(number.group(1)))
            if rows > max_rows or cells > max_cells:
                raise ImportFileError(_too_large(max_rows, max_cells))
            previous = chunk[-16:]


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


ERROR_WORKBOOK_FOLDER = "import-errors"


def error_workbook_folder() -> Path:
    """Where the pages keep error workbooks (under MEDIA_ROOT) until they expire."""
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / ERROR_WORKBOOK_FOLDER


def error_workbook_expired(path: Path, now: float | None = None) -> bool:
    """True when an error workbook is older than ``IMPORT_ERRORS_HOURS``."""
    import time

    from django.conf import settings

    hours = getattr(settings, "IMPORT_ERRORS_HOURS", 24)
    return path.stat().st_mtime < (now or time.time()) - hours * 3600


def prune_error_workbooks() -> int:
    """Delete the error workbooks past their retention (``IMPORT_ERRORS_HOURS``, 24 by
    default): they hold rows of personal data, masked but not all of it. Runs when a new
    one is stored and with the worker's periodic jobs. Returns how many were deleted."""
    import time

    folder = error_workbook_folder()
    if not folder.is_dir():
        return 0
    now, removed = time.time(), 0
    for path in folder.glob("*.xlsx"):
        try:
            if error_workbook_expired(path, now):
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process pruned it first
            continue
    return removed


def _read_rows(source, name: str) -> Iterator[list[Any]]:
    check_extent(source, name)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        raw = source.read_bytes() if isinstance(source, Path) else source.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(_("The CSV file is neither UTF-8 nor GB18030 encoded."))
        yield from csv.reader(io.StringIO(text))
        return
    if suffix not in SPREADSHEET_SUFFIXES:
        raise ImportFileError(
            _("“%(name)s” is not a spreadsheet: use .xlsx, .xls, .ods or .csv.") % {"name": name}
        )
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        if isinstance(source, Path):
            workbook = CalamineWorkbook.from_path(str(source))
        else:
            workbook = CalamineWorkbook.from_filelike(source)
        sheet = workbook.get_sheet_by_index(0)
        yield from sheet.iter_rows()
    except (CalamineError, ValueError, OSError) as exc:
        raise ImportFileError(
            _("The file cannot be read as a spreadsheet: %(reason)s") % {"reason": exc}
        ) from exc


class Importer:
    """Base class of every import; subclasses set the class attributes and the steps."""

    kind: ClassVar[str]
    label: ClassVar[str] = ""
    permission: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    options: ClassVar[tuple[Option, ...]] = ()
    allow_partial: ClassVar[bool] = True
    suffixes: ClassVar[frozenset[str]] = frozenset()  # beyond spreadsheets and CSV

    def __init__(self, *, actor=None, **options: Any) -> None:
        self.actor = actor
        self.options = options
        self.source = None
        self.source_name = ""
        self.file_errors: list[RowError] = []  # faults of the file as a whole

    def read(self, source, name: str) -> Iterator[list[Any]]:
        """The file's rows as lists of cells; override for other formats (YAML…)."""
        return _read_rows(source, name)

    def summarize(self, result: ImportResult) -> dict[str, Any]:
        """Extra figures for the result (printed with --json) once the rows are written."""
        return {}

    # --- the three steps a subclass provides -------------------------------

    def prepare(self) -> None:
        """Load what every row is checked against (one query per table, not per row)."""

    def clean(self, row: Row) -> None:
        """Parse ``row.raw`` into ``row.data``, calling ``row.error`` for each fault."""
        raise NotImplementedError

    def check(self, rows: list[Row]) -> None:
        """Checks across rows (duplicates, references inside the file).

        ``rows`` includes rows that already failed, so that a reference to one
        of them can say so instead of calling it unknown.
        """

    def write(self, rows: list[Row]) -> tuple[int, int]:
        """Write the valid rows in bulk; return (created, updated)."""
        raise NotImplementedError

    # --- the pipeline -------------------------------------------------------

    @classmethod
    def headers(cls) -> list[str]:
        return [c.header for c in cls.columns]

    def run(self, source, *, name: str | None = None, partial: bool = False) -> ImportResult:
        """Read ``source`` (a path or an uploaded file) and import it.

        Nothing is written if any row fails, unless ``partial`` is set, in
        which case the valid rows are written and the others reported.
        Raises ImportFileError when the file cannot be read.
        """
        if isinstance(source, str | Path):
            source = Path(source)
            if not source.is_file():
                raise ImportFileError(_("File not found: %(name)s") % {"name": source})
            name = name or source.name
        name = name or getattr(source, "name", "upload.xlsx")
        result = ImportResult(kind=self.kind)
        digest = _sha256(source)
        try:
            self._run(source, name, partial, result)
        finally:
            self._audit(result, name, digest, partial)
        return result

    def _audit(self, result: ImportResult, name: str, digest: str, partial: bool) -> None:
        record(
            Action.IMPORT,
            object_type=f"import:{self.kind}",
            object_repr=name,
            user=self.actor,
            detail={
                "file": name,
                "sha256": digest,
                "partial": partial,
                "created": result.created,
                "updated": result.updated,
                "rejected": result.rejected,
            },
        )

    def _run(self, source, name: str, partial: bool, result: ImportResult) -> None:
        if partial and not self.allow_partial:
            raise ImportFileError(
                _("%(kind)s is imported whole or not at all: --partial does not apply")
                % {"kind": self.label or self.kind}
            )
        self.source, self.source_name = source, name
        rows_iter = iter(self.read(source, name))
        header_number, positions, header_cells, missing, pending = self._find_header(rows_iter)
        result.headers = header_cells
        result.sensitive_positions = {
            positions[c.key] for c in self.columns if c.sensitive and c.key in positions
        }
        result.maskers = {
            positions[c.key]: c.masker for c in self.columns if c.masker and c.key in positions
        }
        rows = list(self._data_rows(_chain(pending, rows_iter), header_number, positions))
        if missing:
            for column in missing:
                result.errors.append(
                    RowError(header_number, column.header, _("required column is missing"))
                )
            result.rejected = len(rows)
            result.rejected_rows = rows
            return
        self.prepare()
        for row in rows:
            self.clean(row)
        self.check(rows)
        if self.file_errors:
            result.errors = [*self.file_errors, *(e for row in rows for e in row.errors)]
            result.rejected = len(rows)
            result.rejected_rows = rows
            return
        good = [row for row in rows if row.ok]
        bad = [row for row in rows if not row.ok]
        result.rejected = len(bad)
        result.rejected_rows = bad
        result.errors = [error for row in bad for error in row.errors]
        if bad and not partial:
            return
        if good:
            with transaction.atomic():
                result.created, result.updated = self.write(good)
            result.written = True
            result.extra = self.summarize(result)

    def _find_header(self, rows_iter: Iterator[list[Any]]):
        seen: list[list[Any]] = []
        best: tuple[int, int] = (0, 0)  # (matches, index)
        for index, cells in enumerate(rows_iter):
            seen.append(cells)
            texts = [normalize_header(c) for c in cells]
            matches = sum(1 for column in self.columns if any(column.matches(t) for t in texts))
            if matches > best[0]:
                best = (matches, index)
            required = [c for c in self.columns if c.required]
            if required and all(any(c.matches(t) for t in texts) for c in required):
                break
            if index + 1 >= HEADER_SCAN_ROWS:
                break
        if not seen:
            raise ImportFileError(_("The file is empty."))
        if best[0] == 0:
            raise ImportFileError(
                _("No header row found in the first %(n)d rows; expected columns: %(cols)s")
                % {"n": HEADER_SCAN_ROWS, "cols": "、".join(self.headers())}
            )
        index = best[1]
        header_cells = [cell_text(c) for c in seen[index]]
        texts = [normalize_header(c) for c in seen[index]]
        positions: dict[str, int] = {}
        for column in self.columns:
            for position, text in enumerate(texts):
                if column.matches(text):
                    positions[column.key] = position
                    break
        missing = [c for c in self.columns if c.required and c.key not in positions]
        # Rows read past the header while scanning are data rows.
        return index + 1, positions, header_cells, missing, seen[index + 1 :]

    def _data_rows(self, rows_iter, header_number: int, positions: dict[str, int]):
        headers = {c.key: c.header for c in self.columns}
        number = header_number
        for cells in rows_iter:
            number += 1
            if all(cell_text(c) == "" for c in cells):
                continue
            raw = {key: (cells[pos] if pos < len(cells) else "") for key, pos in positions.items()}
            yield Row(number=number, cells=list(cells), raw=raw, headers=headers)

    @classmethod
    def template_workbook(cls, target) -> None:
        """An empty workbook with the header row and a sheet explaining each column."""
        notes = (
            [c.header, _("required") if c.required else _("optional"), str(c.note)]
            for c in cls.columns
        )
        excel.write_workbook(
            target,
            [
                (str(cls.label or cls.kind), cls.headers(), []),
                (_("Instructions"), [_("Column"), _("Required"), _("Notes")], notes),
            ],
        )


def _sha256(source) -> str:
    digest = hashlib.sha256()
    if isinstance(source, Path):
        with source.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
        return digest.hexdigest()
    for block in source.chunks() if hasattr(source, "chunks") else [source.read()]:
        digest.update(block)
    source.seek(0)
    return digest.hexdigest()


def _chain(first: Iterable, second: Iterable) -> Iterator:
    yield from first
    yield from second


@dataclass
class Exporter:
    """An export in the same shape as its import, so a file round-trips.

    ``rows(actor, object_id, full)`` yields the rows; ``full`` asks for
    sensitive values unmasked, which needs ``reveal_permission`` and a reason.
    Every export is audited here, whoever calls it (the web page or the CLI).
    """

    kind: str
    label: str
    permission: str
    headers: list[str]
    rows: Any
    takes_id: bool = False
    reveal_permission: str = ""

    formats: tuple[str, ...] = ("xlsx",)

    def write(
        self,
        target,
        *,
        actor=None,
        object_id=None,
        full: bool = False,
        reason: str = "",
        format: str = "xlsx",
    ):
        if full:
            if not self.reveal_permission:
                raise ValueError(f"{self.kind} has no sensitive values to reveal")
            if actor is not None and not can(actor, self.reveal_permission):
                raise PermissionDenied(self.reveal_permission)
            reason = validate_reason(reason)
        if format not in self.formats:
            raise ValueError(f"{self.kind} exports as {', '.join(self.formats)}, not {format}")
        record(
            Action.EXPORT,
            object_type=f"export:{self.kind}",
            object_id=object_id or "",
            user=actor,
            detail={"full": full, "reason": reason} if full else {},
        )
        self.render(target, actor=actor, object_id=object_id, full=full, format=format)

    def render(self, target, *, actor, object_id, full: bool, format: str) -> None:
        """Write the file itself; subclasses with several sheets or formats override this."""
        rows = self.rows(actor, object_id, full)
        excel.write_workbook(target, [(str(self.label), self.headers, rows)])


IMPORTERS: dict[str, type[Importer]] = {}
EXPORTERS: dict[str, Exporter] = {}


def object_for(queryset, object_id, missing: str):
    """The object of ``queryset`` whose id is ``object_id`` as typed (a command line, a
    query string), or a ValidationError with ``missing`` (which may say ``%(id)s``).

    Rules: only ASCII digits that fit the database's integers are looked up, so "²" or
    a 30-digit number is "not found", never a 500.
    """
    pk = parse_id(object_id)
    found = queryset.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise ValidationError(missing % {"id": object_id or ""})
    return found


def write_bytes(target, data: bytes) -> None:
    """Write an export's bytes to a path or to a binary file object (a response)."""
    if hasattr(target, "write"):
        target.write(data)
    else:
        Path(target).write_bytes(data)


def register_importer(cls: type[Importer]) -> type[Importer]:
    IMPORTERS[cls.kind] = cls
    return cls


def register_exporter(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.kind] = exporter
    return exporter


def importer_for(kind: str) -> type[Importer]:
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise ImportFileError(
            gettext_lazy("Unknown import kind “%(kind)s”; known: %(known)s")
            % {"kind": kind, "known": ", ".join(sorted(IMPORTERS))}
        ) from None
