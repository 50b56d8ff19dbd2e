"""Reading order from positioned text: columns, headlines across them, paragraphs, hyphens and
running lines, on pieces placed by hand (the PDF tests check the same on real files)."""

from __future__ import annotations

import pytest

from claimdesk.core.text.extract.pdf_layout import (
    Piece,
    Removed,
    paragraphs,
    remove_running_lines,
    rows_of,
)

SIZE, PITCH = 10.0, 12.0


def column(lines: list[str], x: float = 50.0, top: float = 700.0) -> list[Piece]:
    """One piece per line, one line below the other; "" leaves a paragraph's gap."""
    pieces, y = [], top
    for line in lines:
        if line:
            pieces.append(Piece(x=x, y=y, size=SIZE, text=line))
            y -= PITCH
        else:
            y -= PITCH * 0.8
    return pieces


def read(*pages: list[Piece]) -> list[str]:
    return paragraphs([rows_of(pieces) for pieces in pages])


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["relations move toward full nor-", "malization."], "full normalization."),
        (["relations move toward full nor\u00ad", "malization."], "full normalization."),
        (["fierce clashes along the Sino-", "Soviet border."], "the Sino-Soviet border."),
        (["missiles of the class SS-", "20 were destroyed."], "class SS-20 were destroyed."),
        (["a deal with the United States -", "a $256.8 million deal."], "States - a $256.8"),
        (["so-called high-", "level talks, then high-level trade."], "so-called high-level talks"),
        (["more military co-", "operation, and cooperation."], "military cooperation, and"),
        (["more military co-", "operation, and co-operation."], "military co-operation, and"),
        (["the war—", "and after it"], "the war—and after it"),
        (["the war —", "and after it"], "the war — and after it"),
    ],
    ids=[
        "broken-word",
        "soft-hyphen",
        "capital-after-hyphen",
        "digit-after-hyphen",
        "spaced-dash",
        "compound-written-elsewhere",
        "joined-written-elsewhere",
        "hyphenated-written-elsewhere",
        "em-dash",
        "spaced-em-dash",
    ],
)
def test_lines_of_a_paragraph_are_joined_as_the_words_are_written(
    lines: list[str], expected: str
) -> None:
    (text,) = read(column(lines))

    assert expected in text
    assert "\n" not in text


def test_columns_are_read_one_after_the_other_below_a_headline_drawn_across_them() -> None:
    headline = [
        Piece(x=50, y=760, size=18, text="Beijing and Moscow"),
        Piece(x=230, y=760, size=18, text=" mend ties after"),
        Piece(x=400, y=760, size=18, text=" thirty years"),
    ]
    names = ("One", "Two", "Three")
    pieces = list(headline)
    for name, x in zip(names, (50, 220, 390), strict=True):
        pieces += column([f"Column {name} begins with a full line", "and ends."], x=x)
        pieces += column([f"Column {name} has a second paragraph", "too."], x=x, top=670)

    text = read(pieces)

    assert text == [
        "Beijing and Moscow mend ties after thirty years",
        *(
            paragraph
            for name in names
            for paragraph in (
                f"Column {name} begins with a full line and ends.",
                f"Column {name} has a second paragraph too.",
            )
        ),
    ]


def test_each_bulleted_item_is_a_paragraph_of_its_own() -> None:
    lines = [
        "Three points were agreed:",
        "• fewer troops on the border,",
        "• more trade across it,",
    ]
    lines += ["and regular talks.", "• a summit in May."]

    assert read(column(lines)) == [
        "Three points were agreed:",
        "• fewer troops on the border,",
        "• more trade across it, and regular talks.",
        "• a summit in May.",
    ]


def test_indented_first_lines_start_paragraphs_when_there_is_no_space_between_them() -> None:
    lines = [
        Piece(x=65, y=700, size=SIZE, text="The first paragraph has a first line"),
        Piece(x=50, y=688, size=SIZE, text="and a second line that ends it."),
        Piece(x=65, y=676, size=SIZE, text="The second paragraph starts indented"),
        Piece(x=50, y=664, size=SIZE, text="and ends here."),
    ]

    assert read(lines) == [
        "The first paragraph has a first line and a second line that ends it.",
        "The second paragraph starts indented and ends here.",
    ]


def test_a_paragraph_runs_on_over_a_page_break_and_a_short_last_line_ends_one() -> None:
    full = "a line as long as the other lines in this text"
    page_one = column([f"It began with {full}", full, f"{full} and"])
    # A full line ending a sentence at the foot of a page: the paragraph most likely goes on.
    page_two = column([f"runs on: {full}", f"{full}."])
    page_three = column([f"Then it goes on: {full}", "and ends here."])
    page_four = column([f"A new paragraph starts: {full}", "and ends."])

    text = read(page_one, page_two, page_three, page_four)

    assert text == [
        f"It began with {full} {full} {full} and runs on: {full} {full}. Then it goes on: {full}"
        " and ends here.",
        f"A new paragraph starts: {full} and ends.",
    ]


BODY = [
    "Soviet shoppers snap up basic consumer goods.",
    "Hundreds of trade delegations visit the northeast.",
    "Chinese soldiers hosted Soviet troops not long ago.",
    "Beijing has assured Moscow of its neutrality.",
]


def test_lines_repeated_at_the_top_or_bottom_of_the_pages_are_left_out() -> None:
    def page(number: int) -> list[Piece]:
        odd = number % 2
        header = "Sino-Soviet relations" if odd else "The Monitor, March 1989"
        return [
            Piece(x=50, y=800, size=8, text=header),
            *column([BODY[number - 1]]),
            Piece(x=290, y=40, size=8, text=f"Page {number} of 4"),
        ]

    kept, removed = remove_running_lines([rows_of(page(n)) for n in range(1, 5)])

    assert [[row[0].text for row in rows] for rows in kept] == [[line] for line in BODY]
    assert removed == [
        Removed("running header", "Sino-Soviet relations", 2),
        Removed("running header", "The Monitor, March 1989", 2),
        Removed("page numbers", "Page 1 of 4", 4),
    ]


def test_a_chapter_heading_repeated_on_three_pages_of_many_is_a_running_header() -> None:
    words = [
        "Alpha",
        "Bravo",
        "Charlie",
        "Delta",
        "Echo",
        "Foxtrot",
        "Golf",
        "Hotel",
        "India",
        "Juliett",
        "Kilo",
        "Lima",
    ]
    pages = []
    for number, word in enumerate(words, start=1):
        header = "Chapter 2: The thaw" if number in (4, 5, 6) else f"Part {word}"
        pages.append([Piece(x=50, y=800, size=8, text=header), *column([f"{word} text."])])

    kept, removed = remove_running_lines([rows_of(pieces) for pieces in pages])

    assert removed == [Removed("running header", "Chapter 2: The thaw", 3)]
    assert [len(rows) for rows in kept] == [2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2]


def test_a_single_page_keeps_everything_since_nothing_repeats() -> None:
    pieces = [
        Piece(x=50, y=800, size=8, text="The Monitor"),
        *column(["The only paragraph."]),
        Piece(x=290, y=40, size=8, text="1"),
    ]

    kept, removed = remove_running_lines([rows_of(pieces)])

    assert removed == []
    assert paragraphs(kept) == ["The Monitor", "The only paragraph.", "1"]
