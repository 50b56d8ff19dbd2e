"""Our coefficients agree with the reference implementations on random data.

scikit-learn (``cohen_kappa_score``), statsmodels (``fleiss_kappa``) and ``krippendorff`` are in
the test extra; alpha-U is checked against a position-by-position walk written after DKPro
Statistics' description of the measure.
"""

from __future__ import annotations

import numpy as np
import pytest

from claimdesk.core.agreement.metrics import (
    alpha_u,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha_nominal,
    pairwise_cohen_kappa,
)

krippendorff = pytest.importorskip("krippendorff")
sklearn_metrics = pytest.importorskip("sklearn.metrics")
inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")


@pytest.mark.parametrize("seed", range(8))
def test_cohen_matches_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    categories = int(rng.integers(2, 6))
    a = rng.integers(0, categories, 400)
    b = np.where(rng.random(400) < 0.6, a, rng.integers(0, categories, 400))
    expected = sklearn_metrics.cohen_kappa_score(a, b)
    assert cohen_kappa(a, b) == pytest.approx(expected, abs=1e-12)
    matrix = pairwise_cohen_kappa(np.column_stack([a, b]), np.ones((400, 2), bool))
    assert matrix[0, 1] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_fleiss_matches_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    raters = int(rng.integers(2, 12))
    codes = rng.integers(0, 4, size=(120, raters))
    codes[rng.random(120) < 0.4] = codes[0, 0]  # some agreement
    table, _ = inter_rater.aggregate_raters(codes, n_cat=4)
    assert fleiss_kappa(table) == pytest.approx(inter_rater.fleiss_kappa(table), abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_alpha_matches_krippendorff_package_with_missing_values(seed: int) -> None:
    rng = np.random.default_rng(seed)
    data = rng.integers(1, 5, size=(6, 80)).astype(float)
    data[:, rng.random(80) < 0.5] = data[0, 0]
    data[rng.random(data.shape) < 0.25] = np.nan
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha_nominal(data) == pytest.approx(expected, abs=1e-9)


def walk_observed(units, raters, category, begin, length):  # type: ignore[no-untyped-def]
    """D_o of one category by walking both raters' units and gaps position by position."""

    def sections(rater):  # type: ignore[no-untyped-def]
        mine = sorted((s, e) for r, c, s, e in units if r == rater and c == category)
        out, pos = [], begin
        for s, e in mine:
            if s > pos:
                out.append((pos, s, False))
            out.append((s, e, True))
            pos = e
        if pos < begin + length:
            out.append((pos, begin + length, False))
        return out

    total = 0.0
    for r1 in range(raters):
        for r2 in range(r1 + 1, raters):
            for s1, e1, u1 in sections(r1):
                for s2, e2, u2 in sections(r2):
                    if not (s1 < e2 and s2 < e1):
                        continue
                    if u1 and u2:
                        total += (s1 - s2) ** 2 + (e1 - e2) ** 2
                    elif u1 and s2 <= s1 and e1 <= e2:
                        total += (e1 - s1) ** 2
                    elif u2 and s1 <= s2 and e2 <= e1:
                        total += (e2 - s2) ** 2
    return 2 * total / (raters * (raters - 1) * length**2)


def walk_expected(units, raters, category, begin, length):  # type: ignore[no-untyped-def]
    lengths = [e - s for r, c, s, e in units if c == category]
    gaps = []
    for rater in range(raters):
        pos = begin
        for s, e in sorted((s, e) for r, c, s, e in units if r == rater and c == category):
            if s > pos:
                gaps.append(s - pos)
            pos = e
        if pos < begin + length:
            gaps.append(begin + length - pos)
    n = len(lengths)
    total = 0.0
    for x in lengths:
        total += (n - 1) * (2 * x**3 - 3 * x**2 + x) / 3
        total += x * x * sum(g - x + 1 for g in gaps if g >= x)
    denominator = raters * length * (raters * length - 1) - sum(x * (x - 1) for x in lengths)
    return total * 2 / length / denominator


@pytest.mark.parametrize(
    ("seed", "most_raters", "begin"),
    # small panels; more raters than one block of running counts (8); a continuum far from 0,
    # where squared positions overflow 64 bits in the prefix sums and must still come out exact
    [*((seed, 6, 10) for seed in range(12)), (12, 20, 10), (13, 20, 3_000_000_000)],
)
def test_alpha_u_matches_a_section_walk(seed: int, most_raters: int, begin: int) -> None:
    rng = np.random.default_rng(seed)
    raters, length = int(rng.integers(most_raters - 4, most_raters)), 400
    units = []
    for rater in range(raters):
        for category in range(3):
            pos = begin
            while True:  # non-overlapping units per rater and category, as DKPro requires
                pos += int(rng.integers(0, 60))
                size = int(rng.integers(1, 40))
                if pos + size > begin + length:
                    break
                units.append((rater, category, pos, pos + size))
                pos += size
    r, c, s, e = (list(column) for column in zip(*units, strict=True))
    result = alpha_u(r, c, s, e, raters, begin, length)
    for category in range(3):
        observed = walk_observed(units, raters, category, begin, length)
        expected = walk_expected(units, raters, category, begin, length)
        assert result.observed[category] == pytest.approx(observed, rel=1e-9)
        assert result.expected[category] == pytest.approx(expected, rel=1e-9)
    mean_o = np.mean(result.observed)
    mean_e = np.mean(result.expected)
    assert result.alpha == pytest.approx(1 - mean_o / mean_e)
