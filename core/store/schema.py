"""The schema Claimdesk makes, revision by revision, and the check of a project file against it.

A project file can come from anyone, and SQLite stores code in it: a trigger runs on the next
edit, a view stands in for a table. So before a file is opened for writing, its structure
(tables and their columns, indexes, foreign keys; no triggers, no views) is compared with the
one the migrations built for the file's own revision. The expected structures are generated
from the Alembic chain into ``migrations/schema.json`` by ``python -m claimdesk.core.store.schema``;
a test rebuilds them from the chain and fails when the file is stale (a new migration needs
only that regeneration). Comparing structure, not SQL text, keeps batch migrations (which
rewrite the CREATE statements) from looking like tampering. The catalogue read here is SQLite's:
this check belongs to the SQLite corner of the store (``sqlite.py`` opens the connections).
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from claimdesk.core.limits import printable
from claimdesk.core.store import sqlite
from claimdesk.core.store.sqlite import DriverConnection

SCHEMA_FILE = Path(__file__).with_name("migrations") / "schema.json"
# The revision a file has before the first migration (its alembic_version table is empty).
BASE = "base"

Description = dict[str, Any]


def _rows(conn: DriverConnection, sql: str, *params: str) -> list[tuple[Any, ...]]:
    return list(conn.execute(sql, params).fetchall())


def describe(conn: DriverConnection) -> Description:
    """The structure of the database behind ``conn``, in plain JSON-able values.

    SQLite's own tables (``sqlite_sequence``, ``sqlite_stat1``) are left out; the indexes SQLite
    makes for UNIQUE and PRIMARY KEY constraints are keyed by table and columns, not by their
    generated names. Only catalogue queries and pragmas run here: nothing stored in the file.
    """
    tables: dict[str, Any] = {}
    indexes: dict[str, Any] = {}
    triggers: dict[str, Any] = {}
    views: dict[str, str] = {}
    master = _rows(conn, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
    for kind, name, table, sql in master:
        if kind == "trigger":
            triggers[name] = {"table": table, "sql": " ".join((sql or "").split())}
        elif kind == "view":
            views[name] = " ".join((sql or "").split())
        elif kind == "table" and not name.startswith("sqlite_"):
            if (sql or "").lstrip().upper().startswith("CREATE VIRTUAL"):
                # Its module may not even be loadable here: its name and SQL are enough to
                # recognise Claimdesk's own (the search index) and to refuse any other.
                tables[name] = {"virtual": True, "sql": " ".join((sql or "").split())}
                continue
            tables[name] = _describe_table(conn, name)
            indexes.update(_describe_indexes(conn, name))
    return {
        "tables": tables,
        "indexes": indexes,
        "triggers": triggers,
        "views": views,
    }


def _describe_table(conn: DriverConnection, table: str) -> dict[str, Any]:
    # table_xinfo also lists hidden and generated columns, which table_info leaves out.
    columns = [
        [name, str(kind).upper(), bool(notnull), default, int(pk), int(hidden)]
        for _cid, name, kind, notnull, default, pk, hidden in _rows(
            conn, "SELECT * FROM pragma_table_xinfo(?)", table
        )
    ]
    foreign_keys = sorted(
        [source, target, str(target_column), on_update, on_delete]
        for _id, _seq, target, source, target_column, on_update, on_delete, _match in _rows(
            conn, "SELECT * FROM pragma_foreign_key_list(?)", table
        )
    )
    return {"columns": columns, "foreign_keys": foreign_keys}


def _describe_indexes(conn: DriverConnection, table: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for _seq, name, unique, origin, partial in _rows(
        conn, "SELECT * FROM pragma_index_list(?)", table
    ):
        columns = [
            column if column is not None else "<expression>"
            for _seqno, _cid, column in _rows(conn, "SELECT * FROM pragma_index_info(?)", name)
        ]
        key = name if origin == "c" else f"{table}({', '.join(columns)}) [{origin}]"
        found[key] = {
            "table": table,
            "columns": columns,
            "unique": bool(unique),
            "partial": bool(partial),
        }
    return found


def _shown(name: str) -> str:
    return repr(printable(name, 60))


def stored_code(expected: Description | dict[str, Any], actual: Description) -> list[str]:
    """The triggers and views in ``actual`` that Claimdesk did not create (or that changed):
    SQL that would run on an edit or stand in for a table. Claimdesk itself creates none yet."""
    found: list[str] = []
    for name, trigger in sorted(actual["triggers"].items()):
        if expected.get("triggers", {}).get(name) != trigger:
            found.append(
                f"a trigger {_shown(name)} on {_shown(trigger['table'])} "
                "that Claimdesk did not create"
            )
    for name, sql in sorted(actual["views"].items()):
        if expected.get("views", {}).get(name) != sql:
            found.append(f"a view {_shown(name)} that Claimdesk did not create")
    return found


def differences(expected: Description, actual: Description) -> list[str]:
    """What in ``actual`` differs from ``expected``, each a phrase for the user, worst first."""
    found = stored_code(expected, actual)
    for name in sorted(set(expected["triggers"]) - set(actual["triggers"])):
        found.append(f"no trigger {_shown(name)}")
    for name in sorted(set(expected["views"]) - set(actual["views"])):
        found.append(f"no view {_shown(name)}")
    want_tables, have_tables = expected["tables"], actual["tables"]
    for name in sorted(set(have_tables) - set(want_tables)):
        kind = "virtual table" if have_tables[name].get("virtual") else "table"
        found.append(f"an extra {kind} {_shown(name)}")
    for name in sorted(set(want_tables) - set(have_tables)):
        found.append(f"no table {_shown(name)}")
    for name in sorted(set(want_tables) & set(have_tables)):
        want, have = want_tables[name], have_tables[name]
        if want.get("virtual") and want != have:
            found.append(f"another kind of table in place of the virtual table {_shown(name)}")
        elif want.get("virtual"):
            continue
        elif have.get("virtual"):
            found.append(f"a virtual table in place of the table {_shown(name)}")
        elif want["columns"] != have["columns"]:
            found.append(f"other columns in the table {_shown(name)}")
        elif want["foreign_keys"] != have["foreign_keys"]:
            found.append(f"other foreign keys in the table {_shown(name)}")
    want_indexes, have_indexes = expected["indexes"], actual["indexes"]
    for name in sorted(set(have_indexes) - set(want_indexes)):
        found.append(f"an extra index {_shown(name)} on {_shown(have_indexes[name]['table'])}")
    for name in sorted(set(want_indexes) - set(have_indexes)):
        found.append(f"no index {_shown(name)}")
    for name in sorted(set(want_indexes) & set(have_indexes)):
        if want_indexes[name] != have_indexes[name]:
            found.append(f"a changed index {_shown(name)}")
    return found


@cache
def expected_schemas() -> dict[str, Description]:
    """The committed description of every revision, keyed by revision id (and ``BASE``)."""
    data = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return {str(key): value for key, value in data["revisions"].items()}


def build_expected() -> dict[str, Description]:
    """Run the migration chain step by step on a scratch file and describe each revision."""
    import tempfile

    from alembic import command
    from alembic.script import ScriptDirectory

    from claimdesk.core.store import engine as store

    built: dict[str, Description] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scratch.claimdesk"
        engine = sqlite.bare_engine(path)
        try:
            with engine.begin() as connection:
                config = store.migration_config(connection)
                command.stamp(config, "base")
                revisions = [
                    rev.revision
                    for rev in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))
                ]
            built[BASE] = _describe_file(path)
            for revision in revisions:
                with engine.begin() as connection:
                    command.upgrade(store.migration_config(connection), revision)
                built[revision] = _describe_file(path)
        finally:
            engine.dispose()
    return built


def _describe_file(path: Path) -> Description:
    conn = sqlite.open_scratch(path)
    try:
        return describe(conn)
    finally:
        conn.close()


def render(schemas: dict[str, Description]) -> str:
    data = {
        "about": (
            "Generated by `python -m claimdesk.core.store.schema` from the migrations; do not edit."
        ),
        "revisions": schemas,
    }
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Regenerate ``migrations/schema.json``; with ``--check``, only say whether it is stale."""
    text = render(build_expected())
    current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    if "--check" in argv:
        if text != current:
            print(
                f"{SCHEMA_FILE} is stale: run python -m claimdesk.core.store.schema",
                file=sys.stderr,
            )
            return 1
        return 0
    if text != current:
        SCHEMA_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
