"""Agreement coefficients on plain numpy arrays: kappa, alpha, unitizing alpha, span F1.

Nothing here knows about projects. Each function states its unit of analysis: *units* are
whatever the caller codes (Claimdesk uses tokens; see ``core.agreement``); *categories* are small
non-negative integers; a rater who did not code a unit is *missing* (``present`` False, or NaN).
Undefined figures (no pairable units, a single category everywhere) come back as NaN, except
where a formula's source defines them (alpha-U follows DKPro Statistics).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "UnitizingResult",
    "alpha_u",
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


def _pattern_groups(present: BoolArray) -> tuple[IntArray, BoolArray]:
    """Group units by which raters coded them: (group of each unit, groups × raters)."""
    patterns, groups = np.unique(present, axis=0, return_inverse=True)
    return groups.reshape(-1).astype(np.int64), patterns.astype(bool)


def pairwise_cohen_kappa(codes: npt.ArrayLike, present: npt.ArrayLike) -> FloatArray:
    """Cohen's kappa for every pair of raters, on the units both coded.

    ``codes``: units × raters category codes (ignored where ``present`` is False). Returns a
    raters × raters symmetric matrix, 1.0 on the diagonal for raters with at least one unit;
    NaN where a pair shares no unit or kappa is undefined.
    """
    c = np.asarray(codes, dtype=np.int64)
    p = np.asarray(present, dtype=bool)
    n_units, n_raters = c.shape
    result = np.full((n_raters, n_raters), NAN)
    if n_units == 0:
        return result
    _, c = np.unique(np.where(p, c, -1), return_inverse=True)
    c = c.reshape(n_units, n_raters)
    k = int(c.max()) + 1
    groups, patterns = _pattern_groups(p)
    g = patterns.shape[0]
    # counts[g, r, k]: units of pattern g that rater r filed under category k.
    rows, raters = np.nonzero(p)
    flat = (groups[rows] * n_raters + raters) * k + c[rows, raters]
    counts = np.bincount(flat, minlength=g * n_raters * k).reshape(g, n_raters, k)
    counts = counts.astype(np.float64)
    sizes = np.bincount(groups, minlength=g).astype(np.float64)
    pf = patterns.astype(np.float64)
    shared = pf.T @ (pf * sizes[:, None])  # units both coded
    for a in range(n_raters):
        mine = p[:, a]
        if not mine.any():
            continue
        same = ((c == c[:, a : a + 1]) & p & mine[:, None]).sum(axis=0).astype(np.float64)
        weights = pf * pf[:, a : a + 1]  # groups × raters: both coded
        # Marginals over shared units: a's categories as seen with each b, and b's own.
        a_side = np.einsum("gb,gk->bk", weights, counts[:, a, :])
        b_side = np.einsum("gb,gbk->bk", weights, counts)
        n = shared[a]
        with np.errstate(invalid="ignore", divide="ignore"):
            p_o = same / n
            p_e = (a_side * b_side).sum(axis=1) / (n * n)
            kappa = np.where(p_e < 1.0 - 1e-12, (p_o - p_e) / (1.0 - p_e), NAN)
        kappa[n == 0] = NAN
        result[a] = kappa
        result[a, a] = 1.0
    return result


def pairwise_binary_kappa(
    positive: npt.ArrayLike, present: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Cohen's kappa of every rater pair on one yes/no question per unit (e.g. "has label L").

    Returns (kappa matrix, shared-unit counts). Computed with three matrix products.
    """
    pres = np.asarray(present, dtype=np.float64)
    yes = np.asarray(positive, dtype=bool) & (pres > 0)
    x = yes.astype(np.float64)
    n = pres.T @ pres
    n11 = x.T @ x
    n1_ = x.T @ pres  # row rater says yes, column rater coded the unit
    n_1 = n1_.T
    with np.errstate(invalid="ignore", divide="ignore"):
        p_o = (n - n1_ - n_1 + 2 * n11) / n
        pa = n1_ / n
        pb = n_1 / n
        p_e = pa * pb + (1 - pa) * (1 - pb)
        kappa = np.where((n > 0) & (p_e < 1.0 - 1e-12), (p_o - p_e) / (1.0 - p_e), NAN)
    np.fill_diagonal(kappa, np.where(np.diag(n) > 0, 1.0, NAN))
    return kappa, n


# -- Fleiss' kappa and Krippendorff's alpha from per-unit category counts ------------------------


