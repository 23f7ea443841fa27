"""The exception tree. Every error a user can cause is a ``CaseloadError`` with a message that says
what went wrong, where, and what to do; the CLI prints it on one line without a traceback."""

from __future__ import annotations


class CaseloadError(Exception):
    """Base class for errors caused by input, settings or data, shown to the user as they are.

    ``str(error)`` is the message every surface shows; ``hint`` is advice for the command line
    only (which command to run next), which the web leaves out."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def for_command_line(self) -> str:
        """The message with its command-line hint, as the ``caseload`` command prints it."""
        return f"{self}. {self.hint[:1].upper()}{self.hint[1:]}" if self.hint else str(self)


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
