"""Awkward documents for the exchange formats (UIMA XMI, W3C, REFI-QDA) tests."""

from __future__ import annotations

from claimdesk.core.formats.base import DocumentOut, MemorySource, SpanOut
from claimdesk.core.records import LabelRecord

# Times as the project stores them: ISO text in UTC, without an offset.
WHEN = "2026-03-04 05:06:07.000000"
LATER = "2026-03-05 08:00:00.000000"

# Emoji and CJK outside the BMP first (UTF-16 and code points disagree after them), a
# combining accent, HTML- and formula-looking text, CRLF line endings kept as given.
TEXT_1 = "😀𠀋 said: Cafe\u0301 prices rose 5%.\r\n<b>Bold</b>&amp; =SUM(A1) was quoted.\r\nEnd."
TEXT_2 = "Second article. 税金が上がった。 Nothing else 🙂."

LABELS = [
    LabelRecord(1, "Factual claim", "#E6194B", "A checkable statement", position=0),
    LabelRecord(2, "主张 (opinion)", "#3cb44b", "", parent_id=1, position=1),
    LabelRecord(3, "<b>x</b>&amp;", "#4363D8", "=SUM(A1)", position=2),
]


def _span(
    ident: int, text: str, start: int, end: int, label: str, who: str, note: str = ""
) -> SpanOut:
    return SpanOut(ident, start, end, label, who, note, text[start:end], WHEN, LATER)


def awkward_source(project: str = "Claims & <co>") -> MemorySource:
    """Two documents, two annotators, overlapping and adjacent spans, awkward labels and notes."""
    quote_start = TEXT_1.index("Cafe")
    bold = TEXT_1.index("<b>")
    doc1 = DocumentOut(
        id=7,
        title="Prices <i>rise</i> 😀",
        source="https://news.example/a?x=1&y=2",
        date="2026-03-01",
        meta={},
        text=TEXT_1,
        spans=[
            _span(1, TEXT_1, 0, 2, "Factual claim", "ana", "emoji + 𠀋\r\nsecond line"),
            _span(2, TEXT_1, quote_start, quote_start + 5, "主张 (opinion)", "ana", "=SUM(A1)"),
            _span(3, TEXT_1, quote_start, TEXT_1.index("%") + 1, "Factual claim", "Bo Ødegård"),
            _span(4, TEXT_1, bold, bold + 11, "<b>x</b>&amp;", "Bo Ødegård", "<script>x</script>"),
            _span(5, TEXT_1, bold + 11, bold + 24, "Factual claim", "ana"),
        ],
    )
    start2 = TEXT_2.index("税金")
    doc2 = DocumentOut(
        id=9,
        title="Second",
        source="",
        date="",
        meta={},
        text=TEXT_2,
        spans=[_span(6, TEXT_2, start2, start2 + 7, "主张 (opinion)", "ana")],
    )
    return MemorySource(project, list(LABELS), ["ana", "Bo Ødegård"], [doc1, doc2])


def expected_spans(source: MemorySource) -> dict[str, set[tuple[int, int, str, str, str, str]]]:
    """title -> {(start, end, label, annotator, note, quote)} of the source."""
    return {
        doc.title: {(s.start, s.end, s.label, s.annotator, s.note, s.quote) for s in doc.spans}
        for doc in source.docs
    }


def utf16(text: str, index: int) -> int:
    """The UTF-16 code unit offset of a code point index."""
    return len(text[:index].encode("utf-16-le")) // 2


def with_wrong_quote(source: MemorySource) -> MemorySource:
    """The source with one span whose stored quote no longer matches the text under it."""
    doc = source.docs[1]
    span = doc.spans[0]
    wrong = SpanOut(span.id, span.start, span.end, span.label, span.annotator, span.note,
                    "something else", span.created, span.updated)  # fmt: skip
    source.docs[1] = DocumentOut(doc.id, doc.title, doc.source, doc.date, doc.meta, doc.text,
                                 [wrong])  # fmt: skip
    return source
