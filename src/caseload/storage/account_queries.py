"""Reading and writing accounts, their teams, sessions and API tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from caseload.storage.account_models import ApiToken, UserAccount, UserSession, UserTeam
from caseload.storage.models import Team, Worker


def team_ids_named(session: Session, authority_id: int, name: str) -> list[int]:
    """Ids of the authority's teams with that name, ignoring case (compared whole: no
    wildcards)."""
    return list(
        session.scalars(
            select(Team.id).where(
                Team.authority_id == authority_id,
                func.lower(Team.name) == name.strip().lower(),
            )
        )
    )


def team_names(session: Session, authority_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Team.name).where(Team.authority_id == authority_id).order_by(Team.name)
        )
    )


def worker_id_by_staff_number(session: Session, authority_id: int, staff_number: str) -> int | None:
    return session.scalar(
        select(Worker.id).where(
            Worker.authority_id == authority_id, Worker.staff_number == staff_number.strip()
        )
    )


def account_by_name(session: Session, username: str) -> UserAccount | None:
    return session.scalar(select(UserAccount).where(UserAccount.username == username.casefold()))


def accounts(session: Session, authority_id: int | None = None) -> list[UserAccount]:
    query = select(UserAccount).order_by(UserAccount.username)
    if authority_id is not None:
        query = query.where(UserAccount.authority_id == authority_id)
    return list(session.scalars(query))


def account_team_ids(session: Session, user_id: int) -> list[int]:
    """The account's teams with their sub-teams (a service area brings its teams)."""
    direct = list(session.scalars(select(UserTeam.team_id).where(UserTeam.user_id == user_id)))
    if not direct:
        return []
    children = session.scalars(select(Team.id).where(Team.parent_id.in_(direct)))
    return sorted(set(direct) | set(children))


def account_team_names(session: Session, user_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Team.name)
            .join(UserTeam, UserTeam.team_id == Team.id)
            .where(UserTeam.user_id == user_id)
            .order_by(Team.name)
        )
    )


def set_account_teams(session: Session, user_id: int, team_ids: Sequence[int]) -> None:
    for row in session.scalars(select(UserTeam).where(UserTeam.user_id == user_id)):
        session.delete(row)
    session.flush()
    for team_id in sorted(set(team_ids)):
        session.add(UserTeam(user_id=user_id, team_id=team_id))


def session_by_digest(session: Session, digest: str) -> UserSession | None:
    return session.scalar(select(UserSession).where(UserSession.token_sha256 == digest))


def session_with_account(session: Session, digest: str) -> tuple[UserSession, UserAccount] | None:
    """The browser session with that token digest and its account, in one query."""
    row = session.execute(
        select(UserSession, UserAccount)
        .join(UserAccount, UserAccount.id == UserSession.user_id)
        .where(UserSession.token_sha256 == digest)
    ).first()
    return None if row is None else (row[0], row[1])


def end_sessions(
    session: Session, user_id: int, moment: datetime, *, keep_digest: str | None = None
) -> int:
    """End the account's open sessions (all but the one with ``keep_digest``)."""
    statement = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None)
    )
    if keep_digest is not None:
        statement = statement.where(UserSession.token_sha256 != keep_digest)
    result = session.execute(statement.values(ended_at=moment))
    return int(getattr(result, "rowcount", 0) or 0)


def token_by_digest(session: Session, digest: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest))


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
    )
