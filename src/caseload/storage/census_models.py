"""Tables for imported census returns and DfE's published indicators."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseload.storage.models import Base


class CensusReturn(Base):
    """One imported CSWW return: an authority's census year, with its council-level items."""

    __tablename__ = "census_return"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    census_year: Mapped[int]
    reference_date: Mapped[date]
    software_code: Mapped[str | None] = mapped_column(String(200))
    generated_at: Mapped[str | None] = mapped_column(String(40))
    number_of_vacancies: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    agency_cover_fte: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    agency_cover_headcount: Mapped[int | None]
    content_sha256: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(String(260))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    records: Mapped[list[CensusRecord]] = relationship(
        back_populates="census_return",
        cascade="all, delete-orphan",
        order_by="CensusRecord.position",
    )
    __table_args__ = (
        UniqueConstraint("authority_id", "census_year", name="uq_census_return_authority_year"),
    )


class CensusRecord(Base):
    """One ``CSWWWorker`` record of an imported return, item for item."""

    __tablename__ = "census_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("census_return.id", ondelete="CASCADE"))
    position: Mapped[int]
    agency_worker: Mapped[int | None] = mapped_column(SmallInteger)
    swe_no: Mapped[str | None] = mapped_column(String(20))
    fte: Mapped[Decimal | None] = mapped_column(Numeric(8, 6))
    person_birth_date: Mapped[date | None]
    gender_current: Mapped[int | None] = mapped_column(SmallInteger)
    ethnicity: Mapped[str | None] = mapped_column(String(4))
    qual_inst: Mapped[str | None] = mapped_column(String(200))
    qual_level: Mapped[int | None] = mapped_column(SmallInteger)
    step_up_grad: Mapped[int | None] = mapped_column(SmallInteger)
    org_role: Mapped[int | None] = mapped_column(SmallInteger)
    role_start_date: Mapped[date | None]
    start_origin: Mapped[int | None] = mapped_column(SmallInteger)
    role_end_date: Mapped[date | None]
    leaver_destination: Mapped[int | None] = mapped_column(SmallInteger)
    reason_leave: Mapped[int | None] = mapped_column(SmallInteger)
    fte30: Mapped[Decimal | None] = mapped_column(Numeric(8, 6))
    cases30: Mapped[int | None]
    working_days_lost: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    contract_weeks: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))
    frontline_grad: Mapped[int | None] = mapped_column(SmallInteger)
    absat30sept: Mapped[int | None] = mapped_column(SmallInteger)
    reason_absence: Mapped[str | None] = mapped_column(String(3))
    cfkss_status: Mapped[int | None] = mapped_column(SmallInteger)
    census_return: Mapped[CensusReturn] = relationship(back_populates="records")
    __table_args__ = (
        UniqueConstraint("return_id", "position", name="uq_census_record_return_position"),
    )


class PublishedIndicator(Base):
    """One row of DfE's published indicator file (national, regional or council), values kept as
    published text so that the symbols ``x``, ``c``, ``z``, ``u`` and ``low`` survive."""

    __tablename__ = "published_indicator"
    id: Mapped[int] = mapped_column(primary_key=True)
    release: Mapped[str] = mapped_column(String(40))
    time_period: Mapped[int]
    geographic_level: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(12))
    region_name: Mapped[str | None] = mapped_column(String(60))
    old_la_code: Mapped[str | None] = mapped_column(String(20))
    new_la_code: Mapped[str | None] = mapped_column(String(40))
    la_name: Mapped[str | None] = mapped_column(String(120))
    inpost_fte: Mapped[str | None] = mapped_column(String(16))
    inpost_headcount: Mapped[str | None] = mapped_column(String(16))
    starters_fte: Mapped[str | None] = mapped_column(String(16))
    starters_headcount: Mapped[str | None] = mapped_column(String(16))
    leavers_fte: Mapped[str | None] = mapped_column(String(16))
    leavers_headcount: Mapped[str | None] = mapped_column(String(16))
    turnover_rate_fte: Mapped[str | None] = mapped_column(String(16))
    turnover_rate_headcount: Mapped[str | None] = mapped_column(String(16))
    agency_fte: Mapped[str | None] = mapped_column(String(16))
    agency_headcount: Mapped[str | None] = mapped_column(String(16))
    agency_rate_fte: Mapped[str | None] = mapped_column(String(16))
    agency_rate_headcount: Mapped[str | None] = mapped_column(String(16))
    agency_cover_fte: Mapped[str | None] = mapped_column(String(16))
    agency_cover_rate_fte: Mapped[str | None] = mapped_column(String(16))
    vacancy_fte: Mapped[str | None] = mapped_column(String(16))
    vacancy_rate_fte: Mapped[str | None] = mapped_column(String(16))
    vacancy_agency_cover_rate_fte: Mapped[str | None] = mapped_column(String(16))
    case_holders_fte: Mapped[str | None] = mapped_column(String(16))
    cases: Mapped[str | None] = mapped_column(String(16))
    caseload_fte: Mapped[str | None] = mapped_column(String(16))
    working_days_lost_fte: Mapped[str | None] = mapped_column(String(16))
    absence_rate_fte: Mapped[str | None] = mapped_column(String(16))
    __table_args__ = (
        CheckConstraint(
            "geographic_level IN ('National', 'Regional', 'Local authority')", name="level"
        ),
        Index(
            "ix_published_indicator_release_period", "release", "time_period", "geographic_level"
        ),
    )
