"""Turning a file's bytes into text: byte-order marks, code-page detection, binary data."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from charset_normalizer import from_bytes

from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.limits import printable_path
from claimdesk.core.text.regular_files import size_against_limit

MAX_ARTICLE_BYTES = 50 * 1024 * 1024

_BINARY = "looks like a binary file, not text"
EMPTY_ARTICLE = "is empty"


class ArticleError(ClaimdeskError):
    """A file that cannot be imported; str() names the file and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        # Both values go to Exception.args so the error survives pickling (worker processes).
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{printable_path(self.path.name)}: {self.reason}"


# Prefer a common code page when charset-normalizer ranks it close to its own first choice and
# the text reads as a language written in it. Its first choice is often a neighbouring code page
# that decodes the same letters differently (a French cp1252 paragraph comes out as cp1257,
# "naïve" as "naļve"; a short KOI8-R text as cp932).
_WESTERN = ("English", "French", "German", "Spanish", "Portuguese", "Italian", "Dutch")
_NORDIC = ("Danish", "Swedish", "Norwegian")
_CYRILLIC = ("Russian", "Ukrainian", "Bulgarian")
_PREFERRED_CODE_PAGES: tuple[tuple[str, frozenset[str]], ...] = (
    ("cp1252", frozenset(_WESTERN + _NORDIC)),
    ("cp1251", frozenset((*_CYRILLIC, "Serbian", "Kazakh"))),
    ("koi8-r", frozenset(_CYRILLIC)),
)
# How much more "mess" (charset-normalizer's chaos, 0..1) a preferred code page may show.
_CHAOS_MARGIN = 0.05

# charset-normalizer's chaos is a poor judge of cp1252 against some look-alikes. It scores a few
# probes of a file, on one longer than 2.5 KB the last probe is only its final 1-4 bytes, and a
# closing quote there makes that probe pure mess. A cp1252 article ending in 'butter”.' scores
# 0.18 against 0.10 for cp775, which reads the quote as "ö" and "café" as "cafķ". Counting letters
# against symbols would not help: cp775 turns “ ” ’ — into the letters ō ö Æ Ś. Nor does its
# language guess, which takes an Italian paragraph in cp1252 for Slovak. Three signals compare
# the cp1252 reading with charset-normalizer's instead:
#
# 1. Typography. Bytes 0x80-0x9F are ‘ ’ “ ” „ – — … in cp1252 (and in the other Windows code
#    pages); the DOS, Mac and ISO pages read them as letters, box drawing or control codes. Such
#    marks standing where punctuation stands (at the edge of a word, an apostrophe inside one,
#    a dash between spaces) are strong evidence of a Windows code page.
# 2. Alphabets. A right reading uses the accented letters of one language; a wrong one mixes
#    letters of several ("Muńoz" next to "está" in cp1250: Polish ń among Spanish á é í ó ú),
#    leaves symbols inside words ("mo¿e") or puts another script inside one ("Ma羧ahmen"). This
#    also decides between cp1252 and the other Windows pages, which differ only in letters.
# 3. Words. Alphabets cannot tell Italian from Czech: à è ì ò ù in cp1252 are ŕ č ě ň ů in
#    cp1250, all Czech or Slovak letters. The plain-ASCII words around them read the same in every
#    code page and can: "il", "che", "della" against "jsou", "podle", "hogy".
#
# A signal decides only when no other points the opposite way. When none says anything, cp1252
# still wins against a rare code page (cp775, hp-roman8), but not against another Windows page or
# a reading in another script.

_TYPOGRAPHIC_MARKS = re.compile("[‘’“”‚„‹›–—…•]")
_MIN_MARKS = 3

