"""Reading order out of positioned text: PDF pieces of text become paragraphs a reader would see.

Pure geometry on what ``pdf.py`` reads with pypdf, so it can be tested without a PDF: pieces are
grouped into rows by their baseline, rows that repeat at the top or bottom of the pages
(running headers and footers, page numbers) are left out, each page is split into columns where
lines start at the same place beside other lines, the columns are read one after the other, and
lines become paragraphs where the spacing, the indent or the length of a line says so, with words
broken at line ends joined again.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Piece", "Removed", "paragraphs", "remove_running_lines"]

# Narrower than a line of real text (Helvetica averages ~0.42 em a character with its spaces,
# narrow i, l and quotes; CJK 1 em), so an estimated width never makes a line of one column reach
# into the next; a headline across the page still reaches well past it.
_MIN_EM_PER_CHAR = 0.3
# A column is at least this many ems wide; starts closer than that are indents or lists.
_MIN_COLUMN_EMS = 8
_SENTENCE_END = tuple(".!?…:;\"”’'»)]")
_HEADER_ROWS = 2
_BULLETS = tuple("•◦▪▫●○■□►▸‣⁃")
# Points: a running line is drawn at the same height on every page.
_SAME_HEIGHT = 3.0
_PAGE_NUMBER = re.compile(r"(?:page|p\.|seite|página|pagina)? ?# ?(?:(?:of|/|von|de|di) ?#)?")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Piece:
    """Text drawn at one place: left end of its baseline in points (y grows upwards) and the
    font size in points as drawn."""

    x: float
    y: float
    size: float
    text: str


@dataclass(frozen=True)
class Removed:
    """A line repeated at the top or bottom of the pages, left out of the text."""

    what: str  # "running header", "running footer" or "page numbers"
    text: str  # as on the first page it was seen on
    pages: int


@dataclass
class _Line:
    text: str
    x: float
    y: float
    size: float
    indent: float  # from the left edge of its column
    follows: bool  # directly below the line before it in the same column: spacing means something


Row = list[Piece]


def rows_of(pieces: Sequence[Piece]) -> list[Row]:
    """Pieces grouped by baseline, top row first, each row left to right."""
    rows: list[Row] = []
    for piece in sorted(pieces, key=lambda p: (-p.y, p.x)):
        if rows and abs(rows[-1][0].y - piece.y) <= 0.35 * min(rows[-1][0].size, piece.size):
            rows[-1].append(piece)
        else:
            rows.append([piece])
    for row in rows:
        row.sort(key=lambda p: p.x)
    return rows


def remove_running_lines(pages: list[list[Row]]) -> tuple[list[list[Row]], list[Removed]]:
    """Leave out rows among the first or last two of a page that repeat, digits aside, at the
    same height on at least three pages, or on two when that is a third of the pages with text."""
    seen: dict[tuple[str, str], dict[int, Row]] = {}
    for number, rows in enumerate(pages):
        for zone, row in _edge_rows(rows):
            seen.setdefault((zone, _row_key(row)), {}).setdefault(number, row)
    with_text = sum(1 for rows in pages if rows)
    drop: set[int] = set()
    removed: list[tuple[int, Removed]] = []
    for (zone, key), found in seen.items():
        height = statistics.median(row[0].y for row in found.values())
        rows = [row for row in found.values() if abs(row[0].y - height) <= _SAME_HEIGHT]
        # A chapter's running head may repeat on a few pages of a long document only.
        if not key or len(rows) < 2 or (3 * len(rows) < with_text and len(rows) < 3):
            continue
        drop.update(id(row) for row in rows)
        if _PAGE_NUMBER.fullmatch(re.sub(r"[^\w#/ .]+", "", key).strip(" .")):
            what = "page numbers"
        else:
            what = "running header" if zone == "top" else "running footer"
        removed.append((len(removed), Removed(what, _row_text(rows[0]), len(rows))))
    kept = [[row for row in rows if id(row) not in drop] for rows in pages]
    order = {"running header": 0, "running footer": 1, "page numbers": 2}
    return kept, [r for _, r in sorted(removed, key=lambda item: (order[item[1].what], item[0]))]


def paragraphs(pages: list[list[Row]]) -> list[str]:
    """The pages' rows (running lines already removed) as paragraphs in reading order."""
    # A page where a column holds only a line or two (the end of the article) is read with the
    # columns the other pages show.
    known = sorted({start for rows in pages for start in _column_starts(rows)[1:]})
    lines = [line for rows in pages for line in _page_lines(rows, known)]
    if not lines:
        return []
    words, compounds = _vocabulary(lines)
    spacing = _typical_spacing(lines)
    lengths = _typical_lengths(lines)
    result: list[list[str]] = [[lines[0].text]]
    for above, line in itertools.pairwise(lines):
        if _starts_paragraph(above, line, spacing, lengths):
            result.append([line.text])
        else:
            result[-1].append(line.text)
    return [_join(part, words, compounds) for part in result]


