"""Pinyin search keys, so "zs" or "zhangsan" finds 张三.

Surnames and place names are full of characters with several readings
(单, 曾, 区); we keep every combination up to a small cap rather than guess one.
"""

import functools
import itertools
import re
import unicodedata

from pypinyin import Style, pinyin

MAX_VARIANTS = 12
# Each Chinese character on its own, any other run (letters, digits) whole.
PIECES = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|[^\u3400-\u4dbf\u4e00-\u9fff]+")


def normalize_query(text: str) -> str:
    """Lower-case, half-width, no spaces: the form search keys are stored in."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def search_key(text: str) -> str:
    """Space-separated full-pinyin and initials variants of ``text``, lower-case."""
    text = normalize_query(text)
    if not text:
        return ""
    choices = [_readings(piece) for piece in PIECES.findall(text)]
    variants: list[str] = []
    for combo in itertools.islice(itertools.product(*choices), MAX_VARIANTS):
        variants.append("".join(combo))
        variants.append("".join(s[0] for s in combo if s))
    return " ".join(dict.fromkeys(variants))


@functools.lru_cache(maxsize=32768)
def _readings(piece: str) -> tuple[str, ...]:
    """Up to three readings of one character (a name's characters are read one by one:
    a roster of a million names repeats a few thousand characters, so this is cached)."""
    found = pinyin(piece, style=Style.NORMAL, heteronym=True, errors=lambda s: [s])
    return tuple(dict.fromkeys(r.lower() for r in found[0][:3])) if found else (piece,)
