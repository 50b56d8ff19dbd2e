"""Alembic environment: migrations run on the connection the store hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from claimdesk.core.store.tables import Base

target_metadata = Base.metadata


# The search index (0007) is no model: an FTS5 table and its shadow tables in a file, an index
# over an expression on a server.
_NOT_MODELLED = ("document_search", "ix_document_text_trigram")


def _modelled(name: str | None, kind: str, _parent: object) -> bool:
    return not (name or "").startswith(_NOT_MODELLED)


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("Claimdesk migrations run through core.store, which passes a connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        include_name=_modelled,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
