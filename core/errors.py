"""Errors the core reports to its callers; each message is written for the user."""

from __future__ import annotations

from pathlib import Path


class ClaimdeskError(Exception):
    """The root of every error Claimdesk raises on purpose: its message is for the user.

    Anything else that reaches an entry point is unexpected: it is logged with its traceback
    (core/logs.py) and the user is told where the log file is.
    """


class ProjectError(ClaimdeskError):
    """A project file that cannot be opened or created; the message names the file."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


class NotAProjectError(ProjectError):
    pass


class PasswordNeededError(ProjectError):
    """A server project whose server asks for a password (none given, or a wrong one): the
    caller asks the user and tries again."""


class NewerSchemaError(ProjectError):
    pass


class DamagedProjectError(ProjectError):
    pass


class ForeignSchemaError(ProjectError):
    """The file's tables, indexes, triggers or views are not the ones Claimdesk made."""


class ReadOnlyProjectError(ProjectError):
    """Claimdesk cannot write to the file or beside it (WAL needs both)."""


class EditError(ClaimdeskError):
    """An edit that was refused; nothing was written. The message is for the user."""


class EditConflict(EditError):
    """The project refused the edit because of what is already there (a row it would duplicate,
    often written a moment ago by someone else on a shared project); nothing was written."""


class SaveError(EditError):
    """The project file could not take the edit (disk full, locked, gone): nothing is saved."""


class ServerUnreachable(SaveError):
    """A server project whose server cannot be reached now (stopped, restarting, network gone):
    nothing was read or written; the same step works again once it is back. ``reason`` is the
    driver's word for it ("connection refused")."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class Cancelled(ClaimdeskError):
    """Long work (import, export, collect, grade, agreement) stopped at the user's request;
    nothing was written or changed."""
