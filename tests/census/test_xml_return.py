"""Writing and reading the CSWW return as XML: exact output, round trips, the schema, and every
problem in a bad file reported by file, worker and item."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from caseload.census.validation import CODE_SETS, NUMBERS, SWE_PATTERN, TEXTS, validate_return
from caseload.census.xml_return import (
    ParsedReturn,
    format_number,
    parse_timestamp,
    read_return,
    return_schema,
    schema_errors,
    write_return,
)
from caseload.domain.census_records import WORKER_ITEMS, conform_records, conform_vacancies
from caseload.errors import InvalidInputError

SAMPLE = Path("/work/shared/data/csww/social_work_workforce_2022_sample.xml")
XSD = Path(__file__).resolve().parents[2] / "src" / "caseload" / "reference" / "csww_return.xsd"
MADE_AT = datetime(2025, 10, 6, 9, 30, tzinfo=UTC)

OWN_IN_POST: dict[str, Any] = {
    "AgencyWorker": 0,
    "SWENo": "SW100001",
    "FTE": 1.0,
    "PersonBirthDate": date(1985, 3, 14),
    "GenderCurrent": 2,
    "Ethnicity": "WBRI",
    "QualInst": "University of Leeds",
    "QualLevel": 1,
    "StepUpGrad": 0,
    "OrgRole": 5,
    "RoleStartDate": date(2019, 9, 2),
    "StartOrigin": 1,
    "FTE30": 1.0,
    "Cases30": 17,
    "WorkingDaysLost": 4.5,
    "FrontlineGrad": 0,
    "Absat30Sept": 0,
    "CFKSSstatus": 2,
}
LEAVER: dict[str, Any] = {
    "AgencyWorker": 0,
    "SWENo": "SW100002",
    "FTE": 0.8,
    "PersonBirthDate": date(1979, 11, 30),
    "GenderCurrent": 1,
    "Ethnicity": "MWBC",
    "QualLevel": 2,
    "StepUpGrad": 1,
    "OrgRole": 3,
    "RoleStartDate": date(2015, 1, 5),
    "StartOrigin": 2,
    "RoleEndDate": date(2025, 3, 31),
    "LeaverDestination": 1,
    "ReasonLeave": 1,
    "WorkingDaysLost": 12.25,
    "FrontlineGrad": 0,
    "CFKSSstatus": 3,
}
AGENCY: dict[str, Any] = {
    "AgencyWorker": 1,
    "SWENo": "SW100003",
    "FTE": 1.0,
    "OrgRole": 5,
    "RoleStartDate": date(2025, 6, 2),
    "FTE30": 1.0,
    "Cases30": 19,
    "ContractWeeks": 26.0,
    "CFKSSstatus": 2,
}
PART_TIME: dict[str, Any] = {
    "AgencyWorker": 0,
    "SWENo": "SW100004",
    "FTE": 0.6,
    "PersonBirthDate": date(1990, 6, 1),
    "GenderCurrent": 2,
    "Ethnicity": "BAFR",
    "QualInst": "Open University",
    "OrgRole": 5,
    "RoleStartDate": date(2024, 10, 14),
    "StartOrigin": 6,
    "FTE30": 0.6,
    "Cases30": 10,
    "WorkingDaysLost": 0.0,
    "Absat30Sept": 1,
    "ReasonAbsence": "MAT",
    "CFKSSstatus": 1,
}

AGENCY_XML = """<?xml version='1.0' encoding='UTF-8'?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CSWW</Collection>
      <Year>2025</Year>
      <ReferenceDate>2025-09-30</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>301</LEA>
      <SoftwareCode>Caseload test</SoftwareCode>
      <DateTime>2025-10-06T09:30:00Z</DateTime>
    </Source>
  </Header>
  <LALevelVacancies>
    <NumberOfVacancies>12.50</NumberOfVacancies>
    <NoAgencyFTE>3.00</NoAgencyFTE>
    <NoAgencyHeadcount>3</NoAgencyHeadcount>
  </LALevelVacancies>
  <CSWWWorker>
    <AgencyWorker>1</AgencyWorker>
    <SWENo>SW100003</SWENo>
    <FTE>1.000000</FTE>
    <OrgRole>5</OrgRole>
    <RoleStartDate>2025-06-02</RoleStartDate>
    <FTE30>1.000000</FTE30>
    <Cases30>19</Cases30>
    <ContractWeeks>26.0</ContractWeeks>
    <CFKSSstatus>2</CFKSSstatus>
  </CSWWWorker>
