"""Search: a full-text index over the documents' text, to narrow a search to the documents that
can hold a hit (the exact matching runs in Python on those documents' texts).

- In a project file: ``document_search``, an SQLite FTS5 table whose content is ``document``
  (external content: the text is not stored twice), tokenised by ``unicode61`` with diacritics
  removed. It is filled here for the documents already in the file; the store keeps it in step
  (``core/store/search_index.py``). No triggers: a project file is opened with
  ``trusted_schema=OFF``, under which a trigger may not write to a virtual table.
- On PostgreSQL: a trigram GIN index over ``document.text`` (the ``pg_trgm`` extension, shipped
  with PostgreSQL's own packages) when the signed-in role may create it; without it a search
  still works, reading every document.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from claimdesk.core.store.sqlite import file_header

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Frozen copies of the names core/store/search_index.py uses.
_TABLE = "document_search"
_PG_INDEX = "ix_document_text_trigram"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE {_TABLE} USING fts5(text, content='document', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(f"INSERT INTO {_TABLE}({_TABLE}) VALUES ('rebuild')")
    elif bind.dialect.name == "postgresql":
        try:
            with bind.begin_nested():
                op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                op.execute(f"CREATE INDEX {_PG_INDEX} ON document USING gin (text gin_trgm_ops)")
        except sa.exc.DBAPIError:
            pass  # no right to add the extension here: searches read every document
    file_header("PRAGMA user_version = 7")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(f"DROP TABLE IF EXISTS {_TABLE}")
    elif bind.dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {_PG_INDEX}")
    file_header("PRAGMA user_version = 6")
