"""The agreement figures of a project as plain records, and their JSON and CSV forms.

``core.agreement`` computes them; the dashboard draws them and the CLI prints them.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from claimdesk.core.agreement.scheme_figures import ALL_TYPES, SchemeFigures
from claimdesk.core.agreement.units import TOKEN_PATTERN, Unlabelled

__all__ = [
    "AgreementReport",
    "Disagreement",
    "DisagreementKind",
    "DocumentFigures",
    "LabelFigures",
    "Progress",
    "SideSpan",
    "scheme_lines",
]

DisagreementKind = Literal["missing", "extra", "label", "boundary", "attribute"]

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
    bounds under different labels), "boundary" (overlapping spans with different bounds),
    "attribute" (the same span, other attribute values: ``detail`` says which, e.g. "Stance:
    positive / negative"). Spans of ``a`` and ``b`` that overlap each other (and are not exact
    matches) form one disagreement.
    """

    document_id: int
    document_title: str
    kind: DisagreementKind
    start: int  # the extent of all spans involved, code points
    end: int
    first: tuple[SideSpan, ...]  # annotator a's spans
    second: tuple[SideSpan, ...]  # annotator b's spans
    detail: str = ""  # for "attribute": the attributes that differ, with both values


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
    # Attributes, relations and document labels (None: the codebook has none of them).
    scheme: SchemeFigures | None = None

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
        if self.scheme is not None:
            data["units"] = {
                **data["units"],
                "attributes": "spans matched between annotators ("
                + self.scheme.attribute_match
                + "), effective values (defaults applied)",
                "relations": "relations whose two ends match (F1)",
                "document_labels": "documents",
            }
            data["attribute_match"] = self.scheme.attribute_match
            data["attributes"] = [asdict(x) for x in self.scheme.attributes]
            data["relations"] = [asdict(x) for x in self.scheme.relations]
            data["relations_pairwise"] = {
                "f1": self.scheme.relation_f1.tolist(),
                "precision": self.scheme.relation_precision.tolist(),
                "recall": self.scheme.relation_recall.tolist(),
            }
            data["document_labels"] = [asdict(x) for x in self.scheme.doc_labels]
        return json.dumps(_nan_to_none(data), ensure_ascii=False, indent=2)

    def to_csv_tables(self) -> dict[str, str]:
        """CSV text per table, keyed by a file name: overall.csv, labels.csv, documents.csv,
        pairwise_kappa.csv, pairwise_f1_exact.csv, pairwise_f1_overlap.csv,
        label_frequencies.csv, progress.csv; with attributes, relations or document labels in the
        codebook also attributes.csv, relations.csv, pairwise_relation_f1.csv,
        pairwise_relation_precision.csv, pairwise_relation_recall.csv, document_labels.csv.
        Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
        neutralised with a leading apostrophe."""
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
        if self.scheme is not None:
            tables.update(self._scheme_tables(self.scheme))
        return {name: _csv_text(rows) for name, rows in tables.items()}

    def _scheme_tables(self, scheme: SchemeFigures) -> dict[str, list[list[Any]]]:
        names = self.annotator_names
        tables: dict[str, list[list[Any]]] = {}
        for key, rows in (
            ("attributes.csv", scheme.attributes),
            ("relations.csv", scheme.relations),
            ("document_labels.csv", scheme.doc_labels),
        ):
            fields = list(type(rows[0]).__slots__) if rows else ["name"]
            cells = [[_plain(getattr(x, f)) for f in fields] for x in rows]
            tables[key] = [fields, *cells]
        for key, matrix in (
            ("pairwise_relation_f1.csv", scheme.relation_f1),
            ("pairwise_relation_precision.csv", scheme.relation_precision),
            ("pairwise_relation_recall.csv", scheme.relation_recall),
        ):
            rows_ = zip(names, matrix.tolist(), strict=True)
            tables[key] = [["annotator", *names], *([n, *row] for n, row in rows_)]
        return tables


def _plain(value: Any) -> Any:
    return "; ".join(value) if isinstance(value, tuple) else value


def _figure(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.3f}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def scheme_lines(scheme: SchemeFigures) -> list[str]:
    """Agreement on attributes, relations and document labels as lines of text (the CLI prints
    them; the dashboard shows them)."""
    lines: list[str] = []
    match = "overlap: same label, a shared character"
    if scheme.attribute_match == "exact":
        match = "exact bounds and label"
    if scheme.attributes:
        lines += [
            f"Attributes (values of spans matched between annotators by {match}; "
            "defaults applied where none was set)"
        ]
        for x in scheme.attributes:
            lines.append(
                f"  {x.name}: Krippendorff α {_figure(x.krippendorff_alpha)} "
                f"({_plural(x.matched_spans, 'matched span')}, "
                f"{_plural(x.pairs, 'pair')} compared)"
                + (
                    ""
                    if x.metric == "interval"
                    else f" · Cohen κ {_figure(x.cohen_kappa)} · Fleiss κ {_figure(x.fleiss_kappa)}"
                )
                + f"  [{x.metric}; {', '.join(x.labels)}]"
            )
        lines.append("")
    if scheme.relations:
        lines.append(
            "Relations (F1 of relations whose two ends match, pooled over pairs of annotators; "
            "undirected types as unordered pairs)"
        )
        for r in scheme.relations:
            how = "" if r.name == ALL_TYPES else (" (directed)" if r.directed else " (undirected)")
            lines.append(
                f"  {r.name}{how}: F1 overlap {_figure(r.f1_overlap)} "
                f"({_plural(r.matched_overlap, 'matched relation')}) · F1 exact "
                f"{_figure(r.f1_exact)} ({r.matched_exact}) · "
                f"{_plural(r.relations, 'relation')} made"
            )
        lines.append("")
    if scheme.doc_labels:
        lines.append("Document labels (documents as units; not set counts as missing)")
        for d in scheme.doc_labels:
            lines.append(
                f"  {d.name}: Krippendorff α {_figure(d.krippendorff_alpha)} "
                f"({_plural(d.documents, 'document')} labelled by two or more) · Cohen κ "
                f"{_figure(d.cohen_kappa)} · Fleiss κ {_figure(d.fleiss_kappa)}  [{d.metric}]"
            )
        lines.append("")
    return lines


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
