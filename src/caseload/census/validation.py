"""The CSWW return's own rules, checked on census records before an export and after an import.

Two tables describe the items: ``CODE_SETS`` (coded items and their codes) and ``NUMBERS`` (numeric
items, their decimal places and bounds); ``TEXTS`` gives the longest text items. The schema
``reference/csww_return.xsd`` uses the same code sets and bounds (the tests compare them), so a
return that passes these rules also passes the schema.

The rules themselves are rows of ``worker_rules(census_year)``: an item, a Polars expression that
is true for the records breaking the rule, a message (what is wrong and what to do) and a severity.
Errors stop an export; warnings are reported and the file is still written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

import polars as pl

from caseload.domain import (
    AbsenceReason,
    Ethnicity,
    Gender,
    LeaverDestination,
    QualLevel,
    ReasonLeave,
    StartOrigin,
)
from caseload.domain.census_records import WORKER_ITEMS, conform_records, conform_vacancies
from caseload.domain.dates import census_year_bounds, reference_date


def _codes(values: Sequence[object]) -> tuple[str, ...]:
    return tuple(str(getattr(value, "value", value)) for value in values)


YES_NO = ("0", "1")

# Coded items and their codes, as written in the return.
CODE_SETS: dict[str, tuple[str, ...]] = {
    "AgencyWorker": YES_NO,
    "GenderCurrent": _codes(list(Gender)),
    "Ethnicity": _codes(list(Ethnicity)),
    "QualLevel": _codes(list(QualLevel)),
    "StepUpGrad": YES_NO,
    "OrgRole": _codes(range(1, 7)),
    "StartOrigin": _codes(list(StartOrigin)),
    "LeaverDestination": _codes(list(LeaverDestination)),
    "ReasonLeave": _codes(list(ReasonLeave)),
    "FrontlineGrad": YES_NO,
    "Absat30Sept": YES_NO,
    "ReasonAbsence": _codes(list(AbsenceReason)),
    "CFKSSstatus": _codes(range(1, 5)),
}


@dataclass(frozen=True)
class NumberFormat:
    """A numeric item: written with ``places`` decimal places (0: a whole number), ``low`` to
    ``high`` inclusive."""

    places: int
    low: float
    high: float
    hint: str

    def describe(self) -> str:
        kind = "a whole number" if self.places == 0 else "a number"
        places = "" if self.places == 0 else f" with at most {self.places} decimal places"
        return f"{kind} {self.bounds()}{places}"

    def bounds(self) -> str:
        return f"from {plain(self.low)} to {plain(self.high)}"

    def outside(self) -> str:
        return f"is outside {plain(self.low)} to {plain(self.high)}; give {self.hint}"


def plain(value: float) -> str:
    """A number without exponent or trailing zeros: 99999.99, 366, 0.5."""
    return format(Decimal(repr(float(value))).normalize(), "f")


NUMBERS: dict[str, NumberFormat] = {
    "FTE": NumberFormat(6, 0, 1, "the worker's full-time equivalent, e.g. 0.5"),
    "FTE30": NumberFormat(6, 0, 1, "the full-time equivalent on 30 September, e.g. 0.5"),
    "Cases30": NumberFormat(0, 0, 9999, "the number of cases held on 30 September"),
    "WorkingDaysLost": NumberFormat(2, 0, 366, "sickness working days lost in the year"),
    "ContractWeeks": NumberFormat(1, 0, 9999.9, "the agency contract's length in weeks"),
    "NumberOfVacancies": NumberFormat(2, 0, 99999.99, "the vacant FTE on 30 September"),
    "NoAgencyFTE": NumberFormat(2, 0, 99999.99, "the FTE of agency workers covering vacancies"),
    "NoAgencyHeadcount": NumberFormat(0, 0, 99999, "the agency workers covering vacancies"),
}

# Text items and their longest length.
TEXTS: dict[str, int] = {"SWENo": 20, "QualInst": 200}
SWE_PATTERN = r"^[A-Za-z]{2}[0-9]{1,18}$"
SWE_HINT = "write two letters then digits, e.g. SW123456"
# How many other workers a shared SWE number's warning names (the rest are counted).
SHOWN_OTHERS = 5
DATES = ("PersonBirthDate", "RoleStartDate", "RoleEndDate")
VACANCY_ITEMS = ("NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount")

# What own staff must carry (items other than the qualification, which needs one of two).
OWN_STAFF_ITEMS: dict[str, str] = {
    "PersonBirthDate": "a date of birth",
    "GenderCurrent": "a gender code",
    "Ethnicity": "an ethnicity code",
    "OrgRole": "a role code",
    "RoleStartDate": "the date they started in the role",
    "StartOrigin": "where they came from",
}
LEAVER_ITEMS: dict[str, str] = {
    "ReasonLeave": "why they left",
    "LeaverDestination": "where they went",
}


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One broken rule. ``worker`` is the record's position in the return (from 1), or ``None``
    for the header and council-level items, which ``part`` names."""

    severity: Severity
    item: str
    message: str
    value: str | None = None
    worker: int | None = None
    swe_no: str | None = None
    part: str = "CSWWWorker"

    def where(self) -> str:
        if self.worker is not None:
            who = f"SWENo {self.swe_no}" if self.swe_no else "no SWENo"
            return f"worker {self.worker} ({who})"
        return self.part

    def describe(self) -> str:
        """One line: where, item, value and message."""
        said = self.message if self.value is None else f"value {quote(self.value)} {self.message}"
        return f"{self.where()}, item {self.item}: {said}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "worker": self.worker,
            "swe_no": self.swe_no,
            "part": self.part,
            "item": self.item,
            "value": self.value,
            "problem": self.message,
            "severity": self.severity.value,
        }


