"""A fictional roster of entitled persons, written as real files are: a title row above
the header, some IDs in full-width digits or with a lowercase x, dates in every way
people write them, empty rows.

The demo district imports one through the real roster importer (``care/demo.py``), and
``bench/care.py`` times the import on large ones; every person is fictional (region
110199). The tests plant faults in it at known rows (``care/tests/roster.py``).
"""

from __future__ import annotations

import datetime as dt
import random

from shuangyong.care.roster import HEADERS
from shuangyong.core import excel, idnumber

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "建国华明军伟强秀英兰芳桂珍玉凤海平志红光德荣春林忠福文宝金云山丽霞成立新东永胜"
CATEGORIES = [
    ("残疾军人", 0.35), ("烈士遗属", 0.1), ("因公牺牲军人遗属", 0.05), ("病故军人遗属", 0.05),
    ("参战退役军人", 0.15), ("带病回乡退役军人", 0.05), ("在乡复员军人", 0.05),
    ("农村籍退役士兵（60周岁以上）", 0.1), ("义务兵家庭", 0.1),
]  # fmt: skip
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _date_text(day: dt.date, style: int):
    if style == 0:
        return day  # a real date cell
    if style == 1:
        return f"{day.year}.{day.month}.{day.day}"
    if style == 2:
        return f"{day.year}年{day.month}月{day.day}日"
    return (day - dt.date(1899, 12, 30)).days  # an Excel serial that lost its format


def roster_rows(
    n: int, *, streets: list[tuple[str, list[str]]], seed: int = 1, start_serial: int = 0
) -> list[list]:
    """The roster's rows: the title row, the header, ``n`` people and the odd empty row.

    Rules: the same ``seed`` gives the same rows; people are numbered from
    ``start_serial``, and distinct serials give distinct ID numbers (up to 25 million), so
    rosters with disjoint serials never share a person; streets are taken in turn.
    """
    rng = random.Random(seed)
    weights = [w for _c, w in CATEGORIES]
    names = [c for c, _w in CATEGORIES]
    rows = [["明川区优抚对象花名册（2026年）", "", "", "", "", ""], HEADERS]
    for index in range(n):
        serial = start_serial + index
        # (birth day, sequence code) is one-to-one with the serial up to 25 million rows:
        # a large roster has no accidental duplicates.
        day, turn = serial % 25000, serial // 25000
        born = dt.date(1930, 1, 1) + dt.timedelta(days=(day * 7919) % 25000)
        number = idnumber.make("110199", born, (turn * 37 + day) % 1000)
        sex = "男" if int(number[16]) % 2 else "女"
        category = rng.choices(names, weights)[0]
        grade = cause = ""
        if category == "残疾军人":
            cause = rng.choice(["因战", "因公", "因病"])
            grade = rng.randint(1, 6 if cause == "因病" else 10)
            grade = f"{'一二三四五六七八九十'[grade - 1]}级" if rng.random() < 0.3 else grade
        street, communities = streets[serial % len(streets)]
        shown_number = number
        if rng.random() < 0.05:
            shown_number = number.translate(FULL_WIDTH)
        elif number.endswith("X") and rng.random() < 0.5:
            shown_number = number[:-1] + "x"
        if rng.random() < 0.03:
            shown_number = f" {shown_number[:6]} {shown_number[6:]} "
        enlisted = dt.date(born.year + 18, 3, 1)
        row = [
            f"{SURNAMES[serial % len(SURNAMES)]}{GIVEN[(serial // 7) % len(GIVEN)]}"
            f"{GIVEN[(serial // 41) % len(GIVEN)]}",
            shown_number, sex, _date_text(born, serial % 4),
            f"13{serial % 10}{serial % 100000000:08d}", street,
            communities[serial % len(communities)] if communities else "",
            f"{street}{serial % 300 + 1}号", rng.choice(["城镇", "农村", "农业", "非农业"]),
            category, grade, cause, f"{enlisted.year}.{enlisted.month:02d}",
            _date_text(dt.date(born.year + 22, 12, 1), 2), "", "", "", "",
        ]  # fmt: skip
        rows.append(row)
        if rng.random() < 0.002:
            rows.append([""] * len(HEADERS))  # an empty row people leave in
    return rows


def write_roster(path, n: int, **kwargs) -> None:
    """Write ``roster_rows(n, **kwargs)`` as a workbook at ``path``, as districts send it."""
    write_rows(path, roster_rows(n, **kwargs))


def write_rows(path, rows: list[list]) -> None:
    """Write roster rows (title row first) as a one-sheet workbook at ``path``."""
    excel.write_workbook(path, [("花名册", rows[0], rows[1:])])
