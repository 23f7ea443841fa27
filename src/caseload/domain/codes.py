"""Code sets used across the product. Census codes follow the DfE CSWW return (DOMAIN.md section 4);
worker-change reasons follow the Standard Safeguarding Dataset."""

from __future__ import annotations

from enum import Enum, IntEnum


class Role(str, Enum):
    """A worker's job role. ``org_role`` is the census ``OrgRole`` (``None``: not in the census)."""

    ASYE = "asye"
    SOCIAL_WORKER = "social_worker"
    SENIOR_SOCIAL_WORKER = "senior_social_worker"
    ADVANCED_PRACTITIONER = "advanced_practitioner"
    TEAM_MANAGER = "team_manager"
    SERVICE_MANAGER = "service_manager"
    SENIOR_MANAGER = "senior_manager"
    QUALIFIED_WITHOUT_CASES = "qualified_without_cases"
    FAMILY_SUPPORT_WORKER = "family_support_worker"

    @property
    def org_role(self) -> int | None:
        return _ORG_ROLE[self]

    @property
    def cfkss_status(self) -> int | None:
        """The census ``CFKSSstatus`` (knowledge and skills statement) usual for the role."""
        return _CFKSS[self]

    @property
    def holds_cases(self) -> bool:
        return self in _CASE_HOLDING

    @property
    def label(self) -> str:
        """The role as people write it: "ASYE", "Senior social worker"."""
        return "ASYE" if self is Role.ASYE else self.value.replace("_", " ").capitalize()


_ORG_ROLE: dict[Role, int | None] = {
    Role.ASYE: 5,
    Role.SOCIAL_WORKER: 5,
    Role.SENIOR_SOCIAL_WORKER: 5,
    Role.ADVANCED_PRACTITIONER: 4,
    Role.TEAM_MANAGER: 3,
    Role.SERVICE_MANAGER: 2,
    Role.SENIOR_MANAGER: 1,
    Role.QUALIFIED_WITHOUT_CASES: 6,
    Role.FAMILY_SUPPORT_WORKER: None,
}
_CFKSS: dict[Role, int | None] = {
    Role.ASYE: 1,
    Role.SOCIAL_WORKER: 2,
    Role.SENIOR_SOCIAL_WORKER: 2,
    Role.ADVANCED_PRACTITIONER: 3,
    Role.TEAM_MANAGER: 3,
    Role.SERVICE_MANAGER: 4,
    Role.SENIOR_MANAGER: 4,
    Role.QUALIFIED_WITHOUT_CASES: None,
    Role.FAMILY_SUPPORT_WORKER: None,
}
_CASE_HOLDING = frozenset(
    {Role.ASYE, Role.SOCIAL_WORKER, Role.SENIOR_SOCIAL_WORKER, Role.ADVANCED_PRACTITIONER}
)


class ContractType(str, Enum):
    OWN = "own"
    AGENCY = "agency"


class SpellEndReason(str, Enum):
    """Why an employment spell was ended. Only ``LEFT`` means the person left the council."""

    LEFT = "left"
    ROLE_CHANGE = "role_change"
    FTE_CHANGE = "fte_change"
    TEAM_CHANGE = "team_change"
    CONTRACT_ENDED = "contract_ended"


class TeamKind(str, Enum):
    SERVICE_AREA = "service_area"
    TEAM = "team"


class CaseType(str, Enum):
    """A child's status on a day, which is the type of their case."""

    ASSESSMENT = "assessment"
    CHILD_IN_NEED = "cin"
    CHILD_PROTECTION = "cp"
    LOOKED_AFTER = "cla"
    CARE_LEAVER = "care_leaver"


class ProceedingsKind(str, Enum):
    PRE_PROCEEDINGS = "pre_proceedings"
    CARE_PROCEEDINGS = "care_proceedings"


class AllocationRole(str, Enum):
    ALLOCATED_WORKER = "allocated"
    CO_WORKER = "co_worker"


