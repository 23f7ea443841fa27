"""Reading and writing the CSWW census return as XML (pure functions, no database).

``write_return`` turns census records (record shape) into the return's XML: items in the return's
order, empty items left out, numbers written with fixed decimal places, pretty printed UTF-8. The
same input gives the same bytes, and ``write_return(read_return(write_return(x)))`` gives them too.

``read_return`` checks a file item by item (structure, types, code sets, real dates, the header),
so that one pass lists every problem with the file, worker and item; the project's schema
``reference/csww_return.xsd`` is then applied as the final word. Rules that depend on other items
(own staff's personal items, leavers, date bounds) are ``caseload.census.validation``'s."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from typing import Any, Protocol, cast

import polars as pl
from lxml import etree

from caseload.census.validation import (
    CODE_SETS,
    DATES,
    NUMBERS,
    SWE_HINT,
    SWE_PATTERN,
    TEXTS,
    VACANCY_ITEMS,
    Problem,
    Severity,
    not_a_code,
)
from caseload.domain.census_records import (
    RECORD_SCHEMA,
    VACANCY_SCHEMA,
    WORKER_ITEMS,
    conform_records,
    conform_vacancies,
)
from caseload.domain.census_records import (
    ParsedReturn as ParsedReturn,
)
from caseload.errors import InvalidInputError

MAX_REPORT_LINES = 50
# The largest return a council may send: the largest English council employs about 1,500
# children's social workers, and a year's return (leavers and agency workers too) about 2,500
# records of about 700 bytes each. The caps are ten times that, and keep the memory an import
# needs bounded (a few hundred MB) whatever a file holds.
MAX_RETURN_BYTES = 20 * 1024 * 1024
MAX_RETURN_WORKERS = 25_000
COLLECTION_ITEMS = ("Collection", "Year", "ReferenceDate")
SOURCE_ITEMS = ("SourceLevel", "LEA", "SoftwareCode", "DateTime")
SOFTWARE_CODE_LENGTH = 200
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?"
)
_WORKER_PATH = re.compile(r"^/Message/CSWWWorker(?:\[(\d+)\])?(?:/([^/\[]+))?")


class _LogEntry(Protocol):
    """What lxml's error log entries carry (the stubs leave the log untyped)."""

    line: int
    message: str
    path: str | None


def _entries(log: object) -> list[_LogEntry]:
    return list(cast(Iterable[_LogEntry], log))


# --- the schema -------------------------------------------------------------------------------


@cache
def _schema_source() -> bytes:
    return files("caseload.reference").joinpath("csww_return.xsd").read_bytes()


def return_schema() -> etree.XMLSchema:
    """The project's schema of the return (``reference/csww_return.xsd``). A new validator each
    call (a quarter of a millisecond): lxml validators keep their error log, so one is not shared
    between threads."""
    return etree.XMLSchema(etree.fromstring(_schema_source()))


def schema_errors(data: bytes) -> list[str]:
    """What the schema says about a file: an empty list when it is valid."""
    try:
        document = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    schema = return_schema()
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in _entries(schema.error_log)]


# --- writing ----------------------------------------------------------------------------------


def format_number(value: float | int, places: int) -> str:
    """A number as the return writes it: ``places`` decimal places, halves rounded up."""
    if places == 0:
        return str(int(value))
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"


def format_timestamp(moment: datetime) -> str:
    """``DateTime`` in UTC to the second, e.g. ``2025-10-06T09:30:00Z`` (naive means UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """The header's ``DateTime`` text as an aware datetime (no zone means UTC)."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _item_text(item: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("is not a number")
        return format_number(value, NUMBERS[item].places)
    return str(value)


def _add(parent: etree._Element, item: str, text: str | None) -> None:
    if text is not None:
        etree.SubElement(parent, item).text = text


