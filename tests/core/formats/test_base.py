"""The read-back check every exporter ends with: what was written against what was read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from claimdesk.core.formats.base import ExportReport, FormatError, SpanDigest, utc_timestamp, verify

A = ("Ana", "Factual claim", 0, 2, "😀𠀋")
B = ("Ana", "主张 opinion", 3, 9, "Cafe\u0301 ")
C = ("Bo", "<b>x</b>&amp;", 3, 9, "Cafe\u0301 ")


def test_order_of_spans_and_of_pieces_does_not_matter(tmp_path: Path) -> None:
    written, read = SpanDigest(), SpanDigest()
    written.add("1", [A, B])
    written.add("1", [C])  # a second piece of the same document (another annotator)
    read.add("1", [C, B])
    read.add("1", [A])
    report = ExportReport("x", tmp_path / "x")
    verify(report, written, read)
    assert report.verified


@pytest.mark.parametrize(
    "found",
    [
        [A, ("Ana", "主张 opinion", 4, 9, "afe\u0301 ")],  # shifted by one
        [A, ("Ana", "主张 opinion", 3, 9, "Cafe ")],  # quote read back differently
        [A, B, B],  # one span twice
        [A],  # one lost
    ],
)
def test_a_difference_names_the_document(tmp_path: Path, found: list[tuple]) -> None:
    written, read = SpanDigest(), SpanDigest()
    written.add("doc 1", [A, B])
    written.add("doc 2", [C])
    read.add("doc 1", found)
    read.add("doc 2", [C])
    report = ExportReport("x", tmp_path / "x")
    with pytest.raises(FormatError, match="1 document") as caught:
        verify(report, written, read)
    assert "doc 1" in str(caught.value) and "doc 2" not in str(caught.value)
    assert not report.verified


def test_a_document_missing_from_the_file_is_a_difference(tmp_path: Path) -> None:
    written, read = SpanDigest(), SpanDigest()
    written.add("1", [])
    with pytest.raises(FormatError, match="1"):
        verify(ExportReport("x", tmp_path / "x"), written, read)


def test_times_are_written_in_utc_to_the_second() -> None:
    stored = datetime.fromisoformat("2026-03-04 05:06:07.999999")  # as the project holds it
    assert utc_timestamp(stored) == "2026-03-04T05:06:07Z"
    kyiv = datetime(2026, 3, 4, 7, 6, 7, tzinfo=timezone(timedelta(hours=2)))
    assert utc_timestamp(kyiv) == utc_timestamp(kyiv.astimezone(UTC)) == "2026-03-04T05:06:07Z"
