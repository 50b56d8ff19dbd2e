"""What a search looks for, and where it is in one text: pure matching, no project.

A query is turned into one regular expression for the ``regex`` module (Unicode classes, and a
timeout against patterns that backtrack for ever). Offsets are code points of the stored text.

Decisions about awkward text (the stored text is NFC with ``\\n`` line ends, see core/text):
- the query is NFC too, and its line ends are ``\\n``: "café" typed either way finds "café"
  stored either way (import composed "cafe\\u0301" into "café"); "cafe" does not find "café";
- a hit never starts on a combining mark nor stops before one: "q" does not find the "q" of
  "q\\u0301" (no precomposed form exists), so a hit never cuts a character in two;
- in a word or phrase search any run of spaces in the query matches any run of white space in
  the text, line breaks included (a phrase broken across lines is found);
- "whole word" means no letter, digit, mark or underscore just before or after the hit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import regex

from claimdesk.core.errors import ClaimdeskError

# How long one document's matching may take before the pattern is refused (catastrophic
# backtracking such as (a+)+b): seconds.
MATCH_TIMEOUT = 1.0
QUERY_MAX = 1000
_WORD = r"[\p{L}\p{N}\p{M}\p{Co}_]"


class SearchError(ClaimdeskError):
    """A query that cannot run, said in a sentence."""


@dataclass(frozen=True)
class Query:
    text: str
    is_regex: bool = False
    whole_word: bool = False
    case_sensitive: bool = False


@dataclass(frozen=True)
class Literal:
    """Text every hit contains; ``bounded_*``: whether a word boundary is sure to be at that
    end (the index may then look for whole words or word starts)."""

    text: str
    bounded_start: bool
    bounded_end: bool


@dataclass(frozen=True)
class Compiled:
    query: Query
    pattern: Any  # a compiled ``regex`` pattern
    literals: tuple[Literal, ...]


def normalise_query(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def compile_query(query: Query) -> Compiled:
    """The pattern a query runs as, or a ``SearchError`` saying what is wrong with it."""
    text = normalise_query(query.text)
    if not text.strip():
        raise SearchError("Type something to search for.")
    if len(text) > QUERY_MAX:
        raise SearchError(f"A search is at most {QUERY_MAX} characters long.")
    if query.is_regex:
        body = text
        literals = _regex_literals(text, query.case_sensitive)
    else:
        words = text.split()
        body = r"\s+".join(regex.escape(word) for word in words)
        literals = tuple(
            Literal(
                word,
                bounded_start=i > 0 or query.whole_word,
                bounded_end=i < len(words) - 1 or query.whole_word,
            )
            for i, word in enumerate(words)
        )
    if query.whole_word:
        left, right = f"(?<!{_WORD})", f"(?!{_WORD})"
    else:
        left = "" if unicodedata.category(text.lstrip()[0]).startswith("M") else r"(?!\p{M})"
        right = r"(?!\p{M})"
    flags = regex.VERSION0 | (0 if query.case_sensitive else regex.IGNORECASE)
    try:
        regex.compile(body, flags)  # its own error positions are the user's
        pattern = regex.compile(f"{left}(?:{body}){right}", flags)
    except regex.error as exc:
        raise SearchError(f"This regular expression cannot be read: {exc}.") from exc
    return Compiled(query, pattern, literals)


def find(compiled: Compiled, text: str) -> list[tuple[int, int]]:
    """The hits in ``text`` as ``(start, end)`` code points, in order; empty matches skipped."""
    try:
        return [
            match.span()
            for match in compiled.pattern.finditer(text, timeout=MATCH_TIMEOUT)
            if match.end() > match.start()
        ]
    except TimeoutError as exc:
        raise SearchError(
            "This regular expression takes too long on one document (it backtracks a great "
            "deal); make it more specific, for example without nested repeats like (a+)+."
        ) from exc


def _regex_literals(text: str, case_sensitive: bool) -> tuple[Literal, ...]:
    """The runs of plain characters a regular expression requires at its top level (outside
    any group, repeat or alternative), for the index to narrow the search; none when unsure.

    A run next to ``\\b``, ``^``, ``$``, ``\\A`` or ``\\Z`` is known to sit at a word
    boundary there."""
    constants: Any = re._constants  # type: ignore[attr-defined]
    parser: Any = re._parser  # type: ignore[attr-defined]
    try:
        items = list(parser.parse(text, 0 if case_sensitive else re.IGNORECASE))
    except (re.error, OverflowError, RecursionError):
        return ()  # a form only the regex module reads: no narrowing, still correct
    edges = {
        constants.AT_BOUNDARY,
        constants.AT_BEGINNING,
        constants.AT_BEGINNING_STRING,
        constants.AT_END,
        constants.AT_END_STRING,
    }
    literals: list[Literal] = []
    run: list[str] = []
    bounded_start = previous_edge = False
    for op, argument in items:
        if op is constants.LITERAL:
            if not run:
                bounded_start = previous_edge
            run.append(chr(argument))
            continue
        edge = op is constants.AT and argument in edges
        if run:
            literals.append(Literal("".join(run), bounded_start, edge))
            run = []
        previous_edge = edge
    if run:
        literals.append(Literal("".join(run), bounded_start, False))
    return tuple(literals)
