"""Agreement coefficients on plain numpy arrays: kappa, alpha, unitizing alpha, span F1.

Nothing here knows about projects. Each function states its unit of analysis: *units* are
whatever the caller codes (Claimdesk uses tokens; see ``core.agreement``); *categories* are small
non-negative integers; a rater who did not code a unit is *missing* (``present`` False, or NaN).
Undefined figures (no pairable units, a single category everywhere) come back as NaN, except
where a formula's source defines them (alpha-U follows DKPro Statistics).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from claimdesk.core.agreement.overlaps import group_keys, overlaps, raters_met
from claimdesk.core.agreement.unitizing import UnitizingResult, alpha_u, alpha_u_sections

__all__ = [
    "UnitizingResult",
    "alpha_u",
    "alpha_u_sections",
    "binary_counts",
    "cohen_kappa",
    "cohen_kappa_table",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "krippendorff_alpha_from_counts",
    "krippendorff_alpha_nominal",
    "pairwise_binary_kappa",
    "pairwise_cohen_kappa",
    "pairwise_span_matches",
    "span_f1",
    "span_found",
    "unit_category_counts",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
NAN = float("nan")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else NAN


# -- Cohen's kappa: two raters, units both coded -------------------------------------------------


def cohen_kappa_table(table: npt.ArrayLike) -> float:
    """Cohen's kappa from a k × k contingency table (rows: rater 1, columns: rater 2).

    Unit: one coded unit per cell count. ``p_o`` is the diagonal share, ``p_e`` the product of
    the two raters' marginal shares; NaN when ``p_e`` is 1 (both used one and the same category).
    """
    counts = np.asarray(table, dtype=np.float64)
    n = counts.sum()
    if n == 0:
        return NAN
    p_o = np.trace(counts) / n
    p_e = float(counts.sum(axis=1) @ counts.sum(axis=0)) / (n * n)
    if p_e >= 1.0:
        return NAN
    return float((p_o - p_e) / (1.0 - p_e))


def cohen_kappa(first: npt.ArrayLike, second: npt.ArrayLike) -> float:
    """Cohen's kappa of two raters' category codes for the same units (equal-length arrays)."""
    a = np.asarray(first, dtype=np.int64)
    b = np.asarray(second, dtype=np.int64)
    if a.shape != b.shape:
        raise ValueError("both raters must code the same units")
    if a.size == 0:
        return NAN
    _, codes = np.unique(np.concatenate([a, b]), return_inverse=True)
    k = int(codes.max()) + 1
    table = np.bincount(codes[: a.size] * k + codes[a.size :], minlength=k * k).reshape(k, k)
    return cohen_kappa_table(table)


def _pattern_groups(present: BoolArray, groups: IntArray | None) -> tuple[IntArray, BoolArray]:
    """Group units by which raters coded them: (group of each unit, groups × raters)."""
    if groups is not None:
        _, first, inverse = np.unique(groups, return_index=True, return_inverse=True)
        patterns = present[first]
        if (present == patterns[inverse.reshape(-1)]).all():
            return inverse.reshape(-1).astype(np.int64), patterns
    patterns, inverse = np.unique(present, axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), patterns.astype(bool)


def pairwise_cohen_kappa(
    codes: npt.ArrayLike, present: npt.ArrayLike, groups: npt.ArrayLike | None = None
) -> FloatArray:
    """Cohen's kappa for every pair of raters, on the units both coded.

    ``codes``: units × raters category codes (ignored where ``present`` is False). Returns a
    raters × raters symmetric matrix, 1.0 on the diagonal for raters with at least one unit;
    NaN where a pair shares no unit or kappa is undefined. ``groups`` (optional, e.g. the
    document of each unit) names blocks of units coded by the same raters, which saves work.
    """
    c = np.asarray(codes, dtype=np.int64)
    p = np.asarray(present, dtype=bool)
    n_units, n_raters = c.shape
    result = np.full((n_raters, n_raters), NAN)
    if n_units == 0:
        return result
    c = np.where(p, c, 0)
    if c.min() < 0 or c.max() >= 2**14:  # compact the codes to 0..k-1
        _, inverse = np.unique(c, return_inverse=True)
        c = inverse.reshape(n_units, n_raters)
    k = int(c.max()) + 1
    block, patterns = _pattern_groups(p, None if groups is None else np.asarray(groups))
    g = patterns.shape[0]
    # counts[g, r, k]: units of pattern g that rater r filed under category k.
    rows, raters = np.nonzero(p)
    flat = (block[rows] * n_raters + raters) * k + c[rows, raters]
    counts = np.bincount(flat, minlength=g * n_raters * k).reshape(g, n_raters, k)
    counts = counts.astype(np.float64)
    sizes = np.bincount(block, minlength=g).astype(np.float64)
    pf = patterns.astype(np.float64)
    shared = pf.T @ (pf * sizes[:, None])  # units both coded
    # Missing codes become a value of their own per rater, so they never match another's.
    dtype = np.int16 if k + n_raters < 2**15 else np.int64
    marked = np.ascontiguousarray(np.where(p, c, k + np.arange(n_raters)).astype(dtype).T)
    for a in range(n_raters):
        if not patterns[:, a].any():
            continue
        others = slice(a, n_raters)  # kappa is symmetric: pairs with earlier raters are done
        same = np.count_nonzero(marked[others] == marked[a], axis=1).astype(np.float64)
        weights = pf[:, others] * pf[:, a : a + 1]  # groups × raters: both coded
        # Marginals over shared units: a's categories as seen with each b, and b's own.
        a_side = weights.T @ counts[:, a, :]
        b_side = np.einsum("gb,gbk->bk", weights, counts[:, others, :])
        n = shared[a, others]
        with np.errstate(invalid="ignore", divide="ignore"):
            p_o = same / n
            p_e = (a_side * b_side).sum(axis=1) / (n * n)
            kappa = np.where(p_e < 1.0 - 1e-12, (p_o - p_e) / (1.0 - p_e), NAN)
        kappa[n == 0] = NAN
        result[a, others] = kappa
        result[others, a] = kappa
        result[a, a] = 1.0
    return result


def pairwise_binary_kappa(
    positive: npt.ArrayLike, present: npt.ArrayLike, shared: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Cohen's kappa of every rater pair on one yes/no question per unit (e.g. "has label L").

    Returns (kappa matrix, shared-unit counts). Matrix products over the units someone said
    yes to; ``shared`` (present.T @ present) can be passed in when asking many questions.
    """
    pres = np.asarray(present, dtype=bool)
    yes = np.asarray(positive, dtype=bool) & pres
    if shared is None:
        pf = pres.astype(np.float64)
        shared = pf.T @ pf
    n = shared
    rows = yes.any(axis=1)
    x = yes[rows].astype(np.float64)
    n11 = x.T @ x
    n1_ = x.T @ pres[rows].astype(np.float64)  # row rater says yes, column rater coded it
    n_1 = n1_.T
    with np.errstate(invalid="ignore", divide="ignore"):
        p_o = (n - n1_ - n_1 + 2 * n11) / n
        pa = n1_ / n
        pb = n_1 / n
        p_e = pa * pb + (1 - pa) * (1 - pb)
        kappa = np.where((n > 0) & (p_e < 1.0 - 1e-12), (p_o - p_e) / (1.0 - p_e), NAN)
    np.fill_diagonal(kappa, np.where(np.diag(n) > 0, 1.0, NAN))
    return kappa, n


