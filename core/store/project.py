"""An open project: the one entry point through which callers read a project and change it.

Reads return plain records (columns, not ORM entities, on hot paths). Every change goes through
``apply``: one command, one committed transaction, pushed on the undo history only once the
commit succeeded, so that "saved" in the UI always means on disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import BindParameter, Connection, Engine, bindparam, false, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from claimdesk.core.codebook import Codebook
from claimdesk.core.errors import EditConflict, EditError, SaveError
from claimdesk.core.limits import (
    ANNOTATOR_NAME_MAX,
    DESCRIPTION_MAX,
    LABEL_NAME_MAX,
    NOTE_MAX,
    name_problem,
    text_problem,
)
from claimdesk.core.records import (
    AnnotationRecord,
    AnnotatorRecord,
    Changes,
    DocumentRecord,
    DocumentSummary,
    LabelRecord,
    Status,
    byline,
)
from claimdesk.core.store import curation as gold_names
from claimdesk.core.store import dialects, driver, edits, passwords
from claimdesk.core.store import engine as store
from claimdesk.core.store.edits import LABEL_COLUMNS, Command
from claimdesk.core.store.faults import RetryingWriter, forget_old_keys
from claimdesk.core.store.location import ServerLocation, parse_location
from claimdesk.core.store.project_claims import ClaimsPart
from claimdesk.core.store.project_suggestions import SuggestionsPart
from claimdesk.core.store.tables import (
    annotation_table,
    annotator_table,
    document_table,
    label_table,
    project_table,
    status_table,
    utcnow,
)
from claimdesk.core.suffixes import PROJECT_SUFFIX
from claimdesk.core.text.spans import Span, SpanRow, as_span
from claimdesk.core.text.textio import Article

__all__ = ["EditError", "ImportReport", "Project"]

COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass
class ImportReport:
    """What an import did: documents added, and files skipped because their text is already here.

    Each entry names a file by its path, or what was no file by its source as a string (a web
    address, "clipboard").
    """

    added: list[tuple[int, str]] = field(default_factory=list)  # (document id, title)
    duplicates: list[tuple[Path | str, str]] = field(default_factory=list)  # (file, title here)
    # (file, what to know) for files imported all the same: bad bytes replaced, for example.
    warnings: list[tuple[Path | str, str]] = field(default_factory=list)
    # (file, what its text leaves out: "3 images, 1 table flattened") for imported files.
    dropped: list[tuple[Path | str, str]] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


class Project(ClaimsPart, SuggestionsPart):
    def __init__(self, path: Path, engine: Engine, server: ServerLocation | None = None) -> None:
        # For a server project, ``path`` only names it in messages ("classlab on host:5432").
        self.path = path
        self.server = server
        self._engine = engine
        self.history = edits.History()
        # The last texts read (a text never changes). A plain dict, not functools.lru_cache on
        # the bound method: that made a cycle (project -> cache -> project) which kept a closed
        # project's texts until Python's rarest collection (the suggestions' worker, opening the
        # project for each computation, grew by a 5 MB article's 19 MB each time).
        self._texts: dict[int, str] = {}
        # On a server: each edit carries a key; a lost connection is retried (core/store/faults).
        self._faults = RetryingWriter(engine, path)

    # -- opening and closing ------------------------------------------------------------------

    @classmethod
    def open(cls, target: Path | str, password: str | None = None) -> Project:
        """Open a project file, or a project on a server (a ``postgresql://`` URL as text).

        For a server: the password given, else the URL's, else the one remembered in the
        keyring, else libpq's own (PGPASSWORD, ~/.pgpass); ``PasswordNeededError`` when the
        server wants one it was not given.
        """
        where = parse_location(target)
        if isinstance(where, Path):
            return cls(where, store.open_database(where))
        location, in_url = where
        password = passwords.to_use(location, password, in_url)
        engine = store.open_server(location, password)
        forget_old_keys(engine)  # one statement per open, none per edit
        return cls(location.as_path(), engine, location)

    @classmethod
    def open_to_read(cls, target: Path | str, password: str | None = None) -> Project:
        """The project the window has open (see `opening`), opened again from another process
        to read only: a file is neither checked again nor written (the suggestions' worker
        reads it while the window writes); a server's is opened as by `open`."""
        where = parse_location(target)
        if isinstance(where, Path):
            return cls(where, store.reading_database(where))
        return cls.open(target, password)

    @property
    def location(self) -> str:
        """Where the project is, as the user would give it again: a file path, or a server URL
        without its password."""
        return self.server.text() if self.server is not None else str(self.path)

    def reopen(self) -> Project:
        """Another `Project` on the same file or server, signed in the same way: for a worker
        thread (a SQLite connection belongs to one thread) or a second view of the project."""
        return Project.open(*self.opening())

    def opening(self) -> tuple[Path | str, str | None]:
        """What opens this project again, in this process or another: the file's path, or the
        server's URL and the password it was signed in with."""
        if self.server is None:
            return self.path, None
        password = self._engine.url.password
        return self.location, password if isinstance(password, str) else None

    @classmethod
    def create(
        cls,
        path: Path | str,
        name: str | None = None,
        codebook: Codebook | None = None,
        password: str | None = None,
    ) -> Project:
        where = parse_location(path)
        server: ServerLocation | None = None
        if isinstance(where, Path):
            path = where
            if path.suffix != PROJECT_SUFFIX:
                path = path.with_name(path.name + PROJECT_SUFFIX)
            engine = store.create_database(path)
        else:
            # An empty database on a server becomes the project (``server init``, ``push``).
            server, in_url = where
            password = passwords.to_use(server, password, in_url)
            engine = store.open_server(server, password, create=True)
            path = server.as_path()
        with engine.begin() as conn:
            conn.execute(
                insert(project_table).values(
                    name=name or (server.database if server else path.stem),
                    description="",
                    created_at=utcnow(),
                )
            )
        project = cls(path, engine, server)
        if codebook is not None:
            project.add_codebook(codebook, undoable=False)
        return project

    def close(self) -> None:
        self._texts.clear()
        store.close_engine(self._engine)

    # -- for the store's own modules (core/store/*): the only way to the database -------------

    def reading(self) -> AbstractContextManager[Connection]:
        """A connection for reads (store modules only; everything else calls named functions)."""
        return self._connect()

    def writing(self) -> AbstractContextManager[Connection]:
        """One transaction, committed on success (store modules only)."""
        if self.server is None:
            return self._engine.begin()
        return self._faults.connection(begin=True)

    def _connect(self) -> AbstractContextManager[Connection]:
        # On a server, a lost connection reads as a sentence (SaveError), not a driver error.
        if self.server is None:
            return self._engine.connect()
        return self._faults.connection()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        with self._connect() as conn:
            return str(conn.execute(select(project_table.c.name)).scalar() or self.path.stem)

    # -- reads ----------------------------------------------------------------------------------

    def labels(self) -> list[LabelRecord]:
        with self._connect() as conn:
            rows = conn.execute(
                select(*LABEL_COLUMNS).order_by(label_table.c.position, label_table.c.id)
            )
            return [edits.label_record(r) for r in rows]

    def annotators(self) -> list[AnnotatorRecord]:
        columns = (annotator_table.c.id, annotator_table.c.name, annotator_table.c.is_gold)
        with self._connect() as conn:
            rows = conn.execute(select(*columns).order_by(annotator_table.c.id))
            return [AnnotatorRecord(int(i), str(n), bool(g)) for i, n, g in rows]

    def documents(self) -> list[DocumentRecord]:
        columns = (
            document_table.c.id,
            document_table.c.title,
            document_table.c.source,
            document_table.c.date,
            document_table.c.sha256,
            document_table.c.meta,
        )
        with self._connect() as conn:
            return [
                DocumentRecord(*r)
                for r in conn.execute(select(*columns).order_by(document_table.c.id))
            ]

    def document_text(self, document_id: int) -> str:
        texts = self._texts
        text = texts.pop(document_id, None)
        if text is None:
            text = self._load_text(document_id)
            while len(texts) >= TEXTS_KEPT:
                texts.pop(next(iter(texts)), None)
        texts[document_id] = text  # the most recently read last
        return text

    def _load_text(self, document_id: int) -> str:
        with self._connect() as conn:
            rows = _TEXT.rows(conn, document=document_id)
        if not rows or rows[0][0] is None:
            raise KeyError(document_id)
        return str(rows[0][0])

    def overview(self, annotator_id: int | None) -> list[DocumentSummary]:
        """The document list as one annotator sees it: status and their annotation count."""
        counts = (
            select(annotation_table.c.document_id, func.count().label("n"))
            .where(annotation_table.c.annotator_id == annotator_id)
            .group_by(annotation_table.c.document_id)
            .subquery()
        )
        statuses = select(status_table.c.document_id, status_table.c.status).where(
            status_table.c.annotator_id == annotator_id
        )
        statuses_sq = statuses.subquery()
        query = (
            select(
                document_table.c.id,
                document_table.c.title,
                func.coalesce(statuses_sq.c.status, Status.TODO.value),
                func.coalesce(counts.c.n, 0),
                func.length(document_table.c.text),
                document_table.c.meta,
                document_table.c.date,
            )
            .outerjoin(counts, counts.c.document_id == document_table.c.id)
            .outerjoin(statuses_sq, statuses_sq.c.document_id == document_table.c.id)
            .order_by(document_table.c.id)
        )
        with self._connect() as conn:
            return [
                DocumentSummary(
                    i, t, Status(s), int(n), int(length or 0), byline(meta or {}, date or "")
                )
                for i, t, s, n, length, meta, date in conn.execute(query)
            ]

    def annotation_counts(self) -> dict[int, int]:
        """Annotations per document, all annotators together."""
        query = select(annotation_table.c.document_id, func.count()).group_by(
            annotation_table.c.document_id
        )
        with self._connect() as conn:
            return {int(d): int(n) for d, n in conn.execute(query)}

    def spans(self, document_id: int, annotator_id: int) -> list[Span]:
        """The hot path of opening a document: read straight off the covering index.

        Ordered by position; ties keep the index's order (SpanIndex orders them by id).
        """
        return list(map(as_span, self.span_rows(document_id, annotator_id)))

    def span_rows(self, document_id: int, annotator_id: int) -> list[SpanRow]:
        """``spans`` as the driver's plain (id, start, end, label_id) tuples, what the window
        opens a document with: no object more per span (see core/text/spans.py)."""
        # Plain driver rows: at 100,000 spans SQLAlchemy's row objects cost more than SQLite.
        with self._connect() as conn:
            return _SPANS.rows(conn, document=document_id, annotator=annotator_id)

    def annotations(self, document_id: int, annotator_id: int | None) -> list[AnnotationRecord]:
        query = select(*edits.ANNOTATION_COLUMNS).where(
            annotation_table.c.document_id == document_id
        )
        if annotator_id is not None:
            query = query.where(annotation_table.c.annotator_id == annotator_id)
        with self._connect() as conn:
            rows = conn.execute(
                query.order_by(
                    annotation_table.c.start, annotation_table.c.end, annotation_table.c.id
                )
            )
            return [edits.annotation_record(r) for r in rows]

    def annotations_by_id(self, annotation_ids: Sequence[int]) -> dict[int, AnnotationRecord]:
        """Full records for a page of ids (the annotation list fetches what it shows)."""
        ids = list(dict.fromkeys(annotation_ids))
        found: dict[int, AnnotationRecord] = {}
        with self._connect() as conn:
            for at in range(0, len(ids), _PAGE_MOST):
                page = ids[at : at + _PAGE_MOST]
                query, size = _page_query(len(page))
                page += page[-1:] * (size - len(page))  # an id again changes nothing
                params = {f"id{i}": annotation_id for i, annotation_id in enumerate(page)}
                for i, d, label, who, start, end, quote, note, made, changed in query.rows(
                    conn, **params
                ):
                    found[i] = AnnotationRecord(
                        i, d, label, who, start, end, quote, note, _stored(made), _stored(changed)
                    )
        return found

    def summary(self, document_id: int, annotator_id: int) -> DocumentSummary:
        """One row of the document list (status, count) without counting the whole project."""
        query = select(func.count()).where(
            annotation_table.c.document_id == document_id,
            annotation_table.c.annotator_id == annotator_id,
        )
        with self._connect() as conn:
            count = int(conn.execute(query).scalar() or 0)
            title, length, meta, date = conn.execute(
                select(
                    document_table.c.title,
                    func.length(document_table.c.text),
                    document_table.c.meta,
                    document_table.c.date,
                ).where(document_table.c.id == document_id)
            ).one()
        return DocumentSummary(
            document_id,
            title,
            self.status(document_id, annotator_id),
            count,
            int(length),
            byline(meta or {}, date or ""),
        )

    def annotation(self, annotation_id: int) -> AnnotationRecord:
        with self._connect() as conn:
            found = edits.fetch_annotations(conn, [annotation_id])
        if not found:
            raise KeyError(annotation_id)
        return found[0]

    def status(self, document_id: int, annotator_id: int) -> Status:
        with self._connect() as conn:
            value = edits.get_status(conn, document_id, annotator_id)
        return Status(value or Status.TODO.value)

    # -- annotators -----------------------------------------------------------------------------

    def signed_in_annotator(self) -> AnnotatorRecord | None:
        """On a server: the annotator mapped to the login role this connection signed in as
        (``annotator.login = current_user``); None in a file, or for a login mapped to nobody."""
        if self.server is None:
            return None
        a = annotator_table
        query = select(a.c.id, a.c.name).where(a.c.login == func.current_user())
        with self._connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else AnnotatorRecord(row.id, row.name)

    def ensure_annotator(self, name: str) -> AnnotatorRecord:
        """The person of that name, created on first use (not an undoable edit).

        Never the gold set, whatever its name: a gold set holding this name is renamed first.
        """
        name = " ".join(name.split())
        if not name:
            raise EditError("An annotator needs a name.")
        # Checked here, not left to the database: a file would keep a name that a server's
        # varchar(200) refuses.
        problem = name_problem(name, "annotator name", ANNOTATOR_NAME_MAX)
        if problem is not None:
            raise EditError(_sentence(problem))
        query = select(annotator_table.c.id).where(
            annotator_table.c.name == name, annotator_table.c.is_gold == false()
        )
        with self._connect() as conn:
            found = conn.execute(query).scalar()
        if found is None:
            # Another process may be adding the same name right now: insert-or-ignore first
            # (it waits for the write lock), then read whichever row won.
            values = {"name": name, "created_at": utcnow()}
            with self.writing() as conn:
                gold_names.make_room_for_person(conn, name)
                conn.execute(
                    dialects.insert_if_absent(
                        conn, annotator_table, values, [annotator_table.c.name]
                    )
                )
                found = conn.execute(query).scalar_one()
        return AnnotatorRecord(int(found), name)

    # -- edits ----------------------------------------------------------------------------------

    def apply(self, command: Command) -> Changes:
        """Run one command in its own transaction; it is undoable once committed."""
        return self._run(command.apply, command, lambda: self.history.pushed(command))

    def undo(self) -> Changes | None:
        command = self.history.next_undo()
        if command is None:
            return None
        return self._run(command.revert, command, self.history.undone)

    def redo(self) -> Changes | None:
        command = self.history.next_redo()
        if command is None:
            return None
        return self._run(command.apply, command, self.history.redone)

    def _run(self, step: Any, command: Command | None = None, committed: Any = None) -> Changes:
        """One step in one transaction; ``committed()`` once it is (the undo history's move)."""
        if self.server is not None:
            return self._faults.run(step, command, committed)
        try:
            with self._engine.begin() as conn:
                changes: Changes = step(conn)
        except IntegrityError as exc:
            raise EditConflict(f"The change was refused by the project file: {exc.orig}") from exc
        except DBAPIError as exc:
            raise SaveError(f"The change could not be saved: {exc.orig}") from exc
        if committed is not None:
            committed()
        return changes

    def check_connection(self) -> bool:
        """Whether the project can be reached now (a server that was down is back); for a file,
        always True. Safe to call from a worker thread: it only borrows a pooled connection."""
        if self.server is None:
            return True
        return self._faults.reachable()

    def settle(self) -> tuple[Changes | None, bool]:
        """After a lost connection: whether the edit that was being committed was saved.

        (its changes, True) when it was, after all (it is then on the undo history); (None, True)
        when no edit is in doubt or it was not saved; (None, False) while the server cannot say.
        """
        if self.server is None:
            return None, True
        return self._faults.settle()

    def add_annotation(
        self,
        document_id: int,
        label_id: int,
        annotator_id: int,
        start: int,
        end: int,
        note: str = "",
    ) -> Changes:
        text = self.document_text(document_id)
        if start >= end:
            raise EditError(f"The span cannot be saved: start ({start}) is not before end ({end}).")
        if start < 0 or end > len(text):
            raise EditError(f"The span {start}–{end} lies outside the text (0–{len(text)}).")
        _check_text(note, "note", NOTE_MAX)
        quote = text[start:end]
        if not quote.strip():
            raise EditError("Select some text first: the selection is only white space.")
        # The label and a span filed twice are checked in the edit's own transaction.
        command = edits.AddAnnotation(
            document_id, label_id, annotator_id, start, end, quote, note=note, checked=True
        )
        return self.apply(command)

    def delete_annotations(self, annotation_ids: Iterable[int]) -> Changes:
        return self.apply(edits.DeleteAnnotations(annotation_ids))

    def set_note(self, annotation_id: int, note: str) -> Changes:
        _check_text(note, "note", NOTE_MAX)
        return self.apply(edits.UpdateAnnotation(annotation_id, note=note))

    def set_annotation_label(self, annotation_id: int, label_id: int) -> Changes:
        """File an annotation under another label; relations the new label breaks are removed
        in the same step (``relabel_conflicts`` lists them, for the window to ask first)."""
        from claimdesk.core.store.claims import Relabel

        breaks = self.relabel_conflicts(annotation_id, label_id)
        return self.apply(Relabel(annotation_id, label_id, breaks))

    def set_status(self, document_id: int, annotator_id: int, status: Status) -> Changes:
        return self.apply(edits.SetStatus(document_id, annotator_id, status))

    # -- codebook -------------------------------------------------------------------------------

    def add_label(
        self,
        name: str,
        colour: str,
        description: str = "",
        shortcut: str | None = None,
        parent_id: int | None = None,
    ) -> tuple[LabelRecord, Changes]:
        labels = self.labels()
        name, shortcut = self._check_label(labels, None, name, colour, shortcut)
        _check_text(description, "label description", DESCRIPTION_MAX)
        position = max((label.position for label in labels), default=-1) + 1
        record = LabelRecord(0, name, colour.lower(), description, shortcut, parent_id, position)
        command = edits.AddLabel(record)
        changes = self.apply(command)
        return command.label, changes

    def update_label(self, label_id: int, **values: Any) -> Changes:
        labels = self.labels()
        current = next((label for label in labels if label.id == label_id), None)
        if current is None:
            raise EditError("That label no longer exists.")
        name, shortcut = self._check_label(
            labels,
            label_id,
            values.get("name", current.name),
            values.get("colour", current.colour),
            values.get("shortcut", current.shortcut),
        )
        if "name" in values:
            values["name"] = name
        if "shortcut" in values:
            values["shortcut"] = shortcut
        if "colour" in values:
            values["colour"] = str(values["colour"]).lower()
        if "description" in values:
            _check_text(values["description"], "label description", DESCRIPTION_MAX)
        if values.get("parent_id") == label_id:
            raise EditError("A label cannot be its own group.")
        return self.apply(edits.UpdateLabel(label_id, **values))

    def delete_label(self, label_id: int) -> Changes:
        return self.apply(edits.DeleteLabel(label_id))

    def label_usage(self, label_id: int) -> int:
        with self._connect() as conn:
            query = select(func.count()).where(annotation_table.c.label_id == label_id)
            return int(conn.execute(query).scalar() or 0)

    @staticmethod
    def _check_label(
        labels: Sequence[LabelRecord],
        label_id: int | None,
        name: str,
        colour: str,
        shortcut: str | None,
    ) -> tuple[str, str | None]:
        name = " ".join(name.split())
        if not name:
            raise EditError("A label needs a name.")
        problem = name_problem(name, "label name", LABEL_NAME_MAX)
        if problem is not None:
            raise EditError(_sentence(problem))
        if not COLOUR_RE.match(colour):
            raise EditError(f"{colour!r} is not a colour like #1f77b4.")
        shortcut = shortcut.strip() if shortcut else None
        if shortcut is not None and (len(shortcut) != 1 or not shortcut.isprintable()):
            raise EditError("A shortcut is a single key such as 1 or q.")
        shortcut = shortcut.lower() if shortcut else None
        for other in labels:
            if other.id == label_id:
                continue
            if other.name.casefold() == name.casefold():
                raise EditError(f"There is already a label called {other.name!r}.")
            if shortcut and other.shortcut == shortcut:
                raise EditError(f"The key {shortcut!r} already files under {other.name!r}.")
        return name, shortcut

    def add_codebook(self, codebook: Codebook, *, undoable: bool = True) -> Changes:
        """Add a codebook's labels in one step, skipping names already here.

        A shortcut already bound to another label is left off rather than stolen.
        """
        labels = self.labels()
        names = {label.name.casefold() for label in labels}
        keys: set[str] = {label.shortcut for label in labels if label.shortcut}
        position = max((label.position for label in labels), default=-1)
        entries: list[tuple[LabelRecord, str | None]] = []
        for entry in codebook.labels:
            if entry.name.casefold() in names:
                continue
            shortcut = entry.shortcut if entry.shortcut not in keys else None
            name, shortcut = self._check_label([], None, entry.name, entry.colour, shortcut)
            _check_text(entry.description, "label description", DESCRIPTION_MAX)
            position += 1
            record = LabelRecord(
                0, name, entry.colour.lower(), entry.description, shortcut, None, position
            )
            entries.append((record, entry.parent))
            names.add(name.casefold())
            if shortcut:
                keys.add(shortcut)
        command: Command = edits.AddLabels(entries)
        scheme = getattr(codebook, "scheme", None)
        if scheme is not None and not scheme.empty:
            from claimdesk.core.store.claims import AddScheme, Composite

            command = Composite([command, AddScheme(scheme)], "Add codebook")
        command = _with_rules(command, codebook, {e.name.casefold() for e, _ in entries})
        if undoable:
            return self.apply(command)
        return self._run(command.apply, command)

    # -- import ---------------------------------------------------------------------------------

    def import_articles(self, articles: Sequence[Article]) -> ImportReport:
        """Store articles in one transaction; texts already in the project are skipped."""
        report = ImportReport()
        with self._connect() as conn:
            known: dict[str, str] = {
                s: t
                for s, t in conn.execute(select(document_table.c.sha256, document_table.c.title))
            }
        rows: list[dict[str, Any]] = []
        for article in articles:
            if article.sha256 in known:
                report.duplicates.append((article.origin or article.path, known[article.sha256]))
                continue
            known[article.sha256] = article.title
            if article.warning is not None:
                report.warnings.append((article.origin or article.path, article.warning))
            if article.dropped:
                report.dropped.append((article.origin or article.path, ", ".join(article.dropped)))
            # What the file said about itself (title, author, date, site, url, fetched) first.
            meta: dict[str, Any] = dict(article.meta)
            if article.encoding:  # files whose text was taken out of a format have none
                meta["encoding"] = article.encoding
            meta["removed_lines"] = len(article.removed)
            if article.replaced_bytes:
                meta["replaced_bytes"] = article.replaced_bytes
            if article.dropped:
                meta["dropped"] = list(article.dropped)
            rows.append(
                {
                    "title": article.title,
                    # A file name that is not UTF-8 is stored by its bytes, never as a surrogate.
                    "source": article.source,
                    "date": article.meta.get("date", ""),
                    "meta": meta,
                    "text": article.text,
                    "sha256": article.sha256,
                }
            )
        if rows:
            command = edits.AddDocuments(rows)
            report.changes = self.apply(command)
            report.added = [(row["id"], row["title"]) for row in command.rows]
        return report


# A document's text, the statement compiled once (an open reads it; compiling took longer than
# reading a short article).
_TEXT = driver.PlainQuery(
    select(document_table.c.text).where(document_table.c.id == bindparam("document", 0))
)

# One annotator's spans of one document, straight off the covering index, by position.
_SPANS = driver.PlainQuery(
    select(
        annotation_table.c.id,
        annotation_table.c.start,
        annotation_table.c.end,
        annotation_table.c.label_id,
    )
    .where(
        annotation_table.c.document_id == bindparam("document", 0),
        annotation_table.c.annotator_id == bindparam("annotator", 0),
    )
    .order_by(annotation_table.c.start, annotation_table.c.end)
)


TEXTS_KEPT = 16  # documents' texts a project keeps once read

# A page of annotations by id (the annotation list's rows, fetched as they are shown): plain
# driver rows from statements compiled once per page size (sizes rounded up to a power of two).
# SQLAlchemy's expanding IN list, its row objects and its parsing of the two times took about
# as long again as SQLite.
_PAGE_MOST = 128
_PAGE_QUERIES: dict[int, driver.PlainQuery] = {}
_PAGE_COLUMNS = (
    *edits.ANNOTATION_COLUMNS[:8],
    dialects.time_text(annotation_table.c.created_at),
    dialects.time_text(annotation_table.c.updated_at),
)


def _page_query(count: int) -> tuple[driver.PlainQuery, int]:
    """The statement reading ``count`` ids or a few more (repeated ones), and how many."""
    size = 1 << max(count - 1, 0).bit_length()
    query = _PAGE_QUERIES.get(size)
    if query is None:
        ids: list[BindParameter[int]] = [bindparam(f"id{i}", 0) for i in range(size)]
        query = _PAGE_QUERIES[size] = driver.PlainQuery(
            select(*_PAGE_COLUMNS).where(annotation_table.c.id.in_(ids))
        )
    return query, size


def _stored(moment: str) -> datetime:
    """A time read as text (``dialects.time_text``) as the naive UTC datetime it stands for."""
    return datetime.fromisoformat(moment)


def _with_rules(command: Command, codebook: Codebook, added: set[str]) -> Command:
    """The codebook's suggestion rules of the labels it adds, in the same step."""
    from claimdesk.core.store.claims import Composite
    from claimdesk.core.store.suggestions import SetRules

    rules: dict[int | str, Any] = {
        entry.name: entry.suggest
        for entry in codebook.labels
        if entry.suggest is not None
        and not entry.suggest.empty
        and " ".join(entry.name.split()).casefold() in added
    }
    if not rules:
        return command
    return Composite([command, SetRules(rules)], "Add codebook")


def _check_text(value: object, what: str, limit: int) -> None:
    """Refuse a free text (note, description) that cannot be stored, before anything is written."""
    if not isinstance(value, str):
        raise EditError(f"The {what} must be text.")
    problem = text_problem(value, what, limit)
    if problem is not None:
        raise EditError(_sentence(problem))


def _sentence(problem: str) -> str:
    """'the note is 30,000 characters long; …' as a sentence of its own."""
    return problem[:1].upper() + problem[1:] + "."
