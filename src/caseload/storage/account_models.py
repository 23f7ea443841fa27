"""Accounts, their sessions and API tokens, and the append-only, hash-chained audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from caseload.storage.models import Base

ROLE_CHECK = "role IN ('admin', 'leader', 'team_manager', 'analyst', 'social_worker', 'member')"


class UserAccount(Base):
    """A person's (or a service's) account. Accounts are disabled, never deleted, so the audit
    trail always names someone who existed."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    is_service: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(80))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint(ROLE_CHECK, name="role"),
        CheckConstraint("username = lower(username)", name="username_lower"),
    )


class UserTeam(Base):
    """A team a team manager's account covers (sub-teams of a service area come with it)."""

    __tablename__ = "user_team"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    __table_args__ = (UniqueConstraint("user_id", "team_id", name="uq_user_team"),)


class UserSession(Base):
    """A signed-in browser session. The cookie holds a random token; only its digest is kept."""

    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(64))


class ApiToken(Base):
    """A bearer token for a service account calling the JSON API."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInAttempt(Base):
    """A sign-in tried from a network address within the last few minutes: written as the
    attempt starts, removed when it succeeds or was refused unchecked, so the rows are the
    failures and the attempts in flight, which every server worker counts alike. Rows older than
    the window are pruned as new ones come."""

    __tablename__ = "sign_in_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), comment="what key is: 'address'")
    key: Mapped[str] = mapped_column(String(100))
    tried_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        Index("ix_sign_in_attempt_kind_key_tried_at", "kind", "key", "tried_at"),
        Index("ix_sign_in_attempt_tried_at", "tried_at"),
    )


class AuditEvent(Base):
    """One entry of the audit trail: a view of a person-level record, an export, a change, a
    sign-in or a refusal. Rows are never updated or deleted (triggers refuse it); each row's hash
    covers the previous row's hash, and ``prev_hash`` is unique so the chain cannot fork."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32), comment="UTC, ISO 8601 with microseconds")
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    authority_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(10))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, comment="JSON; identifiers only, never names")
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        CheckConstraint("outcome IN ('allowed', 'refused', 'failed')", name="outcome"),
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_actor", "actor"),
    )


class InstallationSecret(Base):
    """A secret this installation made for itself at set-up (``pseudonyms``: the key of the
    analysts' pseudonyms when ``CASELOAD_PSEUDONYM_SECRET`` is not set). Written once, read
    thereafter, so pseudonyms stay the same from one run to the next."""

    __tablename__ = "installation_secret"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
