"""The one place that speaks SQL: tables, engine, schema check, edits, the Project facade.

``tables`` (the SQLAlchemy tables, named for what they hold), ``engine`` (open, create, migrate
a project file), ``schema`` (a file's structure checked against the migrations), ``edits``
(undoable commands), ``project`` (the ``Project`` facade), named reads for the rooms above
(``agreement_reads``, ``datasets``), and ``sqlite``: the one corner for what only SQLite
understands (pragmas, upserts, checkpoints, driver-level reads). Nothing else in core imports
SQLAlchemy, sqlite3 or Alembic.
"""
