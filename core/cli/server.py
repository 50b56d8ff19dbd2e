"""claimdesk-cli server …: make a PostgreSQL database a shared project and manage who signs in.

Each command takes the address of the project's database as its administrator (the superuser,
or a role with CREATEROLE that owns the database): ``postgresql://admin@host:port/database``.
Its password comes from the address, else libpq (PGPASSWORD, ~/.pgpass, a service file). A
new user's password is read from standard input, never from the command line (where ``ps`` and
the shell history would show it), and is never printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from claimdesk.core.codebook import load_codebook
from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.limits import printable
from claimdesk.core.paths import resources_dir
from claimdesk.core.store import server_admin
from claimdesk.core.store.location import ServerLocation, parse_location

ADDRESS_HELP = (
    "the project's database as its administrator: postgresql://admin@host:port/database "
    "(password from the address, PGPASSWORD or ~/.pgpass)"
)
MAX_PASSWORD_CHARS = 1000


class ServerCommandError(ClaimdeskError):
    pass


def _where(url: str) -> str:
    where = parse_location(url)
    return str(where) if isinstance(where, Path) else where[0].display()


def _their_address(url: str, login: str) -> str:
    """The address a person signs in with: the administrator's, with their login (no password)."""
    where = parse_location(url)
    if isinstance(where, Path):
        return login
    return ServerLocation(where[0].url.set(username=login)).text()


def _read_password(name: str) -> str:
    if sys.stdin.isatty():  # typed at a terminal: not shown while typed
        password = getpass.getpass(f"Password for {printable(name, 80)}: ")
    else:
        line = sys.stdin.readline(MAX_PASSWORD_CHARS + 2)
        password = line.removesuffix("\n").removesuffix("\r")
    if not password:
        raise ServerCommandError(
            f"no password for {printable(name, 80)!r}: give one line on standard input "
            "(e.g. from a file: --password-stdin < secret.txt); nothing was changed"
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise ServerCommandError(
            f"the password is longer than {MAX_PASSWORD_CHARS} characters; nothing was changed"
        )
    return password


def cmd_init(args: argparse.Namespace) -> int:
    codebook = load_codebook(resources_dir() / "default-codebook.json")
    with server_admin.init(args.url, blind=args.blind, codebook=codebook) as project:
        where = project.server.display() if project.server else _where(args.url)
        blind = server_admin.is_blind(project)
    mode = "blind: annotators see only their own work" if blind else "open: everyone sees all work"
    print(f"{where} is a shared Claimdesk project ({mode}).", flush=True)
    database = parse_location(args.url)
    assert not isinstance(database, Path)
    roles = ", ".join(server_admin.group_role(database[0].database, r) for r in server_admin.ROLES)
    print(f"Roles: {printable(roles, 300)}. Add people with: claimdesk-cli server add-user.")
    return 0


def cmd_add_user(args: argparse.Namespace) -> int:
    if not args.password_stdin:
        raise ServerCommandError(
            "give the new user's password on standard input with --password-stdin "
            "(never on the command line); nothing was changed"
        )
    password = _read_password(args.name)
    user = server_admin.add_user(args.url, None, args.name, args.role, password)
    print(
        f"Added {printable(user.login, 80)!r} as {user.role} of {_where(args.url)}; "
        f"they sign in as {printable(_their_address(args.url, user.login), 300)}",
        flush=True,
    )
    return 0


def cmd_list_users(args: argparse.Namespace) -> int:
    users = server_admin.list_users(args.url)
    if not users:
        print(f"{_where(args.url)} has no users yet. Add one with: claimdesk-cli server add-user")
        return 0
    width = max(len("login"), *(len(printable(u.login, 63)) for u in users))
    print(f"{'login':<{width}}  {'role':<9}  annotator")
    for user in users:
        role = user.role or "(removed)"
        login = printable(user.login, 63)
        print(f"{login:<{width}}  {role:<9}  {printable(user.annotator, 200)}")
    print(f"{len(users)} user(s).", flush=True)
    return 0


def cmd_remove_user(args: argparse.Namespace) -> int:
    server_admin.remove_user(args.url, None, args.name)
    print(
        f"Removed {printable(args.name, 80)!r} from {_where(args.url)}: they can no longer sign "
        "in; their annotations stay.",
        flush=True,
    )
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    server_admin.set_blind(args.url, None, args.blind)
    mode = "blind: annotators see only their own work" if args.blind else "open: all work is seen"
    print(f"{_where(args.url)} is now {mode}.", flush=True)
    return 0


def register(commands: Any) -> None:
    server = commands.add_parser(
        "server",
        help="set up a shared project on a PostgreSQL server and manage its users",
        description=(
            "A shared project lives in a PostgreSQL database. Who may do what is enforced by the "
            "server: annotators change only their own annotations and statuses (in a blind "
            "project they see only their own); curators also write the gold set, the codebook and "
            "the documents; owners may do everything. Run these commands with the address of "
            "the database's administrator (the superuser, or a role with CREATEROLE that owns "
            "the database)."
        ),
    )
    actions = server.add_subparsers(dest="server_command", required=True, metavar="ACTION")

    init = actions.add_parser(
        "init",
        help="make a database a shared project (roles, permissions)",
        description=(
            "Make a database a shared Claimdesk project: an empty one gets a new project with "
            "the default codebook, an older one is brought up to date; then the roles "
            "<database>_annotator, _curator and _owner, their permissions and the row-level "
            "security policies are (re)made. Running it again is harmless."
        ),
    )
    init.add_argument("url", metavar="URL", help=ADDRESS_HELP)
    init.add_argument(
        "--blind",
        action="store_true",
        help="annotators see only their own work (change later with 'server set')",
    )
    init.set_defaults(run=cmd_init)

    add = actions.add_parser(
        "add-user",
        help="add a person who signs in with their own name and password",
        description=(
            "Add a login NAME with a role, and the annotator NAME it signs in as (an annotator of "
            "that name already in the project, pushed from a file say, becomes theirs). The "
            "password is read as one line from standard input."
        ),
    )
    add.add_argument("url", metavar="URL", help=ADDRESS_HELP)
    add.add_argument("name", metavar="NAME", help="the login and annotator name")
    add.add_argument(
        "--role",
        required=True,
        metavar="annotator|curator|owner",
        help="annotator: own work only; curator: also gold set, codebook, documents; owner: all",
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new user's password as one line from standard input (required)",
    )
    add.set_defaults(run=cmd_add_user)

    lst = actions.add_parser("list-users", help="list the logins, their roles and annotators")
    lst.add_argument("url", metavar="URL", help=ADDRESS_HELP)
    lst.set_defaults(run=cmd_list_users)

    remove = actions.add_parser(
        "remove-user",
        help="remove a person's login (their annotations stay)",
        description=(
            "Drop the login NAME: they can no longer sign in. Their annotator and annotations "
            "stay in the project."
        ),
    )
    remove.add_argument("url", metavar="URL", help=ADDRESS_HELP)
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(run=cmd_remove_user)

    setter = actions.add_parser(
        "set",
        help="make a project blind or open",
        description="Blind: annotators see only their own work. Open: they see everyone's.",
    )
    setter.add_argument("url", metavar="URL", help=ADDRESS_HELP)
    mode = setter.add_mutually_exclusive_group(required=True)
    mode.add_argument("--blind", dest="blind", action="store_true", help="make the project blind")
    mode.add_argument("--open", dest="blind", action="store_false", help="make the project open")
    setter.set_defaults(run=cmd_set)
