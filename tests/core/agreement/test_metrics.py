"""Agreement coefficients reproduce published worked examples and behave as coefficients must."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimdesk.core.agreement.metrics import (
    alpha_u,
    alpha_u_sections,
    cohen_kappa,
    cohen_kappa_table,
    fleiss_kappa,
    krippendorff_alpha_nominal,
    pairwise_binary_kappa,
    pairwise_cohen_kappa,
    pairwise_span_matches,
    span_f1,
    span_found,
)

NAN = float("nan")

# -- published examples --------------------------------------------------------------------------


def test_cohen_textbook_table_gives_040() -> None:
    # Two raters, yes/no: 20 both yes, 5 yes/no, 10 no/yes, 15 both no: p_o .70, p_e .50.
    assert cohen_kappa_table([[20, 5], [10, 15]]) == pytest.approx(0.40, abs=5e-4)


def test_cohen_from_codes_matches_the_table() -> None:
    first = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    second = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.40, abs=5e-4)


# The worked example of Fleiss' kappa: 10 subjects, 14 raters each, 5 categories.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_worked_example_gives_0210() -> None:
    assert fleiss_kappa(FLEISS_TABLE) == pytest.approx(0.210, abs=5e-4)


# Krippendorff's reliability data: 4 coders, 12 units, values 1-5, with missing values.
KRIPPENDORFF_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_krippendorff_four_coders_twelve_units_gives_0743() -> None:
    assert krippendorff_alpha_nominal(KRIPPENDORFF_DATA) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_ignores_units_coded_once() -> None:
    # Unit 12 has a single value: adding another single-valued unit changes nothing.
    extended = [[*row, NAN] for row in KRIPPENDORFF_DATA]
    extended[0][-1] = 4
    assert krippendorff_alpha_nominal(extended) == pytest.approx(0.743421, abs=1e-6)


# Krippendorff (2004, p. 254): two observers on the continuum [150, 450), categories c and k,
# as DKPro Statistics' Krippendorff2004Test sets it up: (begin, length, rater, category).
UNITIZING_EXAMPLE = [
    (225, 70, 0, 0),
    (370, 30, 0, 0),
    (220, 80, 1, 0),
    (355, 20, 1, 0),
    (400, 20, 1, 0),
    (180, 60, 0, 1),
    (300, 50, 0, 1),
    (180, 60, 1, 1),
    (300, 50, 1, 1),
]


def unitizing_example() -> tuple[list[int], list[int], list[int], list[int]]:
    begins, lengths, raters, categories = zip(*UNITIZING_EXAMPLE, strict=True)
    ends = [b + n for b, n in zip(begins, lengths, strict=True)]
    return list(raters), list(categories), list(begins), ends


def test_unitizing_example_gives_08591_as_dkpro_computes_it() -> None:
    result = alpha_u(*unitizing_example(), n_raters=2, begin=150, length=300)
    assert result.alpha == pytest.approx(0.8591, abs=5e-4)
    assert round(result.alpha, 3) == 0.859
    c, k = 0, 1
    assert result.observed[c] == pytest.approx(0.0144, abs=1e-4)
    assert result.expected[c] == pytest.approx(0.0532, abs=1e-4)
    assert result.category_alpha[c] == pytest.approx(0.7286, abs=1e-4)
    assert result.observed[k] == 0.0
    assert result.expected[k] == pytest.approx(0.0490, abs=1e-4)
    assert result.category_alpha[k] == 1.0


def test_unitizing_different_unitizations_are_not_perfect() -> None:
    # Two raters who mark completely different stretches must not reach alpha-U 1.
    result = alpha_u([0, 1], [0, 0], [0, 500], [100, 600], n_raters=2, begin=0, length=1000)
    assert result.alpha < 0.0


def test_unitizing_overlapping_units_of_one_rater_are_merged() -> None:
    split = alpha_u([0, 0, 1], [0, 0, 0], [10, 20, 10], [30, 40, 40], 2, 0, 100)
    assert split.alpha == pytest.approx(1.0)


def test_unitizing_refuses_units_outside_the_continuum() -> None:
    with pytest.raises(ValueError, match="inside the continuum"):
        alpha_u([0], [0], [90], [110], n_raters=2, begin=0, length=100)


# -- span F1 -------------------------------------------------------------------------------------


def test_span_f1_exact_and_overlap() -> None:
    gold = [(0, 5, 1), (6, 9, 1), (10, 12, 2)]
    other = [(0, 5, 1), (7, 9, 1), (20, 22, 2)]
    assert span_f1(gold, other) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert span_f1(gold, other, overlap=True) == pytest.approx((2 / 3, 2 / 3, 2 / 3))


def test_span_f1_overlap_needs_the_same_label_and_a_shared_position() -> None:
    # Touching spans share no position; a different label never matches.
    assert span_f1([(0, 5, 1)], [(5, 9, 1)], overlap=True)[2] == 0.0
    assert span_f1([(0, 5, 1)], [(0, 5, 2)], overlap=True)[2] == 0.0


def test_span_f1_spans_in_different_documents_never_match() -> None:
    assert span_f1([(1, 0, 5, 1)], [(2, 0, 5, 1)])[2] == 0.0
    assert span_f1([(1, 0, 5, 1)], [(1, 0, 5, 1)])[2] == 1.0


def test_span_f1_is_undefined_when_a_side_has_no_spans() -> None:
    assert math.isnan(span_f1([(0, 5, 1)], np.zeros((0, 3)))[2])


# -- matrices agree with the one-pair functions --------------------------------------------------


def test_pairwise_kappa_matches_cohen_on_each_pair_with_missing_units() -> None:
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 4, size=(300, 5))
    present = rng.random((300, 5)) > 0.2
    matrix = pairwise_cohen_kappa(codes, present)
    for a in range(5):
        for b in range(5):
            both = present[:, a] & present[:, b]
            expected = 1.0 if a == b else cohen_kappa(codes[both, a], codes[both, b])
            assert matrix[a, b] == pytest.approx(expected, abs=1e-12)


def test_pairwise_binary_kappa_matches_cohen() -> None:
    rng = np.random.default_rng(8)
    yes = rng.random((200, 4)) > 0.6
    present = rng.random((200, 4)) > 0.1
    matrix, shared = pairwise_binary_kappa(yes, present)
    for a, b in [(0, 1), (2, 3), (1, 3)]:
        both = present[:, a] & present[:, b]
        assert shared[a, b] == both.sum()
        assert matrix[a, b] == pytest.approx(cohen_kappa(yes[both, a], yes[both, b]))


def test_pairwise_span_matches_counts_each_raters_found_spans() -> None:
    # rater 0: two spans; rater 1 matches one exactly and overlaps the other.
    group, rater, label = [0, 0, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1]
    start, end = [0, 10, 0, 12], [5, 20, 5, 30]
    exact = pairwise_span_matches(group, rater, label, start, end, 2, overlap=False)
    loose = pairwise_span_matches(group, rater, label, start, end, 2, overlap=True)
    assert exact.tolist() == [[2, 1], [1, 2]]
    assert loose.tolist() == [[2, 2], [2, 2]]


# -- properties ----------------------------------------------------------------------------------

ratings = st.integers(2, 5).flatmap(
    lambda raters: st.lists(
        st.lists(st.integers(0, 3), min_size=raters, max_size=raters), min_size=2, max_size=30
    )
)


def counts_table(rows: list[list[int]]) -> np.ndarray:
    table = np.zeros((len(rows), 4), dtype=np.int64)
    for i, row in enumerate(rows):
        for value in row:
            table[i, value] += 1
    return table


@settings(max_examples=60, deadline=None)
@given(ratings)
def test_perfect_agreement_gives_one(rows: list[list[int]]) -> None:
    same = [[row[0]] * len(row) for row in rows]
    if len({row[0] for row in same}) < 2:
        same[0] = [(same[0][0] + 1) % 4] * len(same[0])  # two categories, so chance is < 1
    data = np.array(same)
    assert fleiss_kappa(counts_table(same)) == pytest.approx(1.0)
    assert krippendorff_alpha_nominal(data.T) == pytest.approx(1.0)
    assert cohen_kappa(data[:, 0], data[:, 1]) == pytest.approx(1.0)
    assert np.allclose(pairwise_cohen_kappa(data, np.ones(data.shape, bool)), 1.0)


def close_or_both_nan(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, abs_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(ratings, st.permutations(range(4)))
def test_relabelling_categories_changes_nothing(rows: list[list[int]], perm: list[int]) -> None:
    data = np.array(rows)
    renamed = np.array(perm)[data]
    assert close_or_both_nan(
        fleiss_kappa(counts_table(rows)), fleiss_kappa(counts_table(renamed.tolist()))
    )
    assert close_or_both_nan(
        krippendorff_alpha_nominal(data.T), krippendorff_alpha_nominal(renamed.T)
    )
    assert close_or_both_nan(
        cohen_kappa(data[:, 0], data[:, 1]), cohen_kappa(renamed[:, 0], renamed[:, 1])
    )


@settings(max_examples=60, deadline=None)
@given(ratings, st.randoms(use_true_random=False))
def test_rater_order_changes_nothing(rows: list[list[int]], rng: object) -> None:
    data = np.array(rows)
    order = list(range(data.shape[1]))
    rng.shuffle(order)  # type: ignore[attr-defined]
    shuffled = data[:, order]
    assert close_or_both_nan(
        krippendorff_alpha_nominal(data.T), krippendorff_alpha_nominal(shuffled.T)
    )
    assert close_or_both_nan(
        cohen_kappa(data[:, 0], data[:, 1]), cohen_kappa(data[:, 1], data[:, 0])
    )
    matrix = pairwise_cohen_kappa(data, np.ones(data.shape, bool))
    assert np.allclose(matrix, matrix.T, equal_nan=True)


spans = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 90), st.integers(1, 10), st.integers(0, 2)),
    min_size=1,
    max_size=12,
)


def as_units(items: list[tuple[int, int, int, int]]) -> tuple[list[int], ...]:
    raters = [r for r, _, _, _ in items]
    starts = [s for _, s, _, _ in items]
    ends = [s + n for _, s, n, _ in items]
    categories = [c for _, _, _, c in items]
    return raters, categories, starts, ends


@settings(max_examples=80, deadline=None)
@given(spans)
def test_unitizing_properties(items: list[tuple[int, int, int, int]]) -> None:
    raters, categories, starts, ends = as_units(items)
    base = alpha_u(raters, categories, starts, ends, 2, 0, 100)
    # Symmetry: swapping the raters changes nothing.
    swapped = alpha_u([1 - r for r in raters], categories, starts, ends, 2, 0, 100)
    assert close_or_both_nan(base.alpha, swapped.alpha)
    # Relabelling categories changes nothing.
    renamed = alpha_u(raters, [(c + 1) % 3 for c in categories], starts, ends, 2, 0, 100)
    assert close_or_both_nan(base.alpha, renamed.alpha)
    # Perfect agreement: both raters mark the same units.
    twin = alpha_u(
        [0] * len(items) + [1] * len(items),
        categories * 2,
        starts * 2,
        ends * 2,
        2,
        0,
        100,
    )
    assert twin.alpha == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(spans, spans)
def test_span_f1_is_symmetric(first: list[tuple[int, ...]], second: list[tuple[int, ...]]) -> None:
    a = [(s, s + n, c) for _, s, n, c in first]
    b = [(s, s + n, c) for _, s, n, c in second]
    for overlap in (False, True):
        p, r, f = span_f1(a, b, overlap=overlap)
        p2, r2, f2 = span_f1(b, a, overlap=overlap)
        assert (p, r) == pytest.approx((r2, p2))
        assert f == pytest.approx(f2)
        assert span_f1(a, a, overlap=overlap)[2] == 1.0


@settings(max_examples=40, deadline=None)
@given(spans, spans)
def test_sections_are_alpha_u_of_each_document_and_of_all_laid_end_to_end(
    first: list[tuple[int, int, int, int]], second: list[tuple[int, int, int, int]]
) -> None:
    # Two documents of 100 characters; the second is shifted to [100, 200).
    moved = [(r, s + 100, n, c) for r, s, n, c in second]
    raters, categories, starts, ends = as_units(first + moved)
    whole, parts = alpha_u_sections(raters, categories, starts, ends, 2, [0, 100, 200])
    direct = alpha_u(raters, categories, starts, ends, 2, 0, 200)
    assert close_or_both_nan(whole.alpha, direct.alpha)
    for part, items, begin in ((parts[0], first, 0), (parts[1], moved, 100)):
        alone = alpha_u(*as_units(items), 2, begin, 100)
        assert close_or_both_nan(part.alpha, alone.alpha)
        assert part.categories == alone.categories


def test_sections_refuse_a_unit_across_a_boundary() -> None:
    with pytest.raises(ValueError, match="boundary"):
        alpha_u_sections([0, 1], [0, 0], [90, 0], [110, 5], 2, [0, 100, 200])


@pytest.mark.parametrize("seed", range(5))
def test_span_found_matches_a_plain_comparison(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, raters = 300, 11  # more raters than one block of running counts
    group = rng.integers(0, 3, n)
    rater = rng.integers(0, raters, n)
    label = rng.integers(0, 2, n)
    start = rng.integers(0, 200, n)
    end = start + rng.integers(1, 30, n)
    for overlap in (False, True):
        found = span_found(group, rater, label, start, end, raters, overlap=overlap)
        for i in range(n):
            for q in range(raters):
                theirs = (rater == q) & (group == group[i]) & (label == label[i])
                if overlap:
                    hit = (theirs & (start < end[i]) & (end > start[i])).any()
                else:
                    hit = (theirs & (start == start[i]) & (end == end[i])).any()
                assert found[i, q] == hit
