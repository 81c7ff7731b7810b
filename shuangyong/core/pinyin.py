"""Pinyin search keys, so "zs" or "zhangsan" finds 张三.

Surnames and place names are full of characters with several readings
(单, 曾, 区); we keep every combination up to a small cap rather than guess one.
"""

import itertools
import unicodedata

from pypinyin import Style, pinyin

MAX_VARIANTS = 12


def normalize_query(text: str) -> str:
    """Lower-case, half-width, no spaces: the form search keys are stored in."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def search_key(text: str) -> str:
    """Space-separated full-pinyin and initials variants of ``text``, lower-case."""
    text = normalize_query(text)
    if not text:
        return ""
    readings = pinyin(text, style=Style.NORMAL, heteronym=True, errors=lambda s: [s])
    choices = [[r.lower() for r in syllables[:3]] for syllables in readings]
    variants: list[str] = []
    for combo in itertools.islice(itertools.product(*choices), MAX_VARIANTS):
        variants.append("".join(combo))
        variants.append("".join(s[0] for s in combo if s))
    return " ".join(dict.fromkeys(variants))