# Lower-case accented letters of the languages written in Latin script with single-byte code
# pages, first those cp1252 is used for.
_WESTERN_ALPHABETS = (
    "àâæçéèêëîïôœùûüÿ",  # French (English borrows from it: café, naïve)
    "äöüß",  # German
    "áéíñóúüºª",  # Spanish
    "àáâãçéêíóôõúüºª",  # Portuguese
    "àèéìíîòóùúºª",  # Italian
    "àçéèíïòóúüºª",  # Catalan
    "áäéèëíïóöúü",  # Dutch
    "æøåéèóôü",  # Danish, Norwegian
    "åäöéü",  # Swedish
    "åäöšž",  # Finnish
    "áðéíóúýþæö",  # Icelandic
)
_OTHER_ALPHABETS = (
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "ąćęłńóśźż",  # Polish
    "áéíóöőúüű",  # Hungarian
    "čćđšž",  # Slovene, Croatian, Bosnian, Serbian
    "ăâîșțşţ",  # Romanian
    "çë",  # Albanian
    "ąčęėįšųūž",  # Lithuanian
    "āčēģīķļņšūž",  # Latvian
    "äõöüšž",  # Estonian
    "çğıiöşüâîû",  # Turkish ("İ".lower() is "i" plus a combining dot)
    "àáâãèéêìíòóôõùúýăđĩũơư",  # Vietnamese (tones as combining marks in cp1258)
    "ĉĝĥĵŝŭ",  # Esperanto
    "àċèġħìòùż",  # Maltese
    "âêîôûŵŷäëïöüÿáéíóúàèìòù",  # Welsh
)


def _letter_set(letters: str) -> frozenset[str]:
    return frozenset(letters + letters.upper() + ("İ" if "ı" in letters else ""))


_WESTERN_LETTERS = tuple(_letter_set(letters) for letters in _WESTERN_ALPHABETS)
_ALL_LETTERS = _WESTERN_LETTERS + tuple(_letter_set(letters) for letters in _OTHER_ALPHABETS)
# A reading "fits" a language when at most this share of its accented letters is foreign to it
# (names from elsewhere: "Zürich" in a French article).
_FOREIGN_SHARE = 0.1
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# A non-ASCII character between two letters ("mo¿e", "by³o"), or next to an ASCII one.
_INSIDE_WORD = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f](?=[^\W\d_])")
_BESIDE_LATIN = re.compile(r"(?<=[A-Za-z])[^\x00-\x7f]|[^\x00-\x7f](?=[A-Za-z])")
# What may stand inside a word without being a letter: apostrophe, hyphens, unspaced dashes,
# the Catalan middle dot, a soft hyphen.
_WORD_JOINERS = frozenset("’‐‑–—·\u00ad")


