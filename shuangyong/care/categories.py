"""The categories of entitled persons (优抚对象) as the 2024 regulations write them, the
older names people still type, disability grades and causes, and which payment
programme pays each category.

Spreadsheet vocabularies are fixed Chinese here, not translations: an import must
never depend on the interface language.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangyong.core.validators import plain_digits


class Category(models.TextChoices):
    DISABLED_VETERAN = "disabled_veteran", "残疾军人"
    MARTYR_SURVIVOR = "martyr_survivor", "烈士遗属"
    DUTY_DEATH_SURVIVOR = "duty_death_survivor", "因公牺牲军人遗属"
    ILLNESS_DEATH_SURVIVOR = "illness_death_survivor", "病故军人遗属"
    WAR_VETERAN = "war_veteran", "参战退役军人"
    NUCLEAR_VETERAN = "nuclear_veteran", "参试退役军人"
    ILL_RETURNED_VETERAN = "ill_returned_veteran", "带病回乡退役军人"
    DEMOBILISED_VETERAN = "demobilised_veteran", "在乡复员军人"
    RURAL_VETERAN_60 = "rural_veteran_60", "农村籍退役士兵（60周岁以上）"
    PRE_1954_ENLISTEE = "pre_1954_enlistee", "1954年10月31日之前入伍的老战士"
    CONSCRIPT_FAMILY = "conscript_family", "义务兵家庭"
    SERVING_FAMILY = "serving_family", "现役军人家属"


C = Category
SYNONYMS = {
    "伤残军人": C.DISABLED_VETERAN,
    "残疾退役军人": C.DISABLED_VETERAN,
    "伤残人员": C.DISABLED_VETERAN,
    "烈属": C.MARTYR_SURVIVOR,
    "烈士家属": C.MARTYR_SURVIVOR,
    "革命烈士家属": C.MARTYR_SURVIVOR,
    "因公牺牲军人家属": C.DUTY_DEATH_SURVIVOR,
    "因公牺牲军人遗属": C.DUTY_DEATH_SURVIVOR,
    "病故军人家属": C.ILLNESS_DEATH_SURVIVOR,
    "参战人员": C.WAR_VETERAN,
    "参战退役人员": C.WAR_VETERAN,
    "参战退役军人": C.WAR_VETERAN,
    "参试人员": C.NUCLEAR_VETERAN,
    "参试退役人员": C.NUCLEAR_VETERAN,
    "带病回乡退伍军人": C.ILL_RETURNED_VETERAN,
    "复员军人": C.DEMOBILISED_VETERAN,
    "在乡复员军人": C.DEMOBILISED_VETERAN,
    "农村老兵": C.RURAL_VETERAN_60,
    "农村籍退役士兵": C.RURAL_VETERAN_60,
    "在乡老年退役士兵": C.RURAL_VETERAN_60,
    "60周岁以上农村籍退役士兵": C.RURAL_VETERAN_60,
    "老战士": C.PRE_1954_ENLISTEE,
    "1954年前入伍老战士": C.PRE_1954_ENLISTEE,
    "义务兵家属": C.CONSCRIPT_FAMILY,
    "义务兵家庭": C.CONSCRIPT_FAMILY,
    "军属": C.SERVING_FAMILY,
    "现役军人家庭": C.SERVING_FAMILY,
}


class Cause(models.TextChoices):
    WAR = "war", "因战"
    DUTY = "duty", "因公"
    ILLNESS = "illness", "因病"


CAUSE_WORDS = {
    "因战": Cause.WAR,
    "战": Cause.WAR,
    "因公": Cause.DUTY,
    "公": Cause.DUTY,
    "因病": Cause.ILLNESS,
    "病": Cause.ILLNESS,
}
# Disability from illness is pensioned only at grades 1 to 6 (军人抚恤优待条例).
ILLNESS_MAX_GRADE = 6
GRADE_WORDS = {w: i for i, w in enumerate("一二三四五六七八九十", start=1)}


class Hukou(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


# What exports write: fixed Chinese, so a file round-trips whatever the UI's language.
HUKOU_CHINESE = {Hukou.URBAN: "城镇", Hukou.RURAL: "农村"}
HUKOU_WORDS = {
    "城镇": Hukou.URBAN,
    "城市": Hukou.URBAN,
    "非农": Hukou.URBAN,
    "非农业": Hukou.URBAN,
    "农村": Hukou.RURAL,
    "农业": Hukou.RURAL,
}


class Programme(models.TextChoices):
    """What a payment batch pays; each category belongs to at most one."""

    DISABILITY = "disability", _("Disability pension")
    SURVIVOR = "survivor", _("Survivors' periodic pension")
    LIVING = "living", _("Periodic living allowance")
    FAMILY = "family", _("Conscript family allowance")


PROGRAMME_OF = {
    C.DISABLED_VETERAN: Programme.DISABILITY,
    C.MARTYR_SURVIVOR: Programme.SURVIVOR,
    C.DUTY_DEATH_SURVIVOR: Programme.SURVIVOR,
    C.ILLNESS_DEATH_SURVIVOR: Programme.SURVIVOR,
    C.WAR_VETERAN: Programme.LIVING,
    C.NUCLEAR_VETERAN: Programme.LIVING,
    C.ILL_RETURNED_VETERAN: Programme.LIVING,
    C.DEMOBILISED_VETERAN: Programme.LIVING,
    C.RURAL_VETERAN_60: Programme.LIVING,
    C.PRE_1954_ENLISTEE: Programme.LIVING,
    C.CONSCRIPT_FAMILY: Programme.FAMILY,
}


def categories_of(programme: str) -> list[str]:
    return [c.value for c, p in PROGRAMME_OF.items() if p == programme]


def _plain(text) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


BRACKET = re.compile(r"\((.*?)\)")
LABELS = {_plain(label): value for value, label in Category.choices}  # fixed Chinese names


def parse_category(text) -> tuple[str | None, str]:
    """(category, cause written in brackets): 残疾军人(因战) → disabled veteran, war.

    Full-width brackets and spaces do not matter; a bracket that is part of the
    category's name (…（60周岁以上）) stays part of it.
    """
    plain = _plain(text)
    labels = LABELS
    if plain in labels:
        return labels[plain], ""
    if plain in SYNONYMS:
        return SYNONYMS[plain], ""
    found = BRACKET.search(plain)
    if found and found.group(1) in CAUSE_WORDS:
        rest = BRACKET.sub("", plain)
        return labels.get(rest) or SYNONYMS.get(rest), found.group(1)
    return None, ""


def parse_grade(text) -> int | None:
    """1–10, 一级–十级, 1级, ８级: the grade; None when empty; ValueError otherwise."""
    plain = _plain(text).removesuffix("级").removeprefix("第")
    if not plain:
        return None
    if plain.endswith(".0"):  # a number cell read as a float
        plain = plain[:-2]
    grade = GRADE_WORDS.get(plain) or (int(plain) if plain_digits(plain) else None)
    if grade is None or not 1 <= grade <= 10:
        raise ValueError(plain)
    return grade


def parse_cause(text) -> str | None:
    """因战 / 因公 / 因病 (or 战, 公, 病): the cause; None when empty; ValueError otherwise."""
    plain = _plain(text)
    if not plain:
        return None
    if plain not in CAUSE_WORDS:
        raise ValueError(plain)
    return CAUSE_WORDS[plain]


def parse_hukou(text) -> str | None:
    plain = _plain(text).removesuffix("户口").removesuffix("户籍")
    if not plain:
        return None
    if plain not in HUKOU_WORDS:
        raise ValueError(plain)
    return HUKOU_WORDS[plain]
