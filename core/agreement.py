"""Agreement between annotators of a project: figures for the dashboard, the CLI and CSV/JSON.

The numbers come from ``core.metrics`` (pure numpy); this module reads the project (columns,
not entities), turns it into the units those metrics take, and returns plain records.

Units of analysis (stated once, used everywhere):

* **Tokens** for Cohen's kappa, Fleiss' kappa and Krippendorff's alpha: the stored text of a
  document split by ``TOKEN_PATTERN`` (runs of word characters, or single other non-space
  characters), the same tokenisation for every annotator of that document. A token carries the
  labels of every span that shares at least one character with it. Overall figures use the *set*
  of labels on a token as its category (a token under two overlapping labels is its own
  category); per-label figures are binary (the label versus anything else).
* **Unlabelled text** (``unlabelled``): ``"category"`` counts tokens nobody labelled as a category
  "none" (every token of a document is a unit); ``"ignore"`` keeps only tokens that at least one
  of the annotators of that document labelled.
* **Who did a document**: an annotator whose status for it is *in progress* or *done*, or who
  has at least one annotation in it. Others are missing data for that document (alpha handles
  it; kappa and F1 use only the documents both annotators of a pair did).
* **Characters** for Krippendorff's unitizing alpha (alpha-U), per document over the annotators
  who did it, per label and overall.
* **Spans** for pairwise F1: exact (same start, end and label) and overlap (same label, sharing
  at least one character).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from core import metrics
from core.project import Project
from core.records import Status

__all__ = [
    "TOKEN_PATTERN",
    "AgreementReport",
    "Disagreement",
    "DisagreementKind",
    "DocumentFigures",
    "LabelFigures",
    "Progress",
    "SideSpan",
    "Unlabelled",
    "compute_report",
    "disagreements",
    "label_frequencies",
    "progress",
]

TOKEN_PATTERN = r"\w+|[^\w\s]"

Unlabelled = Literal["category", "ignore"]
DisagreementKind = Literal["missing", "extra", "label", "boundary"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class LabelFigures:
    """Agreement on one label (binary on tokens: this label or not; alpha-U on characters)."""

    label_id: int
    name: str
    spans: int  # how many spans carry this label, all chosen annotators together
    cohen_kappa: float  # mean over annotator pairs (NaN when no pair shares a document)
    fleiss_kappa: float
    krippendorff_alpha: float
    alpha_u: float
    f1_exact: float  # pooled over pairs
    f1_overlap: float


@dataclass(frozen=True, slots=True)
class DocumentFigures:
    """Agreement within one document, over the annotators who did it."""

    document_id: int
    title: str
    annotators: int  # how many of the chosen annotators did it
    spans: int
    krippendorff_alpha: float  # tokens, label sets as categories
    alpha_u: float  # characters, all labels
    f1_overlap: float  # pooled over the pairs who did it


@dataclass(frozen=True)
class Progress:
    """Work per annotator per day (UTC dates), rows in ``annotator_ids`` order.

    ``annotations[i, j]``: annotations annotator i created on ``days[j]`` that still exist.
    ``documents_done[i, j]``: documents annotator i has marked done, counted on the day of their
    latest status change (only the current status is stored). Cumulative curves:
    ``np.cumsum(..., axis=1)``.
    """

    annotator_ids: list[int]
    days: list[date]
    annotations: IntArray
    documents_done: IntArray


@dataclass(frozen=True, slots=True)
class SideSpan:
    """One annotator's span in a disagreement."""

    annotation_id: int
    start: int
    end: int
    label_id: int
    label: str
    quote: str


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Where two annotators differ in one document, seen from the first annotator ``a``.

    ``kind``: "missing" (only ``b`` has spans here), "extra" (only ``a`` has), "label" (the same
    bounds under different labels), "boundary" (overlapping spans with different bounds). Spans of
    ``a`` and ``b`` that overlap each other (and are not exact matches) form one disagreement.
    """

    document_id: int
    document_title: str
    kind: DisagreementKind
    start: int  # the extent of all spans involved, code points
    end: int
    first: tuple[SideSpan, ...]  # annotator a's spans
    second: tuple[SideSpan, ...]  # annotator b's spans


@dataclass(frozen=True)
class AgreementReport:
    """Every figure of the dashboard and ``claimdesk-cli agreement``.

    Matrices are ``n × n`` numpy arrays in ``annotator_ids`` order, symmetric, 1.0 on the
    diagonal for annotators who did something, NaN where a pair shares no document or the
    figure is undefined (e.g. kappa when both annotators used only one category).
    """

    unlabelled: Unlabelled
    annotator_ids: list[int]
    annotator_names: list[str]
    label_ids: list[int]
    label_names: list[str]
    # Overall figures: "cohen_kappa" (mean over pairs), "fleiss_kappa", "krippendorff_alpha",
    # "alpha_u", "f1_exact", "f1_overlap"; NaN when undefined.
    overall: dict[str, float]
    per_label: list[LabelFigures]
    per_document: list[DocumentFigures]
    pairwise_kappa: FloatArray  # Cohen's kappa on tokens, label sets as categories
    pairwise_f1_exact: FloatArray
    pairwise_f1_overlap: FloatArray
    pairwise_documents: IntArray  # documents both did
    label_frequencies: IntArray  # annotators × labels: span counts
    progress: Progress
    # Documents each annotator did (status in progress/done, or annotations): id -> doc ids.
    documents_by_annotator: dict[int, list[int]] = field(default_factory=dict)

    def to_json(self) -> str:
        """All figures as a JSON document (NaN written as null)."""
        data = {
            "unlabelled": self.unlabelled,
            "units": {
                "kappa_alpha": "tokens (" + TOKEN_PATTERN + ")",
                "alpha_u": "characters (code points)",
                "f1": "spans",
            },
            "annotators": [
                {"id": i, "name": n}
                for i, n in zip(self.annotator_ids, self.annotator_names, strict=True)
            ],
            "labels": [
                {"id": i, "name": n} for i, n in zip(self.label_ids, self.label_names, strict=True)
            ],
            "overall": self.overall,
            "per_label": [asdict(x) for x in self.per_label],
            "per_document": [asdict(x) for x in self.per_document],
            "pairwise": {
                "cohen_kappa": self.pairwise_kappa.tolist(),
                "f1_exact": self.pairwise_f1_exact.tolist(),
                "f1_overlap": self.pairwise_f1_overlap.tolist(),
                "documents": self.pairwise_documents.tolist(),
            },
            "label_frequencies": self.label_frequencies.tolist(),
            "progress": {
                "days": [d.isoformat() for d in self.progress.days],
                "annotations": self.progress.annotations.tolist(),
                "documents_done": self.progress.documents_done.tolist(),
            },
            "documents_by_annotator": {str(k): v for k, v in self.documents_by_annotator.items()},
        }
        return json.dumps(_nan_to_none(data), ensure_ascii=False, indent=2)

    def to_csv_tables(self) -> dict[str, str]:
        """CSV text per table, keyed by a file name: overall.csv, labels.csv, documents.csv,
        pairwise_kappa.csv, pairwise_f1_exact.csv, pairwise_f1_overlap.csv,
        label_frequencies.csv, progress.csv. Cells that a spreadsheet would run as a formula
        (starting with = + - @, tab or CR) are neutralised with a leading apostrophe."""
        names = self.annotator_names
        tables: dict[str, list[list[Any]]] = {
            "overall.csv": [["figure", "value"], *([k, v] for k, v in self.overall.items())],
            "labels.csv": [
                list(LabelFigures.__slots__),
                *([getattr(x, f) for f in LabelFigures.__slots__] for x in self.per_label),
            ],
            "documents.csv": [
                list(DocumentFigures.__slots__),
                *([getattr(x, f) for f in DocumentFigures.__slots__] for x in self.per_document),
            ],
            "label_frequencies.csv": [
                ["annotator", *self.label_names],
                *([n, *row] for n, row in zip(names, self.label_frequencies.tolist(), strict=True)),
            ],
        }
        for key, matrix in (
            ("pairwise_kappa.csv", self.pairwise_kappa),
            ("pairwise_f1_exact.csv", self.pairwise_f1_exact),
            ("pairwise_f1_overlap.csv", self.pairwise_f1_overlap),
        ):
            rows = zip(names, matrix.tolist(), strict=True)
            tables[key] = [["annotator", *names], *([n, *row] for n, row in rows)]
        by_id = dict(zip(self.annotator_ids, names, strict=True))
        progress_rows: list[list[Any]] = [["annotator", "day", "annotations", "documents_done"]]
        for i, annotator in enumerate(self.progress.annotator_ids):
            for j, day in enumerate(self.progress.days):
                made = int(self.progress.annotations[i, j])
                done = int(self.progress.documents_done[i, j])
                if made or done:
                    progress_rows.append([by_id.get(annotator, annotator), day, made, done])
        tables["progress.csv"] = progress_rows
        return {name: _csv_text(rows) for name, rows in tables.items()}


# -- helpers -------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return "" if math.isnan(value) else round(value, 6)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_text(rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nan_to_none(v) for v in value]
    return value


def _raw(project: Project, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Plain DB-API rows: at 200,000 spans SQLAlchemy's row objects cost more than SQLite."""
    with project.engine.connect() as conn:
        cursor = conn.connection.driver_connection.execute(sql, params)  # type: ignore[union-attr]
        return list(cursor.fetchall())


