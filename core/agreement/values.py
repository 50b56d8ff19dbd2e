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

import numpy as np
import numpy.typing as npt

from claimdesk.core.agreement import metrics

NAN = float("nan")
FloatArray = npt.NDArray[np.float64]

Table = Sequence[Sequence[Hashable | None]]


@dataclass(frozen=True, slots=True)
class ValueFigures:
    """The coefficients of one table, with what they rest on."""

    cohen_kappa: float  # mean over rater pairs of the pair's kappa on the units both valued
    fleiss_kappa: float  # NaN for interval values
    krippendorff_alpha: float
    units: int  # pairable units (values from at least two raters)
    pairs: int  # rater pairs within those units: the comparisons alpha rests on


def _sizes(present: npt.NDArray[np.bool_]) -> tuple[int, int]:
    m = present.sum(axis=1)
    pairable = m >= 2
    return int(pairable.sum()), int((m[pairable] * (m[pairable] - 1) // 2).sum())


def _upper_mean(matrix: FloatArray) -> float:
    values = matrix[np.triu_indices_from(matrix, k=1)]
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else NAN


def nominal(table: Table, n_raters: int) -> ValueFigures:
    """Cohen (mean of pairs), Fleiss and nominal Krippendorff on a table of values."""
    codes = np.zeros((len(table), n_raters), dtype=np.int64)
    present = np.zeros((len(table), n_raters), dtype=bool)
    known: dict[Hashable, int] = {}
    for u, row in enumerate(table):
        for r, value in enumerate(row):
            if value is not None:
                codes[u, r] = known.setdefault(value, len(known))
                present[u, r] = True
    units, pairs = _sizes(present)
    if units == 0:
        return ValueFigures(NAN, NAN, NAN, 0, 0)
    keep = present.sum(axis=1) >= 2
    codes, present = codes[keep], present[keep]
    counts = metrics.unit_category_counts(codes, present)
    return ValueFigures(
        _upper_mean(metrics.pairwise_cohen_kappa(codes, present)),
        metrics.fleiss_kappa_from_counts(*counts),
        metrics.krippendorff_alpha_from_counts(*counts),
        units,
        pairs,
    )


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


def interval(table: Table, n_raters: int) -> ValueFigures:
    """Krippendorff's interval alpha on numbers (kappas are for categories: NaN here)."""
    data = np.full((len(table), n_raters), NAN)
    for u, row in enumerate(table):
        for r, value in enumerate(row):
            if value is not None:
                data[u, r] = float(value)  # type: ignore[arg-type]  # numbers by contract
    units, pairs = _sizes(~np.isnan(data))
    return ValueFigures(NAN, NAN, interval_alpha(data) if units else NAN, units, pairs)


def per_choice(table: Table, n_raters: int, choices: Sequence[str]) -> ValueFigures:
    """Several-of-a-list values: each (unit, choice) becomes a unit of its own with the value
    yes or no (the choice was picked or not), then ``nominal``. ``units`` and ``pairs`` count
    the original units."""
    expanded: list[list[bool | None]] = []
    for row in table:
        for choice in choices:
            expanded.append(
                [None if value is None else choice in value for value in row]  # type: ignore[operator]
            )
    figures = nominal(expanded, n_raters)
    present = np.array([[v is not None for v in row] for row in table], dtype=bool)
    units, pairs = _sizes(present.reshape(len(table), n_raters))
    return ValueFigures(
        figures.cohen_kappa, figures.fleiss_kappa, figures.krippendorff_alpha, units, pairs
    )
