"""Krippendorff's unitizing alpha (alpha-U) on plain numpy arrays, as DKPro Statistics computes it.

Unit of analysis: positions of a continuum (characters for Claimdesk). Re-exported by
``core.metrics`` beside the other coefficients; nothing here knows about projects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from claimdesk.core.agreement.overlaps import group_keys, overlaps, raters_met

__all__ = ["UnitizingResult", "alpha_u", "alpha_u_sections"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
NAN = float("nan")


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
    whole, _ = alpha_u_sections(r, c, s, e, n_raters, [begin, begin + length])
    return whole


def alpha_u_sections(
    rater: npt.ArrayLike,
    category: npt.ArrayLike,
    start: npt.ArrayLike,
    end: npt.ArrayLike,
    n_raters: int,
    bounds: Sequence[int],
) -> tuple[UnitizingResult, list[UnitizingResult]]:
    """alpha-U of a continuum cut into sections (documents laid end to end), and of each section.

    ``bounds``: the sections' starts followed by the end of the last one; no unit may cross a
    section boundary. The whole is exactly ``alpha_u`` on ``[bounds[0], bounds[-1])``; each
    section is ``alpha_u`` on its own stretch. One pass finds the overlaps for all of them.
    """
    r = np.asarray(rater, dtype=np.int64)
    c = np.asarray(category, dtype=np.int64)
    s = np.asarray(start, dtype=np.int64)
    e = np.asarray(end, dtype=np.int64)
    edges = np.asarray(bounds, dtype=np.int64)
    n_sections = edges.size - 1
    empty = UnitizingResult([], [], [], [], NAN)
    if r.size == 0 or n_raters < 2 or n_sections < 1 or edges[-1] <= edges[0]:
        return empty, [empty] * max(n_sections, 0)
    if (s < edges[0]).any() or (e > edges[-1]).any() or (e <= s).any():
        raise ValueError("units must be non-empty and lie inside the continuum")
    section = np.searchsorted(edges, s, side="right") - 1
    if (e > edges[section + 1]).any():
        raise ValueError("a unit must not cross a section boundary")
    r, c, s, e = _merge_overlaps(r, c, s, e)
    section = np.searchsorted(edges, s, side="right") - 1
    categories, c = np.unique(c, return_inverse=True)
    c = c.reshape(-1)
    k = categories.size
    weights = _unit_weights(r, c, s, e, n_raters)
    scale = 2.0 / (n_raters * (n_raters - 1))
    # Units by section, so that each section is a slice (a view) rather than a mask to apply.
    by_section = np.argsort(section, kind="stable")
    r, c, s, e = r[by_section], c[by_section], s[by_section], e[by_section]
    weights = weights[by_section]
    cuts = np.searchsorted(section[by_section], np.arange(n_sections + 1))

    def result(mine: slice, begin: int, length: int) -> UnitizingResult:
        cs = c[mine]
        used = np.unique(cs)
        if used.size == 0:
            return empty
        sums = np.bincount(cs, weights=weights[mine], minlength=k)[used]
        observed = scale * sums / float(length) ** 2
        expected = _expected_disagreement(
            r[mine], cs, s[mine], e[mine], used, n_raters, begin, length
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            per_category = np.where(observed == expected, 0.0, 1.0 - observed / expected)
        mean_o, mean_e = float(observed.mean()), float(expected.mean())
        return UnitizingResult(
            [int(categories[x]) for x in used],
            [float(x) for x in observed],
            [float(x) for x in expected],
            [float(x) for x in per_category],
            0.0 if mean_o == mean_e else 1.0 - mean_o / mean_e,
        )

    whole = result(slice(None), int(edges[0]), int(edges[-1] - edges[0]))
    parts = [
        result(slice(cuts[i], cuts[i + 1]), int(edges[i]), int(edges[i + 1] - edges[i]))
        for i in range(n_sections)
    ]
    return whole, parts


def _unit_weights(r: IntArray, c: IntArray, s: IntArray, e: IntArray, n_raters: int) -> FloatArray:
    """Each unit's share of the observed-disagreement sum over unordered rater pairs.

    A rater's units of one category are disjoint (merged), so a unit meets none of its own
    rater's other units, and the units overlapping it are exactly its partners: half of each
    overlapping pair's squared begin and end differences goes to each unit. Their sums come
    from prefix sums in start and end order (no list of pairs is built); a unit lying in
    another rater's gap carries its squared length.
    """
    found = overlaps(*group_keys(c, s, e))
    met = raters_met(found, r, n_raters).sum(axis=1)  # its own rater included
    # Σ over the units j overlapping each unit of s_j, e_j and s_j² + e_j², in int64: exact,
    # and a prefix sum that wraps around still gives exact differences when those fit.
    own = np.column_stack([s, e, s * s + e * e])
    from_start = np.zeros((s.size + 1, 3), dtype=np.int64)
    from_end = np.zeros((s.size + 1, 3), dtype=np.int64)
    np.cumsum(own[found.by_start], axis=0, out=from_start[1:])
    np.cumsum(own[found.by_end], axis=0, out=from_end[1:])
    sums = from_start[found.before_end] - from_end[found.before_start] - own  # less itself
    count = found.before_end - found.before_start - 1
    # Σ over those j of (s_i - s_j)² + (e_i - e_j)².
    total = count * own[:, 2] - 2 * (s * sums[:, 0] + e * sums[:, 1]) + sums[:, 2]
    # Raters other than the unit's own whose units it does not meet: it lies in their gap.
    alone = (n_raters - met).astype(np.float64)
    weights: FloatArray = total.astype(np.float64) / 2.0 + alone * (e - s).astype(np.float64) ** 2
    return weights


def _expected_disagreement(
    r: IntArray,
    c: IntArray,
    s: IntArray,
    e: IntArray,
    categories: IntArray,
    n_raters: int,
    begin: int,
    length: int,
) -> FloatArray:
    """D_e per category (Krippendorff 2004, as DKPro Statistics computes it)."""
    out = np.zeros(categories.size)
    lf = (e - s).astype(np.float64)
    total = float(n_raters) * length
    order = np.argsort(c, kind="stable")
    edges = np.searchsorted(c[order], np.append(categories, categories[-1] + 1))
    for i in range(categories.size):
        mine = order[edges[i] : edges[i + 1]]
        ls = lf[mine]
        n_c = ls.size
        squared = float(np.sum(ls * (ls - 1)))
        gaps = np.sort(_gaps(r[mine], s[mine], e[mine], n_raters, begin, length))
        # For each unit length l: sum over gaps g >= l of (g - l + 1).
        idx = np.searchsorted(gaps, ls, side="left")
        suffix_sum = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
        fits = suffix_sum[idx] - (ls - 1) * (gaps.size - idx)
        term = (n_c - 1) * (2 * ls**3 - 3 * ls**2 + ls) / 3.0 + ls * ls * fits
        denominator = total * (total - 1) - squared
        out[i] = float(np.sum(term)) * (2.0 / length) / denominator if denominator else NAN
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
