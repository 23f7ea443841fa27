"""Tables for the day-to-day data. Every record belongs to an authority. Dated spells are inclusive
(``end_date`` is the last day, ``None`` while open) and are ended, never rewritten."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from caseload.domain import (
    AbsenceReason,
    AllocationRole,
    CaseType,
    ContractType,
    ProceedingsKind,
    Role,
    SpellEndReason,
    TeamKind,
    WorkerChangeReason,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def code_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: stored as its string value with a CHECK constraint."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


FTE = Numeric(7, 6, asdecimal=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {date: Date}


class Authority(Base):
    """A council, identified by its 3-digit DfE local authority code."""

    __tablename__ = "authority"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(60))
    data_as_at: Mapped[date | None] = mapped_column(
        comment="the last day the day-to-day data covers (the extract or simulation date)"
    )
    __table_args__ = (CheckConstraint("length(code) = 3", name="code_three_digits"),)


class Team(Base):
    """A team or a service area (a team's parent)."""

    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[TeamKind] = mapped_column(code_enum(TeamKind, "team_kind"))
    external_id: Mapped[str | None] = mapped_column(String(60), comment="id in the source system")
    parent: Mapped[Team | None] = relationship(remote_side="Team.id")
    __table_args__ = (UniqueConstraint("authority_id", "name", name="uq_team_authority_name"),)


class TeamManagement(Base):
    """A worker managing a team over a dated period."""

    __tablename__ = "team_management"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
    )


