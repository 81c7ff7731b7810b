"""Rosters with faults planted at known rows, for the import tests: the demo's fictional
roster (``care.roster_workbook``) with some people's rows made wrong, one way each."""

from __future__ import annotations

import random
from dataclasses import dataclass

from shuangyong.care.roster_workbook import FULL_WIDTH, roster_rows, write_rows
from shuangyong.core import idnumber

FAULTS = ("check_digit", "impossible_date", "sex_mismatch", "duplicate", "unknown_category",
          "missing_grade", "bad_phone")  # fmt: skip
FAULT_COLUMN = {
    "check_digit": "公民身份号码", "impossible_date": "公民身份号码", "sex_mismatch": "性别",
    "duplicate": "公民身份号码", "unknown_category": "优抚类别", "missing_grade": "伤残等级",
    "bad_phone": "联系电话",
}  # fmt: skip
HALF_WIDTH = {value: key for key, value in FULL_WIDTH.items()}


@dataclass(frozen=True)
class Planted:
    row: int  # the row number Excel shows
    fault: str
    column: str


def faulty_roster(n: int, *, streets, faults: int = 0, seed: int = 1, start_serial: int = 0):
    """(rows including the title and header, planted faults): ``n`` people, ``faults`` of
    them wrong in one way each, spread evenly over the seven kinds (never the first)."""
    rows = roster_rows(n, streets=streets, seed=seed, start_serial=start_serial)
    rng = random.Random(seed)
    people = [i for i in range(2, len(rows)) if any(cell != "" for cell in rows[i])]
    chosen = sorted(rng.sample(range(1, n), faults)) if faults else []
    kinds = {people[index]: FAULTS[i % len(FAULTS)] for i, index in enumerate(chosen)}
    planted, clean = [], []
    for at in people:
        fault = kinds.get(at)
        if fault is None:
            clean.append(rows[at])
            continue
        rows[at] = _plant(rows[at], fault, clean, rng)
        planted.append(Planted(at + 1, fault, FAULT_COLUMN[fault]))
    return rows, planted


def write_faulty_roster(path, n: int, **kwargs) -> list[Planted]:
    """Write ``faulty_roster(n, **kwargs)`` at ``path``; the faults planted."""
    rows, planted = faulty_roster(n, **kwargs)
    write_rows(path, rows)
    return planted


def _plant(row, fault, earlier, rng):
    row = list(row)
    number = str(row[1]).translate(HALF_WIDTH).replace(" ", "").upper()
    if fault == "check_digit":
        digit = number[17]
        row[1] = number[:17] + ("1" if digit != "1" else "2")
    elif fault == "impossible_date":
        first17 = f"110199{number[6:10]}0230{number[14:17]}"
        row[1] = first17 + idnumber.check_digit(first17)
        row[3] = ""
    elif fault == "sex_mismatch":
        row[2] = "女" if row[2] == "男" else "男"
    elif fault == "duplicate":
        row = list(rng.choice(earlier))
    elif fault == "unknown_category":
        row[9], row[10], row[11] = "退休干部", "", ""
    elif fault == "missing_grade":
        row[9], row[10], row[11] = "残疾军人", "", "因战"
    elif fault == "bad_phone":
        row[4] = "1380013800"
    return row
