"""What the analysts' Parquet export does with each table and column: its meaning, how it is
treated with names and without, and which rows a team manager's export keeps.

Every column of every exported table has a rule here; a column without one (a table changed
since) is left out of the files and named in the data dictionary as not described. Tables that
are not exported are listed with the reason (:data:`NOT_EXPORTED`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Handling(StrEnum):
    """What happens to a column's values."""

    KEEP = "keep"
    DROP = "drop"
    WORKER = "worker"
    """A worker's id, replaced by the worker's keyed pseudonym."""
    CHILD = "child"
    """A child's id, replaced by the child's keyed pseudonym."""
    FAMILY = "family"
    """A sibling group, replaced by the family's keyed pseudonym."""
    LEARNER = "learner"
    """A student's or apprentice's reference, replaced by a keyed pseudonym."""
    SWE_WORKER = "swe_worker"
    """A Social Work England number, replaced by the pseudonym of the worker who holds it."""
    WORKER_AGE = "worker_age"
    """A worker's birth date, replaced by their age band on the data date."""
    CHILD_AGE = "child_age"
    """A child's birth date, replaced by their age band on the data date."""
    YEAR = "year"
    """A date, replaced by its year."""
    ETHNIC_GROUP = "ethnic_group"
    """An ethnicity code, replaced by its broad group."""
    GENDER = "gender"
    """A census gender code, written as a word (so that small groups can show ``c``)."""
    HELD = "held"
    """A value, replaced by whether one is held."""


PSEUDONYMS = frozenset(
    {Handling.WORKER, Handling.CHILD, Handling.FAMILY, Handling.LEARNER, Handling.SWE_WORKER}
)
TREATMENTS = {
    Handling.KEEP: "kept",
    Handling.DROP: "dropped",
    Handling.WORKER_AGE: "banded",
    Handling.CHILD_AGE: "banded",
    Handling.YEAR: "banded",
    Handling.ETHNIC_GROUP: "banded",
    Handling.GENDER: "recoded as a word",
    Handling.HELD: "replaced by whether one is held",
    **dict.fromkeys(PSEUDONYMS, "pseudonymised"),
}


@dataclass(frozen=True)
class Rule:
    """A column's meaning and handling without names (``pseudonymised``) and with them
    (``named``); ``name`` is the column's name in the file when it is not kept as it is."""

    meaning: str
    pseudonymised: Handling = Handling.KEEP
    named: Handling = Handling.KEEP
    name: str | None = None
    why: str = ""

    def handling(self, pseudonymised: bool) -> Handling:
        return self.pseudonymised if pseudonymised else self.named

    def output_name(self, column: str, pseudonymised: bool) -> str:
        handling = self.handling(pseudonymised)
        if handling in (Handling.KEEP, Handling.DROP):
            return column
        if self.name is not None:
            return self.name
        if column.endswith("_id"):
            return column[: -len("_id")] + "_key"
        return column


@dataclass(frozen=True)
class Scope:
    """The rows a team manager's export keeps: those whose ``column`` is one of their workers,
    children or teams (``kind``), or refers to a kept row of ``parent``; with ``column`` None,
    every row (lists such as courses); ``whole_council`` tables are left out of it."""

    column: str | None = None
    kind: str | None = None
    parent: str | None = None
    whole_council: bool = False


@dataclass(frozen=True)
class TableRules:
    meaning: str
    scope: Scope
    columns: dict[str, Rule]
    suppress: tuple[str, ...] = ()
    """Columns (as written) whose small groups are suppressed when pseudonymised."""
    notes: tuple[str, ...] = field(default=())


# Shared wording.
ROW_ID = Rule("the row's id, unique in this table")
COUNCIL = Rule("the council (authority.id)")
START = Rule("first day (inclusive)")
END = Rule("last day (inclusive); empty while open")
SOURCE_ID = Rule(
    "the record's id in the source system",
    pseudonymised=Handling.DROP,
    why="it leads back to the record in the council's own systems",
)
WORKER_REF = Rule("the worker (worker.id)", pseudonymised=Handling.WORKER)
CHILD_REF = Rule("the child (child.id)", pseudonymised=Handling.CHILD)
TEAM_REF = Rule("the team (team.id)")
A_NAME = "a person's name"
FREE_TEXT = "free text, which can name or describe people"
SCOPE_WORKER = Scope("worker_id", "worker")
SCOPE_CHILD = Scope("child_id", "child")
SCOPE_TEAM = Scope("team_id", "team")
EVERY_ROW = Scope()