def _edge_rows(rows: list[Row]) -> list[tuple[str, Row]]:
    top = [("top", row) for row in rows[:_HEADER_ROWS]]
    bottom = [("bottom", row) for row in rows[-_HEADER_ROWS:] if all(row is not r for _, r in top)]
    return top + bottom


def _row_text(row: Row) -> str:
    return " ".join(" ".join(p.text for p in row).split())


def _row_key(row: Row) -> str:
    return re.sub(r"\d+", "#", _row_text(row).casefold())


def _page_lines(rows: list[Row], known: list[float]) -> list[_Line]:
    """The lines of one page in reading order: bands of rows between rows that span the
    columns, each band read column by column."""
    starts = _column_starts(rows, known)
    size = _body_size(rows)
    lines: list[_Line] = []
    band: list[Row] = []

    def flush() -> None:
        for column, start in enumerate(starts):
            follows = False
            for row in band:
                mine = [p for p in row if _column(p.x, starts) == column]
                if mine:
                    lines.append(_line(mine, start, follows))
                    follows = True
        band.clear()

    spanning_before = False
    for row in rows:
        if len(starts) > 1 and _spans(row, starts, size):
            flush()
            lines.append(_line(row, row[0].x, spanning_before))
            spanning_before = True
        else:
            band.append(row)
            spanning_before = False
    flush()
    return [line for line in lines if line.text]


def _line(pieces: Row, column_start: float, follows: bool) -> _Line:
    text = ""
    for piece in pieces:
        part = _CONTROLS.sub("", piece.text.replace("\n", " ")).translate(_LIGATURES)
        text += part
    first = pieces[0]
    return _Line(
        text=" ".join(text.split()),
        x=first.x,
        y=first.y,
        size=max(p.size for p in pieces),
        indent=first.x - column_start,
        follows=follows,
    )


