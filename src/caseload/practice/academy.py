"""The learning academy's catalogue file: its courses (mandatory or not, for which roles, how
often renewed) and its learning offer and resource hub (courses, practice guidance, tools and
events), kept by the academy as YAML and loaded with ``caseload academy load FILE``.

```yaml
courses:
  - code: SG-ADV
    title: Advanced safeguarding
    mandatory: true
    roles: [social_worker, senior_social_worker]   # empty or left out: every role
    renewal_months: 24                               # left out: never renewed
offer:
  - code: EV-COURT-25
    kind: event                  # course, guidance, tool or event
    title: Court skills forum
    summary: Giving evidence in care proceedings.
    link: Town Hall, room 2      # a web address or a place
    date: 2025-05-14             # events only
    tags: [court, evidence]
    course: COURT                # optional: the course an item is a session of
```

Errors name the file and the entry (``courses[2].renewal_months``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from caseload.domain import Role
from caseload.errors import ConfigurationError

ROLE_VALUES = tuple(role.value for role in Role)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CourseEntry(_Model):
    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=160)
    mandatory: bool = False
    roles: list[str] = Field(default_factory=list)
    renewal_months: int | None = Field(default=None, gt=0, le=120)

    @model_validator(mode="after")
    def _known_roles(self) -> CourseEntry:
        unknown = [role for role in self.roles if role not in ROLE_VALUES]
        if unknown:
            raise ValueError(f"roles: {', '.join(unknown)} not known; use {', '.join(ROLE_VALUES)}")
        return self


class OfferEntry(_Model):
    code: str = Field(min_length=1, max_length=60)
    kind: Literal["course", "guidance", "tool", "event"]
    title: str = Field(min_length=1, max_length=160)
    summary: str | None = None
    link: str | None = Field(default=None, max_length=400)
    date: dt.date | None = None
    tags: list[str] = Field(default_factory=list)
    course: str | None = None

    @model_validator(mode="after")
    def _dated_events(self) -> OfferEntry:
        if self.date is not None and self.kind != "event":
            raise ValueError("date: only an event has a date")
        if any(";" in tag for tag in self.tags):
            raise ValueError("tags: a tag cannot hold ';'")
        return self


class Catalogue(_Model):
    courses: list[CourseEntry] = Field(default_factory=list)
    offer: list[OfferEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        for name, codes in (
            ("courses", [c.code for c in self.courses]),
            ("offer", [i.code for i in self.offer]),
        ):
            seen: set[str] = set()
            for index, code in enumerate(codes):
                if code in seen:
                    raise ValueError(f"{name}[{index}].code: {code!r} is listed twice")
                seen.add(code)
        known = {c.code for c in self.courses}
        for index, item in enumerate(self.offer):
            if item.course is not None and item.course not in known:
                raise ValueError(
                    f"offer[{index}].course: {item.course!r} is not one of the file's courses"
                )
        return self


def _where(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_catalogue(text: str, source: str) -> Catalogue:
    """The catalogue in ``text`` (YAML), or a ConfigurationError naming ``source`` and the
    entry."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"{source}: expected 'courses:' and 'offer:' lists")
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = _where(tuple(error["loc"]))
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise ConfigurationError(
            f"{source}: " + "; ".join(problems) + " (correct the entry and load the file again)"
        ) from None


def load_catalogue(path: Path) -> Catalogue:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_catalogue(text, str(path))