</Message>
"""


def records_of(*rows: dict[str, Any], lea: str = "301", year: int = 2025) -> pl.DataFrame:
    frame = pl.DataFrame(
        [{item: row.get(item) for item in WORKER_ITEMS} for row in rows],
        schema=WORKER_ITEMS,
    )
    return conform_records(frame.with_columns(pl.lit(lea).alias("LEA"), pl.lit(year).alias("Year")))


def vacancies_of(lea: str = "301", year: int = 2025) -> pl.DataFrame:
    return conform_vacancies(
        pl.DataFrame(
            [
                {
                    "LEA": lea,
                    "Year": year,
                    "NumberOfVacancies": 12.5,
                    "NoAgencyFTE": 3.0,
                    "NoAgencyHeadcount": 3,
                }
            ]
        )
    )


def write(records: pl.DataFrame, vacancies: pl.DataFrame | None = None) -> bytes:
    return write_return(
        records,
        vacancies_of() if vacancies is None else vacancies,
        lea="301",
        census_year=2025,
        software_code="Caseload test",
        generated_at=MADE_AT,
    )


def rewrite(parsed: ParsedReturn) -> bytes:
    return write_return(
        parsed.records,
        parsed.vacancies,
        lea=parsed.lea,
        census_year=parsed.census_year,
        software_code=parsed.software_code,
        generated_at=parse_timestamp(parsed.generated_at),
    )


def four_workers() -> pl.DataFrame:
    return records_of(OWN_IN_POST, LEAVER, AGENCY, PART_TIME)


def problems_of(data: bytes | str, name: str = "r.xml") -> list[str]:
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(InvalidInputError) as caught:
        read_return(raw, source_name=name)
    return str(caught.value).splitlines()


# --- writing -----------------------------------------------------------------------------------


def test_agency_record_written_exactly() -> None:
    assert write(records_of(AGENCY)).decode() == AGENCY_XML


def test_output_validates_against_the_schema() -> None:
    data = write(four_workers())
    assert schema_errors(data) == []
    assert return_schema().validate(etree.fromstring(data))


def test_writing_is_deterministic_and_omits_empty_items() -> None:
    first = write(four_workers())
    assert first == write(four_workers())
    leaver = etree.fromstring(first).findall("CSWWWorker")[1]
    assert [child.tag for child in leaver] == [item for item in WORKER_ITEMS if item in LEAVER]


def test_numbers_are_written_with_fixed_places() -> None:
    worker = etree.fromstring(write(four_workers())).findall("CSWWWorker")[3]
    texts = {child.tag: child.text for child in worker}
    assert texts["FTE"] == "0.600000"
    assert texts["WorkingDaysLost"] == "0.00"
    assert texts["PersonBirthDate"] == "1990-06-01"
    assert texts["ReasonAbsence"] == "MAT"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (0.5, 6, "0.500000"),
        (1, 6, "1.000000"),
        (2.675, 2, "2.68"),
        (0.0000005, 6, "0.000001"),
        (-0.0001, 2, "0.00"),
        (26, 1, "26.0"),
        (17, 0, "17"),
    ],
)
def test_format_number(value: float, places: int, text: str) -> None:
    assert format_number(value, places) == text


def test_text_items_are_trimmed_and_unwritable_values_refused() -> None:
    spaced = records_of(OWN_IN_POST | {"QualInst": "  University   of Leeds "})
    assert b"<QualInst>University of Leeds</QualInst>" in write(spaced)
    with pytest.raises(InvalidInputError, match=r"worker 1 \(SWENo SW100001\), item FTE"):
        write(records_of(OWN_IN_POST | {"FTE": float("nan")}))
    with pytest.raises(InvalidInputError, match="authority code must be 3 digits"):
        write_return(
            four_workers(),
            vacancies_of(),
            lea="30",
            census_year=2025,
            software_code="x",
            generated_at=MADE_AT,
        )


def test_missing_vacancies_leave_an_empty_element() -> None:
    data = write(records_of(AGENCY), vacancies_of().clear())
    assert b"<LALevelVacancies/>" in data
    assert schema_errors(data) == []


# --- round trips -------------------------------------------------------------------------------


def test_round_trip_gives_identical_frames_and_bytes() -> None:
    records = four_workers()
    data = write(records)
    parsed = read_return(data, source_name="return.xml")
    assert parsed.lea == "301"
    assert parsed.census_year == 2025
    assert parsed.reference_date == date(2025, 9, 30)
    assert parsed.software_code == "Caseload test"
    assert parsed.generated_at == "2025-10-06T09:30:00Z"
    assert parsed.records.equals(records)
    assert parsed.vacancies.equals(vacancies_of())
    assert rewrite(parsed) == data


def test_timestamps_are_written_in_utc() -> None:
    assert parse_timestamp("2025-10-06T10:30:00+01:00") == MADE_AT
    assert parse_timestamp("2025-10-06T09:30:00") == MADE_AT


# --- reading bad files -------------------------------------------------------------------------


def test_not_xml() -> None:
    lines = problems_of("<Message><Header>", "bad.xml")
    assert lines[0] == (
        "bad.xml is not well-formed XML; check that it is the XML return and was not cut short "
        "or edited by hand:"
    )
    assert lines[1].startswith("bad.xml: line 1: ")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"   ", "r.xml: the file is empty; give the XML return"),
        (
            b"<Return/>",
            "r.xml: the root element is 'Return', not 'Message'; this is not a CSWW return",
        ),
        (
            b'<!DOCTYPE Message [<!ENTITY x "y">]><Message/>',
            "r.xml: the file has a DOCTYPE declaration; a CSWW return has none",
        ),
    ],
)
def test_not_a_return(data: bytes, message: str) -> None:
    assert problems_of(data) == [message]


def test_every_problem_listed_by_file_worker_and_item() -> None:
    text = write(four_workers()).decode()
    text = text.replace("<GenderCurrent>2</GenderCurrent>", "<GenderCurrent>7</GenderCurrent>", 1)
    text = text.replace("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>WBR</Ethnicity>")
    text = text.replace("<FTE>0.800000</FTE>", "<FTE>eighty</FTE><Colour>red</Colour>")
    text = text.replace(
        "<RoleStartDate>2015-01-05</RoleStartDate>", "<RoleStartDate>2015-02-30</RoleStartDate>"
    )
    text = text.replace("<Cases30>19</Cases30>", "<Cases30>-1</Cases30>")
    text = text.replace(
        "<ContractWeeks>26.0</ContractWeeks>", "<ContractWeeks>26.05</ContractWeeks>"
    )
    text = text.replace(
        "<ReasonAbsence>MAT</ReasonAbsence>",
        "<ReasonAbsence>MAT</ReasonAbsence><StepUpGrad>0</StepUpGrad>",
    )
    text = text.replace("<CFKSSstatus>1</CFKSSstatus>", "<CFKSSstatus>1</CFKSSstatus>" * 2)
    text = text.replace("<NoAgencyFTE>3.00</NoAgencyFTE>", "<NoAgencyFTE>three</NoAgencyFTE>")
    assert problems_of(text, "council.xml") == [
        "council.xml is not a valid CSWW return (10 problems):",
        "council.xml: LALevelVacancies, item NoAgencyFTE: value 'three' is not a number from 0 "
        "to 99999.99 with at most 2 decimal places; give the FTE of agency workers covering "
        "vacancies",
        "council.xml: worker 1 (SWENo SW100001), item GenderCurrent: value '7' is not a code of "
        "GenderCurrent; use one of 0, 1, 2, 9",
        "council.xml: worker 1 (SWENo SW100001), item Ethnicity: value 'WBR' is not a code of "
        "Ethnicity; use one of WBRI, WIRI, WOTH, MWBC, MWBA, MWAS, MOTH, AIND, APKN, ABAN, AOTH, "
        "BCRB, BAFR, BOTH, CHNE, OOTH, REFU, NOBT",
        "council.xml: worker 2 (SWENo SW100002), item Colour: is not an item of CSWWWorker; "
        "remove it or correct its name",
        "council.xml: worker 2 (SWENo SW100002), item FTE: value 'eighty' is not a number from 0 "
        "to 1 with at most 6 decimal places; give the worker's full-time equivalent, e.g. 0.5",
        "council.xml: worker 2 (SWENo SW100002), item RoleStartDate: value '2015-02-30' is not a "
        "real date; check the day and month",
        "council.xml: worker 3 (SWENo SW100003), item Cases30: value '-1' is outside 0 to 9999; "
        "give the number of cases held on 30 September",
        "council.xml: worker 3 (SWENo SW100003), item ContractWeeks: value '26.05' has more than "
        "1 decimal places; round it to 1",
        "council.xml: worker 4 (SWENo SW100004), item StepUpGrad: comes after ReasonAbsence but "
        "belongs before it; put the items in the return's order",
        "council.xml: worker 4 (SWENo SW100004), item CFKSSstatus: appears more than once; keep "
        "one",
    ]


def test_structure_and_header_problems() -> None:
    text = write(records_of(AGENCY, AGENCY | {"SWENo": "SW100005"})).decode()
    text = text.replace(
        "<ReferenceDate>2025-09-30</ReferenceDate>", "<ReferenceDate>2025-03-31</ReferenceDate>"
    )
    text = text.replace("<LEA>301</LEA>", "<LEA>3O1</LEA>")
    text = text.replace("<SourceLevel>L</SourceLevel>", "")
    text = text.replace("<AgencyWorker>1</AgencyWorker>\n    <SWENo>SW100005", "<SWENo>SW100005")
    text = text.replace("<SWENo>SW100003</SWENo>", "<SWENo>S100003</SWENo>")
    text = text.replace("<OrgRole>5</OrgRole>", "<OrgRole>5<x/></OrgRole>", 1)
    assert problems_of(text)[1:] == [
        "r.xml: Header, item SourceLevel: is missing; Source needs SourceLevel, LEA, SoftwareCode, "
        "DateTime",
        "r.xml: Header, item LEA: value '3O1' is not a 3-digit local authority code; give the "
        "council's DfE code, e.g. 301",
        "r.xml: Header, item ReferenceDate: value '2025-03-31' is not 30 September 2025; the "
        "reference date is 30 September of the census year",
        "r.xml: worker 1 (SWENo S100003), item SWENo: value 'S100003' is not a Social Work "
        "England number; write two letters then digits, e.g. SW123456",
        "r.xml: worker 1 (SWENo S100003), item OrgRole: holds other elements; it takes a single "
        "value",
        "r.xml: worker 2 (SWENo SW100005), item AgencyWorker: is missing; give 0 (own staff) or 1 "
        "(agency)",
    ]


def test_schema_location_hints_are_allowed_other_attributes_not() -> None:
    hinted = write(records_of(AGENCY)).replace(
        b"<Message>",
        b'<Message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:noNamespaceSchemaLocation="csww.xsd">',
    )
    assert read_return(hinted, source_name="r.xml").records.height == 1
    assert problems_of(hinted.replace(b"<FTE>", b'<FTE unit="fte">'))[1:] == [
        "r.xml: worker 1 (SWENo SW100003), item FTE: has attributes; the return's items have "
        "none, remove them"
    ]


def test_a_return_needs_its_parts() -> None:
    assert problems_of("<Message><Extra/></Message>") == [
        "r.xml is not a valid CSWW return (4 problems):",
        "r.xml: Message, item Extra: is not an item of Message; remove it or correct its name",
        "r.xml: Message, item Header: is missing; the return starts with a Header",
        "r.xml: Message, item LALevelVacancies: is missing; the return needs the council-level "
        "vacancy items",
        "r.xml: Message, item CSWWWorker: is missing; the return lists every social worker in a "
        "CSWWWorker",
    ]


def test_listing_is_capped() -> None:
    text = write(records_of(*[OWN_IN_POST] * 60)).decode()
    lines = problems_of(text.replace("<GenderCurrent>2<", "<GenderCurrent>5<"))
    assert lines[0] == "r.xml is not a valid CSWW return (60 problems):"
    assert len(lines) == 52
    assert lines[-1] == "r.xml: ... and 10 more problems"


# --- the schema agrees with the rule tables ----------------------------------------------------

XS = "{http://www.w3.org/2001/XMLSchema}"


def _schema_tree() -> etree._Element:
    return etree.parse(str(XSD)).getroot()


def _item_type(item: str) -> etree._Element:
    """The named simple type of an item (worker or council level)."""
    root = _schema_tree()
    (element,) = root.findall(f".//{XS}element[@name='{item}']")
    (simple,) = root.findall(f"{XS}simpleType[@name='{element.get('type')}']")
    return simple


def _facets(item: str) -> dict[str, str]:
    return {str(e.tag).removeprefix(XS): e.get("value") or "" for e in _item_type(item).iter()}


def test_schema_lists_the_items_in_order() -> None:
    worker = _schema_tree().find(f".//{XS}complexType[@name='WorkerType']")
    assert worker is not None
    names = [element.get("name") for element in worker.iter(f"{XS}element")]
    assert names == list(WORKER_ITEMS)


@pytest.mark.parametrize("item", sorted(CODE_SETS))
def test_schema_code_sets_match(item: str) -> None:
    values = tuple(e.get("value") for e in _item_type(item).iter(f"{XS}enumeration"))
    assert values == CODE_SETS[item]


@pytest.mark.parametrize("item", list(NUMBERS))
def test_schema_number_bounds_match(item: str) -> None:
    facets = _facets(item)
    assert float(facets["minInclusive"]) == NUMBERS[item].low
    assert float(facets["maxInclusive"]) == NUMBERS[item].high
    assert int(facets.get("fractionDigits", "0")) == NUMBERS[item].places


def test_schema_text_lengths_match() -> None:
    assert _facets("QualInst")["maxLength"] == str(TEXTS["QualInst"])
    assert _facets("SWENo")["pattern"] == SWE_PATTERN.strip("^$")


# --- random damage never escapes as anything but InvalidInputError ----------------------------

BASE = write(four_workers())


def _mutate(data: bytes, choice: int, position: int, junk: str) -> bytes:
    root = etree.fromstring(data)
    elements = list(root.iter())
    target = elements[position % len(elements)]
    parent = target.getparent()
    kind = choice % 6
    if kind == 0 and parent is not None:
        parent.remove(target)
    elif kind == 1 and parent is not None:
        parent.insert(parent.index(target), etree.fromstring(etree.tostring(target)))
    elif kind == 2:
        target.text = junk
    elif kind == 3:
        target.tag = re.sub(r"[^A-Za-z]", "", junk) or "X"
    elif kind == 4 and parent is not None:
        parent.insert(0, etree.fromstring(etree.tostring(target)))
    else:
        cut = etree.tostring(root)
        return cut[: position % len(cut)] + junk.encode() + cut[position % len(cut) :]
    return etree.tostring(root)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 10_000), st.text(max_size=12)),
        min_size=1,
        max_size=4,
    )
)
def test_damaged_returns_raise_only_invalid_input(changes: list[tuple[int, int, str]]) -> None:
    data = BASE
    for choice, position, junk in changes:
        try:
            data = _mutate(data, choice, position, junk)
        except (ValueError, etree.XMLSyntaxError):
            continue  # lxml refused the mutation itself (e.g. a control character)
    try:
        valid = return_schema().validate(etree.fromstring(data))
    except etree.XMLSyntaxError:
        valid = False
    try:
        parsed = read_return(data, source_name="damaged.xml")
    except InvalidInputError as exc:
        assert str(exc).startswith("damaged.xml")
        # The item checks are no stricter than the schema, bar the header's reference date.
        assert not valid or "item ReferenceDate" in str(exc)
        return
    # Whatever is read can be written back as a valid return.
    assert parsed.records.height == len(etree.fromstring(data).findall("CSWWWorker"))
    assert schema_errors(rewrite(parsed)) == []


# --- the shared sample file (synthetic, with deliberately odd values) ---------------------------


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample return is not available")
def test_shared_sample_reads_and_reports_its_odd_values() -> None:
    parsed = read_return(SAMPLE.read_bytes(), source_name=SAMPLE.name)
    assert (parsed.lea, parsed.census_year, parsed.records.height) == ("301", 2022, 30)
    assert parsed.vacancies.row(0) == ("301", 2022, 79.68, 59.82, 71)
    problems = validate_return(parsed.records, parsed.vacancies, census_year=2022)
    counts = (
        pl.DataFrame(
            [(p.item, p.severity.value, p.message.split(";")[0]) for p in problems],
            orient="row",
            schema=["item", "severity", "what"],
        )
        .group_by("item", "severity", "what")
        .len()
        .sort("item", "what")
    )
    assert counts.rows() == [
        ("Ethnicity", "error", "is missing", 3),
        ("FTE30", "warning", "is missing", 2),
        ("GenderCurrent", "error", "is missing", 5),
        ("OrgRole", "error", "is missing", 5),
        ("PersonBirthDate", "error", "is missing", 3),
        ("ReasonAbsence", "warning", "is given but Absat30Sept is not 1", 2),
        ("RoleEndDate", "error", "is outside census year 2022 (2021-10-01 to 2022-09-30)", 13),
        ("RoleStartDate", "error", "is after the reference date 2022-09-30", 7),
        ("StartOrigin", "error", "is missing", 1),
    ]
    # Exported again, it is a valid file that reads back the same.
    assert schema_errors(rewrite(parsed)) == []
    assert read_return(rewrite(parsed), source_name="again.xml").records.equals(parsed.records)
