"""A project read into the units agreement is measured on: tokens, character spans, spans.

Columns, not entities: the store reads the documents, the chosen annotators' spans and the
statuses in one pass (``core.store.agreement_reads``), numpy arrays from there on. Used by
``core.agreement``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from claimdesk.core.agreement import metrics
from claimdesk.core.store.agreement_reads import agreement_rows
from claimdesk.core.store.project import Project

TOKEN_PATTERN = r"\w+|[^\w\s]"

Unlabelled = Literal["category", "ignore"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


NAN = float("nan")


@dataclass
class Data:
    """What the figures are computed from, read once."""

    annotator_ids: list[int]
    annotator_names: list[str]
    label_ids: list[int]
    label_names: list[str]
    document_ids: list[int]
    titles: list[str]
    texts: list[str]
    did: npt.NDArray[np.bool_]  # documents × annotators
    # spans, one entry each, as indices into the lists above
    doc: IntArray
    rater: IntArray
    label: IntArray
    start: IntArray
    end: IntArray
    span_id: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # annotation ids


def load(
    project: Project,
    annotators: list[int] | None,
    labels: list[int] | None,
    *,
    texts: bool = True,
    idle: bool = True,
) -> Data:
    """The spans and work of the chosen annotators; ``idle=False`` leaves out those with no span
    and no status in any document (a newcomer who has not started: a row of n/a says nothing)."""
    everyone = project.annotators()
    if annotators is not None:
        chosen = set(annotators)
        everyone = [a for a in everyone if a.id in chosen]
    codebook = project.labels()
    if labels is not None:
        wanted = set(labels)
        codebook = [label for label in codebook if label.id in wanted]
    rater_index = {a.id: i for i, a in enumerate(everyone)}
    label_index = {label.id: i for i, label in enumerate(codebook)}
    # Only the chosen annotators' rows (one pair's disagreements read little).
    read = agreement_rows(project, None if annotators is None else list(rater_index), texts=texts)
    documents, table = read.documents, read.spans
    doc_index = {row[0]: i for i, row in enumerate(documents)}
    rater_map = _lookup(rater_index)
    label_map = _lookup(label_index)
    doc_map = _lookup(doc_index)
    r = rater_map(table[:, 1])
    lab = label_map(table[:, 2])
    d = doc_map(table[:, 0])
    mine = (r >= 0) & (d >= 0)
    keep = mine & (lab >= 0)
    did = np.zeros((len(documents), len(everyone)), dtype=bool)
    did[d[mine], r[mine]] = True  # spans under labels left out still show the work was done
    for document_id, annotator_id in read.active:
        if annotator_id in rater_index and document_id in doc_index:
            did[doc_index[document_id], rater_index[annotator_id]] = True
    if not idle:  # the gold set, once asked for, is shown even when still empty
        working = did.any(axis=0) | np.array([a.is_gold for a in everyone], dtype=bool)
        if not working.all():
            renumber = np.cumsum(working) - 1  # idle annotators have no spans: no row is theirs
            everyone = [a for a, works in zip(everyone, working.tolist(), strict=True) if works]
            did = did[:, working]
            r = np.where(r >= 0, renumber[np.maximum(r, 0)], -1)
    return Data(
        [a.id for a in everyone],
        [a.name for a in everyone],
        [label.id for label in codebook],
        [label.name for label in codebook],
        [row[0] for row in documents],
        [row[1] for row in documents],
        [row[2] for row in documents],
        did,
        d[keep],
        r[keep],
        lab[keep],
        table[keep, 3],
        table[keep, 4],
        table[keep, 5],
    )


def _lookup(index: dict[int, int]) -> Callable[[IntArray], IntArray]:
    """A vectorised id -> position map; -1 for ids not chosen."""
    keys = np.array(sorted(index) or [-1], dtype=np.int64)
    values = np.array([index.get(k, -1) for k in keys.tolist()], dtype=np.int64)

    def find(ids: IntArray) -> IntArray:
        pos = np.clip(np.searchsorted(keys, ids), 0, keys.size - 1)
        return np.where(keys[pos] == ids, values[pos], -1)

    return find


_TOKEN_RE = re.compile(TOKEN_PATTERN)


@dataclass
class Tokens:
    """Token units: per unit its document, and per unit × rater the label set as a bit mask."""

    doc: IntArray
    masks: npt.NDArray[np.uint64]  # units × raters × words: bit i of the set = label i
    present: npt.NDArray[np.bool_]  # units × raters


def token_units(data: Data, unlabelled: Unlabelled) -> Tokens:
    n_raters = len(data.annotator_ids)
    n_labels = len(data.label_ids)
    words = max(1, -(-n_labels // 64))  # label sets as bit masks, 64 labels a word
    order = np.argsort(data.doc, kind="stable")
    bounds = np.searchsorted(data.doc[order], np.arange(len(data.texts) + 1))
    docs: list[IntArray] = []
    masks: list[npt.NDArray[np.uint64]] = []
    presents: list[npt.NDArray[np.bool_]] = []
    bits = np.arange(64, dtype=np.uint64)  # shift of each label within its word
    for d, text in enumerate(data.texts):
        if data.did[d].sum() < 1:
            continue
        found = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
        if not found:
            continue
        tokens = np.array(found, dtype=np.int64)
        n_tokens = len(tokens)
        pick = order[bounds[d] : bounds[d + 1]]
        # Tokens sharing a character with the span: first ending after its start up to the
        # last starting before its end.
        first = np.searchsorted(tokens[:, 1], data.start[pick], side="right")
        last = np.searchsorted(tokens[:, 0], data.end[pick], side="left")
        labels_here = data.label[pick]
        mask = np.zeros((n_tokens, n_raters, words), dtype=np.uint64)
        for label in np.unique(labels_here).tolist():  # one label at a time: bounded memory
            mine = labels_here == label
            cover = np.zeros((n_tokens + 1, n_raters), dtype=np.int32)
            np.add.at(cover, (first[mine], data.rater[pick][mine]), 1)
            np.add.at(cover, (last[mine], data.rater[pick][mine]), -1)
            labelled = np.cumsum(cover[:n_tokens], axis=0) > 0
            mask[:, :, label // 64] |= labelled.astype(np.uint64) << bits[label % 64]
        present = np.broadcast_to(data.did[d], (n_tokens, n_raters))
        if unlabelled == "ignore":
            keep = ((mask != 0).any(axis=2) & present).any(axis=1)
            mask, present = mask[keep], present[keep]
        docs.append(np.full(len(mask), d, dtype=np.int64))
        masks.append(mask.astype(np.uint64))
        presents.append(np.asarray(present, dtype=bool))
    if not docs:
        return Tokens(
            np.zeros(0, dtype=np.int64),
            np.zeros((0, n_raters, words), dtype=np.uint64),
            np.zeros((0, n_raters), dtype=bool),
        )
    return Tokens(np.concatenate(docs), np.concatenate(masks), np.concatenate(presents))


def compact(masks: npt.NDArray[np.uint64]) -> IntArray:
    """Label sets (units × raters × words) as small category numbers."""
    if masks.shape[2] == 1:
        flat = masks[:, :, 0]
        values = np.unique(flat)  # few distinct sets: cheaper than an inverse over every unit
        return np.searchsorted(values, flat).astype(np.int64)
    rows = np.ascontiguousarray(masks).reshape(-1, masks.shape[2])
    _, inverse = np.unique(rows, axis=0, return_inverse=True)
    return inverse.reshape(masks.shape[:2]).astype(np.int64)


def has_label(masks: npt.NDArray[np.uint64], index: int) -> npt.NDArray[np.bool_]:
    word = masks[:, :, index // 64]
    return ((word >> np.uint64(index % 64)) & np.uint64(1)).astype(bool)


@dataclass
class SpanMatches:
    """Span matches summed per group (label or document) × rater × other rater."""

    exact: FloatArray  # groups × raters × raters
    overlap: FloatArray
    own: FloatArray  # groups × raters × raters: row rater's spans in documents column did


def _grouped(rows: npt.NDArray[Any], key: IntArray, n_keys: int) -> FloatArray:
    """Sum the rows of ``rows`` by ``key`` (0 ≤ key < n_keys), one column at a time."""
    out = np.zeros((n_keys, rows.shape[1]))
    columns = np.ascontiguousarray(rows.T)  # each column contiguous: twice as fast to count
    for column in range(rows.shape[1]):
        out[:, column] = np.bincount(key, weights=columns[column], minlength=n_keys)
    return out


def span_matches(data: Data) -> tuple[SpanMatches, SpanMatches]:
    """Matches per label and per document, from one pass over all spans."""
    n_raters, n_labels, n_docs = len(data.annotator_ids), len(data.label_ids), len(data.texts)
    columns = (data.doc, data.rater, data.label, data.start, data.end)
    # Exact and overlap matches side by side, so each grouping sorts once.
    found = np.concatenate(
        [
            metrics.span_found(*columns, n_raters, overlap=False),
            metrics.span_found(*columns, n_raters, overlap=True),
        ],
        axis=1,
    )
    did = data.did.astype(np.float64)
    cells = (data.label * n_docs + data.doc) * n_raters + data.rater
    per_label_doc = np.bincount(cells, minlength=n_labels * n_docs * n_raters).astype(np.float64)
    per_label_doc = per_label_doc.reshape(n_labels, n_docs, n_raters)
    # The spans summed once per label × document × rater that has any, then those few sums
    # per label and per document.
    used, cell_of_span = np.unique(cells, return_inverse=True)
    matched = _grouped(found, cell_of_span.reshape(-1), used.size)
    label_of, rest = np.divmod(used, n_docs * n_raters)
    doc_of, rater_of = np.divmod(rest, n_raters)
    shape_l, shape_d = (n_labels, n_raters, 2, n_raters), (n_docs, n_raters, 2, n_raters)
    by_label = _grouped(matched, label_of * n_raters + rater_of, n_labels * n_raters)
    by_doc = _grouped(matched, doc_of * n_raters + rater_of, n_docs * n_raters)
    by_label, by_doc = by_label.reshape(shape_l), by_doc.reshape(shape_d)
    per_label = SpanMatches(
        by_label[:, :, 0],
        by_label[:, :, 1],
        np.einsum("ldr,ds->lrs", per_label_doc, did),
    )
    per_doc_counts = per_label_doc.sum(axis=0)
    per_doc = SpanMatches(
        by_doc[:, :, 0],
        by_doc[:, :, 1],
        per_doc_counts[:, :, None] * did[:, None, :],
    )
    return per_label, per_doc


def unitizing(
    data: Data, docs: list[int]
) -> tuple[metrics.UnitizingResult | None, list[metrics.UnitizingResult | None]]:
    """alpha-U over the given documents laid end to end, and of each of them, over the
    annotators who did all of them (one pass for all)."""
    if not docs:
        return None, []
    raters = np.flatnonzero(data.did[docs].all(axis=0))
    if raters.size < 2:
        return None, [None] * len(docs)
    offsets = np.zeros(len(data.texts), dtype=np.int64)
    bounds = [0]
    for d in docs:
        offsets[d] = bounds[-1]
        bounds.append(bounds[-1] + len(data.texts[d]))
    local = np.full(len(data.annotator_ids), -1, dtype=np.int64)
    local[raters] = np.arange(raters.size)
    chosen = np.isin(data.doc, docs) & (local[data.rater] >= 0)
    shift = offsets[data.doc[chosen]]
    whole, parts = metrics.alpha_u_sections(
        local[data.rater[chosen]],
        data.label[chosen],
        data.start[chosen] + shift,
        data.end[chosen] + shift,
        int(raters.size),
        bounds,
    )
    return whole, list(parts)
