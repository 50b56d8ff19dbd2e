"""Agreement on values that raters gave to shared units (attribute values of matched spans,
document labels of a document): Cohen's kappa, Fleiss' kappa and Krippendorff's alpha.

A table is units × raters, ``None`` where a rater gave no value to a unit (missing data).
Only *pairable* units count: those with values from at least two raters. Nominal values are
any hashable values compared for equality; interval values are numbers compared by the
squared difference (Krippendorff's interval metric).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from claimdesk.core.agreement import metrics

NAN = float("nan")
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

Table = Sequence[Sequence[Hashable | None]]


@dataclass(frozen=True, slots=True)
class ValueFigures:
    """The coefficients of one table, with what they rest on."""

    cohen_kappa: float  # mean over rater pairs of the pair's kappa on the units both valued
    fleiss_kappa: float  # NaN for interval values
    krippendorff_alpha: float
    units: int  # pairable units (values from at least two raters)
    pairs: int  # rater pairs within those units: the comparisons alpha rests on


def _upper_mean(matrix: FloatArray) -> float:
    values = matrix[np.triu_indices_from(matrix, k=1)]
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else NAN


Cells = tuple[Sequence[int], Sequence[int], Sequence[Any]]  # unit, rater, value: one each


def cells_of(table: Table) -> Cells:
    """The values of a table as cells (unit, rater, value), missing ones left out."""
    unit: list[int] = []
    rater: list[int] = []
    value: list[Any] = []
    for u, row in enumerate(table):
        for r, v in enumerate(row):
            if v is not None:
                unit.append(u)
                rater.append(r)
                value.append(v)
    return unit, rater, value


def _pairable(cells: Cells) -> tuple[IntArray, IntArray, BoolArray, int, int]:
    """The cells of units with values from two raters or more: (their unit renumbered from 0,
    their rater, which cells they are, how many such units, how many rater pairs in them).
    A unit holds at most one value per rater."""
    unit = np.asarray(cells[0], dtype=np.int64)
    rater = np.asarray(cells[1], dtype=np.int64)
    if unit.size == 0:
        return unit, rater, np.zeros(0, dtype=bool), 0, 0
    _, inverse = np.unique(unit, return_inverse=True)
    inverse = inverse.reshape(-1)
    m = np.bincount(inverse)
    pairable = m >= 2
    keep = pairable[inverse]
    renumber = np.cumsum(pairable) - 1
    pairs = int((m[pairable] * (m[pairable] - 1) // 2).sum())
    return renumber[inverse[keep]], rater[keep], keep, int(pairable.sum()), pairs


def nominal_cells(cells: Cells, n_raters: int) -> ValueFigures:
    """Cohen (mean of pairs), Fleiss and nominal Krippendorff on cells of hashable values."""
    unit, rater, keep, units, pairs = _pairable(cells)
    if units == 0:
        return ValueFigures(NAN, NAN, NAN, 0, 0)
    known: dict[Hashable, int] = {}
    kept = [v for v, k in zip(cells[2], keep.tolist(), strict=True) if k]
    code = np.array([known.setdefault(v, len(known)) for v in kept], dtype=np.int64)
    codes = np.zeros((units, n_raters), dtype=np.int64)
    present = np.zeros((units, n_raters), dtype=bool)
    codes[unit, rater] = code
    present[unit, rater] = True
    counts = metrics.unit_category_counts(codes, present)
    return ValueFigures(
        _upper_mean(metrics.pairwise_cohen_kappa(codes, present)),
        metrics.fleiss_kappa_from_counts(*counts),
        metrics.krippendorff_alpha_from_counts(*counts),
        units,
        pairs,
    )


def nominal(table: Table, n_raters: int) -> ValueFigures:
    """Cohen (mean of pairs), Fleiss and nominal Krippendorff on a table of values."""
    return nominal_cells(cells_of(table), n_raters)


def interval_alpha(values: npt.ArrayLike) -> float:
    """Krippendorff's alpha with the interval metric δ(a, b) = (a − b)²; ``values`` is
    units × raters with NaN where missing.

    D_o = (1/n) Σ_u Σ_{i≠j in u} δ / (m_u − 1) and D_e = Σ_{i≠j over all pairable values} δ /
    (n (n − 1)), where n is the number of pairable values; alpha = 1 − D_o / D_e (NaN when every
    value is the same). For each sum of squared differences over ordered pairs,
    Σ_{i≠j} (x_i − x_j)² = 2 m Σ x² − 2 (Σ x)².
    """
    data = np.asarray(values, dtype=np.float64)
    if data.ndim != 2 or data.size == 0:
        return NAN
    present = ~np.isnan(data)
    m = present.sum(axis=1).astype(np.float64)
    keep = m >= 2
    if not keep.any():
        return NAN
    x = np.where(present, data, 0.0)[keep]
    m = m[keep]
    s1, s2 = x.sum(axis=1), (x * x).sum(axis=1)
    n = float(m.sum())
    observed = float(np.sum((2 * m * s2 - 2 * s1 * s1) / (m - 1))) / n
    expected = (2 * n * float(s2.sum()) - 2 * float(s1.sum()) ** 2) / (n * (n - 1))
    if expected <= 1e-12:
        return NAN
    return 1.0 - observed / expected


def interval_cells(cells: Cells, n_raters: int) -> ValueFigures:
    """Krippendorff's interval alpha on numbers (kappas are for categories: NaN here)."""
    unit, rater, keep, units, pairs = _pairable(cells)
    if units == 0:
        return ValueFigures(NAN, NAN, NAN, 0, 0)
    data = np.full((units, n_raters), NAN)
    numbers = np.array([float(v) for v in cells[2]], dtype=np.float64)
    data[unit, rater] = numbers[keep]
    return ValueFigures(NAN, NAN, interval_alpha(data), units, pairs)


def interval(table: Table, n_raters: int) -> ValueFigures:
    """Krippendorff's interval alpha on a table of numbers."""
    return interval_cells(cells_of(table), n_raters)


def per_choice_cells(cells: Cells, n_raters: int, choices: Sequence[str]) -> ValueFigures:
    """Several-of-a-list values: each (unit, choice) becomes a unit of its own with the value
    yes or no (the choice was picked or not), then ``nominal``. ``units`` and ``pairs`` count
    the original units."""
    k = max(len(choices), 1)
    unit: list[int] = []
    rater: list[int] = []
    value: list[bool] = []
    for u, r, picked in zip(*cells, strict=True):
        for index, choice in enumerate(choices):
            unit.append(u * k + index)
            rater.append(r)
            value.append(choice in picked)
    figures = nominal_cells((unit, rater, value), n_raters)
    _, _, _, units, pairs = _pairable(cells)
    return ValueFigures(
        figures.cohen_kappa, figures.fleiss_kappa, figures.krippendorff_alpha, units, pairs
    )


def per_choice(table: Table, n_raters: int, choices: Sequence[str]) -> ValueFigures:
    """``per_choice_cells`` on a table."""
    return per_choice_cells(cells_of(table), n_raters, choices)
