"""The project's tables as typed SQLAlchemy 2 models: one SQLite file holds one project."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from claimdesk.core.records import Status

# One naming convention so that Alembic's batch migrations can find every constraint by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timestamps are stored as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


class ProjectInfo(Base):
    """The single row describing the project held by this file."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # On a server: annotators cannot read one another's work (row-level security).
    blind: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Document(Base):
    """An imported article. Its text never changes once stored: annotations point into it."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[str] = mapped_column(String(40), default="")
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Label(Base):
    """A codebook entry: what annotators file claims under."""

    __tablename__ = "label"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    colour: Mapped[str] = mapped_column(String(7))
    description: Mapped[str] = mapped_column(Text, default="")
    shortcut: Mapped[str | None] = mapped_column(String(1), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("label.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("length(colour) = 7", name="colour_hex"),)


class Annotator(Base):
    """A person who annotates, or the gold set curation builds (``is_gold``: at most one row).

    Each one's work is kept apart from everyone else's. The gold set is found by its flag, never
    by its name, so a person may be called Gold.
    """

    __tablename__ = "annotator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # On a server: the PostgreSQL login role this person signs in with (None in a file).
    login: Mapped[str | None] = mapped_column(String(63))

    __table_args__ = (
        Index("uq_annotator_login", "login", unique=True),
        Index(
            "uq_annotator_gold_set",
            "is_gold",
            unique=True,
            # The migration (0004) also carries the PostgreSQL form; naming it here would load
            # SQLAlchemy's whole PostgreSQL dialect (19 modules) at every start-up.
            sqlite_where=text("is_gold = 1"),
        ),
    )


class Annotation(Base):
    """A labelled span ``[start, end)`` of a document's text, in Unicode code points."""

    __tablename__ = "annotation"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint('start >= 0 AND "end" > start', name="span_order"),
        UniqueConstraint(
            "document_id", "annotator_id", "label_id", "start", "end", name="uq_annotation_span"
        ),
        # Covering index, in the order a document is opened: one annotator's spans of one
        # document come out sorted by position without touching the table rows.
        Index(
            "ix_annotation_document_span", "document_id", "annotator_id", "start", "end", "label_id"
        ),
        Index("ix_annotation_annotator", "annotator_id", "document_id"),
        Index("ix_annotation_label", "label_id"),
        # Ids are never reused, so an id seen in an export always means the same annotation.
        {"sqlite_autoincrement": True},
    )


class DocumentStatus(Base):
    """Per annotator: to do, in progress or done. A missing row means to do."""

    __tablename__ = "document_status"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(
        ForeignKey("annotator.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20), default=Status.TODO.value)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("status IN ('todo', 'in_progress', 'done')", name="status_value"),
    )


class Exercise(Base):
    """A classroom exercise: handed out by a teacher's project, or being done in a workspace.

    ``documents`` lists the exercise's documents as ``[exercise document id, local document id]``
    pairs (the same ids in the teacher's project). ``codebook`` is the frozen codebook as written
    in the exercise file; ``fingerprint`` is its SHA-256.
    """

    __tablename__ = "exercise"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    guidelines: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64))
    codebook: Mapped[dict[str, Any]] = mapped_column(default=dict)
    documents: Mapped[list[Any]] = mapped_column(JSON, default=list)
    key_annotator_id: Mapped[int | None] = mapped_column(
        ForeignKey("annotator.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The teacher lets students see suggestions (core/suggest) while they work.
    suggestions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Workspace(Base):
    """In a student's workspace project (one row): who works on which exercise, and for how long."""

    __tablename__ = "exercise_workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[str] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    student_name: Mapped[str] = mapped_column(String(200))
    student_id: Mapped[str] = mapped_column(String(200), default="")
    exercise_path: Mapped[str] = mapped_column(Text, default="")
    seconds_spent: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The workspace's public id and its secret (never written into a file): each submission
    # proves with them that it comes from this workspace (core/submission_proof.py).
    public_id: Mapped[str] = mapped_column(String(32), default="")
    secret: Mapped[str] = mapped_column(String(64), default="")
    submissions_made: Mapped[int] = mapped_column(Integer, default=0)


class Submission(Base):
    """In a teacher's project: the submission collected from one student for one exercise."""

    __tablename__ = "exercise_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[str] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"))
    student_key: Mapped[str] = mapped_column(String(450))
    student_name: Mapped[str] = mapped_column(String(200))
    student_id: Mapped[str] = mapped_column(String(200), default="")
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    seconds_spent: Mapped[int] = mapped_column(Integer, default=0)
    collected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    file_name: Mapped[str] = mapped_column(Text, default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    annotation_count: Mapped[int] = mapped_column(Integer, default=0)
    # Pinned by the first file collected: a replacement must prove the same workspace. None for
    # a file written before submissions carried a proof (then any replacement is held).
    workspace_id: Mapped[str | None] = mapped_column(String(32))
    sequence: Mapped[int | None] = mapped_column(Integer)
    chain_key: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("exercise_id", "student_key", name="uq_exercise_submission_student"),
    )