class WorkerChangeReason(str, Enum):
    """SSD ``invo_worker_change_reason`` codes."""

    MANAGE = "MANAGE"
    FCONTA = "FCONTA"
    LEFTRL = "LEFTRL"
    ORGRST = "ORGRST"
    TSPROC = "TSPROC"
    ABSENC = "ABSENC"
    CHCHAN = "CHCHAN"
    PCCHAN = "PCCHAN"
    SWDIED = "SWDIED"
    OTHERS = "OTHERS"


class Gender(IntEnum):
    NOT_KNOWN = 0
    MALE = 1
    FEMALE = 2
    NOT_SPECIFIED = 9

    @property
    def label(self) -> str:
        """The census ``GenderCurrent`` code's meaning: "Female", "Not specified"."""
        return self.name.replace("_", " ").capitalize()


class EthnicGroup(str, Enum):
    """The major ethnic groups DfE's workforce statistics report ``Ethnicity`` in (Chinese with
    "Other", as the census code list places it), and "Not known" for refused or not obtained."""

    WHITE = "White"
    MIXED = "Mixed"
    ASIAN = "Asian"
    BLACK = "Black"
    OTHER = "Other"
    NOT_KNOWN = "Not known"

    @property
    def label(self) -> str:
        """The group as DfE's tables name it: "Mixed or multiple ethnic groups"."""
        return _ETHNIC_GROUP_LABELS[self]


class Ethnicity(str, Enum):
    WBRI = "WBRI"
    WIRI = "WIRI"
    WOTH = "WOTH"
    MWBC = "MWBC"
    MWBA = "MWBA"
    MWAS = "MWAS"
    MOTH = "MOTH"
    AIND = "AIND"
    APKN = "APKN"
    ABAN = "ABAN"
    AOTH = "AOTH"
    BCRB = "BCRB"
    BAFR = "BAFR"
    BOTH = "BOTH"
    CHNE = "CHNE"
    OOTH = "OOTH"
    REFU = "REFU"
    NOBT = "NOBT"

    @property
    def group(self) -> EthnicGroup:
        """The major group the code belongs to: its first letter (C, Chinese, is "Other")."""
        if self in (Ethnicity.REFU, Ethnicity.NOBT):
            return EthnicGroup.NOT_KNOWN
        return _ETHNIC_GROUP_BY_LETTER.get(self.value[0], EthnicGroup.OTHER)


class QualLevel(IntEnum):
    UNDERGRADUATE = 1
    POSTGRADUATE = 2
    OTHER = 3


class StartOrigin(IntEnum):
    NEWLY_QUALIFIED = 1
    OTHER_ENGLISH_COUNCIL = 2
    OUTSIDE_ENGLAND = 3
    AGENCY_OR_CONSULTANCY = 4
    OTHER_SOCIAL_WORK = 5
    OTHER_SOCIAL_CARE = 6
    NON_SOCIAL_CARE_OR_BREAK = 7
    OTHER = 8
    NOT_KNOWN = 9
    NOT_YET_COLLECTED = 10

    @property
    def label(self) -> str:
        """The code's meaning as the census guide words it, in plain English."""
        return _START_ORIGIN_LABELS[self]


class LeaverDestination(IntEnum):
    OTHER_ENGLISH_COUNCIL = 1
    OUTSIDE_ENGLAND = 2
    AGENCY_OR_CONSULTANCY = 3
    OTHER_SOCIAL_WORK = 4
    OTHER_SOCIAL_CARE = 5
    NON_SOCIAL_CARE_OR_BREAK = 6
    OTHER = 7
    NOT_KNOWN = 8
    NOT_YET_COLLECTED = 9

    @property
    def label(self) -> str:
        """The code's meaning as the census guide words it, in plain English."""
        return _LEAVER_DESTINATION_LABELS[self]


class ReasonLeave(IntEnum):
    RESIGNATION = 1
    VOLUNTARY_REDUNDANCY = 2
    COMPULSORY_REDUNDANCY = 3
    DISMISSED = 4
    RETIRED = 5
    DECEASED = 6
    MOVED_WITHIN_COUNCIL = 7
    OTHER = 8
    NOT_KNOWN = 9
    NOT_YET_COLLECTED = 10

    @property
    def label(self) -> str:
        """The code's meaning as the census guide words it, in plain English."""
        return _REASON_LEAVE_LABELS[self]


