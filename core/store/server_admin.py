"""Administration of a project on a PostgreSQL server: its roles, users and who may do what.

Who may read and write what is enforced by PostgreSQL itself, never by the window. ``init`` gives
each project database three NOLOGIN group roles (``<db>_annotator``, ``<db>_curator``,
``<db>_owner``), grants on its tables and sequences, and row-level security on the tables whose
rows belong to a person (annotations, statuses, annotator rows). Each person signs in as their
own LOGIN role, a member of one group, mapped to their annotator row by ``annotator.login``.

- Annotators read documents, labels, the annotator list and the project; they insert, change and
  delete only their own annotations and statuses; in a blind project they read only their own.
- Curators read everything and write their own work, the gold set (the ``is_gold`` annotator),
  the codebook, the documents and classroom exercises.
- Owners may do everything. The role that ran ``init`` owns the tables and is not bound by the
  policies (it is the administrator's, not a person's to annotate with).

Policies compare with STABLE helper functions wrapped in scalar subqueries, so the signed-in
annotator is looked up once per statement, not once per row. Every name put into a statement is
quoted by psycopg (``sql.Identifier``); a password goes to the server only as a SCRAM verifier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import DBAPIError

from claimdesk.core.codebook import Codebook
from claimdesk.core.errors import ProjectError
from claimdesk.core.limits import printable
from claimdesk.core.store import curation, passwords, postgresql
from claimdesk.core.store.faults import FORGET_FUNCTION, FORGET_OLD_KEYS
from claimdesk.core.store.location import ServerLocation, parse_location
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import annotator_table, project_table, utcnow

ROLES = ("annotator", "curator", "owner")
NAME_MAX_BYTES = 63  # PostgreSQL's identifier length (NAMEDATALEN - 1)

# Tables whose rows belong to one person: row-level security decides which rows each one sees.
_PERSONAL = (
    "annotation",
    "document_status",
    "relation",
    "document_label",
    "suggestion_decision",
)
# Columns a person may change in their own rows (never whose row it is, or which document).
_UPDATABLE = {
    "annotation": ("label_id", "start", "end", "quote", "note", "updated_at"),
    "document_status": ("status", "updated_at"),
    "relation": ("type_id",),
    "document_label": ("value",),
    "annotation_attribute": ("value",),
    "suggestion_decision": ("accepted",),
}
# read by all; written by curators and owners
_SHARED = (
    "document",
    "label",
    "attribute",
    "relation_type",
    "doc_label_set",
    "suggestion_rule",
)
# An annotation's attribute values are whoever's the annotation is.
_VALUES = "annotation_attribute"
_CLASSROOM = ("exercise_workspace", "exercise_submission", "exercise_submission_version")

# The helpers the policies call (in the project's schema; bodies name their tables in it).
_ME = "claimdesk_signed_in_annotator"
_GOLD = "claimdesk_gold_set"
_BLIND = "claimdesk_blind"


@dataclass(frozen=True)
class ServerUser:
    """A person who signs in to the project: login role, annotator name and group ('' if none)."""

    login: str
    annotator: str
    role: str


def group_role(database: str, role: str) -> str:
    """The group role of ``role`` for this database: ``<db>_<role>``, at most 63 bytes.

    A long database name is cut (at a character boundary) and followed by a short hash of the
    whole name, so two long names that share their beginning still get different roles.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    name = f"{database}_{role}"
    if len(name.encode()) <= NAME_MAX_BYTES:
        return name
    digest = hashlib.sha256(database.encode()).hexdigest()[:8]
    room = NAME_MAX_BYTES - len(f"_{digest}_{role}")
    cut = database.encode()[:room].decode(errors="ignore")
    return f"{cut}_{digest}_{role}"


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a user's name on the server, or None."""
    if not name or name != name.strip():
        return "a user name cannot be empty or begin or end with spaces"
    if len(name.encode()) > NAME_MAX_BYTES:
        return f"a user name is at most {NAME_MAX_BYTES} bytes long"
    if printable(name, NAME_MAX_BYTES * 4) != name or "\x00" in name:
        return "a user name cannot hold control characters"
    if name.lower().startswith("pg_"):
        return "a user name cannot begin with pg_ (PostgreSQL keeps those names)"
    return None


# -- connecting -----------------------------------------------------------------------------------