def worker_rules() -> dict[str, Rule]:
    drop = Handling.DROP
    return {
        "id": Rule(
            "the worker's id (without names: their keyed pseudonym)",
            pseudonymised=Handling.WORKER,
            name="worker_key",
        ),
        "authority_id": COUNCIL,
        "staff_number": Rule(
            "the council's staff number",
            pseudonymised=drop,
            why="it identifies the person (the pseudonym is keyed on it)",
        ),
        "swe_number": Rule(
            "Social Work England registration number (without names: whether one is held)",
            pseudonymised=Handling.HELD,
            name="has_swe_number",
        ),
        "first_name": Rule("first name", pseudonymised=drop, why=A_NAME),
        "last_name": Rule("last name", pseudonymised=drop, why=A_NAME),
        "birth_date": Rule(
            "age band on the data date (workers: under 25, 25-29, ... 60 and over)",
            pseudonymised=Handling.WORKER_AGE,
            named=Handling.WORKER_AGE,
            name="age_band",
        ),
        "gender": Rule(
            "census gender: 0 not known, 1 male, 2 female, 9 not specified (without names: "
            "the word)",
            pseudonymised=Handling.GENDER,
        ),
        "ethnicity": Rule(
            "census ethnicity code (without names: its broad group, White, Mixed, Asian, "
            "Black, Other or Not known)",
            pseudonymised=Handling.ETHNIC_GROUP,
            name="ethnic_group",
        ),
        "qualification_date": Rule(
            "day the social work qualification was awarded (without names: the year)",
            pseudonymised=Handling.YEAR,
            name="qualification_year",
        ),
        "qualification_level": Rule("census qualification level: 1 degree, 2 masters, 3 other"),
        "qualification_institution": Rule(
            "where the qualification was awarded",
            pseudonymised=drop,
            why="with the qualification year it can single a person out",
        ),
        "case_system_id": Rule(
            "the worker's id in the case management system (SSD professional id)",
            pseudonymised=drop,
            why="it leads back to the person in the case management system",
        ),
        "step_up": Rule("qualified through Step Up to Social Work"),
        "frontline": Rule("qualified through Frontline"),
    }