class Post(Base):
    """A funded post in the establishment. A vacancy is funded FTE not filled by own staff."""

    __tablename__ = "post"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    role: Mapped[Role] = mapped_column(code_enum(Role, "role"))
    funded_fte: Mapped[Decimal] = mapped_column(FTE)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    __table_args__ = (
        UniqueConstraint("authority_id", "reference", name="uq_post_authority_reference"),
        CheckConstraint("funded_fte > 0 AND funded_fte <= 1", name="fte_range"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
    )


class Worker(Base):
    """A person who works or worked for the council, as own staff or through an agency."""

    __tablename__ = "worker"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    staff_number: Mapped[str] = mapped_column(String(40))
    swe_number: Mapped[str | None] = mapped_column(String(20), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    birth_date: Mapped[date | None]
    gender: Mapped[int | None] = mapped_column(SmallInteger)
    ethnicity: Mapped[str | None] = mapped_column(String(4))
    qualification_date: Mapped[date | None]
    qualification_level: Mapped[int | None] = mapped_column(SmallInteger)
    qualification_institution: Mapped[str | None] = mapped_column(String(120))
    case_system_id: Mapped[str | None] = mapped_column(
        String(60), comment="the worker's id in the case management system (SSD professional id)"
    )
    step_up: Mapped[bool] = mapped_column(default=False)
    frontline: Mapped[bool] = mapped_column(default=False)
    spells: Mapped[list[EmploymentSpell]] = relationship(back_populates="worker")
    __table_args__ = (
        UniqueConstraint("authority_id", "staff_number", name="uq_worker_authority_staff"),
        CheckConstraint("gender IS NULL OR gender IN (0, 1, 2, 9)", name="gender_code"),
        CheckConstraint(
            "qualification_level IS NULL OR qualification_level IN (1, 2, 3)",
            name="qual_level_code",
        ),
    )


class EmploymentSpell(Base):
    """A dated period of one role, FTE, team and contract; any change ends it with a reason."""

    __tablename__ = "employment_spell"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    contract: Mapped[ContractType] = mapped_column(code_enum(ContractType, "contract_type"))
    role: Mapped[Role] = mapped_column(code_enum(Role, "role"))
    fte: Mapped[Decimal] = mapped_column(FTE)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    end_reason: Mapped[SpellEndReason | None] = mapped_column(
        code_enum(SpellEndReason, "spell_end_reason")
    )
    start_origin: Mapped[int | None] = mapped_column(SmallInteger)
    reason_leave: Mapped[int | None] = mapped_column(SmallInteger)
    leaver_destination: Mapped[int | None] = mapped_column(SmallInteger)
    agency_contract_weeks: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    worker: Mapped[Worker] = relationship(back_populates="spells")
    __table_args__ = (
        CheckConstraint("fte > 0 AND fte <= 1", name="fte_range"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        CheckConstraint(
            "(end_date IS NULL AND end_reason IS NULL)"
            " OR (end_date IS NOT NULL AND end_reason IS NOT NULL)",
            name="end_has_reason",
        ),
        CheckConstraint(
            "start_origin IS NULL OR start_origin BETWEEN 1 AND 10", name="origin_code"
        ),
        CheckConstraint(
            "reason_leave IS NULL OR reason_leave BETWEEN 1 AND 10", name="reason_code"
        ),
        CheckConstraint(
            "leaver_destination IS NULL OR leaver_destination BETWEEN 1 AND 9", name="dest_code"
        ),
        Index("ix_employment_spell_authority_dates", "authority_id", "start_date", "end_date"),
    )


class Absence(Base):
    """An absence episode with its census reason and the working days it lost."""

    __tablename__ = "absence"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    reason: Mapped[AbsenceReason] = mapped_column(code_enum(AbsenceReason, "absence_reason"))
    working_days_lost: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        CheckConstraint("working_days_lost >= 0", name="days_not_negative"),
    )


class Child(Base):
    """A child known to children's social care, under a pseudonymous reference."""

    __tablename__ = "child"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    child_ref: Mapped[str] = mapped_column(String(40))
    birth_date: Mapped[date | None]
    sibling_group: Mapped[str | None] = mapped_column(String(40), index=True)
    __table_args__ = (UniqueConstraint("authority_id", "child_ref", name="uq_child_authority_ref"),)


class Referral(Base):
    """A referral to children's social care (the demand that starts a case)."""

    __tablename__ = "referral"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    referral_date: Mapped[date]
    source: Mapped[str | None] = mapped_column(String(40))
    led_to_assessment: Mapped[bool] = mapped_column(default=True)
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (Index("ix_referral_authority_date", "authority_id", "referral_date"),)


class ChildStatus(Base):
    """A dated episode of a child's status: assessment, CIN, CP, looked after or care leaver."""

    __tablename__ = "child_status"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    status: Mapped[CaseType] = mapped_column(code_enum(CaseType, "case_type"))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        Index("ix_child_status_authority_dates", "authority_id", "start_date", "end_date"),
    )


class Proceedings(Base):
    """A dated period of pre-proceedings (PLO) or care proceedings for a child."""

    __tablename__ = "proceedings"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ProceedingsKind] = mapped_column(code_enum(ProceedingsKind, "proceedings_kind"))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
    )


class Allocation(Base):
    """A child allocated to a worker over a dated period. A child has at most one allocated worker
    on any day (enforced by a trigger, see the migrations); co-workers may overlap."""

    __tablename__ = "allocation"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    role: Mapped[AllocationRole] = mapped_column(code_enum(AllocationRole, "allocation_role"))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    change_reason: Mapped[WorkerChangeReason | None] = mapped_column(
        code_enum(WorkerChangeReason, "worker_change_reason")
    )
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        Index("ix_allocation_child_dates", "child_id", "start_date"),
        Index("ix_allocation_authority_dates", "authority_id", "start_date", "end_date"),
        # Covers the census's count of the cases each worker held on a reference day
        # (storage.workforce_frames.cases_held_frame) without visiting the table.
        Index(
            "ix_allocation_cases_held",
            "authority_id",
            "role",
            "start_date",
            "end_date",
            "worker_id",
        ),
        Index(
            "uq_allocation_one_open_allocated_worker",
            "child_id",
            unique=True,
            sqlite_where=text("end_date IS NULL AND role = 'allocated'"),
            postgresql_where=text("end_date IS NULL AND role = 'allocated'"),
        ),
    )


from caseload.storage import (  # noqa: E402,F401  (more tables)
    account_models,
    agency_models,
    census_models,
    health_check_models,
    learning_models,
    operations_models,
    practice_models,
    scenario_store,
    training_models,
)