def _server(target: str) -> tuple[ServerLocation, str | None]:
    """The server, and the password its address carried; a file is refused."""
    where = parse_location(target)
    if isinstance(where, Path):
        raise ProjectError(
            where, "is a file; server commands take a postgresql://user@host:port/database address"
        )
    return where


@contextmanager
def _admin(project: Project) -> Iterator[tuple[Connection, Any]]:
    """One transaction on the project's database, with the driver's connection for statements
    composed by psycopg (role names and passwords cannot be bound parameters)."""
    assert project.server is not None
    try:
        with project.writing() as conn:
            yield conn, conn.connection.driver_connection
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise postgresql.connection_error(project.server, exc) from None
        raise _refusal(project.server, exc) from None
    except psycopg.OperationalError as exc:  # from a statement sent through the driver
        raise postgresql.connection_error(project.server, exc) from None
    except psycopg.Error as exc:
        raise _refusal(project.server, exc) from None


def _refusal(location: ServerLocation, error: Exception) -> ProjectError:
    message = postgresql.first_line(error)
    lowered = message.lower()
    if "permission denied" in lowered or "must be" in lowered or "must have" in lowered:
        return ProjectError(
            location.as_path(),
            f"{location.user or 'this user'} may not administer it ({message}); use the "
            "superuser's address or that of a role with CREATEROLE that owns the database",
        )
    return ProjectError(location.as_path(), f"the server refused the change ({message})")


def _open(target: str, password: str | None) -> Project:
    _server(target)  # a file is refused with the server commands' sentence
    return Project.open(target, password)


# -- init -----------------------------------------------------------------------------------------


def init(
    target: str, password: str | None = None, blind: bool = False, codebook: Codebook | None = None
) -> Project:
    """Make a database a shared project: the schema (an empty database is built, an older one
    brought up to date), the three group roles, their grants and the row-level security policies.
    Running it again is harmless; it also repairs grants after an upgrade added tables.
    ``blind`` makes the project blind; without it a blind project stays blind (``set_blind``)."""
    location, in_url = _server(target)
    password = passwords.to_use(location, password, in_url)
    engine = postgresql.server_engine(location, password)
    try:
        with engine.connect() as conn:
            empty = not postgresql.table_names(conn)
    except DBAPIError as exc:
        raise postgresql.connection_error(location, exc) from None
    finally:
        engine.dispose()
    if empty:
        project = Project.create(target, codebook=codebook, password=password)
    else:
        project = Project.open(target, password)
    try:
        with _admin(project) as (conn, driver):
            _permissions(driver, location.database)
            if blind:
                conn.execute(update(project_table).values(blind=True))
    except BaseException:
        project.close()
        raise
    return project


def _permissions(driver: Any, database: str) -> None:
    schema = str(driver.execute("SELECT current_schema()").fetchone()[0])
    groups = {role: group_role(database, role) for role in ROLES}
    for name in groups.values():
        found = driver.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        if found is None:
            driver.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
    g = {role: sql.Identifier(name) for role, name in groups.items()}
    every = sql.SQL(", ").join(g.values())
    people = sql.SQL(", ").join([g["annotator"], g["curator"]])
    s = sql.Identifier(schema)

    def run(statement: str, **names: sql.Composable) -> None:
        driver.execute(sql.SQL(statement).format(s=s, every=every, people=people, **g, **names))

    # Only the project's people connect; nobody else on the server (and nobody makes temporary
    # tables, which could shadow the project's in a helper's lookup).
    run("REVOKE ALL ON DATABASE {db} FROM PUBLIC", db=sql.Identifier(database))
    run("GRANT CONNECT ON DATABASE {db} TO {every}", db=sql.Identifier(database))
    run("GRANT USAGE ON SCHEMA {s} TO {every}")
    run("REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {every}")
    run("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {every}")
    run("GRANT ALL ON ALL TABLES IN SCHEMA {s} TO {owner}")
    run("GRANT ALL ON ALL SEQUENCES IN SCHEMA {s} TO {owner}")
    run("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {people}")
    for table in (
        "project",
        "annotator",
        "alembic_version",
        "exercise",
        *_SHARED,
        *_PERSONAL,
        _VALUES,
    ):
        run("GRANT SELECT ON {s}.{t} TO {people}", t=sql.Identifier(table))
    run("GRANT SELECT, INSERT ON {s}.applied_edit TO {people}")
    for table in (*_SHARED, "exercise", *_CLASSROOM):
        run("GRANT SELECT, INSERT, UPDATE, DELETE ON {s}.{t} TO {curator}", t=sql.Identifier(table))
    for table, columns in _UPDATABLE.items():
        run(
            "GRANT INSERT, DELETE, UPDATE ({c}) ON {s}.{t} TO {people}",
            t=sql.Identifier(table),
            c=sql.SQL(", ").join(map(sql.Identifier, columns)),
        )
    # The gold set's row (created on first curation) and its name.
    run("GRANT INSERT, UPDATE (name) ON {s}.annotator TO {curator}")
    _helpers(run)
    _policies(run)


