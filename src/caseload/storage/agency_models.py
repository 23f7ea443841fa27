"""Agency engagements: one agency worker's assignment with the council, with what the DfE agency
rules ask to be known about it (frames: :data:`caseload.workforce.agency_rules.ENGAGEMENT_SCHEMA`).
Loaded by the agency import (``caseload import agency``); a re-import replaces the council's
engagements of the period the file covers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from caseload.storage.models import Base

JOB_TYPES = (
    "('social_worker', 'senior_social_worker', 'advanced_practitioner', 'team_manager', "
    "'iro_or_chair')"
)
EXEMPTIONS = "('redundancy', 'probation', 'permanent_role', 'different_region')"
MONEY = Numeric(8, 2)


class AgencyEngagement(Base):
    """An agency worker's engagement: agency, dates, the hourly charge split as the price cap
    needs it, post-qualifying experience, previous substantive employment, notice, references
    and the sign-offs of an engagement above the cap."""

    __tablename__ = "agency_engagement"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"))
    agency: Mapped[str] = mapped_column(String(120))
    job_type: Mapped[str] = mapped_column(String(24))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    pay_rate: Mapped[Decimal] = mapped_column(MONEY, comment="worker's hourly pay, pounds")
    on_costs: Mapped[Decimal | None] = mapped_column(
        MONEY, comment="employer national insurance and apprenticeship levy per hour"
    )
    agency_fee: Mapped[Decimal | None] = mapped_column(MONEY, comment="agency's fee per hour")
    pqe_date: Mapped[date | None] = mapped_column(
        comment="first day of post-qualifying experience in child and family social work"
    )
    pqe_years: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    pqe_evidence: Mapped[str | None] = mapped_column(String(200))
    previous_council: Mapped[str | None] = mapped_column(String(3))
    previous_region: Mapped[str | None] = mapped_column(String(60))
    previous_end_date: Mapped[date | None]
    previous_exemption: Mapped[str | None] = mapped_column(String(20))
    notice_weeks: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    reference_practice_based: Mapped[bool | None] = mapped_column(Boolean)
    reference_date: Mapped[date | None]
    director_signoff_date: Mapped[date | None]
    chief_executive_signoff_date: Mapped[date | None]
    project_team: Mapped[bool] = mapped_column(Boolean, default=False)
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (
        CheckConstraint(f"job_type IN {JOB_TYPES}", name="job_type"),
        CheckConstraint(
            f"previous_exemption IS NULL OR previous_exemption IN {EXEMPTIONS}",
            name="previous_exemption",
        ),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
        CheckConstraint("pay_rate > 0", name="pay_rate"),
        Index("ix_agency_engagement_authority_start", "authority_id", "start_date"),
        Index("ix_agency_engagement_worker", "worker_id"),
    )
