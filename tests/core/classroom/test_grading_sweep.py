"""Grading matches each document's spans in one sorted sweep, with the key indexed once per
class: the same pairs, in the same order, as comparing every student span with every key span."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from claimdesk.core.classroom.grading import (
    Claim,
    GradedLabel,
    KeyDocument,
    KeyIndex,
    grade_student,
    match_document,
)

LABELS = (
    GradedLabel(1, "Claim", "#e6194b", ""),
    GradedLabel(2, "Evidence", "#3cb44b", ""),
    GradedLabel(3, "Source", "#4363d8", ""),
)

Pair = tuple[Claim, Claim]


def _every_pair(
    mine: Sequence[Claim], key: Sequence[Claim], tolerance: int | None, same_label: bool
) -> list[Pair]:
    """The rule written out plainly: exact pairs first, then every overlapping pair ranked by
    shared characters, key start, then positions, taken greedily."""
    pairs: list[Pair] = []
    if same_label:
        exact = {(c.label_id, c.start, c.end): c for c in key}
        rest = []
        for claim in mine:
            found = exact.pop((claim.label_id, claim.start, claim.end), None)
            if found is None:
                rest.append(claim)
            else:
                pairs.append((claim, found))
        mine, key = rest, list(exact.values())
    ordered = sorted(key, key=lambda c: c.start)
    ranked = []
    for i, claim in enumerate(mine):
        for j, other in enumerate(ordered):
            if (other.label_id == claim.label_id) != same_label:
                continue
            shared = min(claim.end, other.end) - max(claim.start, other.start)
            if shared <= 0:
                continue
            if tolerance is not None and (
                abs(claim.start - other.start) > tolerance or abs(claim.end - other.end) > tolerance
            ):
                continue
            ranked.append((-shared, other.start, i, j))
    taken_mine: set[int] = set()
    taken_key: set[int] = set()
    for _shared, _start, i, j in sorted(ranked):
        if i not in taken_mine and j not in taken_key:
            taken_mine.add(i)
            taken_key.add(j)
            pairs.append((mine[i], ordered[j]))
    return pairs


def _reference(
    mine: Sequence[Claim], key: Sequence[Claim], tolerance: int | None
) -> tuple[list[Pair], list[Pair], list[Claim], list[Claim]]:
    matched = _every_pair(mine, key, tolerance, same_label=True)
    rest_mine = [m for m in mine if all(m is not a for a, _ in matched)]
    rest_key = [k for k in key if all(k is not b for _, b in matched)]
    wrong = _every_pair(rest_mine, rest_key, None, same_label=False)
    missed = [k for k in rest_key if all(k is not b for _, b in wrong)]
    extra = [m for m in rest_mine if all(m is not a for a, _ in wrong)]
    return matched, wrong, missed, extra


@st.composite
def spans(draw: st.DrawFn) -> tuple[Claim, ...]:
    # Unique per (label, start, end), as the database keeps them; in any order.
    found = draw(
        st.lists(
            st.tuples(st.integers(1, 3), st.integers(0, 40), st.integers(1, 12)),
            max_size=16,
            unique_by=lambda t: (t[0], t[1], t[1] + t[2]),
        )
    )
    return tuple(
        Claim(1, label, LABELS[label - 1].name, start, start + length, "", n)
        for n, (label, start, length) in enumerate(found)
    )


@settings(max_examples=400, deadline=None)
@given(spans(), spans(), st.sampled_from([None, 0, 1, 3]))
def test_the_sweep_pairs_as_the_plain_rule_does(
    mine: tuple[Claim, ...], key: tuple[Claim, ...], tolerance: int | None
) -> None:
    documents = KeyIndex(key).documents
    found = match_document(mine, documents.get(1, KeyDocument([])), tolerance)
    assert found == _reference(mine, key, tolerance)


def test_hand_computed_grades_of_one_document() -> None:
    # Key: A[0,10) Claim, B[12,30) Claim, C[40,50) Evidence, D[60,70) Source.
    key = (
        Claim(1, 1, "Claim", 0, 10, "", 1),
        Claim(1, 1, "Claim", 12, 30, "", 2),
        Claim(1, 2, "Evidence", 40, 50, "", 3),
        Claim(1, 3, "Source", 60, 70, "", 4),
    )
    mine = (
        Claim(1, 1, "Claim", 0, 10, "", 11),  # exact A
        Claim(1, 1, "Claim", 8, 28, "", 12),  # shares 2 with A (taken), 16 with B: boundary
        Claim(1, 1, "Claim", 42, 48, "", 13),  # overlaps C under another label: wrong label
        Claim(1, 2, "Evidence", 80, 90, "", 14),  # nothing there: extra
    )
    result = grade_student(1, "S", "S", "", datetime(2026, 1, 1), 0, mine, key, LABELS, None)
    assert (result.exact.tp, result.exact.fp, result.exact.fn) == (1, 3, 3)
    assert (result.overlap.tp, result.overlap.fp, result.overlap.fn) == (2, 2, 2)
    assert result.boundary == ((mine[1], key[1]),)
    assert result.wrong_label == ((mine[2], key[2]),)
    assert result.missed == (key[3],)
    assert result.extra == (mine[3],)
