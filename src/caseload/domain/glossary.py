"""What every code and abbreviation Caseload shows means: the census code sets (DOMAIN.md
section 4), the Standard Safeguarding Dataset's reasons for a change of worker, case types and the
abbreviations used on pages. The glossary page lists them all, and every page lists the codes it
uses with their meaning (``codes_in``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from caseload.domain.codes import (
    AbsenceReason,
    CaseType,
    Ethnicity,
    ProceedingsKind,
    Role,
    WorkerChangeReason,
)


@dataclass(frozen=True)
class CodeSet:
    """One list of codes: its title, where it comes from and each code with its meaning."""

    key: str
    title: str
    source: str
    entries: tuple[tuple[str, str], ...]
    shown_bare: bool = True
    """True when pages may show the code itself (so each page must say what it means); False
    for values pages always replace by their meaning (the words come from ``meaning_of``)."""

    def meaning(self, code: object) -> str | None:
        wanted = str(code.value if hasattr(code, "value") else code)
        return next((text for key, text in self.entries if key == wanted), None)


ABBREVIATIONS = CodeSet(
    "abbreviations",
    "Abbreviations",
    "Used on Caseload's pages",
    (
        (
            "ASYE",
            "Assessed and Supported Year in Employment: a newly qualified social worker's "
            "first year, with a protected caseload",
        ),
        ("CIN", "child in need (section 17 of the Children Act 1989)"),
        ("CP", "child protection (a child protection plan)"),
        ("CLA", "child looked after by the council (in care)"),
        ("PLO", "Public Law Outline: pre-proceedings before a care application"),
        ("FTE", "full-time equivalent: 1.0 is one person working full time"),
        ("SWE", "Social Work England, the regulator that registers social workers"),
        ("DfE", "Department for Education"),
        ("CSWW", "the DfE's children's social work workforce census"),
        ("SSD", "the Standard Safeguarding Dataset of children's social care records"),
        ("HR", "human resources (the council's personnel records)"),
        ("MASH", "multi-agency safeguarding hub: the front door for referrals"),
        ("RAG", "red, amber, green: a rating against a target"),
    ),
)

WORKER_CHANGE_REASONS = CodeSet(
    "worker_change_reasons",
    "Why a child's worker changed",
    "Standard Safeguarding Dataset (involvements: reason for a change of worker)",
    (
        (WorkerChangeReason.MANAGE.value, "management decision"),
        (WorkerChangeReason.FCONTA.value, "family's request"),
        (WorkerChangeReason.LEFTRL.value, "the worker left the role"),
        (WorkerChangeReason.ORGRST.value, "organisational restructure"),
        (WorkerChangeReason.TSPROC.value, "transfer between teams at a step of the process"),
        (WorkerChangeReason.ABSENC.value, "cover for the worker's absence"),
        (WorkerChangeReason.CHCHAN.value, "the child's circumstances changed"),
        (WorkerChangeReason.PCCHAN.value, "the child's placement changed"),
        (WorkerChangeReason.SWDIED.value, "the worker died"),
        (WorkerChangeReason.OTHERS.value, "another reason"),
    ),
)

ABSENCE_REASONS = CodeSet(
    "absence_reasons",
    "Reasons for absence",
    "DfE CSWW census, ReasonAbsence",
    (
        (AbsenceReason.MAT.value, "maternity, paternity or adoption leave"),
        (AbsenceReason.OTH.value, "other paid authorised absence"),
        (AbsenceReason.PUB.value, "public duties"),
        (AbsenceReason.SIC.value, "sickness"),
        (AbsenceReason.TRN.value, "training"),
        (AbsenceReason.UNA.value, "unauthorised absence"),
        (AbsenceReason.UNP.value, "unpaid authorised absence"),
    ),
)

ETHNICITY = CodeSet(
    "ethnicity",
    "Ethnicity",
    "DfE CSWW census, Ethnicity",
    (
        (Ethnicity.WBRI.value, "White British"),
        (Ethnicity.WIRI.value, "White Irish"),
        (Ethnicity.WOTH.value, "any other White background"),
        (Ethnicity.MWBC.value, "White and Black Caribbean"),
        (Ethnicity.MWBA.value, "White and Black African"),
        (Ethnicity.MWAS.value, "White and Asian"),
        (Ethnicity.MOTH.value, "any other mixed background"),
        (Ethnicity.AIND.value, "Indian"),
        (Ethnicity.APKN.value, "Pakistani"),
        (Ethnicity.ABAN.value, "Bangladeshi"),
        (Ethnicity.AOTH.value, "any other Asian background"),
        (Ethnicity.BCRB.value, "Black Caribbean"),
        (Ethnicity.BAFR.value, "Black African"),
        (Ethnicity.BOTH.value, "any other Black background"),
        (Ethnicity.CHNE.value, "Chinese"),
        (Ethnicity.OOTH.value, "any other ethnic group"),
        (Ethnicity.REFU.value, "refused"),
        (Ethnicity.NOBT.value, "not yet obtained"),
    ),
)

CENSUS_SYMBOLS = CodeSet(
    "census_symbols",
    "Symbols in published figures",
    "DfE statistics: symbols used in published tables",
    (
        ("z", "not applicable"),
        ("x", "not available"),
        ("c", "hidden to protect confidentiality (a small number)"),
        ("low", "rounds to zero"),
        ("u", "low reliability"),
    ),
    shown_bare=False,
)

CASE_TYPES = CodeSet(
    "case_types",
    "Types of case",
    "A child's status on a day (Caseload)",
    (
        (CaseType.ASSESSMENT.value, "assessment"),
        (CaseType.CHILD_IN_NEED.value, "child in need (CIN)"),
        (CaseType.CHILD_PROTECTION.value, "child protection (CP)"),
        (CaseType.LOOKED_AFTER.value, "child looked after (CLA)"),
        (CaseType.CARE_LEAVER.value, "care leaver"),
    ),
    shown_bare=False,
)

PROCEEDINGS = CodeSet(
    "proceedings",
    "Court work",
    "Caseload",
    (
        (ProceedingsKind.PRE_PROCEEDINGS.value, "pre-proceedings (PLO)"),
        (ProceedingsKind.CARE_PROCEEDINGS.value, "care proceedings"),
    ),
    shown_bare=False,
)

ROLES = CodeSet(
    "roles",
    "Job roles",
    "Caseload; the census OrgRole in brackets where the role is in the census",
    tuple(
        (role.value, role.label + (f" (OrgRole {role.org_role})" if role.org_role else ""))
        for role in Role
    ),
    shown_bare=False,
)

CODE_SETS: tuple[CodeSet, ...] = (
    ABBREVIATIONS,
    CASE_TYPES,
    PROCEEDINGS,
    ROLES,
    WORKER_CHANGE_REASONS,
    ABSENCE_REASONS,
    ETHNICITY,
    CENSUS_SYMBOLS,
)


def meaning_of(key: str, code: object) -> str:
    """The meaning of ``code`` in the code set ``key`` (the code itself when it is not known)."""
    found = next(s for s in CODE_SETS if s.key == key).meaning(code)
    return found if found is not None else str(code)


def with_meaning(key: str, code: object) -> str:
    """``LEFTRL (the worker left the role)``: a code as pages show it."""
    text = str(code.value if hasattr(code, "value") else code)
    found = next(s for s in CODE_SETS if s.key == key).meaning(text)
    return f"{text} ({found})" if found else text


_BARE = {code: text for s in CODE_SETS if s.shown_bare for code, text in s.entries}
_PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(map(re.escape, _BARE), key=len, reverse=True)) + r")(?![\w-])"
)


def codes_in(texts: Iterable[str]) -> list[tuple[str, str]]:
    """The codes and abbreviations that appear (as whole words) in ``texts``, with their
    meaning, in the glossary's order."""
    seen = {match for text in texts for match in _PATTERN.findall(text)}
    return [(code, text) for code, text in _BARE.items() if code in seen]
