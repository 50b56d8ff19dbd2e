"""The shared checks for names and free texts refuse what cannot be stored or shown safely."""

from __future__ import annotations

from claimdesk.core.limits import (
    LABEL_NAME_MAX,
    first_free_name,
    is_gold_name_in_a_file,
    name_problem,
    printable,
    printable_path,
    text_problem,
)


def test_a_plain_name_with_emoji_cjk_and_accents_is_fine() -> None:
    assert name_problem("Arms embargo 🔫 𠀋 e\u0301", "label name", LABEL_NAME_MAX) is None


def test_lone_surrogates_controls_bidi_and_length_are_named() -> None:
    assert "surrogate" in (name_problem("a\ud800b", "label name", 200) or "")
    assert "control" in (name_problem("a\x1b[2Jb", "annotator name", 200) or "")
    assert "right-to-left" in (name_problem("abc\u202egpj.exe", "student name", 200) or "")
    problem = name_problem("x" * 100_000, "label name", 200)
    assert problem == "the label name is 100,000 characters long; the limit is 200"


def test_notes_keep_line_breaks_but_not_surrogates() -> None:
    assert text_problem("line one\nline two\r\n", "note", 100) is None
    assert "surrogate" in (text_problem("bad \udc80", "note", 100) or "")


def test_gold_in_a_dataset_file_is_recognised_in_any_case_and_spacing() -> None:
    assert is_gold_name_in_a_file(" GOLD ")
    assert is_gold_name_in_a_file("gold")
    assert is_gold_name_in_a_file("Gold  (curated)") and is_gold_name_in_a_file("Gold (curated 2)")
    assert not is_gold_name_in_a_file("Goldberg")
    assert not is_gold_name_in_a_file("Gold (S9)")


def test_printable_escapes_what_a_terminal_would_obey() -> None:
    shown = printable("Ann\x1b[31m\u202eevil\ud800")
    assert "\x1b" not in shown and "\u202e" not in shown and "\ud800" not in shown
    assert shown == "Ann\\x1b[31m\\u202eevil\\ud800"
    assert printable("y" * 500, limit=10) == "y" * 9 + "…"


def test_a_file_name_that_is_not_utf8_shows_its_bytes_and_never_a_surrogate() -> None:
    name = b"caf\xe9 \x1b[31m.txt".decode("utf-8", "surrogateescape")
    shown = printable_path(f"/tmp/{name}")
    assert shown == "/tmp/caf\\xe9 \\x1b[31m.txt"
    shown.encode("utf-8")  # storable as UTF-8
    assert printable_path("a\u202egpj.txt") == "a\\u202egpj.txt"
    assert printable_path("lone \ud800") == "lone \\ud800"


def test_the_first_free_name_comes_from_an_endless_list_and_may_ignore_case() -> None:
    from itertools import chain, count

    names = lambda: chain(["Ann", "Ann – Week 1"], (f"Ann – Week 1 #{n}" for n in count(2)))  # noqa: E731
    assert first_free_name(names(), set()) == "Ann"
    assert first_free_name(names(), {"Ann"}) == "Ann – Week 1"
    taken = {"ann", "ann – week 1", "ann – week 1 #2"}
    assert first_free_name(names(), taken) == "Ann"  # compared as written
    assert first_free_name(names(), taken, str.casefold) == "Ann – Week 1 #3"
