"""Personal details of synthetic workers.

Assumptions: about 85% of social workers are women; the ethnic mix follows the national
workforce (White British the majority) with London far more diverse and agency workers a little
more so; most qualify by an undergraduate degree in their early twenties or a postgraduate one
later; Step Up (from 2010) and Frontline (from 2014) graduates are a small postgraduate minority.
Names are drawn from fixed lists and mean nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from caseload.domain import Ethnicity, Gender, QualLevel
from caseload.synthetic.days import YEAR, FloatArray, day_of
from caseload.synthetic.draws import cumulative, weighted_index

FEMALE_NAMES = (
    "Amelia", "Olivia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily", "Chloe", "Jessica",
    "Hannah", "Sarah", "Laura", "Rebecca", "Emma", "Charlotte", "Lucy", "Rachel", "Amy", "Helen",
    "Claire", "Joanne", "Nicola", "Michelle", "Kelly", "Gemma", "Louise", "Natalie", "Aisha",
    "Fatima", "Priya", "Amina", "Zainab", "Ngozi", "Chipo", "Tendai", "Blessing", "Grace", "Funmi",
    "Yetunde", "Mei", "Anjali", "Sana", "Bethany", "Megan", "Kirsty", "Siobhan", "Aoife", "Niamh",
    "Katarzyna", "Agnieszka", "Maria", "Elena", "Leah", "Zara"
)  # fmt: skip
MALE_NAMES = (
    "Oliver", "Jack", "Harry", "George", "Thomas", "James", "William", "Daniel", "Matthew",
    "David", "Michael", "Christopher", "Andrew", "Mark", "Paul", "Ryan", "Liam", "Adam",
    "Mohammed", "Ahmed", "Imran", "Tunde", "Kwame", "Chidi", "Farai", "Tendai", "Raj", "Sanjay",
    "Tomasz", "Piotr", "Sean", "Connor", "Ben", "Samuel"
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Patel", "Khan", "Ahmed", "Hussain", "Begum", "Ali", "Shah", "Singh",
    "Kaur", "Sharma", "Okafor", "Adeyemi", "Mensah", "Osei", "Moyo", "Ncube", "Dube", "Mutasa",
    "Banda", "Okonkwo", "Campbell", "Stewart", "Murphy", "Kelly", "O'Brien", "Byrne", "Nowak",
    "Kowalski", "Wisniewska", "Lewis", "Harris", "Martin", "Cooper", "Hughes", "Edwards", "Turner",
    "Hill", "Moore", "Ward", "Morris", "King", "Baker", "Harrison", "Scott", "Young", "Allen",
    "Mitchell", "Chen", "Wong", "Nguyen", "Rossi", "Silva", "Santos", "Ferreira", "Morgan",
    "Price", "Bell", "Lloyd", "Fisher"
)  # fmt: skip
INSTITUTIONS = (
    "University of Leeds",
    "University of York",
    "University of Manchester",
    "Manchester Metropolitan University",
    "University of Central Lancashire",
    "Lancaster University",
    "University of Liverpool",
    "Liverpool John Moores University",
    "Northumbria University",
    "Durham University",
    "Teesside University",
    "University of Sheffield",
    "Sheffield Hallam University",
    "University of Nottingham",
    "Nottingham Trent University",
    "De Montfort University",
    "University of Birmingham",
    "Birmingham City University",
    "Coventry University",
    "University of East Anglia",
    "Anglia Ruskin University",
    "University of Bedfordshire",
    "Goldsmiths, University of London",
    "Royal Holloway, University of London",
    "London Metropolitan University",
    "Middlesex University",
    "University of Kent",
    "University of Sussex",
    "University of Brighton",
    "University of Southampton",
    "Oxford Brookes University",
    "University of Bristol",
    "University of the West of England",
    "University of Plymouth",
    "Open University",
)
OVERSEAS_INSTITUTIONS = (
    "University of Zimbabwe",
    "University of Johannesburg",
    "University of Lagos",
    "University College Dublin",
    "University of Auckland",
)

_ETHNIC_ORDER = tuple(Ethnicity)
GENDERS = (2, 1, 0, 9)  # female, male, other, not known
GENDER_CDF = cumulative((0.847, 0.145, 0.004, 0.004))
_ETHNIC_ENGLAND = dict(  # noqa: C408
    WBRI=72.0, WIRI=1.0, WOTH=5.0, MWBC=1.5, MWBA=0.8, MWAS=0.7, MOTH=1.0, AIND=2.0, APKN=2.5,
    ABAN=0.5, AOTH=0.8, BCRB=1.0, BAFR=5.0, BOTH=0.5, CHNE=0.2, OOTH=1.0, REFU=2.0, NOBT=2.0,
)  # fmt: skip
_ETHNIC_LONDON = dict(  # noqa: C408
    WBRI=35.0, WIRI=2.0, WOTH=8.0, MWBC=3.0, MWBA=1.5, MWAS=1.0, MOTH=2.0, AIND=4.0, APKN=2.5,
    ABAN=2.0, AOTH=3.0, BCRB=7.0, BAFR=17.0, BOTH=2.0, CHNE=0.5, OOTH=3.0, REFU=3.0, NOBT=3.0,
)  # fmt: skip


def _mix(weights: dict[str, float]) -> FloatArray:
    values = np.array([weights[e.value] for e in _ETHNIC_ORDER], dtype=np.float64)
    total = float(values.sum())
    return values / total


@dataclass(slots=True)
class WorkerRec:
    """A worker row (dates as day numbers)."""

    id: int
    staff_number: str
    swe_number: str | None
    first_name: str
    last_name: str
    birth_date: int | None
    gender: int | None
    ethnicity: str | None
    qualification_date: int | None
    qualification_level: int | None
    qualification_institution: str | None
    step_up: bool
    frontline: bool


class PersonFactory:
    """Makes workers with plausible personal details and council-unique identifiers.

    Staff numbers are ``E`` + 6 digits for own staff and ``AG`` + 6 digits for agency workers;
    SWE numbers are ``SW`` + council code + a 5-digit serial, so unique across a national set.
    """

    def __init__(self, code: str, region: str, rng: np.random.Generator) -> None:
        self.code = code
        self.rng = rng
        self.workers: list[WorkerRec] = []
        self._own_serial = 0
        self._agency_serial = 0
        self._swe_serial = 0
        local = _mix(_ETHNIC_LONDON if region == "London" else _ETHNIC_ENGLAND)
        self._ethnic_own = local
        self._ethnic_agency = 0.7 * local + 0.3 * _mix(_ETHNIC_LONDON)
        self._frontline_from = day_of_year(2014)
        self._step_up_from = day_of_year(2010)

    def _identity(self, agency: bool) -> tuple[str, int, str, str]:
        rng = self.rng
        gender = GENDERS[weighted_index(rng, GENDER_CDF)]
        if gender == Gender.FEMALE or (gender != Gender.MALE and rng.random() < 0.5):
            first = FEMALE_NAMES[int(rng.integers(len(FEMALE_NAMES)))]
        else:
            first = MALE_NAMES[int(rng.integers(len(MALE_NAMES)))]
        last = SURNAMES[int(rng.integers(len(SURNAMES)))]
        if agency:
            self._agency_serial += 1
            staff = f"AG{self._agency_serial:06d}"
        else:
            self._own_serial += 1
            staff = f"E{self._own_serial:06d}"
        return staff, gender, first, last

    def social_worker(self, qualified_on: int, hired_on: int, *, agency: bool) -> WorkerRec:
        """A registered social worker who qualified on ``qualified_on``."""
        rng = self.rng
        staff, gender, first, last = self._identity(agency)
        roll = rng.random()
        level = (
            QualLevel.UNDERGRADUATE
            if roll < 0.58
            else QualLevel.POSTGRADUATE
            if roll < 0.98
            else QualLevel.OTHER
        )
        frontline = step_up = False
        if level == QualLevel.POSTGRADUATE:
            scheme = rng.random()
            frontline = qualified_on >= self._frontline_from and scheme < 0.16
            step_up = not frontline and qualified_on >= self._step_up_from and scheme < 0.26
        if level == QualLevel.UNDERGRADUATE:
            age_at_qualifying = 21.0 + rng.gamma(1.3, 2.5)
        elif level == QualLevel.POSTGRADUATE:
            age_at_qualifying = 23.0 + rng.gamma(2.0, 3.5)
        else:
            age_at_qualifying = 27.0 + rng.gamma(2.0, 4.5)
        birth = qualified_on - round(age_at_qualifying * YEAR)
        oldest = hired_on - round(64 * YEAR)
        birth = max(birth, oldest + int(rng.integers(0, 3000)))
        birth = min(birth, qualified_on - round(21 * YEAR))
        if frontline:
            institution = "Frontline"
        elif rng.random() < (0.12 if agency else 0.03):
            institution = OVERSEAS_INSTITUTIONS[int(rng.integers(len(OVERSEAS_INSTITUTIONS)))]
        else:
            institution = INSTITUTIONS[int(rng.integers(len(INSTITUTIONS)))]
        self._swe_serial += 1
        return self._add(
            staff,
            f"SW{self.code}{self._swe_serial:05d}",
            first,
            last,
            birth,
            gender,
            qualified_on,
            int(level),
            institution,
            step_up,
            frontline,
            agency,
        )

    def support_worker(self, hired_on: int) -> WorkerRec:
        """A family support worker: not registered, no qualification recorded."""
        staff, gender, first, last = self._identity(False)
        birth = hired_on - round((20.0 + self.rng.random() * 35.0) * YEAR)
        return self._add(
            staff, None, first, last, birth, gender, None, None, None, False, False, False
        )

    def _add(
        self,
        staff: str,
        swe: str | None,
        first: str,
        last: str,
        birth: int,
        gender: int,
        qualified_on: int | None,
        level: int | None,
        institution: str | None,
        step_up: bool,
        frontline: bool,
        agency: bool,
    ) -> WorkerRec:
        mix = self._ethnic_agency if agency else self._ethnic_own
        ethnicity = _ETHNIC_ORDER[weighted_index(self.rng, cumulative(mix))].value
        worker = WorkerRec(
            id=len(self.workers) + 1,
            staff_number=staff,
            swe_number=swe,
            first_name=first,
            last_name=last,
            birth_date=birth,
            gender=gender,
            ethnicity=ethnicity,
            qualification_date=qualified_on,
            qualification_level=level,
            qualification_institution=institution,
            step_up=step_up,
            frontline=frontline,
        )
        self.workers.append(worker)
        return worker


def day_of_year(year: int) -> int:
    """The day number of 1 January ``year``."""
    return day_of(date(year, 1, 1))
