"""The writes behind password sign-in that must hold when many arrive at once: counting an
account's failures and locking it in one statement, accepting a sign-in only while the account is
still usable, and the attempts by network address that the limit on failures counts.

Each is a single ``UPDATE``/``INSERT``/``DELETE`` that the database applies to the current row,
not to a value read earlier, so parallel attempts cannot overwrite each other's count (on
PostgreSQL a second writer waits for the row and re-checks its conditions; on SQLite writers take
turns)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from caseload.storage.account_models import SignInAttempt, UserAccount


@dataclass(frozen=True)
class CountedFailure:
    """The account's failures in a row after this one, and when this one locked it (None when
    it did not)."""

    failed_attempts: int
    locked_until: datetime | None


def _usable_at(moment: datetime) -> ColumnElement[bool]:
    """Neither disabled nor locked at ``moment`` (a lock that has run out counts as none)."""
    return and_(
        UserAccount.disabled_at.is_(None),
        or_(UserAccount.locked_until.is_(None), UserAccount.locked_until <= moment),
    )


def count_failure(
    session: Session, account_id: int, *, moment: datetime, limit: int, lock_until: datetime
) -> CountedFailure | None:
    """Add one failure to the account, locking it until ``lock_until`` (and starting the count
    again) when this failure reaches ``limit``. None when the account was disabled or locked
    meanwhile: the failure is not counted."""
    reached = UserAccount.failed_attempts + 1 >= limit
    statement = (
        update(UserAccount)
        .where(UserAccount.id == account_id, _usable_at(moment))
        .values(
            failed_attempts=case((reached, 0), else_=UserAccount.failed_attempts + 1),
            locked_until=case(
                (reached, literal(lock_until, UserAccount.locked_until.type)), else_=None
            ),
        )
        .returning(UserAccount.failed_attempts, UserAccount.locked_until)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(statement).first()
    if row is None:
        return None
    locked = row.locked_until
    if locked is not None and locked.tzinfo is None:
        locked = locked.replace(tzinfo=lock_until.tzinfo)  # SQLite keeps no zone; all are UTC
    return CountedFailure(int(row.failed_attempts), locked)


def accept_sign_in(session: Session, account_id: int, *, moment: datetime) -> bool:
    """Clear the account's failures and note the sign-in, if it is still neither disabled nor
    locked; False (nothing changed) when it is."""
    statement = (
        update(UserAccount)
        .where(UserAccount.id == account_id, _usable_at(moment))
        .values(failed_attempts=0, locked_until=None, last_sign_in_at=moment)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(session.execute(statement), "rowcount", 0) or 0) == 1


def add_attempt(session: Session, kind: str, key: str, *, moment: datetime) -> int:
    """Note an attempt starting; returns its id."""
    statement = (
        insert(SignInAttempt)
        .values(kind=kind, key=key[:100], tried_at=moment)
        .returning(SignInAttempt.id)
    )
    return int(session.execute(statement).scalar_one())


def attempts_since(session: Session, kind: str, key: str, since: datetime) -> int:
    """Attempts from ``key`` after ``since`` (failures and those in flight)."""
    return int(
        session.scalar(
            select(func.count()).where(
                SignInAttempt.kind == kind,
                SignInAttempt.key == key[:100],
                SignInAttempt.tried_at > since,
            )
        )
        or 0
    )


def forget_attempt(session: Session, attempt_id: int) -> None:
    session.execute(delete(SignInAttempt).where(SignInAttempt.id == attempt_id))


def prune_attempts(session: Session, *, before: datetime) -> None:
    """Remove attempts no window counts any more."""
    session.execute(delete(SignInAttempt).where(SignInAttempt.tried_at <= before))
