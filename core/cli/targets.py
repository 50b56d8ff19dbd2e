"""A command's project, as given on the command line: a file path or a ``postgresql://`` URL.

Every command passes the text it was given through here, never through ``Path`` (which would
turn ``postgresql://host/db`` into ``postgresql:/host/db``). A server's password comes from the
URL, else the keyring or libpq (PGPASSWORD, ~/.pgpass, a service file), else it is asked once at
a terminal; without a terminal the refusal says how to give it. A password is never printed:
what names a server project in output is its URL without the password.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from claimdesk.core.errors import PasswordNeededError
from claimdesk.core.store.location import is_server_url, parse_server_url
from claimdesk.core.store.project import Project

T = TypeVar("T")

PROJECT_HELP = "project file, or a PostgreSQL URL: postgresql://user@host:port/database"
HOW_TO_GIVE = (
    "give it in PGPASSWORD or ~/.pgpass (or run the command at a terminal, which asks for it)"
)


def open_project(target: str) -> Project:
    """Open the project a command names (a file path or a server URL, as text)."""
    return with_password(target, lambda password: Project.open(target, password=password))


def with_password(target: str, action: Callable[[str | None], T]) -> T:
    """Run ``action`` (which connects to ``target``); if the server wants a password it was not
    given (or refused the one found), ask once at a terminal and run it again."""
    try:
        return action(None)
    except PasswordNeededError as exc:
        if not is_server_url(target):
            raise
        password = _ask(target, exc)
    return action(password)


def _ask(target: str, refused: PasswordNeededError) -> str:
    if not _at_a_terminal():
        raise PasswordNeededError(refused.path, f"{refused.reason}: {HOW_TO_GIVE}") from None
    location, _ = parse_server_url(target)
    try:
        password = getpass.getpass(
            f"Password for {location.user or 'you'} on {location.display()}: "
        )
    except EOFError:
        password = ""
    if not password:
        raise PasswordNeededError(refused.path, f"{refused.reason}, and none was typed") from None
    return password


def _at_a_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # a closed stdin
        return False


def shown(target: str) -> str:
    """The target as it may be printed: the file path, or the URL without its password."""
    if is_server_url(target):
        location, _ = parse_server_url(target)
        return location.text()
    return target


def project_files(target: str) -> list[Path]:
    """The file a target names, for the checks that an output never overwrites the project
    (none for a server project)."""
    return [] if is_server_url(target) else [Path(target)]


__all__ = ["PROJECT_HELP", "open_project", "project_files", "shown", "with_password"]