def _upper_mean(matrix: FloatArray) -> float:
    values = matrix[np.triu_indices_from(matrix, k=1)]
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else NAN


NAN = float("nan")
_ACTIVE = (Status.IN_PROGRESS.value, Status.DONE.value)


@dataclass
class _Data:
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


def _load(
    project: Project,
    annotators: list[int] | None,
    labels: list[int] | None,
    *,
    texts: bool = True,
) -> _Data:
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
    body = "text" if texts else "''"
    documents = _raw(project, f"SELECT id, title, {body} FROM document ORDER BY id")
    doc_index = {row[0]: i for i, row in enumerate(documents)}
    sql = 'SELECT document_id, annotator_id, label_id, start, "end" FROM annotation'
    params: list[int] = []
    if annotators is not None:  # only their rows (one pair's disagreements read little)
        params = list(rater_index)
        sql += f" WHERE annotator_id IN ({','.join('?' * len(params))})"
    rows = _raw(project, sql, params)
    table = np.array(rows, dtype=np.int64).reshape(-1, 5)
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
    marks = ",".join("?" * len(_ACTIVE))
    for document_id, annotator_id in _raw(
        project,
        f"SELECT document_id, annotator_id FROM document_status WHERE status IN ({marks})",
        _ACTIVE,
    ):
        if annotator_id in rater_index and document_id in doc_index:
            did[doc_index[document_id], rater_index[annotator_id]] = True
    return _Data(
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
class _Tokens:
    """Token units: per unit its document, and per unit × rater the label set as a bit mask."""

    doc: IntArray
    masks: npt.NDArray[np.uint64]  # units × raters × words: bit i of the set = label i
    present: npt.NDArray[np.bool_]  # units × raters


def _token_units(data: _Data, unlabelled: Unlabelled) -> _Tokens:
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
        return _Tokens(
            np.zeros(0, dtype=np.int64),
            np.zeros((0, n_raters, words), dtype=np.uint64),
            np.zeros((0, n_raters), dtype=bool),
        )
    return _Tokens(np.concatenate(docs), np.concatenate(masks), np.concatenate(presents))


def _compact(masks: npt.NDArray[np.uint64]) -> IntArray:
    """Label sets (units × raters × words) as small category numbers."""
    if masks.shape[2] == 1:
        flat = masks[:, :, 0]
        values = np.unique(flat)  # few distinct sets: cheaper than an inverse over every unit
        return np.searchsorted(values, flat).astype(np.int64)
    rows = np.ascontiguousarray(masks).reshape(-1, masks.shape[2])
    _, inverse = np.unique(rows, axis=0, return_inverse=True)
    return inverse.reshape(masks.shape[:2]).astype(np.int64)


def _has_label(masks: npt.NDArray[np.uint64], index: int) -> npt.NDArray[np.bool_]:
    word = masks[:, :, index // 64]
    return ((word >> np.uint64(index % 64)) & np.uint64(1)).astype(bool)


def _alpha_and_fleiss(
    counts: tuple[IntArray, IntArray, IntArray],
) -> tuple[float, float]:
    return (
        metrics.krippendorff_alpha_from_counts(*counts),
        metrics.fleiss_kappa_from_counts(*counts),
    )


def _slice_counts(
    counts: tuple[IntArray, IntArray, IntArray], first: int, last: int
) -> tuple[IntArray, IntArray, IntArray]:
    """The sparse counts of units ``first`` to ``last`` (counts are sorted by unit)."""
    unit, category, count = counts
    lo, hi = np.searchsorted(unit, [first, last])
    return unit[lo:hi] - first, category[lo:hi], count[lo:hi]


@dataclass
class _SpanMatches:
    """Span matches summed per group (label or document) × rater × other rater."""

    exact: FloatArray  # groups × raters × raters
    overlap: FloatArray
    own: FloatArray  # groups × raters × raters: row rater's spans in documents column did


def _grouped(found: npt.NDArray[np.bool_], key: IntArray, n_keys: int) -> FloatArray:
    """Sum the rows of ``found`` by ``key`` (0 ≤ key < n_keys), one column at a time."""
    out = np.zeros((n_keys, found.shape[1]))
    for column in range(found.shape[1]):
        out[:, column] = np.bincount(key, weights=found[:, column], minlength=n_keys)
    return out


def _span_matches(data: _Data) -> tuple[_SpanMatches, _SpanMatches]:
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
    by_label_key = data.label * n_raters + data.rater
    by_doc_key = data.doc * n_raters + data.rater
    shape_l, shape_d = (n_labels, n_raters, n_raters), (n_docs, n_raters, n_raters)
    by_label = _grouped(found, by_label_key, n_labels * n_raters)
    by_doc = _grouped(found, by_doc_key, n_docs * n_raters)
    per_label = _SpanMatches(
        by_label[:, :n_raters].reshape(shape_l),
        by_label[:, n_raters:].reshape(shape_l),
        np.einsum("ldr,ds->lrs", per_label_doc, did),
    )
    per_doc_counts = per_label_doc.sum(axis=0)
    per_doc = _SpanMatches(
        by_doc[:, :n_raters].reshape(shape_d),
        by_doc[:, n_raters:].reshape(shape_d),
        per_doc_counts[:, :, None] * did[:, None, :],
    )
    return per_label, per_doc


def _f1_matrices(
    exact: FloatArray, loose: FloatArray, own: FloatArray, shared: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Pairwise F1 (exact, overlap) from summed matches and span counts."""
    with np.errstate(invalid="ignore", divide="ignore"):
        f1_exact = 2 * exact / (own + own.T)
        recall = loose / own
        precision = recall.T
        f1_loose = np.where(
            precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0
        )
        f1_loose = np.where(own + own.T > 0, f1_loose, NAN)
    for matrix in (f1_exact, f1_loose):
        matrix[shared == 0] = NAN
        np.fill_diagonal(matrix, np.where(np.diag(own) > 0, 1.0, NAN))
    return f1_exact, f1_loose


def _pooled(matches: FloatArray, own: FloatArray) -> float:
    off = ~np.eye(own.shape[0], dtype=bool)
    total = float(own[off].sum())
    return float(matches[off].sum()) / total if total else NAN


def _unitizing(
    data: _Data, docs: list[int]
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


def compute_report(
    project: Project,
    annotators: list[int] | None = None,
    labels: list[int] | None = None,
    unlabelled: Unlabelled = "category",
) -> AgreementReport:
    """All agreement figures for the chosen annotators (default: everyone) and labels (default:
    the whole codebook); spans under other labels are left out as if never made."""
    if unlabelled not in ("category", "ignore"):
        raise ValueError(f"unlabelled must be 'category' or 'ignore', not {unlabelled!r}")
    # The matrix products here are small (units × annotators): a multi-threaded BLAS only
    # adds contention, and on a busy 2-core machine made them 5-50 times slower.
    with threadpool_limits(limits=1, user_api="blas"):
        return _compute_report(project, annotators, labels, unlabelled)


def _compute_report(
    project: Project,
    annotators: list[int] | None,
    labels: list[int] | None,
    unlabelled: Unlabelled,
) -> AgreementReport:
    data = _load(project, annotators, labels)
    n_raters, n_labels = len(data.annotator_ids), len(data.label_ids)
    tokens = _token_units(data, unlabelled)
    codes = _compact(tokens.masks)
    present_f = tokens.present.astype(np.float64)
    shared_units = present_f.T @ present_f
    did = data.did.astype(np.float64)
    shared_docs = did.T @ did

    pairwise_kappa = metrics.pairwise_cohen_kappa(codes, tokens.present, tokens.doc)
    counts = metrics.unit_category_counts(codes, tokens.present)
    alpha, fleiss = _alpha_and_fleiss(counts)
    by_label, by_doc = _span_matches(data)
    exact, loose, own = by_label.exact.sum(0), by_label.overlap.sum(0), by_label.own.sum(0)
    f1_exact, f1_overlap = _f1_matrices(exact, loose, own, shared_docs)
    everyone_did = [d for d in range(len(data.texts)) if data.did[d].all() and n_raters >= 2]
    unitized, unitized_docs = _unitizing(data, everyone_did)
    by_document = dict(zip(everyone_did, unitized_docs, strict=True))

    per_label: list[LabelFigures] = []
    for index, (label_id, name) in enumerate(zip(data.label_ids, data.label_names, strict=True)):
        yes = _has_label(tokens.masks, index)
        kappa, _ = metrics.pairwise_binary_kappa(yes, tokens.present, shared_units)
        label_alpha, label_fleiss = _alpha_and_fleiss(metrics.binary_counts(yes, tokens.present))
        alpha_u_value = NAN
        if unitized is not None and index in unitized.categories:
            alpha_u_value = unitized.category_alpha[unitized.categories.index(index)]
        per_label.append(
            LabelFigures(
                label_id,
                name,
                int(np.count_nonzero(data.label == index)),
                _upper_mean(kappa),
                label_fleiss,
                label_alpha,
                alpha_u_value,
                _pooled(by_label.exact[index], by_label.own[index]),
                _pooled(by_label.overlap[index], by_label.own[index]),
            )
        )

    per_document = _per_document(data, tokens, counts, by_doc, by_document)
    overall = {
        "cohen_kappa": _upper_mean(pairwise_kappa),
        "fleiss_kappa": fleiss,
        "krippendorff_alpha": alpha,
        "alpha_u": NAN if unitized is None else unitized.alpha,
        "f1_exact": _pooled(exact, own),
        "f1_overlap": _pooled(loose, own),
        "documents": float(int(data.did.any(axis=1).sum())),
        "alpha_u_documents": float(len(everyone_did) if unitized is not None else 0),
    }
    frequencies = np.zeros((n_raters, n_labels), dtype=np.int64)
    np.add.at(frequencies, (data.rater, data.label), 1)
    return AgreementReport(
        unlabelled=unlabelled,
        annotator_ids=data.annotator_ids,
        annotator_names=data.annotator_names,
        label_ids=data.label_ids,
        label_names=data.label_names,
        overall=overall,
        per_label=per_label,
        per_document=per_document,
        pairwise_kappa=pairwise_kappa,
        pairwise_f1_exact=f1_exact,
        pairwise_f1_overlap=f1_overlap,
        pairwise_documents=shared_docs.astype(np.int64),
        label_frequencies=frequencies,
        progress=progress(project, data.annotator_ids),
        documents_by_annotator={
            a: [data.document_ids[d] for d in np.flatnonzero(data.did[:, i]).tolist()]
            for i, a in enumerate(data.annotator_ids)
        },
    )


def _per_document(
    data: _Data,
    tokens: _Tokens,
    counts: tuple[IntArray, IntArray, IntArray],
    by_doc: _SpanMatches,
    unitized: dict[int, metrics.UnitizingResult | None],
) -> list[DocumentFigures]:
    figures: list[DocumentFigures] = []
    bounds = np.searchsorted(tokens.doc, np.arange(len(data.texts) + 1))
    spans_per_doc = np.bincount(data.doc, minlength=len(data.texts))
    for d, document_id in enumerate(data.document_ids):
        raters = int(data.did[d].sum())
        if raters == 0:
            continue
        alpha, _ = _alpha_and_fleiss(_slice_counts(counts, int(bounds[d]), int(bounds[d + 1])))
        alpha_u = unitized[d] if d in unitized else _unitizing(data, [d])[0]
        figures.append(
            DocumentFigures(
                document_id,
                data.titles[d],
                raters,
                int(spans_per_doc[d]),
                alpha,
                NAN if alpha_u is None else alpha_u.alpha,
                _pooled(by_doc.overlap[d], by_doc.own[d]),
            )
        )
    return figures


def disagreements(
    project: Project, a: int, b: int, document_id: int | None = None
) -> list[Disagreement]:
    """Where annotators ``a`` and ``b`` differ, in documents both did (or in one document),
    ordered by document then position. Exact matches (same start, end, label) are left out."""
    data = _load(project, [a, b], None, texts=False)
    if len(data.annotator_ids) != 2 or a == b:
        return []
    first, second = data.annotator_ids.index(a), data.annotator_ids.index(b)
    names = dict(zip(data.label_ids, data.label_names, strict=True))
    sql = (
        'SELECT id, document_id, annotator_id, start, "end", label_id, quote FROM annotation'
        " WHERE annotator_id IN (?, ?)"
    )
    params: list[Any] = [a, b]
    if document_id is not None:
        sql += " AND document_id = ?"
        params.append(document_id)
    by_doc: dict[int, list[tuple[int, SideSpan]]] = {}
    for span_id, doc_id, annotator_id, start, end, label_id, quote in _raw(project, sql, params):
        side = 0 if annotator_id == a else 1
        span = SideSpan(span_id, start, end, label_id, names.get(label_id, ""), quote)
        by_doc.setdefault(doc_id, []).append((side, span))
    found: list[Disagreement] = []
    for d, doc_id in enumerate(data.document_ids):
        if document_id is not None and doc_id != document_id:
            continue
        if not (data.did[d, first] and data.did[d, second]):
            continue
        found.extend(_differences(doc_id, data.titles[d], by_doc.get(doc_id, [])))
    return found


def _differences(
    document_id: int, title: str, spans: list[tuple[int, SideSpan]]
) -> list[Disagreement]:
    keys = [{(s.start, s.end, s.label_id) for side_, s in spans if side_ == i} for i in (0, 1)]
    both = keys[0] & keys[1]
    left = sorted(
        ((side, s) for side, s in spans if (s.start, s.end, s.label_id) not in both),
        key=lambda item: (item[1].start, item[1].end, item[0], item[1].label_id),
    )
    groups: list[list[tuple[int, SideSpan]]] = []
    reach = -1
    for side, span in left:
        if not groups or span.start >= reach:
            groups.append([])
            reach = span.end
        groups[-1].append((side, span))
        reach = max(reach, span.end)
    out: list[Disagreement] = []
    for group in groups:
        mine = tuple(s for side, s in group if side == 0)
        theirs = tuple(s for side, s in group if side == 1)
        kind: DisagreementKind
        if not theirs:
            kind = "extra"
        elif not mine:
            kind = "missing"
        elif {(s.start, s.end) for s in mine} == {(s.start, s.end) for s in theirs}:
            kind = "label"
        else:
            kind = "boundary"
        start = min(s.start for _, s in group)
        end = max(s.end for _, s in group)
        out.append(Disagreement(document_id, title, kind, start, end, mine, theirs))
    return out


def label_frequencies(project: Project, annotators: list[int] | None = None) -> IntArray:
    """Span counts, annotators × labels (``project.labels()`` order); cheap, one SQL query."""
    ids = [a.id for a in project.annotators()] if annotators is None else list(annotators)
    labels = [label.id for label in project.labels()]
    rows, columns = {a: i for i, a in enumerate(ids)}, {x: j for j, x in enumerate(labels)}
    out = np.zeros((len(ids), len(labels)), dtype=np.int64)
    sql = "SELECT annotator_id, label_id, count(*) FROM annotation GROUP BY annotator_id, label_id"
    for annotator_id, label_id, count in _raw(project, sql):
        if annotator_id in rows and label_id in columns:
            out[rows[annotator_id], columns[label_id]] = count
    return out


def progress(project: Project, annotators: list[int] | None = None) -> Progress:
    """Annotations created and documents done per annotator per day; two SQL queries."""
    ids = [a.id for a in project.annotators()] if annotators is None else list(annotators)
    rows = {a: i for i, a in enumerate(ids)}
    made = _raw(
        project,
        "SELECT annotator_id, date(created_at), count(*) FROM annotation"
        " GROUP BY annotator_id, date(created_at)",
    )
    done = _raw(
        project,
        "SELECT annotator_id, date(updated_at), count(*) FROM document_status"
        " WHERE status = ? GROUP BY annotator_id, date(updated_at)",
        (Status.DONE.value,),
    )
    made = [r for r in made if r[0] in rows and r[1]]
    done = [r for r in done if r[0] in rows and r[1]]
    days = sorted({date.fromisoformat(r[1]) for r in (*made, *done)})
    columns = {d: j for j, d in enumerate(days)}
    annotations = np.zeros((len(ids), len(days)), dtype=np.int64)
    documents_done = np.zeros((len(ids), len(days)), dtype=np.int64)
    for target, found in ((annotations, made), (documents_done, done)):
        for annotator_id, day, count in found:
            target[rows[annotator_id], columns[date.fromisoformat(day)]] = count
    return Progress(ids, days, annotations, documents_done)