def quote(value: str, limit: int = 40) -> str:
    """A value for a message: whitespace collapsed, long values cut, in single quotes."""
    text = " ".join(value.split()) if value.strip() else value
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"'{text}'"


@dataclass(frozen=True)
class Rule:
    """``fails`` is true for the records that break the rule. ``message`` is text or a Polars
    expression (to name other items' values); ``item`` is shown with the record's value of it
    unless ``show_value`` is off."""

    item: str
    fails: pl.Expr
    message: str | pl.Expr
    severity: Severity = Severity.ERROR
    show_value: bool = True


def _missing(item: str) -> pl.Expr:
    return pl.col(item).is_null()


def _given(item: str) -> pl.Expr:
    return pl.col(item).is_not_null()


def not_a_code(item: str) -> str:
    """The message for a value outside an item's code set."""
    return f"is not a code of {item}; use one of {', '.join(CODE_SETS[item])}"


def _code_rules() -> list[Rule]:
    return [
        Rule(item, _given(item) & ~pl.col(item).cast(pl.Utf8).is_in(codes), not_a_code(item))
        for item, codes in CODE_SETS.items()
    ]


def _number_rules() -> list[Rule]:
    rules: list[Rule] = []
    for item, number in NUMBERS.items():
        if item not in WORKER_ITEMS:
            continue
        rules.append(
            Rule(
                item,
                _given(item) & ~pl.col(item).is_between(number.low, number.high),
                number.outside(),
            )
        )
    for item in ("FTE", "FTE30"):
        scaled = pl.col(item) * 1_000_000
        rules.append(
            Rule(
                item,
                _given(item) & ((scaled - scaled.round(0)).abs() > 1e-6),
                "has more than 6 decimal places; round it to 6",
            )
        )
    return rules


def _text_rules() -> list[Rule]:
    rules = [
        Rule(
            item,
            _given(item) & (pl.col(item).str.len_chars() > longest),
            f"is longer than {longest} characters; shorten it",
        )
        for item, longest in TEXTS.items()
    ]
    rules.append(
        Rule(
            "SWENo",
            _given("SWENo") & ~pl.col("SWENo").str.contains(SWE_PATTERN),
            f"is not a Social Work England number; {SWE_HINT}",
        )
    )
    return rules


