"""Where a project lives: a file, or a PostgreSQL database on a server.

Wherever a project path is accepted, a ``postgresql://user@host:port/db?sslmode=…`` URL works
too. A server location never keeps a password: the one given in a URL is used to connect and
dropped from everything shown or remembered (the recent list, titles, messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from claimdesk.core.errors import ProjectError
from claimdesk.core.limits import printable

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DEFAULT_PORT = 5432


def is_server_url(text: str | Path) -> bool:
    """True for ``postgresql://…`` (and ``postgres://…``) text; a Path is always a file."""
    return isinstance(text, str) and text.split("://", 1)[0].lower() in SCHEMES and "://" in text


@dataclass(frozen=True)
class ServerLocation:
    """A project on a PostgreSQL server; ``url`` never holds a password."""

    url: URL

    @property
    def database(self) -> str:
        return self.url.database or ""

    @property
    def user(self) -> str:
        return self.url.username or ""

    @property
    def host(self) -> str:
        return self.url.host or "localhost"

    @property
    def port(self) -> int:
        return self.url.port or DEFAULT_PORT

    def text(self) -> str:
        """The URL as the user would type it again, without a password."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def display(self) -> str:
        """'classlab on db.example.org:5432', for titles and messages."""
        where = f"{self.host}:{self.port}"
        return printable(f"{self.database} on {where}", 200).replace("/", "∕")

    def key(self) -> str:
        """The name a remembered password is kept under: user@host:port/database."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def as_path(self) -> Path:
        """A stand-in for the file path in messages (``ProjectError`` names its last part)."""
        return Path(self.display())

    def engine_url(self, password: str | None) -> URL:
        """The SQLAlchemy URL for psycopg 3; with no password, libpq looks in PGPASSWORD,
        ~/.pgpass and the service file as usual."""
        url = self.url.set(drivername="postgresql+psycopg")
        return url if password is None else url.set(password=password)


_NOT_AN_ADDRESS = "is not a PostgreSQL address (postgresql://user@host:port/database)"


def _without_password(url: URL) -> URL:
    return URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )


def parse_server_url(text: str) -> tuple[ServerLocation, str | None]:
    """A location and the password the URL carried (None if it carried none)."""
    scheme, _, rest = text.strip().partition("://")
    shown = printable(rest.split("@", 1)[-1], 200).replace("/", "∕")
    if scheme.lower() in ("postgres", "postgresql"):
        scheme = "postgresql"
    try:
        url = make_url(f"{scheme}://{rest}")
    except (ArgumentError, ValueError):
        raise ProjectError(shown, _NOT_AN_ADDRESS) from None
    if url.get_backend_name() != "postgresql":
        raise ProjectError(shown, _NOT_AN_ADDRESS)
    if not url.database:
        raise ProjectError(shown, "names no database: add it after the host (…/database)")
    password = url.password if isinstance(url.password, str) else None
    return ServerLocation(_without_password(url)), password or None


def parse_location(target: str | Path) -> Path | tuple[ServerLocation, str | None]:
    """A file path, or a server location with the password its URL carried."""
    if isinstance(target, str) and is_server_url(target):
        return parse_server_url(target)
    return Path(target)