def _helpers(run: Any) -> None:
    body = {
        _ME: ("integer", "SELECT id FROM {s}.annotator WHERE login = current_user"),
        _GOLD: ("integer", "SELECT id FROM {s}.annotator WHERE is_gold"),
        _BLIND: ("boolean", "SELECT coalesce(bool_or(blind), false) FROM {s}.project"),
    }
    for name, (returns, query) in body.items():
        run(
            "CREATE OR REPLACE FUNCTION {s}.{f}() RETURNS " + returns + " LANGUAGE sql STABLE "
            "SET search_path = pg_catalog, pg_temp AS $claimdesk$ " + query + " $claimdesk$",
            f=sql.Identifier(name),
        )
        run("REVOKE ALL ON FUNCTION {s}.{f}() FROM PUBLIC", f=sql.Identifier(name))
        run("GRANT EXECUTE ON FUNCTION {s}.{f}() TO {every}", f=sql.Identifier(name))
    # Opening the project forgets old edit keys (faults.forget_old_keys). People may not DELETE
    # from applied_edit, so the trim runs with its definer's rights, and can only ever remove
    # keys older than faults.KEEP_KEYS: never the key of anyone's edit still in doubt.
    forget = sql.Identifier(FORGET_FUNCTION)
    run(
        "CREATE OR REPLACE FUNCTION {s}.{f}() RETURNS void LANGUAGE sql VOLATILE SECURITY DEFINER "
        "SET search_path = pg_catalog, pg_temp AS $claimdesk$ "
        + FORGET_OLD_KEYS.format(table="{s}.applied_edit")
        + " $claimdesk$",
        f=forget,
    )
    run("REVOKE ALL ON FUNCTION {s}.{f}() FROM PUBLIC", f=forget)
    run("GRANT EXECUTE ON FUNCTION {s}.{f}() TO {every}", f=forget)


def _policy(run: Any, table: str, name: str, rest: str) -> None:
    t, p = sql.Identifier(table), sql.Identifier(f"claimdesk_{name}")
    run("DROP POLICY IF EXISTS {p} ON {s}.{t}", t=t, p=p)
    run("CREATE POLICY {p} ON {s}.{t} " + rest, t=t, p=p)