TABLES: dict[str, TableRules] = {
    "authority": TableRules(
        "the councils in the export",
        EVERY_ROW,
        {
            "id": ROW_ID,
            "code": Rule("DfE 3-digit local authority code"),
            "name": Rule("council name"),
            "region": Rule("region"),
            "data_as_at": Rule("the last day the day-to-day data covers (the data date)"),
        },
    ),
    "team": TableRules(
        "teams and service areas",
        Scope("id", "team"),
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "parent_id": Rule("the service area the team is in (team.id); empty for the top"),
            "name": Rule("team name"),
            "kind": Rule("team or service_area"),
            "external_id": Rule("the team's id in the source system"),
        },
    ),
    "team_management": TableRules(
        "who managed which team, dated",
        SCOPE_TEAM,
        {
            "id": ROW_ID,
            "team_id": TEAM_REF,
            "worker_id": Rule("the manager (worker.id)", pseudonymised=Handling.WORKER),
            "start_date": START,
            "end_date": END,
        },
    ),
    "post": TableRules(
        "the establishment: funded posts by team and role, dated",
        SCOPE_TEAM,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "team_id": TEAM_REF,
            "reference": Rule("the post's reference"),
            "role": Rule("job role of the post"),
            "funded_fte": Rule("funded full-time equivalent (0 to 1)"),
            "start_date": START,
            "end_date": END,
        },
    ),
    "worker": TableRules(
        "people who work or worked for the council, own staff or agency",
        Scope("id", "worker"),
        worker_rules(),
        suppress=("ethnic_group", "age_band", "gender"),
    ),
    "employment_spell": TableRules(
        "dated periods of one contract, role, FTE and team; any change ends a spell",
        SCOPE_WORKER,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "worker_id": WORKER_REF,
            "contract": Rule("own or agency"),
            "role": Rule("job role"),
            "fte": Rule("full-time equivalent (0 to 1)"),
            "team_id": TEAM_REF,
            "post_id": Rule("the post filled (post.id)"),
            "start_date": START,
            "end_date": END,
            "end_reason": Rule(
                "why the spell ended: left, role_change, fte_change, team_change, "
                "contract_ended (only left means leaving the council)"
            ),
            "start_origin": Rule("census code: where the person came from (own staff)"),
            "reason_leave": Rule("census code: why the person left"),
            "leaver_destination": Rule("census code: where the person went"),
            "agency_contract_weeks": Rule("agency contract length in weeks"),
            "external_id": SOURCE_ID,
        },
    ),
    "absence": TableRules(
        "absence episodes with their census reason",
        SCOPE_WORKER,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "worker_id": WORKER_REF,
            "start_date": START,
            "end_date": END,
            "reason": Rule("census absence reason code (SIC sickness, MAT, TRN, ...)"),
            "working_days_lost": Rule("working days lost"),
            "external_id": SOURCE_ID,
        },
    ),
    "child": TableRules(
        "children known to children's social care",
        Scope("id", "child"),
        {
            "id": Rule(
                "the child's id (without names: their keyed pseudonym)",
                pseudonymised=Handling.CHILD,
                name="child_key",
            ),
            "authority_id": COUNCIL,
            "child_ref": Rule(
                "the child's reference in the case management system",
                pseudonymised=Handling.DROP,
                why="it identifies the child (the pseudonym is keyed on it)",
            ),
            "birth_date": Rule(
                "age band on the data date (under 1, 1-4, 5-9, 10-15, 16-17, 18 and over)",
                pseudonymised=Handling.CHILD_AGE,
                named=Handling.CHILD_AGE,
                name="age_band",
            ),
            "sibling_group": Rule(
                "the child's sibling group (children of one family share it)",
                pseudonymised=Handling.FAMILY,
                name="sibling_group_key",
            ),
        },
        suppress=("age_band",),
    ),
    "referral": TableRules(
        "referrals to children's social care",
        SCOPE_CHILD,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "child_id": CHILD_REF,
            "referral_date": Rule("day of the referral"),
            "source": Rule("referral source code"),
            "led_to_assessment": Rule("whether an assessment followed"),
            "external_id": SOURCE_ID,
        },
    ),
    "child_status": TableRules(
        "dated episodes: assessment, cin, cp, cla (looked after), care_leaver",
        SCOPE_CHILD,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "child_id": CHILD_REF,
            "status": Rule("assessment, cin, cp, cla or care_leaver"),
            "start_date": START,
            "end_date": END,
            "external_id": SOURCE_ID,
        },
    ),
    "proceedings": TableRules(
        "pre-proceedings (PLO) and care proceedings, dated",
        SCOPE_CHILD,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "child_id": CHILD_REF,
            "kind": Rule("pre_proceedings or care_proceedings"),
            "start_date": START,
            "end_date": END,
        },
    ),
    "allocation": TableRules(
        "children allocated to workers, as allocated worker or co-worker, dated",
        SCOPE_CHILD,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "child_id": CHILD_REF,
            "worker_id": WORKER_REF,
            "role": Rule("allocated (one per child on any day) or co_worker"),
            "start_date": START,
            "end_date": END,
            "change_reason": Rule("SSD worker-change reason code that ended it"),
            "external_id": SOURCE_ID,
        },
    ),
    "visit": TableRules(
        "statutory visits to children under a plan",
        SCOPE_CHILD,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "child_id": CHILD_REF,
            "worker_id": Rule(
                "the worker who visited (worker.id); empty when not known",
                pseudonymised=Handling.WORKER,
            ),
            "case_type": Rule("the plan: cin, cp or cla"),
            "visit_date": Rule("day of the visit"),
            "seen": Rule("whether the child was seen"),
            "seen_alone": Rule("whether the child was seen alone"),
            "recorded_date": Rule("day the visit was written up; empty when not known"),
            "external_id": SOURCE_ID,
        },
    ),
    "review": TableRules(
        "child protection review conferences and looked-after child reviews",
        SCOPE_CHILD,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "child_id": CHILD_REF,
            "case_type": Rule("cp or cla"),
            "due_date": Rule("day the review was due"),
            "review_date": Rule("day it was held; empty while due"),
            "external_id": SOURCE_ID,
        },
    ),
    "supervision": TableRules(
        "supervision sessions",
        SCOPE_WORKER,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "worker_id": Rule("the worker supervised (worker.id)", pseudonymised=Handling.WORKER),
            "supervisor_id": Rule(
                "the supervisor (worker.id); empty when not in the council's records",
                pseudonymised=Handling.WORKER,
            ),
            "supervision_date": Rule("day of the session"),
            "kind": Rule("formal, group, reflective or ad_hoc"),
            "duration_minutes": Rule("length in minutes"),
            "external_id": SOURCE_ID,
        },
    ),
    "case_audit": TableRules(
        "case file audits of children's records",
        SCOPE_CHILD,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "child_id": CHILD_REF,
            "worker_id": Rule(
                "the child's worker at the time (worker.id)", pseudonymised=Handling.WORKER
            ),
            "auditor": Rule("who audited", pseudonymised=Handling.DROP, why=A_NAME),
            "audit_date": Rule("day of the audit"),
            "instrument": Rule("the audit instrument"),
            "overall_grade": Rule("outstanding, good, requires_improvement or inadequate"),
            "moderated_grade": Rule("the grade after moderation; empty when not moderated"),
            "moderator": Rule("who moderated", pseudonymised=Handling.DROP, why=A_NAME),
            "themes": Rule("learning themes, separated by ';'"),
            "external_id": SOURCE_ID,
        },
    ),
    "case_audit_grade": TableRules(
        "one domain's grade in a case file audit",
        Scope("audit_id", parent="case_audit"),
        {
            "id": ROW_ID,
            "audit_id": Rule("the audit (case_audit.id)"),
            "domain": Rule("the instrument's domain"),
            "grade": Rule("outstanding, good, requires_improvement or inadequate"),
        },
    ),
    "asye_programme": TableRules(
        "newly qualified workers' Assessed and Supported Year in Employment",
        SCOPE_WORKER,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "worker_id": WORKER_REF,
            "start_date": START,
            "assessor": Rule("the assessor", pseudonymised=Handling.DROP, why=A_NAME),
            "mentor": Rule(
                "the mentor or practice educator", pseudonymised=Handling.DROP, why=A_NAME
            ),
            "outcome": Rule("pass, extend or fail; empty while in progress"),
            "outcome_date": Rule("day of the outcome"),
            "extended_to": Rule("the day an extended programme ends"),
        },
    ),
    "asye_review": TableRules(
        "review points of an ASYE programme",
        Scope("programme_id", parent="asye_programme"),
        {
            "id": ROW_ID,
            "programme_id": Rule("the programme (asye_programme.id)"),
            "review_point": Rule("3, 6, 12 (months) or extension"),
            "due_date": Rule("day the review was due"),
            "held_date": Rule("day it was held; empty while due"),
            "judgement": Rule("on_track, concerns or not_on_track"),
        },
    ),
    "progression_application": TableRules(
        "applications to progress to a higher role",
        SCOPE_WORKER,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "worker_id": WORKER_REF,
            "from_role": Rule("role applied from"),
            "to_role": Rule("role applied for"),
            "applied_date": Rule("day of the application"),
            "decided_date": Rule("day of the decision; empty while open"),
            "outcome": Rule("approved, refused or withdrawn"),
            "evidence_note": Rule(
                "the evidence offered", pseudonymised=Handling.DROP, why=FREE_TEXT
            ),
        },
    ),
    "course": TableRules(
        "the learning academy's training courses",
        EVERY_ROW,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "code": Rule("course code"),
            "title": Rule("course title"),
            "mandatory": Rule("whether it is mandatory"),
            "roles": Rule("roles it is required of, separated by ';' (empty: every role)"),
            "renewal_months": Rule("renewal period in months (empty: never)"),
        },
    ),
    "training_record": TableRules(
        "courses workers completed",
        SCOPE_WORKER,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "worker_id": WORKER_REF,
            "course_id": Rule("the course (course.id)"),
            "completed_date": Rule("day completed"),
            "expiry_date": Rule("last day it counts (empty: never expires)"),
            "external_id": SOURCE_ID,
        },
    ),
    "learning_item": TableRules(
        "the learning offer and resource hub",
        EVERY_ROW,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "code": Rule("entry code"),
            "kind": Rule("course, guidance, tool or event"),
            "title": Rule("title"),
            "summary": Rule("summary"),
            "link": Rule("a web address or a place"),
            "event_date": Rule("day of the event"),
            "tags": Rule("tags separated by ';'"),
            "course_id": Rule("the course it is a session of (course.id)"),
        },
    ),
    "attendance": TableRules(
        "workers attending an entry of the learning offer",
        SCOPE_WORKER,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "worker_id": WORKER_REF,
            "item_id": Rule("the entry (learning_item.id)"),
            "attended_date": Rule("day attended"),
        },
    ),
    "practice_educator": TableRules(
        "workers accredited as practice educators",
        SCOPE_WORKER,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "worker_id": WORKER_REF,
            "stage": Rule("Practice Educator Professional Standards stage, 1 or 2"),
            "accredited_date": Rule("day accredited"),
            "capacity": Rule("students at once"),
        },
    ),
    "placement": TableRules(
        "students' and apprentices' placements",
        SCOPE_TEAM,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "learner_ref": Rule(
                "the learner's reference", pseudonymised=Handling.LEARNER, name="learner_key"
            ),
            "learner_kind": Rule("student or apprentice"),
            "programme": Rule("university and programme"),
            "study_year": Rule("year of study, 1 to 4"),
            "team_id": TEAM_REF,
            "educator_id": Rule("the practice educator (worker.id)", pseudonymised=Handling.WORKER),
            "start_date": START,
            "end_date": Rule("last day (inclusive)"),
            "outcome": Rule("passed, failed or withdrawn"),
            "converted_worker_id": Rule(
                "the worker the learner became in an ASYE post (worker.id)",
                pseudonymised=Handling.WORKER,
            ),
            "converted_date": Rule("first day of that ASYE post"),
            "external_id": SOURCE_ID,
        },
    ),
    "agency_engagement": TableRules(
        "agency workers' engagements, with what the DfE agency rules ask",
        SCOPE_WORKER,
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "worker_id": WORKER_REF,
            "agency": Rule("the agency"),
            "job_type": Rule("job type under the price cap"),
            "start_date": START,
            "end_date": END,
            "pay_rate": Rule("worker's hourly pay, pounds"),
            "on_costs": Rule("employer national insurance and apprenticeship levy per hour"),
            "agency_fee": Rule("agency's fee per hour"),
            "pqe_date": Rule("first day of post-qualifying experience"),
            "pqe_years": Rule("post-qualifying experience in years"),
            "pqe_evidence": Rule(
                "evidence of the experience", pseudonymised=Handling.DROP, why=FREE_TEXT
            ),
            "previous_council": Rule("code of the council last employing them substantively"),
            "previous_region": Rule("its region"),
            "previous_end_date": Rule("last day of that employment"),
            "previous_exemption": Rule(
                "exemption from the no-return period: redundancy, probation, permanent_role, "
                "different_region"
            ),
            "notice_weeks": Rule("notice given, weeks"),
            "reference_practice_based": Rule("whether a practice-based reference was taken"),
            "reference_date": Rule("day of the reference"),
            "director_signoff_date": Rule("day the director signed off an engagement over cap"),
            "chief_executive_signoff_date": Rule("day the chief executive signed it off"),
            "project_team": Rule("whether it is a project team engagement"),
            "external_id": SOURCE_ID,
        },
    ),
    "census_return": TableRules(
        "imported children's social work workforce census returns (council-level items)",
        Scope(whole_council=True),
        {
            "id": ROW_ID,
            "authority_id": COUNCIL,
            "census_year": Rule("census year (its 30 September)"),
            "reference_date": Rule("the census day"),
            "software_code": Rule("the software that made the return"),
            "generated_at": Rule("when the return was generated, as written in it"),
            "number_of_vacancies": Rule("vacancies (FTE) on the census day"),
            "agency_cover_fte": Rule("vacancies covered by agency workers (FTE)"),
            "agency_cover_headcount": Rule("vacancies covered by agency workers (headcount)"),
            "content_sha256": Rule("SHA-256 of the imported file"),
            "source_name": Rule(
                "the imported file's name",
                pseudonymised=Handling.DROP,
                why="file names can carry a person's name",
            ),
            "imported_at": Rule("when it was imported (UTC)"),
        },
    ),
    "census_record": TableRules(
        "the workers of each imported census return, item for item",
        Scope("return_id", parent="census_return", whole_council=True),
        {
            "id": ROW_ID,
            "return_id": Rule("the return (census_return.id)"),
            "position": Rule("the record's place in the return"),
            "agency_worker": Rule("census AgencyWorker: 0 own staff, 1 agency"),
            "swe_no": Rule(
                "Social Work England number (without names: the pseudonym of the worker with "
                "that number, empty when no worker holds it)",
                pseudonymised=Handling.SWE_WORKER,
                name="worker_key",
            ),
            "fte": Rule("FTE"),
            "person_birth_date": Rule(
                "age band on the data date",
                pseudonymised=Handling.DROP,
                named=Handling.WORKER_AGE,
                name="age_band",
                why="the worker's age band is in worker.parquet, protected there",
            ),
            "gender_current": Rule(
                "census gender code",
                pseudonymised=Handling.DROP,
                why="the worker's gender is in worker.parquet, protected there",
            ),
            "ethnicity": Rule(
                "census ethnicity code",
                pseudonymised=Handling.DROP,
                why="the worker's ethnic group is in worker.parquet, protected there",
            ),
            "qual_inst": Rule(
                "qualifying institution",
                pseudonymised=Handling.DROP,
                why="with the other items it can single a person out",
            ),
            "qual_level": Rule("census QualLevel"),
            "step_up_grad": Rule("census StepUpGrad"),
            "org_role": Rule("census OrgRole"),
            "role_start_date": Rule("census RoleStartDate"),
            "start_origin": Rule("census StartOrigin"),
            "role_end_date": Rule("census RoleEndDate"),
            "leaver_destination": Rule("census LeaverDestination"),
            "reason_leave": Rule("census ReasonLeave"),
            "fte30": Rule("census FTE30 (FTE on 30 September)"),
            "cases30": Rule("census Cases30 (cases on 30 September)"),
            "working_days_lost": Rule("census WorkingDaysLost"),
            "contract_weeks": Rule("census ContractWeeks"),
            "frontline_grad": Rule("census FrontlineGrad"),
            "absat30sept": Rule("census AbsAt30Sept"),
            "reason_absence": Rule("census ReasonAbsence"),
            "cfkss_status": Rule("census CFKSSstatus"),
        },
    ),
}

