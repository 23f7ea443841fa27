"""accounts, sessions, API tokens and the append-only audit trail

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "authority_id",
            sa.Integer(),
            sa.ForeignKey(
                "authority.id", ondelete="CASCADE", name="fk_user_account_authority_id_authority"
            ),
            nullable=False,
        ),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column(
            "worker_id",
            sa.Integer(),
            sa.ForeignKey("worker.id", name="fk_user_account_worker_id_worker"),
            nullable=True,
        ),
        sa.Column("is_service", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
        sa.Column("disabled_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("password_changed_at", TZ, nullable=True),
        sa.Column("last_sign_in_at", TZ, nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'leader', 'team_manager', 'analyst', 'social_worker', 'member')",
            name=op.f("ck_user_account_role"),
        ),
        sa.CheckConstraint(
            "username = lower(username)", name=op.f("ck_user_account_username_lower")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    op.create_table(
        "user_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey(
                "user_account.id", ondelete="CASCADE", name="fk_user_team_user_id_user_account"
            ),
            nullable=False,
        ),
        sa.Column(
            "team_id",
            sa.Integer(),
            sa.ForeignKey("team.id", ondelete="CASCADE", name="fk_user_team_team_id_team"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_team")),
        sa.UniqueConstraint("user_id", "team_id", name="uq_user_team"),
    )
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey(
                "user_account.id", ondelete="CASCADE", name="fk_user_session_user_id_user_account"
            ),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_user_session_token_sha256")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey(
                "user_account.id", ondelete="CASCADE", name="fk_api_token_user_id_user_account"
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=True),
        sa.Column("last_used_at", TZ, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_token_token_sha256")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(32), nullable=False, comment="UTC, ISO 8601 with microseconds"),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("target_type", sa.String(40), nullable=False),
        sa.Column("target_id", sa.String(80), nullable=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column(
            "detail", sa.Text(), nullable=False, comment="JSON; identifiers only, never names"
        ),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('allowed', 'refused', 'failed')", name=op.f("ck_audit_event_outcome")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_audit_event_prev_hash")),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_actor", "audit_event", ["actor"])
    create_append_only_guard()


def downgrade() -> None:
    drop_append_only_guard()
    op.drop_index("ix_audit_event_actor", table_name="audit_event")
    op.drop_index("ix_audit_event_at", table_name="audit_event")
    op.drop_table("audit_event")
    op.drop_table("api_token")
    op.drop_table("user_session")
    op.drop_table("user_team")
    op.drop_table("user_account")


SQLITE_GUARD = """
CREATE TRIGGER trg_audit_event_append_only_{event} BEFORE {event} ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: events cannot be changed or removed');
END
"""
POSTGRES_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: events cannot be changed or removed';
END;
$$ LANGUAGE plpgsql
"""
POSTGRES_GUARD = """
CREATE TRIGGER trg_audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
"""
# Appends one event under the chain's lock, computing its hash as caseload.auth.audit_chain does:
# sha256(previous hash || LF || id || LF || canonical body), the body computed by the caller.
POSTGRES_APPEND_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append(
    p_at text, p_actor text, p_role text, p_authority_id integer, p_action text,
    p_outcome text, p_target_type text, p_target_id text, p_source text, p_detail text,
    p_body text
) RETURNS integer AS $$
DECLARE
    last_id integer;
    last_hash text;
    new_id integer;
BEGIN
    PERFORM pg_advisory_xact_lock(720515001);
    SELECT id, hash INTO last_id, last_hash FROM audit_event ORDER BY id DESC LIMIT 1;
    IF last_id IS NULL THEN
        last_id := 0;
        last_hash := repeat('0', 64);
    END IF;
    new_id := last_id + 1;
    INSERT INTO audit_event (
        id, at, actor, role, authority_id, action, outcome, target_type, target_id, source,
        detail, prev_hash, hash
    ) VALUES (
        new_id, p_at, p_actor, p_role, p_authority_id, p_action, p_outcome, p_target_type,
        p_target_id, p_source, p_detail, last_hash,
        encode(sha256(convert_to(last_hash || E'\\n' || new_id::text || E'\\n' || p_body, 'UTF8')), 'hex')
    );
    RETURN new_id;
END;
$$ LANGUAGE plpgsql
"""
POSTGRES_TRUNCATE_GUARD = """
CREATE TRIGGER trg_audit_event_no_truncate BEFORE TRUNCATE ON audit_event
FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()
"""


def create_append_only_guard() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(SQLITE_GUARD.format(event=event))
    elif dialect == "postgresql":
        op.execute(POSTGRES_GUARD_FUNCTION)
        op.execute(POSTGRES_GUARD)
        op.execute(POSTGRES_TRUNCATE_GUARD)
        op.execute(POSTGRES_APPEND_FUNCTION)


def drop_append_only_guard() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_audit_event_append_only_{event}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS trg_audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
        op.execute(
            "DROP FUNCTION IF EXISTS audit_append(text, text, text, integer, text, text, text, "
            "text, text, text, text)"
        )
