"""Upload checks shared by imports and evidence files: type by content, size, safe names.

The extension a person gives a file is only a claim; the first bytes say what
it is. A file whose content does not match its extension is refused, as is
anything over the size limit. Stored names are reduced to a safe base name.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "xlsx": (ZIP,), "xlsm": (ZIP,), "docx": (ZIP,), "pptx": (ZIP,),
    "ods": (ZIP,), "odt": (ZIP,), "zip": (ZIP,),
    "xls": (OLE,), "doc": (OLE,), "ppt": (OLE,),
}  # fmt: skip
OOXML = {"xlsx", "xlsm", "docx", "pptx"}
TEXT = {"csv", "txt", "yaml", "yml"}
SPREADSHEETS = frozenset({"xlsx", "xlsm", "xls", "ods", "csv"})
DOCUMENTS = frozenset(
    {
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "zip",
        "txt",
        "odt",
        "ods",
        "csv",
        "webp",
        "mp4",
    }
)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


# File systems allow 255 bytes a name, and stored names add up to 73 more (evidence's
# 65-character hash prefix, Django's 8-character suffix when a name is taken): 120
# Chinese characters are 360 bytes, so the name is bounded in bytes as well.
MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 150


def safe_filename(name: str, *, default: str = "file") -> str:
    """A base name with no path, control or reserved characters, at most 120 characters
    and 150 bytes of UTF-8 (the extension kept)."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/")
    name = PurePath(name).name
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        return default
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return _cut(name[:MAX_NAME_CHARS], MAX_NAME_BYTES)
    ext = _cut(ext[:10], 40)
    stem = stem[: MAX_NAME_CHARS - len(ext) - 1]
    return f"{_cut(stem, MAX_NAME_BYTES - len(ext.encode()) - 1)}.{ext}"


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` bytes of UTF-8 without splitting a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def sniff(head: bytes, ext: str, upload) -> bool:
    """True when the first bytes fit the claimed extension."""
    if ext in TEXT:
        sample = head[:4096]
        if b"\x00" in sample:
            return False
        for encoding in ("utf-8", "gb18030"):
            try:
                sample.decode(encoding)
                return True
            except UnicodeDecodeError as exc:
                if exc.start >= len(sample) - 4:  # a character cut at the sample's end
                    return True
        return False
    if ext == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if ext == "mp4":
        return head[4:8] == b"ftyp"
    if not any(head.startswith(sig) for sig in SIGNATURES.get(ext, ())):
        return False
    if ext in OOXML:
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                return "[Content_Types].xml" in archive.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
    return True


def check_upload(upload, *, allowed: frozenset[str], max_bytes: int) -> str:
    """Check an uploaded file; return its safe name, or raise ValidationError saying why."""
    name = safe_filename(getattr(upload, "name", ""))
    ext = extension(name)
    if ext not in allowed:
        raise ValidationError(
            _("“%(name)s”: files of type .%(ext)s are not accepted here (accepted: %(allowed)s).")
            % {"name": name, "ext": ext or "?", "allowed": "、".join(sorted(allowed))},
            code="type",
        )
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(max_bytes),
            },
            code="size",
        )
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if not sniff(head, ext, upload):
        raise ValidationError(
            _("“%(name)s” does not contain what its extension .%(ext)s says.")
            % {"name": name, "ext": ext},
            code="content",
        )
    return name