def binary_counts(
    positive: npt.ArrayLike, present: npt.ArrayLike
) -> tuple[IntArray, IntArray, IntArray]:
    """Sparse n_uk (as ``unit_category_counts``) for yes (1) / no (0) codes, without sorting."""
    pres = np.asarray(present, dtype=bool)
    yes = (np.asarray(positive, dtype=bool) & pres).sum(axis=1).astype(np.int64)
    no = pres.sum(axis=1).astype(np.int64) - yes
    units = np.arange(yes.size, dtype=np.int64)
    unit = np.concatenate([units, units])
    category = np.repeat(np.array([1, 0], dtype=np.int64), yes.size)
    count = np.concatenate([yes, no])
    keep = count > 0
    return unit[keep], category[keep], count[keep]


# -- Fleiss' kappa and Krippendorff's alpha from per-unit category counts ------------------------


def unit_category_counts(
    codes: npt.ArrayLike, present: npt.ArrayLike
) -> tuple[IntArray, IntArray, IntArray]:
    """Sparse n_uk: (unit, category, count) for each category some rater gave a unit.

    Sorted by unit, then category. Each unit's row is sorted on its own (a unit has only as
    many values as raters), which is far cheaper than sorting every (unit, category) pair.
    """
    c = np.asarray(codes, dtype=np.int64)
    p = np.asarray(present, dtype=bool)
    if not p.any():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    missing = int(c[p].max()) + 1  # sorts after every category
    ordered = np.sort(np.where(p, c, missing), axis=1)
    begins = np.ones(ordered.shape, dtype=bool)
    begins[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.flatnonzero(begins)  # runs never cross rows: each row begins one
    count = np.diff(np.append(first, ordered.size))
    value = ordered.reshape(-1)[first]
    keep = value != missing
    return (first // ordered.shape[1])[keep], value[keep], count[keep].astype(np.int64)


def fleiss_kappa_from_counts(unit: IntArray, category: IntArray, count: IntArray) -> float:
    """Fleiss' kappa from sparse per-unit category counts (see ``fleiss_kappa``)."""
    if unit.size == 0:
        return NAN
    n_units = int(unit.max()) + 1
    n_u = np.bincount(unit, weights=count, minlength=n_units)
    keep = n_u[unit] >= 2
    unit, category, count = unit[keep], category[keep], count[keep].astype(np.float64)
    if unit.size == 0:
        return NAN
    n_u = np.bincount(unit, weights=count, minlength=n_units)
    agree = np.bincount(unit, weights=count * (count - 1), minlength=n_units)
    used = n_u >= 2
    p_bar = float(np.mean(agree[used] / (n_u[used] * (n_u[used] - 1))))
    p_k = np.bincount(category, weights=count) / n_u.sum()
    p_e = float(np.sum(p_k * p_k))
    if p_e >= 1.0 - 1e-12:
        return NAN
    return (p_bar - p_e) / (1.0 - p_e)


def fleiss_kappa(table: npt.ArrayLike) -> float:
    """Fleiss' kappa from a subjects × categories table of how many raters chose each category.

    Unit: a subject. With the same number of raters per subject this is Fleiss (1971); with
    varying numbers (missing ratings) each subject's agreement uses its own rater count and the
    category shares are pooled over all ratings; subjects with fewer than two ratings are left out.
    """
    counts = np.asarray(table, dtype=np.int64)
    unit, category = np.nonzero(counts)
    return fleiss_kappa_from_counts(
        unit.astype(np.int64), category.astype(np.int64), counts[unit, category]
    )


def krippendorff_alpha_from_counts(unit: IntArray, category: IntArray, count: IntArray) -> float:
    """Nominal alpha from sparse per-unit category counts (see ``krippendorff_alpha_nominal``)."""
    if unit.size == 0:
        return NAN
    n_units = int(unit.max()) + 1
    m_u = np.bincount(unit, weights=count, minlength=n_units)
    keep = m_u[unit] >= 2  # only pairable values count
    unit, category = unit[keep], category[keep]
    count = count[keep].astype(np.float64)
    if unit.size == 0:
        return NAN
    m = m_u[unit]
    observed_agreement = float(np.sum(count * (count - 1) / (m - 1)))  # sum of o_kk
    n_k = np.bincount(category, weights=count)
    n = float(n_k.sum())
    expected_agreement = float(np.sum(n_k * (n_k - 1))) / (n * (n - 1))
    if expected_agreement >= 1.0 - 1e-12:
        return NAN
    a_o = observed_agreement / n
    return (a_o - expected_agreement) / (1.0 - expected_agreement)


def krippendorff_alpha_nominal(reliability_data: npt.ArrayLike) -> float:
    """Krippendorff's alpha, nominal metric, with missing values.

    ``reliability_data``: raters × units, NaN where a rater gave no value (the layout of the
    ``krippendorff`` package). Unit: a unit with at least two values (pairable); values in units
    coded once are left out, as Krippendorff prescribes.
    """
    data = np.asarray(reliability_data, dtype=np.float64)
    present = ~np.isnan(data)
    if not present.any():
        return NAN
    _, codes = np.unique(data[present], return_inverse=True)
    coded = np.zeros(data.shape, dtype=np.int64)
    coded[present] = codes.reshape(-1)
    return krippendorff_alpha_from_counts(*unit_category_counts(coded.T, present.T))


# -- span F1 -------------------------------------------------------------------------------------


def span_found(
    group: npt.ArrayLike,
    rater: npt.ArrayLike,
    label: npt.ArrayLike,
    start: npt.ArrayLike,
    end: npt.ArrayLike,
    n_raters: int,
    *,
    overlap: bool,
) -> BoolArray:
    """spans × raters: whether that rater has a span matching this one.

    Spans live in groups (documents). Exact: a span with the same group, start, end and
    label. Overlap: a span with the same group and label sharing at least one position.
    """
    g = np.asarray(group, dtype=np.int64)
    r = np.asarray(rater, dtype=np.int64)
    lab = np.asarray(label, dtype=np.int64)
    s = np.asarray(start, dtype=np.int64)
    e = np.asarray(end, dtype=np.int64)
    found = np.zeros((r.size, n_raters), dtype=bool)
    if r.size == 0:
        return found
    _, bucket = np.unique(g * (int(lab.max()) + 1) + lab, return_inverse=True)
    bucket = bucket.reshape(-1)
    if not overlap:
        order = np.lexsort((e, s, bucket))
        same = np.ones(r.size, dtype=bool)
        same[1:] = (
            (bucket[order][1:] == bucket[order][:-1])
            & (s[order][1:] == s[order][:-1])
            & (e[order][1:] == e[order][:-1])
        )
        kind = np.empty(r.size, dtype=np.int64)
        kind[order] = np.cumsum(np.concatenate([[True], ~same[1:]])) - 1
        incidence = np.zeros((int(kind.max()) + 1, n_raters), dtype=bool)
        incidence[kind, r] = True
        return incidence[kind]
    return raters_met(overlaps(*group_keys(bucket, s, e)), r, n_raters)


def pairwise_span_matches(
    group: npt.ArrayLike,
    rater: npt.ArrayLike,
    label: npt.ArrayLike,
    start: npt.ArrayLike,
    end: npt.ArrayLike,
    n_raters: int,
    *,
    overlap: bool,
) -> FloatArray:
    """raters × raters: how many of the row rater's spans the column rater matched
    (``span_found`` summed per rater)."""
    found = span_found(group, rater, label, start, end, n_raters, overlap=overlap)
    r = np.asarray(rater, dtype=np.int64)
    result = np.zeros((n_raters, n_raters))
    np.add.at(result, r, found.astype(np.float64))
    return result


def span_f1(
    first: npt.ArrayLike, second: npt.ArrayLike, *, overlap: bool = False
) -> tuple[float, float, float]:
    """(precision, recall, F1) of ``second`` against ``first``, as for NER evaluation.

    Spans are rows (start, end, label), or (group, start, end, label) for several documents.
    Exact: same bounds and label. Overlap ("lenient"): same label and at least one shared
    position; recall counts ``first``'s spans found, precision ``second``'s spans that found
    one. F1 is symmetric in the two raters. Repeated rows count once.
    """
    a = np.asarray(first, dtype=np.int64).reshape(-1, np.shape(first)[-1] if np.size(first) else 3)
    b = np.asarray(second, dtype=np.int64).reshape(-1, a.shape[1])
    if a.shape[1] == 3:
        a = np.column_stack([np.zeros(len(a), dtype=np.int64), a])
        b = np.column_stack([np.zeros(len(b), dtype=np.int64), b])
    # A span given twice is one span (the project never holds duplicates).
    a, b = np.unique(a, axis=0), np.unique(b, axis=0)
    both = np.concatenate([a, b])
    raters = np.repeat([0, 1], [len(a), len(b)])
    matched = pairwise_span_matches(
        both[:, 0], raters, both[:, 3], both[:, 1], both[:, 2], 2, overlap=overlap
    )
    recall = _ratio(float(matched[0, 1]), len(a))
    precision = _ratio(float(matched[1, 0]), len(b))
    if np.isnan(recall) or np.isnan(precision):
        return precision, recall, NAN
    f1 = _ratio(2 * precision * recall, precision + recall)
    return precision, recall, 0.0 if np.isnan(f1) else f1
