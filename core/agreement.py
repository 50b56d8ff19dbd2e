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

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt

from core.project import Project

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
    f1_overlap: float  # mean over pairs who did it


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
    documents_done_by: dict[int, list[int]] = field(default_factory=dict)  # annotator -> docs

    def to_json(self) -> str:
        """All figures as a JSON document (NaN written as null)."""
        raise NotImplementedError

    def to_csv_tables(self) -> dict[str, str]:
        """CSV text per table, keyed by a file name: overall.csv, labels.csv, documents.csv,
        pairwise_kappa.csv, pairwise_f1_exact.csv, pairwise_f1_overlap.csv,
        label_frequencies.csv, progress.csv. Cells that a spreadsheet would run as a formula
        (starting with = + - @, tab or CR) are neutralised with a leading apostrophe."""
        raise NotImplementedError


def compute_report(
    project: Project,
    annotators: list[int] | None = None,
    labels: list[int] | None = None,
    unlabelled: Unlabelled = "category",
) -> AgreementReport:
    """All agreement figures for the chosen annotators (default: everyone) and labels (default:
    the whole codebook); spans under other labels are left out as if never made."""
    raise NotImplementedError


def disagreements(
    project: Project, a: int, b: int, document_id: int | None = None
) -> list[Disagreement]:
    """Where annotators ``a`` and ``b`` differ, in documents both did (or in one document),
    ordered by document then position. Exact matches (same start, end, label) are left out."""
    raise NotImplementedError


def label_frequencies(project: Project, annotators: list[int] | None = None) -> IntArray:
    """Span counts, annotators × labels (``project.labels()`` order); cheap, one SQL query."""
    raise NotImplementedError


def progress(project: Project, annotators: list[int] | None = None) -> Progress:
    """Annotations created and documents done per annotator per day; two SQL queries."""
    raise NotImplementedError
