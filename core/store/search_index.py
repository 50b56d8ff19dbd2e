"""Search's door to the database: the full-text index that narrows a search to the documents
that can hold a hit, the spans shown beside hits, and Mark all (one undoable edit).

In a file the index is an FTS5 table over ``document.text`` (migration 0007) kept in step here:
the import commands index what they add and unindex what their undo removes, and every search
first indexes documents that arrived another way (a pull, an exercise). On a server, a trigram
index (``pg_trgm``) serves ``LIKE``/``ILIKE``. Either way the index only narrows: the exact
matching runs in Python (core/search), so the narrowing must never leave out a document that
holds a hit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Integer, and_, column, delete, insert, select, text

from claimdesk.core.records import AnnotationRecord, Changes, Status, StatusChange
from claimdesk.core.store.edits import (
    ANNOTATION_COLUMNS,
    Command,
    annotation_record,
    get_status,
    put_status,
)
from claimdesk.core.store.search_sync import TABLE
from claimdesk.core.store.tables import (
    annotation_table,
    annotator_table,
    document_table,
    label_table,
    utcnow,
)

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project

_CHUNK = 500
# (text, a word boundary is sure at its start, … at its end): what every hit contains.
Needle = tuple[str, bool, bool]


# -- keeping the index in step (project files only) -------------------------------------------

_MISSING = text(f"SELECT count(*) FROM document WHERE id NOT IN (SELECT id FROM {TABLE}_docsize)")
_STALE = text(f"SELECT count(*) FROM {TABLE}_docsize WHERE id NOT IN (SELECT id FROM document)")


def catch_up(project: Project) -> int:
    """Index the documents that came in without the import commands; returns how many.

    Rows of documents deleted without being unindexed make the index unsure (a new document
    may get their id): then it is rebuilt whole."""
    if project.server is not None:
        return 0
    with project.reading() as conn:
        missing = int(conn.execute(_MISSING).scalar() or 0)
        stale = int(conn.execute(_STALE).scalar() or 0)
    if not missing and not stale:
        return 0
    with project.writing() as conn:
        if int(conn.execute(_STALE).scalar() or 0):
            conn.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"))
        else:
            conn.execute(
                text(
                    f"INSERT INTO {TABLE}(rowid, text) SELECT id, text FROM document "
                    f"WHERE id NOT IN (SELECT id FROM {TABLE}_docsize)"
                )
            )
    return missing


# -- narrowing ------------------------------------------------------------------------------


def _kind(char: str) -> str:
    """How SQLite's unicode61 tokeniser (remove_diacritics 2) sees a character: "w" part of a
    word (letters, digits, private use; combining marks are dropped inside a word), "s" a
    separator, "?" not sure."""
    category = unicodedata.category(char)
    if category[0] in "LN" or category in ("Co", "Mn"):
        return "w"
    if category[0] in "ZPS" or category in ("Cc", "Cf"):
        return "s"
    return "?"


# Past this many words holding a fragment, the fragment narrows too little to be worth a query.
EXPANSION_LIMIT = 300


def fts_query(
    needles: Iterable[Needle], words: Callable[[], Sequence[str]] | None = None
) -> str | None:
    """An FTS5 query every document with a hit matches, or None when nothing can narrow.

    A fragment of a needle between word boundaries asks for that word (``"word"``); one that
    starts a word, for a word start (``"wor"*``). One that may sit inside a word (a plain
    search for "roop") is looked up in the index's own list of words, ``words()`` (lower case,
    without accents: only ASCII fragments are looked up, as they fold alike everywhere)."""
    terms: list[str] = []
    for needle, bounded_start, bounded_end in needles:
        kinds = [_kind(c) for c in needle]
        i = 0
        while i < len(needle):
            if kinds[i] != "w":
                i += 1
                continue
            j = i
            while j < len(needle) and kinds[j] == "w":
                j += 1
            starts = (i == 0 and bounded_start) or (i > 0 and kinds[i - 1] == "s")
            ends = (j == len(needle) and bounded_end) or (j < len(needle) and kinds[j] == "s")
            word = needle[i:j].replace('"', "")
            if starts:
                terms.append(f'"{word}"' if ends else f'"{word}"*')
            elif words is not None and word.isascii():
                inside = _words_holding(word.lower(), ends, words())
                if inside is not None:
                    terms.append(inside)
            i = j
    return " AND ".join(dict.fromkeys(terms)) if terms else None


def _words_holding(fragment: str, ends: bool, words: Sequence[str]) -> str | None:
    if ends:
        found = [w for w in words if w.endswith(fragment)]
    else:
        found = [w for w in words if fragment in w]
    if len(found) > EXPANSION_LIMIT:
        return None
    if not found:
        return '"' + fragment + '"'  # no document holds it: the query finds none, rightly
    return "(" + " OR ".join(f'"{w}"' for w in found) + ")"


# Each file's list of indexed words, kept while the index is unchanged (its structure record,
# rewritten by every change to the index, says so).
_WORDS: dict[str, tuple[bytes, list[str]]] = {}


def _indexed_words(project: Project) -> list[str]:
    with project.reading() as conn:
        stamp = conn.execute(text(f"SELECT block FROM {TABLE}_data WHERE id = 10")).scalar()
        stamp = bytes(stamp or b"")
        cached = _WORDS.get(project.location)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{TABLE}_words "
            f"USING fts5vocab(main, {TABLE}, 'row')"
        )
        words = [str(w) for (w,) in conn.execute(text(f"SELECT term FROM temp.{TABLE}_words"))]
        conn.rollback()
    _WORDS[project.location] = (stamp, words)
    return words


def _like_fragments(needles: Iterable[Needle], case_sensitive: bool) -> list[str]:
    """For a server: text every hit contains, for LIKE (exact) or ILIKE (ASCII runs only, which
    fold alike whatever the database's locale)."""
    if case_sensitive:
        return [needle for needle, _, _ in needles if len(needle) >= 3]
    fragments: list[str] = []
    for needle, _, _ in needles:
        run = ""
        for char in [*needle, "\x80"]:
            if char.isascii():
                run += char
                continue
            if len(run) >= 3:
                fragments.append(run)
            run = ""
    return fragments


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    title: str
    text: str


def candidates(
    project: Project,
    needles: Sequence[Needle],
    case_sensitive: bool,
    document_ids: Sequence[int] | None = None,
) -> Iterator[Candidate]:
    """The documents that may hold a hit, in id order, with their texts (streamed)."""
    d = document_table
    query = select(d.c.id, d.c.title, d.c.text).order_by(d.c.id)
    if document_ids is not None:
        query = query.where(d.c.id.in_(list(document_ids)))
    if project.server is None:
        catch_up(project)
        match = fts_query(needles, lambda: _indexed_words(project))
        if match is not None:
            narrowed = (
                text(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :match")
                .bindparams(match=match)
                .columns(column("rowid", Integer))
            )
            query = query.where(d.c.id.in_(narrowed))
    else:
        for fragment in _like_fragments(needles, case_sensitive):
            pattern = f"%{_escape_like(fragment)}%"
            query = query.where(
                d.c.text.like(pattern, escape="\\")
                if case_sensitive
                else d.c.text.ilike(pattern, escape="\\")
            )
    with project.reading() as conn:
        for row in conn.execute(query):
            yield Candidate(int(row.id), str(row.title), str(row.text))


# -- what is already filed where -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FiledSpan:
    annotation_id: int
    document_id: int
    start: int
    end: int
    quote: str
    label_id: int
    label: str
    annotator_id: int
    annotator: str


def _filed_query() -> Any:
    a, lab, who = annotation_table, label_table, annotator_table
    return (
        select(
            a.c.id,
            a.c.document_id,
            a.c.start,
            a.c.end,
            a.c.quote,
            a.c.label_id,
            lab.c.name,
            a.c.annotator_id,
            who.c.name,
        )
        .join(lab, lab.c.id == a.c.label_id)
        .join(who, who.c.id == a.c.annotator_id)
        .order_by(a.c.document_id, a.c.start, a.c.end, a.c.id)
    )


def filed_spans(project: Project, document_ids: Sequence[int]) -> dict[int, list[FiledSpan]]:
    """Every span filed in these documents (that the signed-in person may read)."""
    found: dict[int, list[FiledSpan]] = {}
    with project.reading() as conn:
        for chunk in _chunks(document_ids):
            query = _filed_query().where(annotation_table.c.document_id.in_(chunk))
            for row in conn.execute(query):
                span = FiledSpan(*row)
                found.setdefault(span.document_id, []).append(span)
    return found


def label_spans(
    project: Project, label_id: int, annotator_ids: Sequence[int] | None = None
) -> list[FiledSpan]:
    """Every span filed under a label, by document and position; optionally only some people's."""
    query = _filed_query().where(annotation_table.c.label_id == label_id)
    if annotator_ids is not None:
        query = query.where(annotation_table.c.annotator_id.in_(list(annotator_ids)))
    with project.reading() as conn:
        return [FiledSpan(*row) for row in conn.execute(query)]


def labels_of_quotes(
    project: Project, quotes: Sequence[str], other_than: int
) -> dict[str, list[str]]:
    """For each quote: the other labels the very same text is filed under anywhere."""
    a, lab = annotation_table, label_table
    found: dict[str, set[str]] = {}
    unique = list(dict.fromkeys(quotes))
    with project.reading() as conn:
        for chunk in _chunks(unique):
            query = (
                select(a.c.quote, lab.c.name)
                .join(lab, lab.c.id == a.c.label_id)
                .where(a.c.quote.in_(chunk), a.c.label_id != other_than)
                .distinct()
            )
            for quote, name in conn.execute(query):
                found.setdefault(str(quote), set()).add(str(name))
    return {quote: sorted(names) for quote, names in found.items()}


def document_texts(project: Project, document_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Titles and texts of some documents: ``{id: (title, text)}``."""
    d = document_table
    found: dict[int, tuple[str, str]] = {}
    with project.reading() as conn:
        for chunk in _chunks(list(dict.fromkeys(document_ids))):
            for row in conn.execute(select(d.c.id, d.c.title, d.c.text).where(d.c.id.in_(chunk))):
                found[int(row.id)] = (str(row.title), str(row.text))
    return found


# -- Mark all -------------------------------------------------------------------------------

Hit = tuple[int, int, int, str]  # document id, start, end, quote


def already_filed(
    conn: Connection, label_id: int, annotator_id: int, hits: Sequence[Hit]
) -> set[tuple[int, int, int]]:
    a = annotation_table
    found: set[tuple[int, int, int]] = set()
    for chunk in _chunks(sorted({hit[0] for hit in hits})):
        query = select(a.c.document_id, a.c.start, a.c.end).where(
            a.c.label_id == label_id, a.c.annotator_id == annotator_id, a.c.document_id.in_(chunk)
        )
        found.update((int(d), int(s), int(e)) for d, s, e in conn.execute(query))
    return found


def mark_all_preview(
    project: Project, label_id: int, annotator_id: int, hits: Sequence[Hit]
) -> tuple[int, int]:
    """(new spans, spans already filed under that label by that person) Mark all would give."""
    with project.reading() as conn:
        there = already_filed(conn, label_id, annotator_id, hits)
    unique = {(d, s, e) for d, s, e, _ in hits}
    return len(unique - there), len(unique & there)


class MarkAll(Command):
    """File hits under one label for one person in one undoable step; spans already filed under
    that label by that person are skipped. Undo removes exactly the spans it added."""

    def __init__(self, label_id: int, annotator_id: int, hits: Sequence[Hit]) -> None:
        self.label_id = label_id
        self.annotator_id = annotator_id
        self.hits = list(dict.fromkeys(hits))
        self.records: list[AnnotationRecord] = []
        self.skipped = 0
        self._statuses: dict[int, str | None] = {}
        self._applied = False
        self.description = "Mark all"

    def apply(self, conn: Connection) -> Changes:
        if not self._applied:
            self._applied = True
            there = already_filed(conn, self.label_id, self.annotator_id, self.hits)
            now = utcnow()
            rows = [
                {
                    "document_id": d,
                    "label_id": self.label_id,
                    "annotator_id": self.annotator_id,
                    "start": s,
                    "end": e,
                    "quote": quote,
                    "note": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for d, s, e, quote in self.hits
                if (d, s, e) not in there
            ]
            self.skipped = len(self.hits) - len(rows)
            if rows:
                statement = insert(annotation_table).returning(
                    *ANNOTATION_COLUMNS, sort_by_parameter_order=True
                )
                self.records = [annotation_record(r) for r in conn.execute(statement, rows)]
            n = len(self.records)
            self.description = f"Mark all ({n} span{'s' if n != 1 else ''})"
        elif self.records:
            conn.execute(
                insert(annotation_table),
                [{c.key: getattr(r, c.key) for c in ANNOTATION_COLUMNS} for r in self.records],
            )
        statuses: list[StatusChange] = []
        self._statuses = {}
        for document_id in sorted({r.document_id for r in self.records}):
            before = get_status(conn, document_id, self.annotator_id)
            self._statuses[document_id] = before
            if before in (None, Status.TODO.value):
                put_status(conn, document_id, self.annotator_id, Status.IN_PROGRESS.value)
                statuses.append(StatusChange(document_id, self.annotator_id, Status.IN_PROGRESS))
        return Changes(annotations_added=tuple(self.records), statuses=tuple(statuses))

    def revert(self, conn: Connection) -> Changes:
        a = annotation_table
        for chunk in _chunks([r.id for r in self.records]):
            conn.execute(delete(a).where(and_(a.c.id.in_(chunk))))
        statuses: list[StatusChange] = []
        for document_id, before in self._statuses.items():
            if get_status(conn, document_id, self.annotator_id) != before:
                put_status(conn, document_id, self.annotator_id, before)
                statuses.append(
                    StatusChange(document_id, self.annotator_id, Status(before or "todo"))
                )
        return Changes(annotations_removed=tuple(self.records), statuses=tuple(statuses))


def _chunks(values: Sequence[Any]) -> Iterator[list[Any]]:
    values = list(values)
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]
