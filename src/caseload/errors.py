"""The exception tree. Every error a user can cause is a ``CaseloadError`` with a message that says
what went wrong, where, and what to do; the CLI prints it on one line without a traceback."""

from __future__ import annotations


class CaseloadError(Exception):
    """Base class for errors caused by input, settings or data, shown to the user as they are."""

    exit_code = 2


class ConfigurationError(CaseloadError):
    """A setting (environment variable or option) has a value Caseload cannot use."""


class DatabaseUnavailableError(CaseloadError):
    """The database cannot be reached or has not been set up."""


class DataIntegrityError(CaseloadError):
    """A change would put the database into an impossible state (overlapping allocations, ...)."""


class NotFoundError(CaseloadError):
    """A record named by the user does not exist."""


class InvalidInputError(CaseloadError):
    """An input file or value is malformed."""


class AccessDeniedError(CaseloadError):
    """The signed-in person's role or team scope does not cover what they asked for. The refusal
    is written to the audit trail by the service that raised it."""


class AuthenticationError(CaseloadError):
    """Sign-in failed (unknown name, wrong password, disabled or locked account) or a session or
    token is missing, expired or revoked. The message never says which, to give nothing away."""
