"""Matching rules of grading, as properties over generated spans (no project needed)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from claimdesk.core.classroom.grading import Claim, GradedLabel, StudentGrades, grade_student

LABELS = (
    GradedLabel(1, "Claim", "#e6194b", ""),
    GradedLabel(2, "Evidence", "#3cb44b", ""),
)


@st.composite
def claims(draw: st.DrawFn) -> tuple[Claim, ...]:
    found = draw(
        st.sets(
            st.tuples(
                st.integers(1, 2),  # document
                st.integers(1, 2),  # label
                st.integers(0, 60),  # start
                st.integers(1, 15),  # length
            ),
            max_size=12,
        )
    )
    return tuple(
        Claim(doc, label, LABELS[label - 1].name, start, start + length, "")
        for doc, label, start, length in sorted(found)
    )


def graded(mine: tuple[Claim, ...], key: tuple[Claim, ...], tolerance: int | None) -> StudentGrades:
    return grade_student(1, "S", "S", "", datetime(2026, 1, 1), 0, mine, key, LABELS, tolerance)


@settings(max_examples=300, deadline=None)
@given(claims(), claims(), st.sampled_from([None, 0, 2, 5]))
def test_every_span_is_accounted_for_once(
    mine: tuple[Claim, ...], key: tuple[Claim, ...], tolerance: int | None
) -> None:
    result = graded(mine, key, tolerance)
    for scores in (result.exact, result.overlap):
        assert scores.tp + scores.fp == len(mine)
        assert scores.tp + scores.fn == len(key)
        assert 0.0 <= scores.precision <= 1.0 and 0.0 <= scores.f1 <= 1.0
    assert result.overlap.tp >= result.exact.tp
    # Each key span is matched, mislabelled or missed, exactly one of them; same for the student.
    matched_key = result.overlap.tp
    assert matched_key + len(result.wrong_label) + len(result.missed) == len(key)
    assert result.overlap.tp + len(result.wrong_label) + len(result.extra) == len(mine)
    assert len(result.boundary) == result.overlap.tp - result.exact.tp
    for student, truth in result.boundary:
        assert student.label_id == truth.label_id and student.document_id == truth.document_id
        assert min(student.end, truth.end) > max(student.start, truth.start)
        if tolerance is not None:
            assert abs(student.start - truth.start) <= tolerance
            assert abs(student.end - truth.end) <= tolerance
    for student, truth in result.wrong_label:
        assert student.label_id != truth.label_id and student.document_id == truth.document_id
    # Per-label counts add up to the totals.
    assert sum(g.exact.tp for g in result.labels) == result.exact.tp
    assert sum(g.overlap.fn for g in result.labels) == result.overlap.fn


@settings(max_examples=100, deadline=None)
@given(claims())
def test_the_key_graded_against_itself_is_perfect(key: tuple[Claim, ...]) -> None:
    result = graded(key, key, 0)
    assert result.exact.f1 == result.overlap.f1 == 1.0
    assert not (result.missed or result.extra or result.boundary or result.wrong_label)


def test_the_pair_sharing_most_characters_wins() -> None:
    key = (Claim(1, 1, "Claim", 0, 10, ""), Claim(1, 1, "Claim", 12, 30, ""))
    mine = (Claim(1, 1, "Claim", 8, 28, ""),)  # shares 2 with the first, 16 with the second
    result = graded(mine, key, None)
    assert [(k.start, k.end) for _, k in result.boundary] == [(12, 30)]
    assert [(k.start, k.end) for k in result.missed] == [(0, 10)]
