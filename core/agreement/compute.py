"""Agreement between annotators of a project: figures for the dashboard, the CLI and CSV/JSON.

The numbers come from ``core.metrics`` (pure numpy); ``core.agreement_units`` reads the project
(columns, not entities) into the units those metrics take; this module computes every figure and
returns the plain records of ``core.agreement_report`` (re-exported here).

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
* **Matched spans** for attributes, **relations** whose ends match and **documents** for
  document labels: see ``core.agreement.scheme_figures``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from claimdesk.core.agreement import metrics
from claimdesk.core.agreement.report import (
    AgreementReport,
    Disagreement,
    DisagreementKind,
    DocumentFigures,
    LabelFigures,
    Progress,
    SideSpan,
)
from claimdesk.core.agreement.scheme_figures import SchemeData, SchemeFigures, scheme_figures
from claimdesk.core.agreement.span_units import SpanRow
from claimdesk.core.agreement.units import (
    NAN,
    TOKEN_PATTERN,
    Data,
    SpanMatches,
    Tokens,
    Unlabelled,
    compact,
    has_label,
    load,
    span_matches,
    token_units,
    unitizing,
)
from claimdesk.core.agreement.value_differences import attribute_differences
from claimdesk.core.progress import Progress as ProgressCallback
from claimdesk.core.progress import check_progress
from claimdesk.core.store.agreement_reads import (
    daily_counts,
    label_counts,
    pair_spans,
    scheme_rows,
)
from claimdesk.core.store.project import Project

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
    "progress_over_time",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _upper_mean(matrix: FloatArray) -> float:
    values = matrix[np.triu_indices_from(matrix, k=1)]
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else NAN


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


STEPS = 8  # what compute_report reports to ``progress``: done out of STEPS


def compute_report(
    project: Project,
    annotators: list[int] | None = None,
    labels: list[int] | None = None,
    unlabelled: Unlabelled = "category",
    progress: ProgressCallback | None = None,
    *,
    idle: bool = True,
    attribute_match: str = "overlap",
) -> AgreementReport:
    """All agreement figures for the chosen annotators (default: everyone) and labels (default:
    the whole codebook); spans under other labels are left out as if never made. ``idle=False``
    leaves out annotators with no span and no status anywhere (the dashboard does).
    ``attribute_match`` ("overlap" or "exact"): which spans of two annotators compare their
    attributes.

    ``progress(done, STEPS)`` is called after each stage; when it returns False the work stops
    with ``core.errors.Cancelled`` (nothing is written either way)."""
    if unlabelled not in ("category", "ignore"):
        raise ValueError(f"unlabelled must be 'category' or 'ignore', not {unlabelled!r}")
    if attribute_match not in ("exact", "overlap"):
        raise ValueError(f"attribute_match must be 'exact' or 'overlap', not {attribute_match!r}")
    # The matrix products here are small (units × annotators): a multi-threaded BLAS only
    # adds contention, and on a busy 2-core machine made them 5-50 times slower.
    with threadpool_limits(limits=1, user_api="blas"):
        report, data = _compute_report(project, annotators, labels, unlabelled, progress, idle)
        figures = _scheme_figures(project, data, attribute_match)
        check_progress(progress, STEPS, STEPS)
        return replace(report, scheme=figures)


def _compute_report(
    project: Project,
    annotators: list[int] | None,
    labels: list[int] | None,
    unlabelled: Unlabelled,
    progress: ProgressCallback | None,
    idle: bool,
) -> tuple[AgreementReport, Data]:
    steps = iter(range(1, STEPS + 1))

    def step() -> None:
        check_progress(progress, next(steps), STEPS)

    data = load(project, annotators, labels, idle=idle)
    step()
    n_raters, n_labels = len(data.annotator_ids), len(data.label_ids)
    tokens = token_units(data, unlabelled)
    codes = compact(tokens.masks)
    present_f = tokens.present.astype(np.float64)
    shared_units = present_f.T @ present_f
    did = data.did.astype(np.float64)
    shared_docs = did.T @ did
    step()

    pairwise_kappa = metrics.pairwise_cohen_kappa(codes, tokens.present, tokens.doc)
    counts = metrics.unit_category_counts(codes, tokens.present)
    alpha, fleiss = _alpha_and_fleiss(counts)
    step()
    by_label, by_doc = span_matches(data)
    exact, loose, own = by_label.exact.sum(0), by_label.overlap.sum(0), by_label.own.sum(0)
    f1_exact, f1_overlap = _f1_matrices(exact, loose, own, shared_docs)
    step()
    everyone_did = [d for d in range(len(data.texts)) if data.did[d].all() and n_raters >= 2]
    unitized, unitized_docs = unitizing(data, everyone_did)
    by_document = dict(zip(everyone_did, unitized_docs, strict=True))
    step()

    per_label: list[LabelFigures] = []
    for index, (label_id, name) in enumerate(zip(data.label_ids, data.label_names, strict=True)):
        yes = has_label(tokens.masks, index)
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

    step()
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
    over_time = progress_over_time(project, data.annotator_ids)
    step()
    report = AgreementReport(
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
        progress=over_time,
        documents_by_annotator={
            a: [data.document_ids[d] for d in np.flatnonzero(data.did[:, i]).tolist()]
            for i, a in enumerate(data.annotator_ids)
        },
    )
    return report, data


def _scheme_figures(project: Project, data: Data, attribute_match: str) -> SchemeFigures | None:
    """Agreement on attributes, relations and document labels (None: the codebook has none)."""
    scheme = project.scheme()
    if not (scheme.attributes or scheme.relation_types or scheme.doc_label_sets):
        return None
    chosen = data.annotator_ids
    spans = [
        SpanRow(int(i), data.document_ids[d], data.annotator_ids[r], data.label_ids[x], s, e)
        for i, d, r, x, s, e in zip(
            data.span_id.tolist(),
            data.doc.tolist(),
            data.rater.tolist(),
            data.label.tolist(),
            data.start.tolist(),
            data.end.tolist(),
            strict=True,
        )
    ]
    rows = scheme_rows(project, chosen)
    did = frozenset(
        (data.document_ids[d], data.annotator_ids[r])
        for d, r in zip(*data.did.nonzero(), strict=True)
    )
    source = SchemeData(
        scheme,
        spans,
        rows.values,
        rows.relations,
        rows.document_labels,
        did,
        dict(zip(data.label_ids, data.label_names, strict=True)),
    )
    return scheme_figures(source, chosen, attribute_match=attribute_match)


def _per_document(
    data: Data,
    tokens: Tokens,
    counts: tuple[IntArray, IntArray, IntArray],
    by_doc: SpanMatches,
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
        alpha_u = unitized[d] if d in unitized else unitizing(data, [d])[0]
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
    ordered by document then position. Exact matches (same start, end, label) are left out,
    unless their attribute values differ (kind "attribute")."""
    data = load(project, [a, b], None, texts=False)
    if len(data.annotator_ids) != 2 or a == b:
        return []
    first, second = data.annotator_ids.index(a), data.annotator_ids.index(b)
    names = dict(zip(data.label_ids, data.label_names, strict=True))
    by_doc: dict[int, list[tuple[int, SideSpan]]] = {}
    for span_id, doc_id, annotator_id, start, end, label_id, quote in pair_spans(
        project, a, b, document_id
    ):
        side = 0 if annotator_id == a else 1
        span = SideSpan(span_id, start, end, label_id, names.get(label_id, ""), quote)
        by_doc.setdefault(doc_id, []).append((side, span))
    scheme = project.scheme()
    values = scheme_rows(project, [a, b]).values if scheme.attributes else {}
    found: list[Disagreement] = []
    for d, doc_id in enumerate(data.document_ids):
        if document_id is not None and doc_id != document_id:
            continue
        if not (data.did[d, first] and data.did[d, second]):
            continue
        spans = by_doc.get(doc_id, [])
        here = _differences(doc_id, data.titles[d], spans)
        if scheme.attributes:
            here += attribute_differences(doc_id, data.titles[d], spans, scheme, values)
            here.sort(key=lambda x: (x.start, x.end))
        found.extend(here)
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
    """Span counts, annotators × labels (``project.labels()`` order); cheap, one query."""
    ids = [a.id for a in project.annotators()] if annotators is None else list(annotators)
    labels = [label.id for label in project.labels()]
    rows, columns = {a: i for i, a in enumerate(ids)}, {x: j for j, x in enumerate(labels)}
    out = np.zeros((len(ids), len(labels)), dtype=np.int64)
    for annotator_id, label_id, count in label_counts(project):
        if annotator_id in rows and label_id in columns:
            out[rows[annotator_id], columns[label_id]] = count
    return out


def progress_over_time(project: Project, annotators: list[int] | None = None) -> Progress:
    """Annotations created and documents done per annotator per day; two queries."""
    ids = [a.id for a in project.annotators()] if annotators is None else list(annotators)
    rows = {a: i for i, a in enumerate(ids)}
    counts = daily_counts(project)
    made = [r for r in counts.annotations if r[0] in rows]
    done = [r for r in counts.documents_done if r[0] in rows]
    days = sorted({date.fromisoformat(r[1]) for r in (*made, *done)})
    columns = {d: j for j, d in enumerate(days)}
    annotations = np.zeros((len(ids), len(days)), dtype=np.int64)
    documents_done = np.zeros((len(ids), len(days)), dtype=np.int64)
    for target, found in ((annotations, made), (documents_done, done)):
        for annotator_id, day, count in found:
            target[rows[annotator_id], columns[date.fromisoformat(day)]] = count
    return Progress(ids, days, annotations, documents_done)