def unit_category_counts(
    codes: npt.ArrayLike, present: npt.ArrayLike
) -> tuple[IntArray, IntArray, IntArray]:
    """Sparse n_uk: (unit, category, count) for each category some rater gave a unit."""
    c = np.asarray(codes, dtype=np.int64)
    p = np.asarray(present, dtype=bool)
    rows, raters = np.nonzero(p)
    values = c[rows, raters]
    if values.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    span = int(values.max()) + 1
    keys, counts = np.unique(rows * span + values, return_counts=True)
    return keys // span, keys % span, counts.astype(np.int64)


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


# -- Krippendorff's unitizing alpha (alpha-U) ----------------------------------------------------


@dataclass(frozen=True)
class UnitizingResult:
    """alpha-U as DKPro Statistics' KrippendorffAlphaUnitizingAgreement computes it.

    ``categories``: the categories that occur (sorted); per category its observed and expected
    disagreement and alpha; ``alpha`` overall = 1 - mean(D_o) / mean(D_e) over those categories.
    """

    categories: list[int]
    observed: list[float]
    expected: list[float]
    category_alpha: list[float]
    alpha: float


def _merge_overlaps(
    rater: IntArray, category: IntArray, start: IntArray, end: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """One rater's overlapping units of one category become their union (alpha-U needs that)."""
    order = np.lexsort((end, start, category, rater))
    rater, category, start, end = rater[order], category[order], start[order], end[order]
    group = rater * (int(category.max()) + 1) + category
    shift = int(end.max()) + 1
    key_start = group * shift + start
    key_end = np.maximum.accumulate(group * shift + end)
    begins = np.ones(start.size, dtype=bool)
    begins[1:] = key_start[1:] >= key_end[:-1]
    first = np.flatnonzero(begins)
    last = np.append(first[1:], start.size) - 1
    return rater[first], category[first], start[first], key_end[last] - group[first] * shift


def alpha_u(
    rater: npt.ArrayLike,
    category: npt.ArrayLike,
    start: npt.ArrayLike,
    end: npt.ArrayLike,
    n_raters: int,
    begin: int,
    length: int,
) -> UnitizingResult:
    """Krippendorff's (1995, 2004) unitizing alpha on one continuum ``[begin, begin + length)``.

    Unit of analysis: positions of the continuum (characters for Claimdesk); each rater's units
    (``[start, end)``, a category each) and the gaps between them. Follows DKPro Statistics:
    observed disagreement sums, over rater pairs, the squared begin and end differences of
    overlapping units of the category and the squared length of a unit lying in the other
    rater's gap; expected disagreement considers every placement of the units in the gaps.
    A rater's overlapping units of one category are merged first (DKPro requires none).
    Every one of the ``n_raters`` raters is taken to have coded the whole continuum.
    """
    r = np.asarray(rater, dtype=np.int64)
    c = np.asarray(category, dtype=np.int64)
    s = np.asarray(start, dtype=np.int64)
    e = np.asarray(end, dtype=np.int64)
    if r.size == 0 or n_raters < 2 or length <= 0:
        return UnitizingResult([], [], [], [], NAN)
    if (s < begin).any() or (e > begin + length).any() or (e <= s).any():
        raise ValueError("units must be non-empty and lie inside the continuum")
    r, c, s, e = _merge_overlaps(r, c, s, e)
    categories, c = np.unique(c, return_inverse=True)
    c = c.reshape(-1)
    k = categories.size
    lengths = e - s
    pair_sum = _unit_pair_distances(r, c, s, e, k, n_raters)
    observed = 2.0 * pair_sum / (n_raters * (n_raters - 1) * float(length) ** 2)
    expected = _expected_disagreement(r, c, s, e, lengths, k, n_raters, begin, length)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_category = np.where(observed == expected, 0.0, 1.0 - observed / expected)
    mean_o, mean_e = float(observed.mean()), float(expected.mean())
    overall = 0.0 if mean_o == mean_e else 1.0 - mean_o / mean_e
    return UnitizingResult(
        [int(x) for x in categories],
        [float(x) for x in observed],
        [float(x) for x in expected],
        [float(x) for x in per_category],
        overall,
    )


def _unit_pair_distances(
    r: IntArray, c: IntArray, s: IntArray, e: IntArray, k: int, n_raters: int
) -> FloatArray:
    """Per category: the observed-disagreement sum over unordered rater pairs."""
    order = np.lexsort((s, c))
    r, c, s, e = r[order], c[order], s[order], e[order]
    shift = int(e.max()) + 1
    key_s = c * shift + s
    # Pairs (i, j) with j after i in order and j starting before i ends: exactly the
    # overlapping pairs, each once.
    upto = np.searchsorted(key_s, c * shift + e, side="left")
    counts = upto - np.arange(s.size) - 1
    counts = np.maximum(counts, 0)
    first = np.repeat(np.arange(s.size), counts)
    offsets = np.arange(first.size) - np.repeat(np.cumsum(counts) - counts, counts)
    second = first + 1 + offsets
    other = r[first] != r[second]
    first, second = first[other], second[other]
    both = (s[first] - s[second]) ** 2 + (e[first] - e[second]) ** 2
    sums = np.bincount(c[first], weights=both.astype(np.float64), minlength=k).astype(np.float64)
    # A unit that overlaps no unit of another rater lies in that rater's gap: length².
    ends_i = np.concatenate([first, second])
    partners = np.concatenate([r[second], r[first]])
    met = np.unique(ends_i * n_raters + partners) // n_raters
    raters_met = np.bincount(met, minlength=s.size)
    alone = (n_raters - 1 - raters_met).astype(np.float64)
    sums += np.bincount(c, weights=alone * ((e - s).astype(np.float64) ** 2), minlength=k)
    return sums


def _expected_disagreement(
    r: IntArray,
    c: IntArray,
    s: IntArray,
    e: IntArray,
    lengths: IntArray,
    k: int,
    n_raters: int,
    begin: int,
    length: int,
) -> FloatArray:
    out = np.zeros(k)
    lf = lengths.astype(np.float64)
    total = float(n_raters) * length
    for cat in range(k):
        mine = c == cat
        ls = lf[mine]
        n_c = ls.size
        squared = float(np.sum(ls * (ls - 1)))
        gaps = _gaps(r[mine], s[mine], e[mine], n_raters, begin, length)
        gaps.sort()
        # For each unit length l: sum over gaps g >= l of (g - l + 1).
        suffix_count = gaps.size - np.searchsorted(gaps, ls, side="left")
        suffix_sum = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
        idx = np.searchsorted(gaps, ls, side="left")
        fits = suffix_sum[idx] - (ls - 1) * suffix_count
        term = (n_c - 1) * (2 * ls**3 - 3 * ls**2 + ls) / 3.0 + ls * ls * fits
        denominator = total * (total - 1) - squared
        out[cat] = float(np.sum(term)) * (2.0 / length) / denominator if denominator else NAN
    return out


def _gaps(
    r: IntArray, s: IntArray, e: IntArray, n_raters: int, begin: int, length: int
) -> FloatArray:
    """Lengths of the stretches each rater left uncoded (one whole-continuum gap if none)."""
    order = np.lexsort((s, r))
    r, s, e = r[order], s[order], e[order]
    stop = begin + length
    gaps: list[FloatArray] = []
    seen = np.unique(r)
    gaps.append(np.full(n_raters - seen.size, float(length)))
    new_rater = np.ones(r.size, dtype=bool)
    new_rater[1:] = r[1:] != r[:-1]
    previous_end = np.where(new_rater, begin, np.concatenate([[begin], e[:-1]]))
    last = np.append(new_rater[1:], True)
    before = (s - previous_end).astype(np.float64)
    after = np.where(last, stop - e, 0).astype(np.float64)
    gaps.extend([before[before > 0], after[after > 0]])
    return np.concatenate(gaps)


# -- span F1 -------------------------------------------------------------------------------------


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
    """raters × raters: how many of row rater's spans the column rater matched.

    Spans live in groups (documents). Exact: the column rater has a span with the same group,
    start, end and label. Overlap: the column rater has a span with the same group and label
    sharing at least one position with it.
    """
    g = np.asarray(group, dtype=np.int64)
    r = np.asarray(rater, dtype=np.int64)
    lab = np.asarray(label, dtype=np.int64)
    s = np.asarray(start, dtype=np.int64)
    e = np.asarray(end, dtype=np.int64)
    result = np.zeros((n_raters, n_raters))
    if r.size == 0:
        return result
    _, bucket = np.unique(g * (int(lab.max()) + 1) + lab, return_inverse=True)
    bucket = bucket.reshape(-1)
    shift = int(e.max()) + 1
    if overlap:
        key_s = bucket * shift + s
        key_e = bucket * shift + e
        for other in range(n_raters):
            theirs = r == other
            if not theirs.any():
                continue
            starts = np.sort(key_s[theirs])
            ends = np.sort(key_e[theirs])
            # Their spans starting before mine ends, minus those ending before mine starts.
            hits = np.searchsorted(starts, key_e, side="left") - np.searchsorted(
                ends, key_s, side="right"
            )
            found = hits > 0
            result[:, other] = np.bincount(r[found], minlength=n_raters).astype(np.float64)
        return result
    _, kind = np.unique(np.stack([bucket, s, e]), axis=1, return_inverse=True)
    kind = kind.reshape(-1)
    incidence = np.zeros((int(kind.max()) + 1, n_raters))
    incidence[kind, r] = 1.0
    matches: FloatArray = incidence.T @ incidence
    return matches


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
