"""Finding a Chinese font for PDFs on this machine, never on the network.

The font comes from Debian's packages, which the setup installs (fonts-noto-cjk, or
the smaller fonts-wqy-microhei); ``SHUANGYONG_PDF_FONT`` names another file
(``path`` or ``path#index`` for a collection). A font counts only if it really draws
Chinese: its character map must hold every character of a probe string, so a Latin
font named by mistake is refused rather than printing empty boxes.
"""

from __future__ import annotations

import functools
import shutil
import struct
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from shuangyong.core.validators import parse_id

# Simplified Chinese faces first: the report is in Simplified Chinese.
KNOWN_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
PREFERRED_FACES = ("SC", "Micro Hei", "Zen Hei")
PROBE = "双拥模范城自评报告"


@dataclass(frozen=True)
class CjkFont:
    path: str
    index: int
    name: str


class NoChineseFont(RuntimeError):
    """No usable Chinese font: the message says what to install."""

    def __init__(self, tried: list[str]):
        self.tried = tried
        super().__init__(missing_font_message(tried))


def missing_font_message(tried: list[str] | None = None) -> str:
    message = _(
        "No Chinese font was found, so the PDF cannot be made. Install Debian's "
        "fonts-noto-cjk or fonts-wqy-microhei package, or name a font file in "
        "SHUANGYONG_PDF_FONT. The printable page works without it."
    )
    if tried:
        message += " " + _("Tried: %(paths)s") % {"paths": "、".join(tried)}
    return message


# A found font is kept for the process; a miss is believed for a minute, so that pages
# do not scan the disk on every view, yet a font installed meanwhile is soon seen.
RECHECK_MISSING_SECONDS = 60
_missing: dict[str, tuple[float, list[str]]] = {}


def find_cjk_font() -> CjkFont:
    """The font PDFs use: SHUANGYONG_PDF_FONT if set, else the first Chinese font found.

    Raises NoChineseFont (naming what was tried) when none draws Chinese.
    """
    configured = settings.PDF_FONT
    missed = _missing.get(configured)
    if missed and time.monotonic() - missed[0] < RECHECK_MISSING_SECONDS:
        raise NoChineseFont(missed[1])
    try:
        return _find(configured)
    except NoChineseFont as exc:
        _missing[configured] = (time.monotonic(), exc.tried)
        raise


def forget() -> None:
    """Search afresh next time (after fonts were installed or removed; tests)."""
    _missing.clear()
    _find.cache_clear()


@functools.cache
def _find(configured: str) -> CjkFont:
    if configured:
        path, _sep, index = configured.partition("#")
        font = _usable(path, parse_id(index))
        if font is None:
            raise NoChineseFont([configured])
        return font
    for path in dict.fromkeys((*KNOWN_FONTS, *_fontconfig_fonts())):
        font = _usable(path, None)
        if font is not None:
            return font
    raise NoChineseFont([])


def _fontconfig_fonts() -> list[str]:
    """Chinese fonts fontconfig knows of, when it is installed."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [fc_list, ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    return [f for f in files if f.lower().endswith((".ttf", ".otf", ".ttc", ".otc"))]


def _usable(path: str, index: int | None) -> CjkFont | None:
    """The face of ``path`` that draws the probe (the given index, else SC faces first)."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    if not Path(path).is_file():
        return None
    # Faces load lazily: a damaged file fails on reading its tables, not on opening it,
    # so every read is inside the guard (one broken font must not break the report page).
    try:
        if path.lower().endswith((".ttc", ".otc")):
            faces = list(enumerate(TTCollection(path, lazy=True).fonts))
        else:
            faces = [(0, TTFont(path, lazy=True))]
        if index is not None:
            faces = [(i, face) for i, face in faces if i == index]
        named = [(i, face, face["name"].getDebugName(1) or "") for i, face in faces]
        named.sort(key=lambda t: not any(p in t[2] for p in PREFERRED_FACES))
        for i, face, name in named:
            cmap = face.getBestCmap() or {}
            if all(ord(ch) in cmap for ch in PROBE):
                return CjkFont(path=path, index=i, name=name)
    except (OSError, TTLibError, AssertionError, KeyError, ValueError, struct.error):
        return None
    return None