def _completeness_rules() -> list[Rule]:
    own = pl.col("AgencyWorker") == 0
    own_leaver = own & _given("RoleEndDate")
    rules = [
        Rule(
            "AgencyWorker", _missing("AgencyWorker"), "is missing; give 0 (own staff) or 1 (agency)"
        ),
        Rule(
            "SWENo",
            _missing("SWENo"),
            "is missing; every social worker in the return needs their Social Work England number",
        ),
    ]
    rules += [
        Rule(
            item, own & _missing(item), f"is missing; own staff (AgencyWorker 0) must carry {what}"
        )
        for item, what in OWN_STAFF_ITEMS.items()
    ]
    rules.append(
        Rule(
            "QualInst/QualLevel",
            own & _missing("QualInst") & _missing("QualLevel"),
            "are both missing; own staff (AgencyWorker 0) must carry the qualifying institution, "
            "the qualification level or both",
            show_value=False,
        )
    )
    rules += [
        Rule(
            item,
            own_leaver & _missing(item),
            f"is missing; own staff with a RoleEndDate (leavers) must carry {what}",
        )
        for item, what in LEAVER_ITEMS.items()
    ]
    rules += [
        Rule(
            item,
            _given(item) & _missing("RoleEndDate"),
            "is given but RoleEndDate is empty; leave it out for workers still in post, or add "
            "the leaving date",
            Severity.WARNING,
        )
        for item in LEAVER_ITEMS
    ]
    rules.append(
        Rule(
            "FTE30",
            _given("AgencyWorker") & _missing("RoleEndDate") & _missing("FTE30"),
            "is missing; a worker in post on 30 September (no RoleEndDate) should carry FTE30, "
            "or they are left out of the FTE counts",
            Severity.WARNING,
        )
    )
    return rules


def _date_rules(census_year: int) -> list[Rule]:
    first, last = census_year_bounds(census_year)
    oldest = date(census_year - 81, 10, 1)  # aged 80 on the reference date
    youngest = date(census_year - 16, 9, 30)  # aged 16 on the reference date
    day = reference_date(census_year)
    return [
        Rule(
            "PersonBirthDate",
            _given("PersonBirthDate") & ~pl.col("PersonBirthDate").is_between(oldest, youngest),
            f"gives an age outside 16 to 80 on {day.isoformat()}; check the date of birth",
        ),
        Rule(
            "RoleStartDate",
            _given("RoleStartDate") & (pl.col("RoleStartDate") > day),
            f"is after the reference date {day.isoformat()}; a record in the {census_year} return "
            "starts on or before it",
        ),
        Rule(
            "RoleEndDate",
            _given("RoleEndDate") & ~pl.col("RoleEndDate").is_between(first, last),
            f"is outside census year {census_year} ({first.isoformat()} to {last.isoformat()}); "
            "leave it out for workers still in post on the reference date",
        ),
        Rule(
            "RoleEndDate",
            pl.col("RoleEndDate") < pl.col("RoleStartDate"),
            pl.format(
                "is before RoleStartDate {}; correct one of the dates",
                pl.col("RoleStartDate").dt.to_string("%Y-%m-%d"),
            ),
        ),
    ]


def _absence_rules() -> list[Rule]:
    return [
        Rule(
            "ReasonAbsence",
            (pl.col("Absat30Sept") == 1) & _missing("ReasonAbsence"),
            "is missing; a worker absent on 30 September (Absat30Sept 1) needs the reason",
        ),
        Rule(
            "ReasonAbsence",
            _given("ReasonAbsence") & (pl.col("Absat30Sept").fill_null(0) != 1),
            "is given but Absat30Sept is not 1; set Absat30Sept to 1 or leave the reason out",
            Severity.WARNING,
        ),
    ]


def worker_rules(census_year: int) -> list[Rule]:
    """Every rule on worker records, in the order problems are listed."""
    return (
        _completeness_rules()
        + _code_rules()
        + _number_rules()
        + _text_rules()
        + _date_rules(census_year)
        + _absence_rules()
    )


def _rule_problems(numbered: pl.DataFrame, rule: Rule) -> list[Problem]:
    value = pl.col(rule.item).cast(pl.Utf8) if rule.show_value else pl.lit(None, pl.Utf8)
    message = rule.message if isinstance(rule.message, pl.Expr) else pl.lit(rule.message)
    hits = numbered.filter(rule.fails.fill_null(False)).select(
        "worker", "SWENo", value.alias("value"), message.alias("message")
    )
    return [
        Problem(
            rule.severity,
            rule.item,
            row["message"],
            value=row["value"],
            worker=row["worker"],
            swe_no=row["SWENo"],
        )
        for row in hits.iter_rows(named=True)
    ]