def _word_set(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


# Frequent words of one group that no language of the other group also uses: "de", "la", "na",
# "to", "se", "je", "per", "este"... are left out.
_WESTERN_WORDS = _word_set(
    # English
    "the and of that with for said have has from this which were are will would been not but",
    "les des est une que qui dans pour pas sur avec mais ont aux elle sont cette",  # French
    "der die das und ist nicht mit sich auf dem ein eine auch wird nach bei wie von",  # German
    "los las del por con para como pero sus uma com mais foi pelo pela dos das ao",  # Iberian
    "il di che della delle dei degli gli non sono nel nella alla sulla sulle tra anche",  # Italian
    "het een van niet dat zijn voor ook wordt maar naar deze",  # Dutch
    "och att det som inte har ett ikke og af til ovat mutta kuin joka mukaan",  # Nordic, Finnish
    "els amb dels aquest",  # Catalan
)
_OTHER_WORDS = _word_set(
    "jsou byl bylo jeho jak jen podle jako ale nebo jsme jsem sa ako pre aj bol",  # Czech, Slovak
    "nie jest przez przy oraz czy tylko jednak jego",  # Polish
    "az hogy egy meg csak volt vagy azt amely szerint",  # Hungarian
    "ki bo pa kao koji koja biti bilo nije",  # Slovene, Croatian
    "cu pe sunt fost pentru acest",  # Romanian
    "ir kad yra buvo tai apie kaip nuo uz ka kas kui ning siis seda",  # Baltic, Estonian
    "bir ve bu ile olarak daha gibi kadar sonra olan",  # Turkish
)
_ASCII_WORD = re.compile(r"(?<!\w)[a-z]+(?!\w)")
_MIN_WORDS = 3

_WINDOWS_CODE_PAGES = frozenset(f"cp{number}" for number in range(1250, 1259))
# Letters, marks and words are judged on the start of a long file.
_SAMPLE_CHARS = 1_000_000

# Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

# C0 and C1 control characters other than tab, line feed, form feed and carriage return.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Text legitimately carries a stray control character now and then (a DOS end-of-file mark,
# a vertical tab from a word processor); binary data decoded as text is full of them.
_MAX_CONTROL_SHARE = 0.05


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a file's bytes; return (text, encoding) where data.decode(encoding) == text.

    A file that is UTF-8 but for a few bad bytes decodes with those bytes replaced by U+FFFD
    (see `decode_article`, which says how many); then only the replacing decode gives the text.
    """
    text, encoding, _ = decode_article(data, path)
    return text, encoding


def decode_article(data: bytes, path: Path) -> tuple[str, str, int]:
    """Decode a file's bytes: (text, encoding, how many bad UTF-8 bytes became U+FFFD)."""
    if not data:
        raise ArticleError(path, EMPTY_ARTICLE)
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(path, article_too_large(len(data)))
    replaced = 0
    for bom, codec, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                raise ArticleError(
                    path, f"starts with a {encoding} byte-order mark but is not valid {codec}"
                ) from None
            break
    else:
        # NUL bytes only occur in text encoded as UTF-16/32, and those need a byte-order mark here.
        if b"\x00" in data:
            raise ArticleError(path, _BINARY)
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            mostly_utf8 = _mostly_utf8(data)
            if mostly_utf8 is not None:
                (text, replaced), encoding = mostly_utf8, "utf-8"
            else:
                text, encoding = _detect(data, path)
    if "\x00" in text or len(_CONTROL_CHARS.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise ArticleError(path, _BINARY)
    if not text.strip():
        raise ArticleError(path, EMPTY_ARTICLE)
    return text, encoding, replaced


# A file saved as UTF-8 and then damaged (a pasted Latin-1 fragment, a cut in the middle of a
# character) still holds valid multi-byte characters, which a legacy code-page text almost never
# does ("Ã©" is not something people write). Read such a file as UTF-8 with the bad bytes
# replaced, as text editors do, rather than turning every accent and emoji into mojibake.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_ASCII = bytes(range(128))


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """(text, bad bytes replaced) if `data` is UTF-8 with no more bad bytes than good characters
    beyond ASCII, else None (then it is in some other encoding)."""
    # "surrogateescape" turns each bad byte into one escape, so both can be counted exactly.
    escaped = data.decode("utf-8", "surrogateescape")
    bad = len(_ESCAPED_BYTE.findall(escaped))
    # Counted in C, not per character in Python: 45 MB of text decodes in ~0.7 s, not ~1.8 s.
    ascii_chars = len(data) - len(data.translate(None, _ASCII))
    good = len(escaped) - ascii_chars - bad
    if not good or bad > good:
        return None
    return data.decode("utf-8", "replace"), bad


def _detect(data: bytes, path: Path) -> tuple[str, str]:
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise ArticleError(path, _BINARY)
    text = str(best)
    best_encoding = codecs.lookup(best.encoding).name
    candidates: list[tuple[float, str, str]] = []
    for code_page, languages in _PREFERRED_CODE_PAGES:
        try:
            decoded = data.decode(code_page)
        except UnicodeDecodeError:
            continue
        if decoded == text:
            # Same text: name the well-known code page rather than a look-alike (cp1250 for German).
            return decoded, code_page
        match = from_bytes(data, cp_isolation=[code_page]).best()
        if match is None:
            continue
        language_fits = bool(match.languages) and match.languages[0] in languages
        if (language_fits and match.chaos <= best.chaos + _CHAOS_MARGIN) or (
            code_page == "cp1252"
            and _reads_better_as_cp1252(decoded, text, best_encoding, language_fits)
        ):
            candidates.append((match.coherence, code_page, decoded))
    if candidates:
        _, code_page, decoded = max(candidates, key=lambda candidate: candidate[0])
        return decoded, code_page
    return text, best_encoding


def _reads_better_as_cp1252(
    cp1252_text: str, other_text: str, other_encoding: str, language_fits: bool
) -> bool:
    """Whether the cp1252 reading beats another on typography, alphabets and words (see above)."""
    cp1252_text, other_text = cp1252_text[:_SAMPLE_CHARS], other_text[:_SAMPLE_CHARS]
    marks, misplaced = _typography(cp1252_text)
    other_marks, _ = _typography(other_text)
    misfit, letters, _ = _alphabet_misfit(cp1252_text, _WESTERN_LETTERS)
    other_misfit, _, other_latin = _alphabet_misfit(other_text, _ALL_LETTERS)
    western_words, other_words = _function_words(cp1252_text)
    if other_marks > marks or misfit > other_misfit or other_words > western_words:
        return False
    fits = letters > 0 and misfit <= _FOREIGN_SHARE * letters
    # The marks say "a Windows code page", not which one: that takes a hint of the language.
    by_marks = (
        marks >= _MIN_MARKS
        and misplaced * 10 <= marks
        and other_marks * 2 <= marks
        and (language_fits or western_words > 0)
    )
    by_letters = fits and misfit < other_misfit
    by_words = western_words >= _MIN_WORDS
    rare_rival = fits and other_latin and other_encoding not in _WINDOWS_CODE_PAGES
    return by_marks or by_letters or by_words or rare_rival


def _function_words(text: str) -> tuple[int, int]:
    """How many of the text's words are frequent words of Western languages, of other ones."""
    western = other = 0
    for word in _ASCII_WORD.findall(text.lower()):
        western += word in _WESTERN_WORDS
        other += word in _OTHER_WORDS
    return western, other


def _alphabet_misfit(text: str, alphabets: Sequence[frozenset[str]]) -> tuple[int, int, bool]:
    """(misfits, accented letters and strays, whether all letters are Latin) for the best-fitting
    alphabet.

    Misfits are the Latin letters foreign to that alphabet, symbols inside a word ("mo¿e") and
    letters of another script stuck to a Latin one ("Ma羧ahmen"); a Greek or Cyrillic text on
    its own has none.
    """
    counts = Counter(_NON_ASCII.findall(text))
    latin = {char: n for char, n in counts.items() if char.isalpha() and _is_latin(char)}
    stray = sum(
        1
        for char in _INSIDE_WORD.findall(text)
        if not char.isalpha()
        and char not in _WORD_JOINERS
        and not unicodedata.category(char).startswith(("M", "Z"))
    )
    mixed = sum(1 for char in _BESIDE_LATIN.findall(text) if char.isalpha() and not _is_latin(char))
    foreign = min(
        (sum(n for char, n in latin.items() if char not in alphabet) for alphabet in alphabets),
        default=0,
    )
    all_latin = all(_is_latin(char) for char in counts if char.isalpha())
    return foreign + stray + mixed, sum(latin.values()) + stray, all_latin


def _is_latin(letter: str) -> bool:
    return unicodedata.name(letter, "").startswith("LATIN ") or letter in "ªºµ"


def _typography(text: str) -> tuple[int, int]:
    """(well-placed, misplaced) typographic marks of the kind cp1252 has at bytes 0x80-0x9F.

    Quotes belong at the edge of a word (the language decides which edge), an apostrophe inside
    one, a dash between spaces or digits. „ and ‚ only open a quotation. An unspaced dash between
    two words ("this—that") proves nothing either way.
    """
    placed = misplaced = 0
    for found in _TYPOGRAPHIC_MARKS.finditer(text):
        mark, at = found.group(), found.start()
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        word_before, word_after = before.isalnum(), after.isalnum()
        if mark in "–—":
            placed += (before.isspace() and after.isspace()) or (
                before.isdigit() and after.isdigit()
            )
        elif word_before and word_after:
            if mark == "’" and (before.isascii() or after.isascii()):
                placed += 1
            else:
                misplaced += 1
        elif mark in "„‚":
            if word_before:
                misplaced += 1
            else:
                placed += word_after
        elif mark == "…":
            placed += not word_after
        elif mark == "•":
            placed += before.isspace() and after.isspace()
        else:
            placed += word_before or word_after
    return placed, misplaced


def article_too_large(size: int) -> str:
    """'is too large (50.2 MB; the limit is 50 MB)' for an article of ``size`` bytes."""
    return f"is too large ({size_against_limit(size, MAX_ARTICLE_BYTES)})"
