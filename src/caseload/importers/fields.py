"""The fields a column mapping can fill, per kind of source, with how each is read.

A field of kind ``code`` takes its value through the mapping's value map (``values:``) or, when the
source already uses Caseload's code, as it stands (case and spaces ignored); a code field with
``words`` also takes the usual words for its codes (:mod:`caseload.importers.practice_words`). A
field of kind ``grade`` is a case file audit grade, in the usual words only (no value map)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from caseload.domain import (
    AbsenceReason,
    ContractType,
    Ethnicity,
    Role,
    SpellEndReason,
)
from caseload.domain.learning_records import APPLICATION_OUTCOMES, ASYE_OUTCOMES, JUDGEMENTS
from caseload.domain.practice_records import SUPERVISION_KINDS
from caseload.domain.training_records import (
    PLACEMENT_OUTCOMES,
    PLACEMENT_RECORDS,
    ROUTE_LEARNER_KIND,
)
from caseload.importers.practice_words import KIND_KEYS, word_key


class FieldKind(str, Enum):
    TEXT = "text"
    ID = "id"  # an identifier: spaces removed, upper case (SWE numbers)
    DATE = "date"
    NUMBER = "number"
    FTE = "fte"
    BOOL = "bool"
    CODE = "code"
    GRADE = "grade"  # a case file audit grade, in the usual words


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    help: str
    codes: tuple[str, ...] = ()
    integer_codes: bool = False
    sensitive: bool = False  # never echoed in problems or reports
    words: tuple[tuple[str, str], ...] = ()  # (word key, code): the usual words for the codes


def _codes(values: range | tuple[int, ...]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


ROLE_CODES = tuple(role.value for role in Role)
CONTRACT_CODES = tuple(contract.value for contract in ContractType)
LADDER_CODES = (
    Role.SOCIAL_WORKER.value,
    Role.SENIOR_SOCIAL_WORKER.value,
    Role.ADVANCED_PRACTITIONER.value,
    Role.TEAM_MANAGER.value,
)

HR_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("staff_number", FieldKind.TEXT, "the HR staff (employee) number"),
        FieldSpec("swe_number", FieldKind.ID, "Social Work England registration number"),
        FieldSpec("first_name", FieldKind.TEXT, "first name", sensitive=True),
        FieldSpec("last_name", FieldKind.TEXT, "last name", sensitive=True),
        FieldSpec("birth_date", FieldKind.DATE, "date of birth", sensitive=True),
        FieldSpec(
            "gender", FieldKind.CODE, "census gender 0, 1, 2 or 9", _codes((0, 1, 2, 9)), True
        ),
        FieldSpec(
            "ethnicity", FieldKind.CODE, "census ethnicity code", tuple(e.value for e in Ethnicity)
        ),
        FieldSpec("qualification_date", FieldKind.DATE, "date of social work qualification"),
        FieldSpec(
            "qualification_level", FieldKind.CODE, "census QualLevel 1-3", _codes(range(1, 4)), True
        ),
        FieldSpec("qualification_institution", FieldKind.TEXT, "census QualInst"),
        FieldSpec("step_up", FieldKind.BOOL, "Step Up to Social Work graduate"),
        FieldSpec("frontline", FieldKind.BOOL, "Frontline graduate"),
        FieldSpec("case_system_id", FieldKind.TEXT, "the worker's id in the case system"),
        FieldSpec("assignment", FieldKind.TEXT, "assignment or position id (one per post held)"),
        FieldSpec("post", FieldKind.TEXT, "post (position) reference in the establishment"),
        FieldSpec("post_fte", FieldKind.FTE, "funded FTE of the post"),
        FieldSpec("post_role", FieldKind.CODE, "the post's role (value map: role)", ROLE_CODES),
        FieldSpec("post_start", FieldKind.DATE, "first day the post is funded"),
        FieldSpec("post_end", FieldKind.DATE, "last day the post is funded"),
        FieldSpec("team", FieldKind.TEXT, "team (organisation unit) name"),
        FieldSpec("service_area", FieldKind.TEXT, "the team's parent service area"),
        FieldSpec("role", FieldKind.CODE, "job role, usually from grade or job title", ROLE_CODES),
        FieldSpec("fte", FieldKind.FTE, "contracted FTE, 0 to 1"),
        FieldSpec("hours", FieldKind.NUMBER, "contracted weekly hours (when there is no FTE)"),
        FieldSpec("standard_hours", FieldKind.NUMBER, "full-time weekly hours for the grade"),
        FieldSpec("contract", FieldKind.CODE, "own staff or agency", CONTRACT_CODES),
        FieldSpec("start_date", FieldKind.DATE, "first day of the assignment"),
        FieldSpec("end_date", FieldKind.DATE, "last day of the assignment"),
        FieldSpec(
            "end_reason",
            FieldKind.CODE,
            "why the assignment ended",
            tuple(r.value for r in SpellEndReason),
        ),
        FieldSpec(
            "reason_leave", FieldKind.CODE, "census ReasonLeave 1-10", _codes(range(1, 11)), True
        ),
        FieldSpec(
            "leaver_destination",
            FieldKind.CODE,
            "census LeaverDestination 1-9",
            _codes(range(1, 10)),
            True,
        ),
        FieldSpec(
            "start_origin", FieldKind.CODE, "census StartOrigin 1-10", _codes(range(1, 11)), True
        ),
        FieldSpec("agency_contract_weeks", FieldKind.NUMBER, "agency contract length in weeks"),
    )
}

ABSENCE_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("staff_number", FieldKind.TEXT, "the HR staff (employee) number"),
        FieldSpec("absence_id", FieldKind.TEXT, "the absence episode's id in the HR system"),
        FieldSpec("start_date", FieldKind.DATE, "first day of absence"),
        FieldSpec("end_date", FieldKind.DATE, "last day of absence (blank while absent)"),
        FieldSpec(
            "reason", FieldKind.CODE, "census ReasonAbsence", tuple(r.value for r in AbsenceReason)
        ),
        FieldSpec("working_days_lost", FieldKind.NUMBER, "working days lost"),
    )
}

SUPERVISION_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("staff_number", FieldKind.TEXT, "the supervised worker's HR staff number"),
        FieldSpec("supervisor_staff_number", FieldKind.TEXT, "the supervisor's HR staff number"),
        FieldSpec("supervision_date", FieldKind.DATE, "the day of the supervision"),
        FieldSpec(
            "kind",
            FieldKind.CODE,
            "type: formal, group, reflective or ad hoc",
            SUPERVISION_KINDS,
            words=tuple(KIND_KEYS.items()),
        ),
        FieldSpec("duration_minutes", FieldKind.NUMBER, "how long it lasted, in minutes"),
        FieldSpec("supervision_id", FieldKind.TEXT, "the record's id in the source system"),
    )
}

AUDIT_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("audit_id", FieldKind.TEXT, "the audit's id in the source system"),
        FieldSpec("child_ref", FieldKind.TEXT, "the child's reference in the case system"),
        FieldSpec(
            "staff_number",
            FieldKind.TEXT,
            "the audited worker's staff number (blank: the child's allocated worker that day)",
        ),
        FieldSpec("auditor", FieldKind.TEXT, "who audited the case file", sensitive=True),
        FieldSpec("audit_date", FieldKind.DATE, "the day of the audit"),
        FieldSpec("instrument", FieldKind.TEXT, "the audit instrument (tool) used"),
        FieldSpec("overall_grade", FieldKind.GRADE, "the overall grade"),
        FieldSpec("moderated_grade", FieldKind.GRADE, "the grade after moderation"),
        FieldSpec("moderator", FieldKind.TEXT, "who moderated the audit", sensitive=True),
        FieldSpec("themes", FieldKind.TEXT, "learning themes, separated by ';'"),
    )
}
AGENCY_JOB_WORDS: dict[str, tuple[str, ...]] = {
    "social_worker": ("social worker", "sw"),
    "senior_social_worker": ("senior social worker", "senior sw"),
    "advanced_practitioner": ("advanced practitioner", "ap", "assistant team manager"),
    "team_manager": ("team manager", "tm"),
    "iro_or_chair": ("independent reviewing officer", "iro", "conference chair", "cp chair"),
}
AGENCY_EXEMPTION_WORDS: dict[str, tuple[str, ...]] = {
    "redundancy": ("redundant", "made redundant"),
    "probation": ("left in probation", "probationary period"),
    "permanent_role": ("moving to a permanent role", "permanent"),
    "different_region": ("other region", "another region"),
}


def _words(words: dict[str, tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (word_key(word), code) for code, spelled in words.items() for word in (code, *spelled)
    )


AGENCY_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("engagement_id", FieldKind.TEXT, "the engagement's id in the source system"),
        FieldSpec("staff_number", FieldKind.TEXT, "the agency worker's staff number in Caseload"),
        FieldSpec("agency", FieldKind.TEXT, "the agency supplying the worker"),
        FieldSpec(
            "job_type",
            FieldKind.CODE,
            "DfE core job type: social worker, senior social worker, advanced practitioner, "
            "team manager, independent reviewing officer or conference chair",
            tuple(AGENCY_JOB_WORDS),
            words=_words(AGENCY_JOB_WORDS),
        ),
        FieldSpec("start_date", FieldKind.DATE, "first day of the engagement"),
        FieldSpec("end_date", FieldKind.DATE, "last day of the engagement (blank while engaged)"),
        FieldSpec("pay_rate", FieldKind.NUMBER, "the worker's hourly pay rate, pounds"),
        FieldSpec(
            "on_costs",
            FieldKind.NUMBER,
            "employer national insurance and apprenticeship levy per hour",
        ),
        FieldSpec("agency_fee", FieldKind.NUMBER, "the agency's fee per hour, pounds"),
        FieldSpec(
            "pqe_date",
            FieldKind.DATE,
            "first day of post-qualifying experience in child and family social work",
        ),
        FieldSpec(
            "pqe_years", FieldKind.NUMBER, "years of post-qualifying experience at the start"
        ),
        FieldSpec("pqe_evidence", FieldKind.TEXT, "how the experience was checked"),
        FieldSpec(
            "previous_council", FieldKind.TEXT, "3-digit code of the last substantive employer"
        ),
        FieldSpec("previous_region", FieldKind.TEXT, "region of the last substantive employer"),
        FieldSpec("previous_end_date", FieldKind.DATE, "last day of the last substantive role"),
        FieldSpec(
            "previous_exemption",
            FieldKind.CODE,
            "why the cooling-off period does not apply: redundancy, probation, permanent role, "
            "different region (blank when none)",
            tuple(AGENCY_EXEMPTION_WORDS),
            words=_words(AGENCY_EXEMPTION_WORDS),
        ),
        FieldSpec("notice_weeks", FieldKind.NUMBER, "the engagement's notice period in weeks"),
        FieldSpec("reference_practice_based", FieldKind.BOOL, "a practice-based reference (Y/N)"),
        FieldSpec("reference_date", FieldKind.DATE, "the day the reference was received"),
        FieldSpec("director_signoff_date", FieldKind.DATE, "the director's sign-off above the cap"),
        FieldSpec(
            "chief_executive_signoff_date",
            FieldKind.DATE,
            "the chief executive's sign-off above the cap",
        ),
        FieldSpec("project_team", FieldKind.BOOL, "part of a project team or packaged model (Y/N)"),
    )
}


ASYE_OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "pass": ("passed", "pass", "completed", "successful"),
    "extend": ("extend", "extended", "extension"),
    "fail": ("fail", "failed", "not passed", "unsuccessful"),
}
JUDGEMENT_WORDS: dict[str, tuple[str, ...]] = {
    "on_track": ("on track", "meeting", "meets", "good progress"),
    "concerns": ("concerns", "some concerns", "partially meeting", "partly meets"),
    "not_on_track": ("not on track", "not meeting", "does not meet", "serious concerns"),
}
APPLICATION_OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "approved": ("approved", "successful", "agreed", "progressed", "yes"),
    "refused": ("refused", "not approved", "unsuccessful", "declined", "no"),
    "withdrawn": ("withdrawn", "withdrew"),
}
LADDER_WORDS: dict[str, tuple[str, ...]] = {
    Role.SOCIAL_WORKER.value: ("social worker", "sw"),
    Role.SENIOR_SOCIAL_WORKER.value: ("senior social worker", "senior practitioner", "ssw"),
    Role.ADVANCED_PRACTITIONER.value: ("advanced practitioner", "ap"),
    Role.TEAM_MANAGER.value: ("team manager", "tm"),
}


def _review_fields(point: str, label: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"{point}_held", FieldKind.DATE, f"the day the {label} was held"),
        FieldSpec(
            f"{point}_judgement",
            FieldKind.CODE,
            f"the {label}'s judgement: on track, concerns or not on track",
            JUDGEMENTS,
            words=_words(JUDGEMENT_WORDS),
        ),
    )


ASYE_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("staff_number", FieldKind.TEXT, "the newly qualified worker's staff number"),
        FieldSpec("start_date", FieldKind.DATE, "the first day of the ASYE programme"),
        FieldSpec("assessor", FieldKind.TEXT, "the ASYE assessor"),
        FieldSpec("mentor", FieldKind.TEXT, "the mentor or practice educator"),
        FieldSpec(
            "outcome",
            FieldKind.CODE,
            "the outcome: pass, extend or fail (blank while none)",
            ASYE_OUTCOMES,
            words=_words(ASYE_OUTCOME_WORDS),
        ),
        FieldSpec("outcome_date", FieldKind.DATE, "the day of the outcome"),
        FieldSpec("extended_to", FieldKind.DATE, "the last day of an extension"),
        *_review_fields("review_3", "3-month review"),
        *_review_fields("review_6", "6-month review"),
        *_review_fields("review_12", "12-month review"),
        *_review_fields("extension_review", "extension's review"),
    )
}

PROGRESSION_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("staff_number", FieldKind.TEXT, "the applicant's staff number"),
        FieldSpec(
            "from_role",
            FieldKind.CODE,
            "the role held when applying",
            LADDER_CODES,
            words=_words(LADDER_WORDS),
        ),
        FieldSpec(
            "to_role",
            FieldKind.CODE,
            "the role applied for",
            LADDER_CODES,
            words=_words(LADDER_WORDS),
        ),
        FieldSpec("applied_date", FieldKind.DATE, "the day of the application"),
        FieldSpec("decided_date", FieldKind.DATE, "the day of the decision"),
        FieldSpec(
            "outcome",
            FieldKind.CODE,
            "approved, refused or withdrawn (blank while awaiting a decision)",
            APPLICATION_OUTCOMES,
            words=_words(APPLICATION_OUTCOME_WORDS),
        ),
        FieldSpec(
            "evidence_note",
            FieldKind.TEXT,
            "the evidence offered (no personal data beyond the worker)",
            sensitive=True,
        ),
    )
}

TRAINING_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("staff_number", FieldKind.TEXT, "the worker's HR staff number"),
        FieldSpec(
            "course", FieldKind.TEXT, "the course's code or title in the academy's catalogue"
        ),
        FieldSpec("completed_date", FieldKind.DATE, "the day the course was completed"),
        FieldSpec(
            "expiry_date",
            FieldKind.DATE,
            "the last day the training counts (blank: from the course's renewal period)",
        ),
        FieldSpec("training_id", FieldKind.TEXT, "the record's id in the source system"),
    )
}
PLACEMENT_RECORD_WORDS: dict[str, tuple[str, ...]] = {
    "placement": ("placement", "student placement", "learner placement"),
    "educator": ("educator", "practice educator", "pe"),
    "conversion": ("conversion", "asye conversion", "converted", "asye post"),
}
ROUTE_WORDS: dict[str, tuple[str, ...]] = {
    "university": ("university", "degree", "ba", "ma", "msc", "university degree", "student"),
    "step_up": ("step up", "step up to social work", "stepup"),
    "frontline": ("frontline", "frontline programme"),
    "apprentice": (
        "apprentice",
        "apprenticeship",
        "degree apprenticeship",
        "social work apprenticeship",
    ),
}
PLACEMENT_OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "passed": ("pass", "passed", "completed", "successful"),
    "failed": ("fail", "failed", "not passed", "unsuccessful"),
    "withdrawn": ("withdrawn", "withdrew", "left the programme"),
}

PLACEMENT_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec(
            "record",
            FieldKind.CODE,
            "what the row is: placement, educator (a practice educator) or conversion (a "
            "learner taking up an ASYE post)",
            PLACEMENT_RECORDS,
            words=_words(PLACEMENT_RECORD_WORDS),
        ),
        FieldSpec("placement_id", FieldKind.TEXT, "the placement's id in the source system"),
        FieldSpec(
            "learner_ref", FieldKind.TEXT, "the student's or apprentice's reference (not a name)"
        ),
        FieldSpec(
            "route",
            FieldKind.CODE,
            "the route into social work: university, Step Up, Frontline or apprentice",
            tuple(ROUTE_LEARNER_KIND),
            words=_words(ROUTE_WORDS),
        ),
        FieldSpec("programme", FieldKind.TEXT, "the university and programme"),
        FieldSpec("study_year", FieldKind.NUMBER, "the year of study, 1 to 4"),
        FieldSpec("team", FieldKind.TEXT, "the team the placement is in"),
        FieldSpec("educator", FieldKind.TEXT, "the practice educator's staff number"),
        FieldSpec("start_date", FieldKind.DATE, "the placement's first day"),
        FieldSpec("end_date", FieldKind.DATE, "the placement's last day"),
        FieldSpec(
            "outcome",
            FieldKind.CODE,
            "passed, failed or withdrawn (blank while the placement runs)",
            PLACEMENT_OUTCOMES,
            words=_words(PLACEMENT_OUTCOME_WORDS),
        ),
        FieldSpec(
            "staff_number",
            FieldKind.TEXT,
            "an educator row's practice educator, or a conversion row's newly qualified worker",
        ),
        FieldSpec("stage", FieldKind.NUMBER, "the practice educator's stage, 1 or 2"),
        FieldSpec("capacity", FieldKind.NUMBER, "the students the educator can take at once"),
        FieldSpec("accredited_date", FieldKind.DATE, "the day the educator was accredited"),
        FieldSpec("converted_date", FieldKind.DATE, "the first day of the learner's ASYE post"),
    )
}
DOMAIN_FIELD = "domain: "  # an audit mapping's domain columns are the fields "domain: NAME"

FIELDS_BY_KIND: dict[str, dict[str, FieldSpec]] = {
    "hr": HR_FIELDS,
    "absences": ABSENCE_FIELDS,
    "supervision": SUPERVISION_FIELDS,
    "audits": AUDIT_FIELDS,
    "asye": ASYE_FIELDS,
    "progression": PROGRESSION_FIELDS,
    "agency": AGENCY_FIELDS,
    "training": TRAINING_FIELDS,
    "placements": PLACEMENT_FIELDS,
}

# Fields a mapping must name (``fte`` may be replaced by ``hours``).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "hr": ("staff_number", "role", "start_date"),
    "absences": ("staff_number", "start_date", "reason"),
    "supervision": ("staff_number", "supervision_date", "kind"),
    "asye": ("staff_number", "start_date"),
    "progression": ("staff_number", "from_role", "to_role", "applied_date"),
    "audits": ("child_ref", "auditor", "audit_date", "overall_grade"),
    "agency": ("staff_number", "agency", "job_type", "start_date", "pay_rate"),
    "training": ("staff_number", "course", "completed_date"),
    "placements": ("record",),
}


def domain_field(domain: str) -> str:
    """The field an audit mapping's ``domains:`` entry fills."""
    return f"{DOMAIN_FIELD}{domain}"


def domain_spec(domain: str) -> FieldSpec:
    return FieldSpec(domain_field(domain), FieldKind.GRADE, f"the grade for {domain}")


# Value maps that may be given for a field whose source codes differ from Caseload's.
VALUE_MAP_FIELDS = {
    name: spec
    for fields in FIELDS_BY_KIND.values()
    for name, spec in fields.items()
    if spec.kind is FieldKind.CODE or spec.kind is FieldKind.BOOL
}