def _duplicate_numbers(numbered: pl.DataFrame) -> list[Problem]:
    """A warning on each worker whose SWE number another worker also gives, naming at most
    :data:`SHOWN_OTHERS` of the others. Found by grouping the numbers (time and memory grow with
    the number of workers, not its square: a crafted return of thousands of workers sharing one
    number must not exhaust memory)."""
    shared = (
        numbered.filter(_given("SWENo"))
        .group_by("SWENo")
        .agg(pl.col("worker").sort())
        .filter(pl.col("worker").list.len() > 1)
    )
    problems: list[Problem] = []
    for number, workers in shared.iter_rows():
        for worker in workers:
            problems.append(
                Problem(
                    Severity.WARNING,
                    "SWENo",
                    f"is also on worker {_others(workers, worker)}; check these are separate "
                    "employments (e.g. a leaver who came back) and not a duplicated record",
                    value=number,
                    worker=worker,
                    swe_no=number,
                )
            )
    problems.sort(key=lambda p: p.worker or 0)
    return problems


def _others(workers: Sequence[int], worker: int) -> str:
    """'3', '2, 3, 4, 5, 6' or '2, 3, 4, 5, 6 and 1,994 more': the workers other than ``worker``."""
    others = [other for other in workers[: SHOWN_OTHERS + 1] if other != worker][:SHOWN_OTHERS]
    more = len(workers) - 1 - len(others)
    listed = ", ".join(str(other) for other in others)
    return f"{listed} and {more:,} more" if more else listed


def _vacancy_problems(vacancies: pl.DataFrame, census_year: int) -> list[Problem]:
    rows = conform_vacancies(vacancies).filter(
        pl.col("Year").is_null() | (pl.col("Year") == census_year)
    )
    part = "LALevelVacancies"
    if rows.height == 0:
        rows = conform_vacancies(pl.DataFrame({"LEA": [None]}, schema={"LEA": pl.Utf8}))
    problems: list[Problem] = []
    for row in rows.iter_rows(named=True):
        for item in VACANCY_ITEMS:
            number = NUMBERS[item]
            value = row[item]
            if value is None:
                message = f"is missing; give {number.hint} (0 if none)"
                problems.append(Problem(Severity.ERROR, item, message, part=part))
            elif not number.low <= value <= number.high:
                message = number.outside()
                problems.append(Problem(Severity.ERROR, item, message, str(value), part=part))
        cover, vacant = row["NoAgencyFTE"], row["NumberOfVacancies"]
        if cover is not None and vacant is not None and cover > vacant:
            problems.append(
                Problem(
                    Severity.WARNING,
                    "NoAgencyFTE",
                    f"is more than NumberOfVacancies ({plain(vacant)}); count only agency workers "
                    "covering vacant posts",
                    str(cover),
                    part=part,
                )
            )
    return problems


def validate_return(
    records: pl.DataFrame, vacancies: pl.DataFrame, *, census_year: int
) -> list[Problem]:
    """Every problem with a return's records (in record shape, in the return's order) and its
    council-level vacancies: worker problems by position (errors first, in rule order), then the
    council-level ones."""
    numbered = conform_records(records).with_row_index("worker", offset=1)
    numbered = numbered.with_columns(pl.col("worker").cast(pl.Int64))
    problems: list[Problem] = []
    if numbered.height == 0:
        problems.append(
            Problem(
                Severity.ERROR,
                "CSWWWorker",
                "the return has no worker records; a return lists every social worker",
                part="Message",
            )
        )
    for rule in worker_rules(census_year):
        problems += _rule_problems(numbered, rule)
    problems += _duplicate_numbers(numbered)
    problems.sort(key=lambda p: (p.worker or 0, p.severity != Severity.ERROR))
    return problems + _vacancy_problems(vacancies, census_year)


def errors_in(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def warnings_in(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.WARNING]