class SubmissionVersion(Base):
    """In a teacher's project: a submission that is not the current one of its student.

    ``replaced``: an earlier submission, kept so the teacher can go back to it. ``held``: a file
    that would have replaced the current one but came from another workspace, without proof or
    under another name; it waits for the teacher. Neither counts in grades. ``annotations``
    holds ``[document id, label name, start, end, quote, note]`` lists.
    """

    __tablename__ = "exercise_submission_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[str] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"))
    student_key: Mapped[str] = mapped_column(String(450))
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    student_name: Mapped[str] = mapped_column(String(200))
    student_id: Mapped[str] = mapped_column(String(200), default="")
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    seconds_spent: Mapped[int] = mapped_column(Integer, default=0)
    collected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    file_name: Mapped[str] = mapped_column(Text, default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    annotation_count: Mapped[int] = mapped_column(Integer, default=0)
    workspace_id: Mapped[str | None] = mapped_column(String(32))
    sequence: Mapped[int | None] = mapped_column(Integer)
    chain_key: Mapped[str | None] = mapped_column(String(64))
    annotations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    documents_done: Mapped[list[Any]] = mapped_column(JSON, default=list)

    __table_args__ = (
        CheckConstraint("state IN ('replaced', 'held')", name="state_value"),
        Index("ix_exercise_submission_version_student", "exercise_id", "student_key"),
    )


class AppliedEdit(Base):
    """The key of an edit committed on a server: a retry after a lost answer finds it and does
    not apply the edit twice."""

    __tablename__ = "applied_edit"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Attribute(Base):
    """An attribute of one label's spans (stance, certainty, …); kinds and values: core.scheme.

    ``choices`` and ``choice_keys`` are parallel JSON lists; ``default_value`` is JSON (None:
    no default).
    """

    __tablename__ = "attribute"

    id: Mapped[int] = mapped_column(primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)
    choice_keys: Mapped[list[Any]] = mapped_column(JSON, default=list)
    default_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    shortcut: Mapped[str | None] = mapped_column(String(1))
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("label_id", "name", name="uq_attribute_label_name"),
        CheckConstraint("kind IN ('choice', 'multi', 'bool', 'number', 'text')", name="kind_value"),
    )


class AnnotationAttribute(Base):
    """One annotation's value of one attribute (JSON); no row: the attribute's default."""

    __tablename__ = "annotation_attribute"

    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotation.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attribute.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[Any] = mapped_column(JSON)

    __table_args__ = (Index("ix_annotation_attribute_attribute", "attribute_id"),)


class RelationType(Base):
    """A relation type; ``source_labels``/``target_labels`` are JSON lists of label ids (empty:
    any label)."""

    __tablename__ = "relation_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    colour: Mapped[str] = mapped_column(String(7))
    description: Mapped[str] = mapped_column(Text, default="")
    directed: Mapped[bool] = mapped_column(Boolean, default=True)
    source_labels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    target_labels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    shortcut: Mapped[str | None] = mapped_column(String(1))
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("length(colour) = 7", name="colour_hex"),)


class Relation(Base):
    """A link between two annotations of one annotator in one document."""

    __tablename__ = "relation"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    type_id: Mapped[int] = mapped_column(ForeignKey("relation_type.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("annotation.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("annotation.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("source_id <> target_id", name="two_ends"),
        UniqueConstraint("type_id", "source_id", "target_id", name="uq_relation_ends"),
        Index("ix_relation_document", "document_id", "annotator_id"),
        Index("ix_relation_source", "source_id"),
        Index("ix_relation_target", "target_id"),
        {"sqlite_autoincrement": True},
    )


class DocLabelSet(Base):
    """A set of document-level labels (single or multiple choice)."""

    __tablename__ = "doc_label_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)
    choice_keys: Mapped[list[Any]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class DocumentLabel(Base):
    """One annotator's label of one document from one set."""

    __tablename__ = "document_label"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(
        ForeignKey("annotator.id", ondelete="CASCADE"), primary_key=True
    )
    set_id: Mapped[int] = mapped_column(
        ForeignKey("doc_label_set.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(String(200), primary_key=True)

    __table_args__ = (Index("ix_document_label_set", "set_id"),)


class SuggestionRule(Base):
    """A phrase or a regular expression that suggests spans for a label (from the codebook)."""

    __tablename__ = "suggestion_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(Text)
    case_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint("kind IN ('phrase', 'pattern')", name="kind_value"),
        Index("ix_suggestion_rule_label", "label_id"),
    )


class SuggestionDecision(Base):
    """An annotator's answer to one suggestion: accepted (then also an annotation) or rejected.

    ``text`` is the suggested text folded (case and white space), so that a rejection also
    holds for the same words elsewhere.
    """

    __tablename__ = "suggestion_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    accepted: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("source IN ('codebook', 'project', 'model')", name="source_value"),
        Index("ix_suggestion_decision_annotator", "annotator_id", "label_id"),
        Index("ix_suggestion_decision_document", "document_id", "annotator_id"),
        Index("ix_suggestion_decision_label", "label_id"),
        {"sqlite_autoincrement": True},
    )


# The tables as SQLAlchemy Core objects, for the store's statements (columns, not entities).
# Named for what they hold; only modules of the store use them.
project_table = cast(Table, ProjectInfo.__table__)
document_table = cast(Table, Document.__table__)
label_table = cast(Table, Label.__table__)
annotator_table = cast(Table, Annotator.__table__)
annotation_table = cast(Table, Annotation.__table__)
status_table = cast(Table, DocumentStatus.__table__)
exercise_table = cast(Table, Exercise.__table__)
workspace_table = cast(Table, Workspace.__table__)
submission_table = cast(Table, Submission.__table__)
submission_version_table = cast(Table, SubmissionVersion.__table__)
applied_edit_table = cast(Table, AppliedEdit.__table__)
attribute_table = cast(Table, Attribute.__table__)
annotation_attribute_table = cast(Table, AnnotationAttribute.__table__)
relation_type_table = cast(Table, RelationType.__table__)
relation_table = cast(Table, Relation.__table__)
doc_label_set_table = cast(Table, DocLabelSet.__table__)
document_label_table = cast(Table, DocumentLabel.__table__)
suggestion_rule_table = cast(Table, SuggestionRule.__table__)
suggestion_decision_table = cast(Table, SuggestionDecision.__table__)
