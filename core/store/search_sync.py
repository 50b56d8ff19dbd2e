"""Keeping a project file's search index (migration 0007) in step with its documents: the
commands that insert or delete documents call these in their own transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Connection, text

TABLE = "document_search"
_CHUNK = 500


def index_documents(conn: Connection, ids: Sequence[int]) -> None:
    """Index documents just inserted (in the inserting transaction)."""
    if conn.dialect.name != "sqlite" or not ids:
        return
    for chunk in _chunks(ids):
        conn.execute(
            text(
                f"INSERT INTO {TABLE}(rowid, text) SELECT id, text FROM document "
                "WHERE id IN (SELECT value FROM json_each(:ids))"
            ),
            {"ids": _json_ids(chunk)},
        )


def forget_documents(conn: Connection, ids: Sequence[int]) -> None:
    """Unindex documents about to be deleted (FTS5 needs the very text it indexed)."""
    if conn.dialect.name != "sqlite" or not ids:
        return
    for chunk in _chunks(ids):
        conn.execute(
            text(
                f"INSERT INTO {TABLE}({TABLE}, rowid, text) SELECT 'delete', d.id, d.text "
                f"FROM document d JOIN {TABLE}_docsize s ON s.id = d.id "
                "WHERE d.id IN (SELECT value FROM json_each(:ids))"
            ),
            {"ids": _json_ids(chunk)},
        )


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield list(ids[i : i + _CHUNK])


def _json_ids(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"