def _body_size(rows: list[Row]) -> float:
    sizes = Counter[float]()
    for row in rows:
        for piece in row:
            sizes[round(piece.size, 1)] += len(piece.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _column_starts(rows: list[Row], known: Sequence[float] = ()) -> list[float]:
    """Left edges of the page's columns: the leftmost text, then each place right of it where
    most of the rows that have text there start a piece beside text in the column before (three
    rows at least, or one where another page has a column starting there)."""
    if not rows:
        return [0.0]
    size = _body_size(rows)
    tol, wide = 0.3 * size, _MIN_COLUMN_EMS * size
    # Places where pieces start, each with the rows starting one there; counted per place and
    # row once, so a page of many small pieces costs places x rows, not places x pieces.
    placed = sorted((p.x, number) for number, row in enumerate(rows) for p in row)
    places: list[tuple[float, set[int]]] = []
    for x, number in placed:
        if places and x - places[-1][0] <= tol:
            places[-1][1].add(number)
        else:
            places.append((x, {number}))
    left = [min(p.x for p in row) for row in rows]
    reach = [max(max(p.x + tol, _end(p)) for p in row) for row in rows]
    starts = [placed[0][0]]
    for at, starting in places:
        least = 1 if any(abs(at - start) <= tol for start in known) else 3
        if len(starting) < least or at < starts[-1] + wide:
            continue
        beside = sum(1 for number in starting if left[number] < at - wide)
        reaching = sum(1 for far in reach if far >= at)
        if beside >= 1 and len(starting) >= 0.6 * reaching:
            starts.append(at)
    return starts


def _end(piece: Piece) -> float:
    """Where the piece's text ends at the least (see _MIN_EM_PER_CHAR)."""
    leading = len(piece.text) - len(piece.text.lstrip())
    return piece.x + _MIN_EM_PER_CHAR * piece.size * (len(piece.text.strip()) + leading)


def _column(x: float, starts: list[float]) -> int:
    column = 0
    for i, start in enumerate(starts):
        if x >= start - 2.0:
            column = i
    return column


def _spans(row: Row, starts: list[float], size: float) -> bool:
    """A row that runs across the gap between columns (a headline, a wide quote)."""
    columns = {_column(piece.x, starts) for piece in row}
    if len(columns) > 1 and max(piece.size for piece in row) > 1.2 * size:
        return True  # a headline drawn in pieces, each over a column
    for piece in row:
        column = _column(piece.x, starts)
        if column + 1 < len(starts) and _end(piece) > starts[column + 1]:
            return True
    for column in range(1, len(starts)):
        mine = [p for p in row if _column(p.x, starts) == column]
        if mine and mine[0].x - starts[column] > 4 * size:
            return True
    return False


def _typical_spacing(lines: list[_Line]) -> float:
    """Baseline to baseline distance inside a paragraph, in ems (the most common one)."""
    gaps = [
        round((above.y - line.y) / line.size, 2)
        for above, line in itertools.pairwise(lines)
        if line.follows and _same_size(above, line) and above.y > line.y
    ]
    return statistics.median_low(gaps) if gaps else 1.2


def _typical_lengths(lines: list[_Line]) -> dict[float, float]:
    """The median length in characters of a line of each font size (most lines are full)."""
    by_size: dict[float, list[int]] = {}
    for line in lines:
        by_size.setdefault(round(line.size, 1), []).append(len(line.text))
    return {size: statistics.median(lengths) for size, lengths in by_size.items()}


def _same_size(a: _Line, b: _Line) -> bool:
    return abs(a.size - b.size) <= 0.1 * max(a.size, b.size)


def _starts_paragraph(
    above: _Line, line: _Line, spacing: float, lengths: dict[float, float]
) -> bool:
    if not _same_size(above, line) or line.text.startswith(_BULLETS):
        return True
    ends_sentence = above.text.endswith(_SENTENCE_END)
    if ends_sentence and line.indent - max(above.indent, 0.0) > 0.8 * line.size:
        return True
    if line.follows:
        return (above.y - line.y) / line.size > 1.35 * spacing
    # The first line of a new column or page: nothing to measure but the line before it.
    if line.text[:1].islower() or above.text.endswith("-"):
        return False
    return ends_sentence and len(above.text) < 0.8 * lengths[round(above.size, 1)]


def _vocabulary(lines: list[_Line]) -> tuple[set[str], set[str]]:
    words: set[str] = set()
    compounds: set[str] = set()
    for line in lines:
        for word in _WORD.findall(line.text.casefold()):
            (compounds if "-" in word else words).add(word)
    return words, compounds


def _join(lines: list[str], words: set[str], compounds: set[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        text = _join_two(text, line, words, compounds)
    return text


def _join_two(text: str, line: str, words: set[str], compounds: set[str]) -> str:
    if text.endswith("\u00ad"):  # a soft hyphen is only ever a line-end break
        return text[:-1] + line
    if text.endswith(("-", "\u2010")) and text[-2:-1].isalpha() and line[:1].isalnum():
        if not line[:1].islower():
            return text + line  # Sino-/Soviet, SS-/20: a real hyphen before a capital
        head = re.findall(r"[^\W\d_]+$", text[:-1])[0].casefold()
        tail = re.findall(r"^[^\W\d_]+", line)[0].casefold()
        # Keep the hyphen when the document writes the word with one elsewhere; otherwise the
        # hyphen was the typesetter's.
        if f"{head}-{tail}" in compounds and head + tail not in words:
            return text + line
        return text[:-1] + line
    if text.endswith(("—", "/")) and not text[-2:-1].isspace():
        return text + line  # war—/and: a dash set close, as it was written
    return f"{text} {line}"
