"""Sane bounds and checks for the short texts people type or files bring: names, labels, notes.

One place for them, so the window, the command line and every importer refuse the same things
with the same words: a lone surrogate (it cannot be stored as UTF-8), control characters and
bidirectional overrides in a name (they rewrite a terminal line or a file name), and lengths no
one types by hand. `printable` shows any such text safely in a message or a file name.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections.abc import Callable, Container, Iterable

# Lengths in characters (code points). The name columns are String(200) in the schema.
LABEL_NAME_MAX = 200
ANNOTATOR_NAME_MAX = 200
STUDENT_ID_MAX = 200
TITLE_MAX = 500
NOTE_MAX = 20_000
DESCRIPTION_MAX = 20_000

# The gold set is marked in the project (annotator.is_gold), so a person may be called Gold. A
# dataset file carries no such mark: its "Gold" (or "Gold (curated)", the name a gold set gets
# beside a person called Gold) may be an exported gold set, which would then count as a person,
# so importing annotations refuses those names (compared after trimming and folding case).
GOLD_NAMES_IN_FILES = re.compile(r"gold(?: \(curated(?: [0-9]+)?\))?")

# Explicit directional formatting characters (embeddings, overrides, isolates) and marks that
# reorder what a terminal or a file manager shows.
_BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def has_surrogates(text: str) -> bool:
    """A lone surrogate (from a broken JSON escape or a non-UTF-8 file name) cannot be saved."""
    return any("\ud800" <= c <= "\udfff" for c in text)


def has_controls(text: str) -> bool:
    """Control characters (terminal escapes, NUL, newlines) have no place in a name or title."""
    return any(unicodedata.category(c) == "Cc" for c in text)


def has_bidi_controls(text: str) -> bool:
    return any(c in _BIDI_CONTROLS for c in text)


def name_problem(value: str, what: str, limit: int) -> str | None:
    """Why `value` cannot be a name (label, annotator, student, title), or None if it can.

    `what` is the user's word for it ("label name", "annotator name"); the reason is a phrase
    that completes "the <what> ...".
    """
    if has_surrogates(value):
        return _surrogate_problem(value, what)
    if has_controls(value):
        return f"the {what} holds control characters"
    if has_bidi_controls(value):
        return f"the {what} holds right-to-left override or embedding characters"
    if len(value) > limit:
        return f"the {what} is {len(value):,} characters long; the limit is {limit:,}"
    return None


NUL_PROBLEM = "holds a NUL character (\\x00), which cannot be stored"


def text_problem(value: str, what: str, limit: int) -> str | None:
    """Why `value` cannot be a free text (note, description), or None. Line breaks are fine."""
    if has_surrogates(value):
        return _surrogate_problem(value, what)
    if "\x00" in value:  # a file would keep it, PostgreSQL refuses it: refused alike
        return f"the {what} {NUL_PROBLEM}"
    if len(value) > limit:
        return f"the {what} is {len(value):,} characters long; the limit is {limit:,}"
    return None


def is_gold_name_in_a_file(name: str) -> bool:
    """Whether an annotator name read from a dataset file may stand for a gold set."""
    return GOLD_NAMES_IN_FILES.fullmatch(" ".join(name.split()).casefold()) is not None


def first_free_name(
    candidates: Iterable[str], taken: Container[str], key: Callable[[str], str] = str
) -> str:
    """The first candidate whose ``key`` is not in ``taken`` (candidates may be endless)."""
    return next(name for name in candidates if key(name) not in taken)


def printable(text: str, limit: int = 120) -> str:
    """`text` safe for a terminal line, a dialog or a file name: controls, bidi characters and
    lone surrogates shown as escapes, and cut to `limit` characters with an ellipsis."""
    out: list[str] = []
    for c in text:
        if c in _BIDI_CONTROLS or unicodedata.category(c) in ("Cc", "Cs"):
            out.append(f"\\u{ord(c):04x}" if ord(c) > 0xFF else f"\\x{ord(c):02x}")
        else:
            out.append(c)
    shown = "".join(out)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def printable_path(path: os.PathLike[str] | str, limit: int = 300) -> str:
    """A file path safe to show or store: bytes of a name that is not UTF-8 (which Python holds
    as surrogate escapes) shown as ``\\xe9``, then controls and bidi characters escaped as in
    `printable`."""
    raw = os.fspath(path)
    # A surrogate that is no escaped byte cannot be encoded: `printable` shows it as \udxxx.
    with contextlib.suppress(UnicodeEncodeError):
        raw = raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return printable(raw, limit)


def _surrogate_problem(text: str, what: str) -> str:
    code = next(ord(c) for c in text if "\ud800" <= c <= "\udfff")
    return f"the {what} holds an unpaired surrogate (\\u{code:04x}), not text"