def write_return(
    records: pl.DataFrame,
    vacancies: pl.DataFrame,
    *,
    lea: str,
    census_year: int,
    software_code: str,
    generated_at: datetime,
) -> bytes:
    """The return as XML bytes. ``records`` are written in their order; ``vacancies`` gives the
    row for ``lea`` and ``census_year`` (or its only row); empty items are left out."""
    if not re.fullmatch(r"[0-9]{3}", lea):
        raise InvalidInputError(f"the authority code must be 3 digits, not {lea!r}")
    software = " ".join(software_code.split())
    if not software or len(software) > SOFTWARE_CODE_LENGTH:
        raise InvalidInputError(f"the software code must be 1 to {SOFTWARE_CODE_LENGTH} characters")
    message = etree.Element("Message")
    header = etree.SubElement(message, "Header")
    details = etree.SubElement(header, "CollectionDetails")
    _add(details, "Collection", "CSWW")
    _add(details, "Year", str(census_year))
    _add(details, "ReferenceDate", date(census_year, 9, 30).isoformat())
    source = etree.SubElement(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", lea)
    _add(source, "SoftwareCode", software)
    _add(source, "DateTime", format_timestamp(generated_at))
    council = etree.SubElement(message, "LALevelVacancies")
    for item, value in _vacancy_row(vacancies, lea, census_year).items():
        _add(council, item, _item_text(item, value))
    for position, row in enumerate(conform_records(records).iter_rows(named=True), start=1):
        worker = etree.SubElement(message, "CSWWWorker")
        for item in WORKER_ITEMS:
            try:
                _add(worker, item, _item_text(item, row[item]))
            except ValueError as exc:
                raise InvalidInputError(
                    f"worker {position} (SWENo {row['SWENo']}), item {item}: value "
                    f"{row[item]!r} cannot be written ({exc}); correct the record"
                ) from None
    return etree.tostring(message, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def _vacancy_row(vacancies: pl.DataFrame, lea: str, census_year: int) -> dict[str, Any]:
    frame = conform_vacancies(vacancies)
    mine = frame.filter(
        (pl.col("LEA").is_null() | (pl.col("LEA") == lea))
        & (pl.col("Year").is_null() | (pl.col("Year") == census_year))
    )
    if mine.height == 0:
        return dict.fromkeys(VACANCY_ITEMS)
    row = mine.row(0, named=True)
    return {item: row[item] for item in VACANCY_ITEMS}


# --- reading: item values ---------------------------------------------------------------------


class _BadValueError(Exception):
    """A value that is not what the item takes; the message says why and what to do."""


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def _code(item: str, text: str) -> Any:
    if text not in CODE_SETS[item]:
        raise _BadValueError(not_a_code(item))
    return int(text) if WORKER_ITEMS.get(item) == pl.Int64 else text


def _number(item: str, text: str) -> Any:
    number = NUMBERS[item]
    shape = _INTEGER if number.places == 0 else _DECIMAL
    if not shape.fullmatch(text):
        raise _BadValueError(f"is not {number.describe()}; give {number.hint}")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already rules this out
        raise _BadValueError(f"is not {number.describe()}") from None
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > number.places:
        raise _BadValueError(
            f"has more than {number.places} decimal places; round it to {number.places}"
        )
    if not Decimal(str(number.low)) <= value <= Decimal(str(number.high)):
        raise _BadValueError(number.outside())
    return int(value) if number.places == 0 else float(value)


def _date(_item: str, text: str) -> date:
    if not _DATE.fullmatch(text):
        raise _BadValueError("is not a date written YYYY-MM-DD; write it so, e.g. 2025-09-30")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _BadValueError("is not a real date; check the day and month") from None


def _text(item: str, text: str) -> str:
    longest = TEXTS.get(item, SOFTWARE_CODE_LENGTH)
    if not text:
        raise _BadValueError("is empty; give a value or leave the item out")
    if len(text) > longest:
        raise _BadValueError(f"is longer than {longest} characters; shorten it")
    if item == "SWENo" and not re.fullmatch(SWE_PATTERN, text):
        raise _BadValueError(f"is not a Social Work England number; {SWE_HINT}")
    return text


def _fixed(expected: str) -> Callable[[str, str], str]:
    def read(_item: str, text: str) -> str:
        if text != expected:
            raise _BadValueError(f"is not {expected}; a CSWW return has {expected} here")
        return text

    return read


def _year(_item: str, text: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", text) or not 2000 <= int(text) <= 2100:
        raise _BadValueError(
            "is not a census year; give the 4-digit year the census ends, e.g. 2025"
        )
    return int(text)


def _lea(_item: str, text: str) -> str:
    if not re.fullmatch(r"[0-9]{3}", text):
        raise _BadValueError(
            "is not a 3-digit local authority code; give the council's DfE code, e.g. 301"
        )
    return text


def _timestamp(_item: str, text: str) -> str:
    try:
        if not _TIMESTAMP.fullmatch(text):
            raise ValueError
        parse_timestamp(text)
    except ValueError:
        raise _BadValueError("is not a date and time; write it as 2025-10-06T09:30:00Z") from None
    return text


Reader = Callable[[str, str], Any]
HEADER_READERS: dict[str, Reader] = {
    "Collection": _fixed("CSWW"),
    "Year": _year,
    "ReferenceDate": _date,
    "SourceLevel": _fixed("L"),
    "LEA": _lea,
    "SoftwareCode": _text,
    "DateTime": _timestamp,
}


def _reader(item: str) -> Reader:
    if item in CODE_SETS:
        return _code
    if item in NUMBERS:
        return _number
    if item in DATES:
        return _date
    return _text


# --- reading: structure -----------------------------------------------------------------------

Report = Callable[..., None]


def _elements(parent: etree._Element) -> list[etree._Element]:
    return [child for child in parent if isinstance(child.tag, str)]


def _stray_content(element: etree._Element, item: str, report: Report) -> None:
    """Complex elements hold only elements; simple ones only a value; none has attributes."""
    if any(name not in _SCHEMA_HINTS for name in element.attrib):
        report(item, "has attributes; the return's items have none, remove them")
    children = _elements(element)
    if children and item not in _CONTAINERS:
        report(item, "holds other elements; it takes a single value")
    if item in _CONTAINERS:
        texts = [element.text, *(child.tail for child in element)]
        if any(text and text.strip() for text in texts):
            report(item, "holds text outside its items; remove it")


_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_SCHEMA_HINTS = {f"{_XSI}schemaLocation", f"{_XSI}noNamespaceSchemaLocation"}
_CONTAINERS = {"Message", "Header", "CollectionDetails", "Source", "LALevelVacancies", "CSWWWorker"}


def _sequence(
    parent: etree._Element,
    order: Sequence[str],
    required: Mapping[str, str],
    report: Report,
    repeatable: str | None = None,
) -> dict[str, list[etree._Element]]:
    """Check ``parent``'s children against the items it takes, in order; report unknown,
    repeated, misplaced and missing ones, and return the known ones by name."""
    found: dict[str, list[etree._Element]] = {}
    furthest = -1
    for child in _elements(parent):
        tag = str(child.tag)
        if tag not in order:
            where = parent.tag
            report(tag, f"is not an item of {where}; remove it or correct its name")
            continue
        if tag in found and tag != repeatable:
            report(tag, "appears more than once; keep one")
            continue
        index = order.index(tag)
        if index < furthest:
            report(
                tag,
                f"comes after {order[furthest]} but belongs before it; put the items in the "
                "return's order",
            )
        furthest = max(furthest, index)
        found.setdefault(tag, []).append(child)
    for item, hint in required.items():
        if item not in found:
            report(item, f"is missing; {hint}")
    return found


def _value(element: etree._Element | None, item: str, reader: Reader, report: Report) -> Any:
    if element is None:
        return None
    _stray_content(element, item, report)
    text = _collapse(str(element.xpath("string()")))
    try:
        return reader(item, text)
    except _BadValueError as bad:
        report(item, str(bad), value=text)
        return None


def _first(found: Mapping[str, list[etree._Element]], item: str) -> etree._Element | None:
    return found[item][0] if item in found else None


@dataclass
class _Reading:
    """Problems found while reading one file."""

    problems: list[Problem]

    def reporter(self, part: str, worker: int | None = None, swe_no: str | None = None) -> Report:
        def report(item: str, message: str, *, value: str | None = None) -> None:
            self.problems.append(
                Problem(Severity.ERROR, item, message, value, worker, swe_no, part)
            )

        return report


def _read_header(header: etree._Element | None, reading: _Reading) -> dict[str, Any]:
    report = reading.reporter("Header")
    values: dict[str, Any] = {}
    if header is None:
        return values
    _stray_content(header, "Header", report)
    parts = _sequence(
        header,
        ("CollectionDetails", "Source"),
        dict.fromkeys(
            ("CollectionDetails", "Source"), "the header needs CollectionDetails and Source"
        ),
        report,
    )
    for part, items in (("CollectionDetails", COLLECTION_ITEMS), ("Source", SOURCE_ITEMS)):
        element = _first(parts, part)
        if element is None:
            continue
        _stray_content(element, part, report)
        hint = f"{part} needs {', '.join(items)}"
        found = _sequence(element, items, dict.fromkeys(items, hint), report)
        for item in items:
            values[item] = _value(_first(found, item), item, HEADER_READERS[item], report)
    year, day = values.get("Year"), values.get("ReferenceDate")
    if year is not None and day is not None and day != date(year, 9, 30):
        report(
            "ReferenceDate",
            f"is not 30 September {year}; the reference date is 30 September of the census year",
            value=day.isoformat(),
        )
    return values


def _read_vacancies(element: etree._Element | None, reading: _Reading) -> dict[str, Any]:
    report = reading.reporter("LALevelVacancies")
    if element is None:
        return dict.fromkeys(VACANCY_ITEMS)
    _stray_content(element, "LALevelVacancies", report)
    found = _sequence(element, VACANCY_ITEMS, {}, report)
    return {item: _value(_first(found, item), item, _number, report) for item in VACANCY_ITEMS}


def _read_worker(element: etree._Element, position: int, reading: _Reading) -> dict[str, Any]:
    swe = next((child for child in _elements(element) if child.tag == "SWENo"), None)
    swe_no = _collapse(swe.text)[:20] if swe is not None else None
    report = reading.reporter("CSWWWorker", position, swe_no or None)
    _stray_content(element, "CSWWWorker", report)
    required = {"AgencyWorker": "give 0 (own staff) or 1 (agency)"}
    found = _sequence(element, tuple(WORKER_ITEMS), required, report)
    return {item: _value(_first(found, item), item, _reader(item), report) for item in WORKER_ITEMS}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _parse(data: bytes, source_name: str) -> etree._Element:
    if not data.strip():
        raise InvalidInputError(f"{source_name}: the file is empty; give the XML return")
    if len(data) > MAX_RETURN_BYTES:
        raise too_large(source_name)
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        # The parser's own log: the exception's may hold errors from earlier parses.
        details = [
            f"{source_name}: line {error.line}: {error.message}"
            for error in _entries(parser.error_log)[:5]
        ] or [f"{source_name}: {exc}"]
        raise InvalidInputError(
            f"{source_name} is not well-formed XML; check that it is the XML return and was not "
            "cut short or edited by hand:\n" + "\n".join(details)
        ) from None
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise InvalidInputError(
            f"{source_name}: the file has a DOCTYPE declaration; a CSWW return has none"
        )
    if root.tag != "Message":
        raise InvalidInputError(
            f"{source_name}: the root element is {str(root.tag)!r}, not 'Message'; this is not a "
            "CSWW return"
        )
    workers = sum(1 for _ in root.iterchildren("CSWWWorker"))
    if workers > MAX_RETURN_WORKERS:
        raise InvalidInputError(
            f"{source_name}: the return lists {workers:,} workers, more than the "
            f"{MAX_RETURN_WORKERS:,} a return may hold; check it is one council's return for one "
            "year"
        )
    return root


def too_large(source_name: str) -> InvalidInputError:
    """The refusal of a file over :data:`MAX_RETURN_BYTES`."""
    return InvalidInputError(
        f"{source_name}: the file is over {MAX_RETURN_BYTES // (1024 * 1024)} MB, more than a "
        "return may be; check it is one council's CSWW return for one year"
    )


def _schema_problems(root: etree._Element) -> list[Problem]:
    """The schema's verdict as problems (reached only when the item checks found none)."""
    schema = return_schema()
    if schema.validate(root):
        return []
    problems = []
    for error in _entries(schema.error_log):
        match = _WORKER_PATH.match(error.path or "")
        found = cast(list[Any], root.getroottree().xpath(error.path)) if error.path else []
        value = found[0].text if found and isinstance(found[0], etree._Element) else None
        message = re.sub(r"^Element '[^']*': ", "", error.message)
        worker = int(match.group(1) or 1) if match else None
        item = (match.group(2) if match else None) or (error.path or "Message").rsplit("/", 1)[-1]
        problems.append(
            Problem(
                Severity.ERROR,
                item,
                f"does not match the return's schema (line {error.line}: {message})",
                _collapse(value) if value is not None else None,
                worker,
                part="CSWWWorker" if match else "Message",
            )
        )
    return problems


def problem_report(
    source_name: str, problems: Sequence[Problem], limit: int = MAX_REPORT_LINES
) -> str:
    """A multi-line report: a summary line, then one line per problem (at most ``limit``)."""
    count = len(problems)
    lines = [
        f"{source_name} is not a valid CSWW return ({count} problem{'s' if count != 1 else ''}):"
    ]
    lines += [f"{source_name}: {problem.describe()}" for problem in problems[:limit]]
    if count > limit:
        lines.append(f"{source_name}: ... and {count - limit} more problems")
    return "\n".join(lines)


def read_return(data: bytes, *, source_name: str) -> ParsedReturn:
    """Read a return's XML. Every problem found (structure, types, code sets, dates, header) is
    listed in one ``InvalidInputError``, by file, worker and item."""
    root = _parse(data, source_name)
    reading = _Reading([])
    report = reading.reporter("Message")
    _stray_content(root, "Message", report)
    required = {
        "Header": "the return starts with a Header",
        "LALevelVacancies": "the return needs the council-level vacancy items",
        "CSWWWorker": "the return lists every social worker in a CSWWWorker",
    }
    found = _sequence(
        root, ("Header", "LALevelVacancies", "CSWWWorker"), required, report, "CSWWWorker"
    )
    header = _read_header(_first(found, "Header"), reading)
    vacancy = _read_vacancies(_first(found, "LALevelVacancies"), reading)
    workers = [
        _read_worker(element, position, reading)
        for position, element in enumerate(found.get("CSWWWorker", []), start=1)
    ]
    problems = reading.problems or _schema_problems(root)
    if problems:
        raise InvalidInputError(problem_report(source_name, problems))
    lea, year = header["LEA"], header["Year"]
    columns = {
        name: [row.get(name) for row in workers] for name in RECORD_SCHEMA if name in WORKER_ITEMS
    }
    records = conform_records(
        pl.DataFrame(columns, schema={k: RECORD_SCHEMA[k] for k in columns}).with_columns(
            pl.lit(lea, pl.Utf8).alias("LEA"), pl.lit(year, pl.Int64).alias("Year")
        )
    )
    vacancies = pl.DataFrame([{"LEA": lea, "Year": year, **vacancy}], schema=VACANCY_SCHEMA)
    return ParsedReturn(
        source_name=source_name,
        lea=lea,
        census_year=year,
        reference_date=header["ReferenceDate"],
        software_code=header["SoftwareCode"],
        generated_at=header["DateTime"],
        records=records,
        vacancies=vacancies,
    )
