"""A label's suggestion rules (phrases and patterns from the codebook) and whole-word matching.

Rules come from files other people write, so a pattern is checked before it is used: it must
compile, stay short, and hold no nested unbounded repetition (``(a+)+``, ``(a|aa)*``…), the
shapes that make Python's backtracking matcher run for minutes on a line of text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from re import _parser as sre_parse  # type: ignore[attr-defined]  # a pattern's structure
from typing import Any

from claimdesk.core.errors import ClaimdeskError

MAX_PHRASES = 1000
MAX_PATTERNS = 100
MAX_PHRASE_CHARS = 200
MAX_PATTERN_CHARS = 300
# Repetitions bounded above this count as unbounded: (a{1,1000}){1,1000} is as slow as (a+)+.
_BIG_REPEAT = 20


class RuleError(ClaimdeskError, ValueError):
    """A rule that cannot be used; the message is a sentence for the user."""


@dataclass(frozen=True, slots=True)
class SuggestRules:
    """One label's rules: phrases matched as whole words, and regular expressions."""

    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    case: bool = False  # True: case-sensitive

    @property
    def empty(self) -> bool:
        return not self.phrases and not self.patterns

    def as_data(self) -> dict[str, Any]:
        return {"phrases": list(self.phrases), "patterns": list(self.patterns), "case": self.case}


def parse_rules(raw: Any) -> SuggestRules:
    """A codebook label's ``"suggest"`` object, checked; raises RuleError with a sentence."""
    if not isinstance(raw, dict):
        raise RuleError('"suggest" is not an object with "phrases" and "patterns"')
    unknown = sorted(set(raw) - {"phrases", "patterns", "case"})
    if unknown:
        raise RuleError(f'"suggest" has unknown key {unknown[0][:40]!r}')
    case = raw.get("case", False)
    if not isinstance(case, bool):
        raise RuleError('"suggest" has "case" that is not true or false')
    phrases = _strings(raw.get("phrases", []), "phrases", MAX_PHRASES, MAX_PHRASE_CHARS)
    patterns = _strings(raw.get("patterns", []), "patterns", MAX_PATTERNS, MAX_PATTERN_CHARS)
    for pattern in patterns:
        check_pattern(pattern, case=case)
    return SuggestRules(tuple(dict.fromkeys(phrases)), tuple(dict.fromkeys(patterns)), case)


def _strings(raw: Any, what: str, count: int, chars: int) -> list[str]:
    if not isinstance(raw, list):
        raise RuleError(f'"suggest" has "{what}" that is not a list')
    if len(raw) > count:
        raise RuleError(f'"suggest" has {len(raw)} {what}; at most {count} are allowed')
    found: list[str] = []
    for item in raw:
        if not isinstance(item, str) or not item.strip():
            raise RuleError(f'"suggest" has one of its {what} that is not text')
        item = " ".join(item.split()) if what == "phrases" else item
        if len(item) > chars:
            raise RuleError(f'"suggest" has one of its {what} longer than {chars} characters')
        if not item.isprintable():
            raise RuleError(f'"suggest" has one of its {what} with control characters')
        found.append(item)
    return found


def check_pattern(pattern: str, *, case: bool = False) -> re.Pattern[str]:
    """Compile a rule's regular expression, or raise RuleError saying why it cannot be used."""
    shown = repr(pattern[:60])
    try:
        compiled = re.compile(pattern, 0 if case else re.IGNORECASE)
    except (re.error, RecursionError, OverflowError) as exc:
        reason = exc.msg if isinstance(exc, re.error) else "it is nested too deeply"
        raise RuleError(
            f"the pattern {shown} is not a valid regular expression ({reason})"
        ) from None
    try:
        tree = sre_parse.parse(pattern, 0 if case else re.IGNORECASE)
    except Exception:  # pragma: no cover - compile() above parsed it already
        raise RuleError(f"the pattern {shown} is not a valid regular expression") from None
    if _backtracks(list(tree), inside_repeat=False):
        raise RuleError(
            f"the pattern {shown} repeats a repetition or a choice (like (a+)+ or (a|b)*), "
            "which can take minutes to match; write it without the nested repetition"
        )
    if compiled.search("") is not None:
        raise RuleError(f"the pattern {shown} matches empty text; it would suggest nothing useful")
    return compiled


def _backtracks(items: list[Any], *, inside_repeat: bool) -> bool:
    """Whether a parsed pattern has an unbounded repeat inside another (or a repeated choice)."""
    for op, value in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _low, high, sub = value
            unbounded = high is sre_parse.MAXREPEAT or high > _BIG_REPEAT
            if name == "POSSESSIVE_REPEAT":
                continue  # never backtracks into itself
            if unbounded and inside_repeat:
                return True
            if _backtracks(list(sub), inside_repeat=inside_repeat or unbounded):
                return True
        elif name == "SUBPATTERN":
            if _backtracks(list(value[-1]), inside_repeat=inside_repeat):
                return True
        elif name == "ATOMIC_GROUP":
            continue
        elif name == "BRANCH":
            if inside_repeat:
                return True
            if any(_backtracks(list(b), inside_repeat=False) for b in value[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _backtracks(list(value[1]), inside_repeat=inside_repeat):
                return True
        elif name == "GROUPREF_EXISTS":
            for branch in value[1:]:
                if branch is not None and _backtracks(list(branch), inside_repeat=inside_repeat):
                    return True
    return False


# Scripts written without spaces between words (Han, kana): each character may end a word.
_UNSPACED = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)


def _word_char(char: str) -> bool:
    # Letters, digits, marks (combining accents) and the underscore join a word.
    code = ord(char)
    if any(low <= code <= high for low, high in _UNSPACED):
        return False
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def whole_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is not glued to a word character on either side."""
    if start > 0 and _word_char(text[start - 1]) and _word_char(text[start]):
        return False
    return not (end < len(text) and _word_char(text[end]) and _word_char(text[end - 1]))


def phrase_pattern(phrases: list[str], *, case: bool) -> re.Pattern[str] | None:
    """One alternation matching any of ``phrases`` (longest first), white space flexible."""
    if not phrases:
        return None
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    parts = [r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in ordered]
    return re.compile("|".join(parts), 0 if case else re.IGNORECASE)


def find_words(
    pattern: re.Pattern[str], text: str, *, limit: int = 100_000
) -> Iterator[tuple[int, int]]:
    """The non-empty matches of ``pattern`` in ``text`` that stand as whole words."""
    found = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        if end > start and text[start:end].strip() and whole_word(text, start, end):
            yield start, end
            found += 1
            if found >= limit:
                return