class AbsenceReason(str, Enum):
    """Census ``ReasonAbsence`` codes."""

    MAT = "MAT"
    OTH = "OTH"
    PUB = "PUB"
    SIC = "SIC"
    TRN = "TRN"
    UNA = "UNA"
    UNP = "UNP"


_START_ORIGIN_LABELS: dict[StartOrigin, str] = {
    StartOrigin.NEWLY_QUALIFIED: "Newly qualified",
    StartOrigin.OTHER_ENGLISH_COUNCIL: "Social work in another English council",
    StartOrigin.OUTSIDE_ENGLAND: "Social work outside England",
    StartOrigin.AGENCY_OR_CONSULTANCY: "Agency or consultancy social work in England",
    StartOrigin.OTHER_SOCIAL_WORK: "Other social work, not a council",
    StartOrigin.OTHER_SOCIAL_CARE: "Another social care role",
    StartOrigin.NON_SOCIAL_CARE_OR_BREAK: (
        "A role outside social care, outside England, no employment or a career break"
    ),
    StartOrigin.OTHER: "Other",
    StartOrigin.NOT_KNOWN: "Not known",
    StartOrigin.NOT_YET_COLLECTED: "Not yet collected",
}
_LEAVER_DESTINATION_LABELS: dict[LeaverDestination, str] = {
    LeaverDestination.OTHER_ENGLISH_COUNCIL: "Social work in another English council",
    LeaverDestination.OUTSIDE_ENGLAND: "Social work outside England",
    LeaverDestination.AGENCY_OR_CONSULTANCY: "Agency or consultancy social work",
    LeaverDestination.OTHER_SOCIAL_WORK: "Other social work, not a council",
    LeaverDestination.OTHER_SOCIAL_CARE: "Another social care role",
    LeaverDestination.NON_SOCIAL_CARE_OR_BREAK: (
        "A role outside social care, no employment or a career break"
    ),
    LeaverDestination.OTHER: "Other",
    LeaverDestination.NOT_KNOWN: "Not known",
    LeaverDestination.NOT_YET_COLLECTED: "Not yet collected",
}
_REASON_LEAVE_LABELS: dict[ReasonLeave, str] = {
    ReasonLeave.RESIGNATION: "Resignation",
    ReasonLeave.VOLUNTARY_REDUNDANCY: "Voluntary redundancy",
    ReasonLeave.COMPULSORY_REDUNDANCY: "Compulsory redundancy",
    ReasonLeave.DISMISSED: "Dismissed",
    ReasonLeave.RETIRED: "Retired",
    ReasonLeave.DECEASED: "Died",
    ReasonLeave.MOVED_WITHIN_COUNCIL: (
        "Moved to a role outside children's social work in the council"
    ),
    ReasonLeave.OTHER: "Other",
    ReasonLeave.NOT_KNOWN: "Not known",
    ReasonLeave.NOT_YET_COLLECTED: "Not yet collected",
}
_ETHNIC_GROUP_BY_LETTER: dict[str, EthnicGroup] = {
    "W": EthnicGroup.WHITE,
    "M": EthnicGroup.MIXED,
    "A": EthnicGroup.ASIAN,
    "B": EthnicGroup.BLACK,
}
_ETHNIC_GROUP_LABELS: dict[EthnicGroup, str] = {
    EthnicGroup.WHITE: "White",
    EthnicGroup.MIXED: "Mixed or multiple ethnic groups",
    EthnicGroup.ASIAN: "Asian or Asian British",
    EthnicGroup.BLACK: "Black, African, Caribbean or Black British",
    EthnicGroup.OTHER: "Other ethnic group (Chinese included)",
    EthnicGroup.NOT_KNOWN: "Not known (refused or not yet obtained)",
}
