"""The store's part of suggestions: rules per label, the annotators' decisions, and the commands
that accept (spans added and decisions recorded in one step) or reject a suggestion."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select

from claimdesk.core.records import AnnotationRecord, Changes, Status, StatusChange
from claimdesk.core.store.driver import PlainQuery
from claimdesk.core.store.edits import (
    ANNOTATION_COLUMNS,
    Command,
    annotation_record,
    get_status,
    put_status,
)
from claimdesk.core.store.tables import (
    annotation_table,
    label_table,
    suggestion_decision_table,
    suggestion_rule_table,
    utcnow,
)
from claimdesk.core.suggest.records import SOURCES, SourceStats, Suggestion, fold
from claimdesk.core.text.suggest_rules import SuggestRules

_decision = suggestion_decision_table
_rule = suggestion_rule_table


# -- rules ------------------------------------------------------------------------------------


def read_rules(conn: Connection) -> dict[int, SuggestRules]:
    """label id -> its rules (labels without rules are left out)."""
    rows = conn.execute(
        select(_rule.c.label_id, _rule.c.kind, _rule.c.value, _rule.c.case_sensitive).order_by(
            _rule.c.label_id, _rule.c.position, _rule.c.id
        )
    )
    phrases: dict[int, list[str]] = defaultdict(list)
    patterns: dict[int, list[str]] = defaultdict(list)
    case: dict[int, bool] = {}
    for label_id, kind, value, case_sensitive in rows:
        (phrases if kind == "phrase" else patterns)[label_id].append(value)
        case[label_id] = bool(case_sensitive)
    return {
        label_id: SuggestRules(
            tuple(phrases.get(label_id, ())), tuple(patterns.get(label_id, ())), case[label_id]
        )
        for label_id in case
    }


def _rule_rows(label_id: int, rules: SuggestRules) -> list[dict[str, Any]]:
    entries = [("phrase", p) for p in rules.phrases] + [("pattern", p) for p in rules.patterns]
    return [
        {
            "label_id": label_id,
            "kind": kind,
            "value": value,
            "case_sensitive": rules.case,
            "position": position,
        }
        for position, (kind, value) in enumerate(entries)
    ]


class SetRules(Command):
    """Replace the rules of labels, named by id or (for labels a codebook adds in the same
    step) by name; undo puts the old rules back."""

    def __init__(self, rules: Mapping[int | str, SuggestRules]) -> None:
        self.rules = dict(rules)
        self.description = "Set suggestion rules"
        self._before: dict[int, SuggestRules] = {}
        self._ids: list[int] = []

    def _label_ids(self, conn: Connection) -> dict[int, SuggestRules]:
        names = {k.casefold(): v for k, v in self.rules.items() if isinstance(k, str)}
        found = {k: v for k, v in self.rules.items() if isinstance(k, int)}
        if names:
            for label_id, name in conn.execute(select(label_table.c.id, label_table.c.name)):
                if name.casefold() in names:
                    found[int(label_id)] = names[name.casefold()]
        return found

    def apply(self, conn: Connection) -> Changes:
        rules = self._label_ids(conn)
        self._ids = list(rules)
        old = read_rules(conn)
        self._before = {i: old[i] for i in rules if i in old}
        self._write(conn, rules)
        return Changes(suggestions=True)

    def revert(self, conn: Connection) -> Changes:
        self._write(conn, {i: self._before.get(i, SuggestRules()) for i in self._ids})
        return Changes(suggestions=True)

    @staticmethod
    def _write(conn: Connection, rules: Mapping[int, SuggestRules]) -> None:
        if not rules:
            return
        conn.execute(delete(_rule).where(_rule.c.label_id.in_(list(rules))))
        rows = [row for label_id, r in rules.items() for row in _rule_rows(label_id, r)]
        if rows:
            conn.execute(insert(_rule), rows)


# -- what the project has learned ---------------------------------------------------------------


# Plain driver rows: with 100,000 annotations SQLAlchemy's row objects took as long as SQLite's
# grouping (read after every edit while suggestions are shown).
_MARKED = PlainQuery(
    select(annotation_table.c.quote, annotation_table.c.label_id, func.count())
    .where(annotation_table.c.annotator_id == bindparam("annotator", 0))
    .group_by(annotation_table.c.quote, annotation_table.c.label_id)
)


def marked_texts(conn: Connection, annotator_id: int) -> Counter[tuple[str, int]]:
    """(folded text, label id) -> how many spans of this annotator carry that text and label."""
    counts: dict[tuple[str, int], int] = {}  # a Counter's += calls Python for each new key
    get = counts.get
    for quote, label_id, count in _MARKED.rows(conn, annotator=annotator_id):
        folded = fold(quote)
        if folded:
            key = (folded, int(label_id))
            counts[key] = get(key, 0) + int(count)
    return Counter(counts)


def decision_counts(
    conn: Connection, annotator_id: int | None
) -> tuple[Counter[tuple[str, int]], Counter[tuple[str, int]]]:
    """(accepted, rejected): (folded text, label id) -> count, for one annotator or everyone."""
    query = select(_decision.c.text, _decision.c.label_id, _decision.c.accepted, func.count())
    if annotator_id is not None:
        query = query.where(_decision.c.annotator_id == annotator_id)
    query = query.group_by(_decision.c.text, _decision.c.label_id, _decision.c.accepted)
    accepted: Counter[tuple[str, int]] = Counter()
    rejected: Counter[tuple[str, int]] = Counter()
    for text, label_id, was_accepted, count in conn.execute(query):
        (accepted if was_accepted else rejected)[text, int(label_id)] += int(count)
    return accepted, rejected


def source_stats(conn: Connection, annotator_id: int | None) -> dict[str, SourceStats]:
    """Per source: accepted, rejected, and the spans filed by hand that it missed.

    Missed: an annotation filed by hand (no accepted decision has its span and label) in a
    document where this source had a decision by the same annotator, created after that
    source's first decision there. Simple on purpose: it counts what the source could have
    suggested once it was at work in that document.
    """
    where = [] if annotator_id is None else [_decision.c.annotator_id == annotator_id]
    counts = conn.execute(
        select(_decision.c.source, _decision.c.accepted, func.count())
        .where(*where)
        .group_by(_decision.c.source, _decision.c.accepted)
    ).all()
    accepted = {s: 0 for s in SOURCES}
    rejected = {s: 0 for s in SOURCES}
    for source, was_accepted, count in counts:
        (accepted if was_accepted else rejected)[str(source)] += int(count)
    missed = {s: 0 for s in SOURCES}
    firsts = conn.execute(
        select(
            _decision.c.source,
            _decision.c.document_id,
            _decision.c.annotator_id,
            func.min(_decision.c.created_at),
        )
        .where(*where)
        .group_by(_decision.c.source, _decision.c.document_id, _decision.c.annotator_id)
    ).all()
    if firsts:
        taken = select(_decision.c.id).where(
            _decision.c.accepted,
            _decision.c.document_id == annotation_table.c.document_id,
            _decision.c.annotator_id == annotation_table.c.annotator_id,
            _decision.c.label_id == annotation_table.c.label_id,
            _decision.c.start == annotation_table.c.start,
            _decision.c.end == annotation_table.c.end,
        )
        for source, document_id, who, first in firsts:
            count = conn.execute(
                select(func.count()).where(
                    annotation_table.c.document_id == document_id,
                    annotation_table.c.annotator_id == who,
                    annotation_table.c.created_at > first,
                    ~taken.exists(),
                )
            ).scalar_one()
            missed[str(source)] += int(count)
    return {s: SourceStats(s, accepted[s], rejected[s], missed[s]) for s in SOURCES}


# -- decisions --------------------------------------------------------------------------------


def _decision_row(annotator_id: int, item: Suggestion, accepted: bool) -> dict[str, Any]:
    return {
        "annotator_id": annotator_id,
        "document_id": item.document_id,
        "label_id": item.label_id,
        "start": item.start,
        "end": item.end,
        "text": fold(item.quote),
        "source": item.source,
        "score": float(item.score),
        "accepted": accepted,
        "created_at": utcnow(),
    }


class RecordDecisions(Command):
    """Record suggestions as accepted (their spans added unless already there) or rejected."""

    def __init__(
        self, annotator_id: int, suggestions: Sequence[Suggestion], *, accepted: bool
    ) -> None:
        self.annotator_id = annotator_id
        self.suggestions = list(suggestions)
        self.accepted = accepted
        count = len(self.suggestions)
        if accepted:
            self.description = "Accept suggestion" if count == 1 else f"Accept {count} suggestions"
        else:
            self.description = "Reject suggestion"
        self._decisions: list[dict[str, Any]] = []
        self.records: list[AnnotationRecord] = []
        self._status_before: dict[int, str | None] = {}

    def apply(self, conn: Connection) -> Changes:
        first = not self._decisions
        if first:
            rows = [_decision_row(self.annotator_id, s, self.accepted) for s in self.suggestions]
            if rows:
                statement = insert(_decision).returning(
                    _decision.c.id, sort_by_parameter_order=True
                )
                ids = conn.execute(statement, rows).scalars().all()
                self._decisions = [{**row, "id": i} for row, i in zip(rows, ids, strict=True)]
        elif self._decisions:
            conn.execute(insert(_decision), self._decisions)
        if not self.accepted:
            return Changes(suggestions=True)
        if first:
            self.records = self._add_spans(conn)
        elif self.records:
            conn.execute(
                insert(annotation_table),
                [{c.key: getattr(r, c.key) for c in ANNOTATION_COLUMNS} for r in self.records],
            )
        statuses = []
        for document_id in sorted({r.document_id for r in self.records}):
            before = get_status(conn, document_id, self.annotator_id)
            self._status_before[document_id] = before
            if before in (None, Status.TODO.value):
                put_status(conn, document_id, self.annotator_id, Status.IN_PROGRESS.value)
                statuses.append(StatusChange(document_id, self.annotator_id, Status.IN_PROGRESS))
        return Changes(
            annotations_added=tuple(self.records), statuses=tuple(statuses), suggestions=True
        )

    def _add_spans(self, conn: Connection) -> list[AnnotationRecord]:
        wanted = list(
            dict.fromkeys(
                (s.document_id, s.label_id, s.start, s.end, s.quote) for s in self.suggestions
            )
        )
        if not wanted:
            return []
        key = (
            annotation_table.c.document_id,
            annotation_table.c.label_id,
            annotation_table.c.start,
            annotation_table.c.end,
        )
        there: set[tuple[int, int, int, int]] = set()
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk : chunk + 500]
            found = conn.execute(
                select(*key).where(
                    annotation_table.c.annotator_id == self.annotator_id,
                    or_(
                        *(
                            and_(*(c == v for c, v in zip(key, (d, lab, s, e), strict=True)))
                            for d, lab, s, e, _q in part
                        )
                    ),
                )
            )
            there.update((int(a), int(b), int(c), int(d)) for a, b, c, d in found)
        now = utcnow()
        rows: list[dict[str, Any]] = [
            {
                "document_id": d,
                "label_id": lab,
                "annotator_id": self.annotator_id,
                "start": s,
                "end": e,
                "quote": q,
                "note": "",
                "created_at": now,
                "updated_at": now,
            }
            for d, lab, s, e, q in wanted
            if (d, lab, s, e) not in there
        ]
        if not rows:
            return []
        statement = insert(annotation_table).returning(
            *ANNOTATION_COLUMNS, sort_by_parameter_order=True
        )
        return [annotation_record(r) for r in conn.execute(statement, rows)]

    def revert(self, conn: Connection) -> Changes:
        ids = [row["id"] for row in self._decisions]
        if ids:
            conn.execute(delete(_decision).where(_decision.c.id.in_(ids)))
        if not self.accepted:
            return Changes(suggestions=True)
        if self.records:
            conn.execute(
                delete(annotation_table).where(
                    annotation_table.c.id.in_([r.id for r in self.records])
                )
            )
        statuses = []
        for document_id, before in self._status_before.items():
            if get_status(conn, document_id, self.annotator_id) != before:
                put_status(conn, document_id, self.annotator_id, before)
                status = Status(before or Status.TODO.value)
                statuses.append(StatusChange(document_id, self.annotator_id, status))
        return Changes(
            annotations_removed=tuple(self.records), statuses=tuple(statuses), suggestions=True
        )