HEALTH_CHECK = (
    "the staff health check: shown only as group results with small groups suppressed "
    "('caseload health-check'); never exported response by response"
)
ACCOUNTS = "accounts, sign-ins and tokens: not data about the workforce, and hold secrets"
NOT_EXPORTED: dict[str, str] = {
    "survey": HEALTH_CHECK,
    "survey_question": HEALTH_CHECK,
    "survey_response": HEALTH_CHECK,
    "survey_answer": HEALTH_CHECK,
    "user_account": ACCOUNTS,
    "user_team": ACCOUNTS,
    "user_session": ACCOUNTS,
    "api_token": ACCOUNTS,
    "sign_in_attempt": ACCOUNTS,
    "installation_secret": "secrets, the pseudonyms' key among them",
    "audit_event": "the audit trail, kept in the database ('caseload audit events')",
    "import_run": "the log of loads: file names and who loaded them",
    "allocation_decision": "decisions name the users who made them and their free-text reasons",
    "allocation_request": "requests name the users who made them and their free-text reasons",
    "caseload_policy": "the caseload policy is a setting, not a record ('caseload policy show')",
    "scorecard_snapshot": "stored results of the scorecard, not records",
    "scenario_run": "stored results of workforce plan scenarios, not records",
    "published_indicator": "DfE's published figures, public already ('caseload benchmarks')",
}
NOT_DESCRIBED = "not described for export yet"
TEAM_SCOPED_OUT = (
    "the census return covers the whole council; a team manager's export covers their teams"
)


def reason_not_exported(table: str) -> str:
    return NOT_EXPORTED.get(table, NOT_DESCRIBED)