def _policies(run: Any) -> None:
    me = f"(SELECT {{s}}.{_ME}())"
    gold = f"(SELECT {{s}}.{_GOLD}())"
    blind = f"(SELECT {{s}}.{_BLIND}())"
    own = f"annotator_id = {me}"
    own_or_gold = f"annotator_id IN ({me}, {gold})"
    for table in _PERSONAL:
        run("ALTER TABLE {s}.{t} ENABLE ROW LEVEL SECURITY", t=sql.Identifier(table))
        _policy(run, table, "owner", "FOR ALL TO {owner} USING (true) WITH CHECK (true)")
        _policy(run, table, "read_all", "FOR SELECT TO {curator} USING (true)")
        _policy(run, table, "read", f"FOR SELECT TO {{annotator}} USING ({own} OR NOT {blind})")
        for role, mine in (("annotator", own), ("curator", own_or_gold)):
            who = "{" + role + "}"
            _policy(run, table, f"{role}_insert", f"FOR INSERT TO {who} WITH CHECK ({mine})")
            # Any visible row passes USING, so changing another's row is refused out loud by
            # the check (whose row it is cannot change: no UPDATE privilege on annotator_id).
            _policy(
                run,
                table,
                f"{role}_update",
                f"FOR UPDATE TO {who} USING (true) WITH CHECK ({mine})",
            )
            _policy(run, table, f"{role}_delete", f"FOR DELETE TO {who} USING ({mine})")
    # A label or document takes its annotations (and statuses) with it when deleted, past any
    # policy: a curator may delete one only when no other person's work hangs on it.
    others = f"annotator_id IS DISTINCT FROM {me} AND annotator_id IS DISTINCT FROM {gold}"
    in_use = {
        "label": [f"SELECT 1 FROM {{s}}.annotation WHERE label_id = {{t}}.id AND {others}"],
        "attribute": [
            f"SELECT 1 FROM {{s}}.{_VALUES} JOIN {{s}}.annotation ON annotation.id = "
            f"{_VALUES}.annotation_id WHERE {_VALUES}.attribute_id = {{t}}.id AND {others}"
        ],
        "relation_type": [f"SELECT 1 FROM {{s}}.relation WHERE type_id = {{t}}.id AND {others}"],
        "doc_label_set": [
            f"SELECT 1 FROM {{s}}.document_label WHERE set_id = {{t}}.id AND {others}"
        ],
        "document": [
            f"SELECT 1 FROM {{s}}.{table} WHERE document_id = {{t}}.id AND {others}"
            for table in _PERSONAL
        ],
    }
    for table, queries in in_use.items():
        run("ALTER TABLE {s}.{t} ENABLE ROW LEVEL SECURITY", t=sql.Identifier(table))
        _policy(run, table, "owner", "FOR ALL TO {owner} USING (true) WITH CHECK (true)")
        _policy(run, table, "read", "FOR SELECT TO {people} USING (true)")
        _policy(run, table, "curator_insert", "FOR INSERT TO {curator} WITH CHECK (true)")
        _policy(run, table, "curator_update", "FOR UPDATE TO {curator} USING (true)")
        unused = " AND ".join(f"NOT EXISTS ({query})" for query in queries)
        _policy(run, table, "curator_delete", f"FOR DELETE TO {{curator}} USING ({unused})")

    # Values: visible with their annotation (its policies decide); written by its annotator.
    def annotation_of(who: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {{s}}.annotation WHERE annotation.id = "
            f"{_VALUES}.annotation_id AND annotation.{who})"
        )

    run("ALTER TABLE {s}.{t} ENABLE ROW LEVEL SECURITY", t=sql.Identifier(_VALUES))
    _policy(run, _VALUES, "owner", "FOR ALL TO {owner} USING (true) WITH CHECK (true)")
    visible = (
        f"EXISTS (SELECT 1 FROM {{s}}.annotation WHERE annotation.id = {_VALUES}.annotation_id)"
    )
    _policy(run, _VALUES, "read", f"FOR SELECT TO {{people}} USING ({visible})")
    for role, mine in (("annotator", own), ("curator", own_or_gold)):
        who = "{" + role + "}"
        check = annotation_of(mine)
        _policy(run, _VALUES, f"{role}_insert", f"FOR INSERT TO {who} WITH CHECK ({check})")
        _policy(
            run, _VALUES, f"{role}_update", f"FOR UPDATE TO {who} USING (true) WITH CHECK ({check})"
        )
        _policy(run, _VALUES, f"{role}_delete", f"FOR DELETE TO {who} USING ({check})")
    run("ALTER TABLE {s}.annotator ENABLE ROW LEVEL SECURITY")
    _policy(run, "annotator", "owner", "FOR ALL TO {owner} USING (true) WITH CHECK (true)")
    # Names are no secret in a blind project: everyone sees the list of people (not their work).
    _policy(run, "annotator", "read", "FOR SELECT TO {people} USING (true)")
    _policy(run, "annotator", "gold_insert", "FOR INSERT TO {curator} WITH CHECK (is_gold)")
    _policy(
        run,
        "annotator",
        "gold_update",
        "FOR UPDATE TO {curator} USING (is_gold) WITH CHECK (is_gold)",
    )


# -- users ----------------------------------------------------------------------------------------


def _groups(driver: Any, database: str) -> dict[str, str]:
    """group role name -> role, for the groups ``init`` made; refuses a database without them."""
    names = {group_role(database, role): role for role in ROLES}
    rows = driver.execute(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(names),)
    ).fetchall()
    if len(rows) != len(names):
        raise ProjectError(
            Path(database),
            "has no Claimdesk roles yet; run `claimdesk-cli server init` on it first",
        )
    return names


def _memberships(driver: Any, groups: dict[str, str]) -> dict[str, str]:
    """login role -> role in this project."""
    rows = driver.execute(
        "SELECT r.rolname, g.rolname FROM pg_auth_members m "
        "JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid "
        "WHERE g.rolname = ANY(%s)",
        (list(groups),),
    ).fetchall()
    return {str(member): groups[str(group)] for member, group in rows}


def add_user(
    target: str, password: str | None, name: str, role: str, user_password: str
) -> ServerUser:
    """A LOGIN role ``name`` in the group of ``role``, and the annotator ``name`` mapped to it.

    An annotator row of that name with no login (pushed from a file, say) becomes this person's.
    Refused: a bad name or role, an empty password, a role of that name anywhere on the server
    (roles are shared by all the server's databases), an annotator of that name with another login.
    """
    location, _ = _server(target)
    if role not in ROLES:
        raise ProjectError(
            location.as_path(), f"{role!r} is not a role; choose annotator, curator or owner"
        )
    problem = name_problem(name)
    if problem is not None:
        raise ProjectError(location.as_path(), f"{printable(name, 80)!r}: {problem}")
    if not user_password:
        raise ProjectError(location.as_path(), f"{name!r} needs a password; it was empty")
    with _open(target, password) as project, _admin(project) as (conn, driver):
        _groups(driver, location.database)
        if driver.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
            raise ProjectError(
                location.as_path(),
                f"the server already has a user {name!r} (users are shared by all the databases "
                "of a server); choose another name",
            )
        a = annotator_table
        row = conn.execute(select(a.c.id, a.c.login, a.c.is_gold).where(a.c.name == name)).first()
        if row is not None and not row.is_gold and row.login is not None:
            raise ProjectError(
                location.as_path(), f"the annotator {name!r} already signs in as {row.login!r}"
            )
        verifier = driver.pgconn.encrypt_password(
            user_password.encode(), name.encode(), b"scram-sha-256"
        ).decode()
        driver.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                sql.Identifier(name),
                sql.Literal(verifier),
                sql.Identifier(group_role(location.database, role)),
            )
        )
        if row is not None and not row.is_gold:
            conn.execute(update(a).where(a.c.id == row.id).values(login=name))
        else:
            curation.make_room_for_person(conn, name)
            conn.execute(insert(a).values(name=name, login=name, created_at=utcnow()))
    return ServerUser(name, name, role)


def list_users(target: str, password: str | None = None) -> list[ServerUser]:
    """Everyone who signs in to the project (by login), and annotators who once did."""
    location, _ = _server(target)
    with _open(target, password) as project, _admin(project) as (conn, driver):
        members = _memberships(driver, _groups(driver, location.database))
        a = annotator_table
        rows = conn.execute(select(a.c.name, a.c.login).where(a.c.login.is_not(None))).all()
    names = {str(login): str(annotator) for annotator, login in rows}
    users = [ServerUser(login, names.get(login, ""), role) for login, role in members.items()]
    users += [ServerUser(login, name, "") for login, name in names.items() if login not in members]
    return sorted(users, key=lambda user: (user.login.casefold(), user.login))


def remove_user(target: str, password: str | None, name: str) -> None:
    """Drop the person's login role; their annotator and annotations stay (login set to NULL)."""
    location, _ = _server(target)
    with _open(target, password) as project, _admin(project) as (conn, driver):
        members = _memberships(driver, _groups(driver, location.database))
        if name not in members:
            raise ProjectError(
                location.as_path(), f"has no user {printable(name, 80)!r}; see `server list-users`"
            )
        conn.execute(
            update(annotator_table).where(annotator_table.c.login == name).values(login=None)
        )
        driver.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def is_blind(project: Project) -> bool:
    with project.reading() as conn:
        return bool(conn.execute(select(project_table.c.blind)).scalar())


def set_blind(target: str, password: str | None, blind: bool) -> None:
    """Blind: annotators read only their own annotations and statuses. Open: everyone's."""
    with _open(target, password) as project, _admin(project) as (conn, _driver):
        conn.execute(update(project_table).values(blind=blind))
