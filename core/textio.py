"""Reading article files for import: decode, normalise, strip web debris, title and checksum."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

SUPPORTED_SUFFIXES = (".txt", ".md")
MAX_ARTICLE_BYTES = 50 * 1024 * 1024

_BINARY = "looks like a binary file, not text"
_EMPTY = "is empty"
_TITLE_LIMIT = 200


class ArticleError(Exception):
    """A file that cannot be imported; str() names the file and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        # Both values go to Exception.args so the error survives pickling (worker processes).
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


@dataclass(frozen=True)
class CleanupRule:
    """A kind of web debris: a line whose stripped text fully matches `pattern` is dropped."""

    name: str
    pattern: str
    example: str

    def __post_init__(self) -> None:
        # A broken pattern should fail where the rule is defined, not in the middle of an import.
        try:
            re.compile(self.pattern, re.IGNORECASE)
        except re.error as error:
            raise ValueError(f"cleanup rule {self.name!r} has a bad pattern: {error}") from error


@dataclass(frozen=True)
class RemovedLine:
    """A line dropped by clean-up, numbered (1-based) in the normalised text."""

    line_number: int
    text: str
    rule: str


@dataclass(frozen=True)
class Article:
    """An article file ready to be stored: its final text and how it was obtained."""

    path: Path
    text: str
    title: str
    sha256: str
    encoding: str
    removed: tuple[RemovedLine, ...]


# Each pattern must match a whole line (re.fullmatch, case-insensitive, line stripped first) and be
# narrow enough that a real paragraph of an article cannot match it: the user never sees text that
# silently disappeared, only the list of removed lines.
DEFAULT_CLEANUP_RULES: tuple[CleanupRule, ...] = (
    CleanupRule(
        name="Excerpt label",
        pattern=r"(?:article|story) (?:excerpt|preview)[.:]?",
        example="Article excerpt",
    ),
    CleanupRule(
        name="Paywall counter",
        pattern=(
            r"you(?:'|’)ve read\s*(?:\d+\s*)?(?:of|out of)\s*(?:\d+\s*)?(?:your\s+)?"
            r"(?:free\s+)?(?:articles?|stories)(?:\s+this month)?[.!]?"
            r"(?:\s+subscribe(?:\s+now)?\s+to\s+(?:continue|keep reading)[.!]?)?"
            r"|you have (?:\d+|one|no) (?:more )?free (?:articles?|stories) "
            r"(?:left|remaining)(?: this month)?[.!]?"
        ),
        example="You've read\u00a0\u00a0of\u00a0\u00a0free articles. Subscribe to continue.",
    ),
    CleanupRule(
        name="Subscription prompt",
        pattern=(
            r"(?:start your subscription|subscribe now|subscribe today|become a subscriber"
            r"|become a member)(?: today)?[.!]?"
            r"|subscribe (?:now )?(?:to continue reading|to keep reading|to read more"
            r"|for (?:full|unlimited) access(?: to .{1,60})?)[.!]?"
            r"|already a subscriber\?\s*(?:log|sign) in[.!]?"
            r"|(?:log|sign) in to (?:continue|keep) reading[.!]?"
        ),
        example="Start your subscription today",
    ),
    CleanupRule(
        # Links such as "QR Code to <truncated headline>..." or "QR Code to Subscription page".
        # A real sentence ends with a full stop, so a line ending in one (not an ellipsis) is kept.
        name="QR code link",
        pattern=r"qr code (?:to|for) .{0,300}?(?:\.\.\.|…|[^\s.!?:;,\"'”’])",
        example=(
            "QR Code to Warming Up to the `Big Polar Bear'. Beijing is confident of Gorbachev's"
            " power to redirect Soviet foreign and military policies. SINO-SOVIET RAPPROCH..."
        ),
    ),
    CleanupRule(
        name="Translation link",
        pattern=r"read (?:this|the) (?:article|story) in(?: [^\W\d_]{2,20})?[.:]?",
        example="Read this article in",
    ),
    CleanupRule(
        name="Page error",
        pattern=(
            r"an (?:unknown |unexpected )?error (?:has )?occurred\.?"
            r"(?:\s+please (?:click|tap) the button below to reload the page\.?)?"
            r"(?:\s+if the problem persists,? please try again in a little while\.?)?"
            r"|(?:something went wrong|an error occurred)\.\s*please (?:try again|reload the page)"
            r"(?: later)?\.?"
        ),
        example=(
            "An unknown error has occurred. Please click the button below to reload the page."
            " If the problem persists, please try again in a little while."
        ),
    ),
    CleanupRule(
        name="Advertisement",
        pattern=(
            r"\(?(?:advertisement|advertising|sponsored content)\)?"
            r"(?:\s*[-–—:]\s*(?:scroll|continue reading) (?:down )?(?:to continue|below))?"
            r"|(?:the )?(?:story|article) continues (?:below|after)(?: (?:this|the))? "
            r"(?:advertisement|advert|ad)"
        ),
        example="Advertisement",
    ),
    CleanupRule(
        name="Skip link",
        pattern=r"skip to (?:main content|content|navigation|the article|article)",
        example="Skip to main content",
    ),
    CleanupRule(
        name="Newsletter sign-up",
        pattern=(
            r"(?:sign up|subscribe|register) (?:for|to) (?:our|the) (?:free )?"
            r"(?:daily |weekly |morning |evening |email )?newsletters?"
            r"(?:\s*(?:here|now|today))?[.!:]?"
        ),
        example="Sign up for our newsletter",
    ),
    CleanupRule(
        name="Share buttons",
        pattern=(
            r"share (?:this|the) (?:article|story|page)"
            r"(?: (?:on|via) (?:facebook|twitter|x|linkedin|whatsapp|email))?[.:]?"
            r"|share (?:on|via) (?:facebook|twitter|x|linkedin|whatsapp|email)"
        ),
        example="Share this article",
    ),
    CleanupRule(
        name="Read-more link",
        pattern=(
            r"(?:continue reading|read more|read the full (?:story|article))"
            r"(?: (?:the )?(?:main |full )?(?:story|article))?\s*(?:\.\.\.|…|→|»|>)?"
        ),
        example="Continue reading",
    ),
    CleanupRule(
        # Only the banner wording: "we use cookies" followed by what they are for on the site.
        name="Cookie notice",
        pattern=(
            r"(?:we use cookies|this (?:web)?site uses cookies)"
            r"(?: and (?:similar|other) (?:tracking )?technologies)?"
            r" (?:to|so that|for|in order to) "
            r"(?=.*\b(?:site|website|experience|browsing|personali[sz]e|analy[sz]e|traffic|ads"
            r"|advertising|content|cookie policy|privacy)\b).{1,300}"
            r"|(?:accept|reject|allow) (?:all )?cookies"
            r"|(?:manage )?cookie (?:settings|preferences|policy)"
        ),
        example=(
            "We use cookies to improve your experience on our website. By continuing to browse,"
            " you agree to our use of cookies."
        ),
    ),
)

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


def sha256_text(text: str) -> str:
    """Hex SHA-256 of the text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a file's bytes; return (text, encoding) where data.decode(encoding) == text."""
    if not data:
        raise ArticleError(path, _EMPTY)
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(path, _too_large(len(data)))
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
            text, encoding = _detect(data, path)
    if "\x00" in text or len(_CONTROL_CHARS.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise ArticleError(path, _BINARY)
    if not text.strip():
        raise ArticleError(path, _EMPTY)
    return text, encoding


def _detect(data: bytes, path: Path) -> tuple[str, str]:
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise ArticleError(path, _BINARY)
    text = str(best)
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
        if (
            match is not None
            and match.chaos <= best.chaos + _CHAOS_MARGIN
            and match.languages
            and match.languages[0] in languages
        ):
            candidates.append((match.coherence, code_page, decoded))
    if candidates:
        _, code_page, decoded = max(candidates, key=lambda candidate: candidate[0])
        return decoded, code_page
    return text, codecs.lookup(best.encoding).name


def normalise_text(text: str) -> str:
    """Line endings to "\\n", Unicode NFC, no byte-order mark, no blank lines at either end.

    Lines are otherwise kept as they are (indentation, tabs, trailing spaces), since annotations
    point into the stored text by character offset.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    # A blank line can hide a second byte-order mark behind it, so repeat until nothing changes.
    while True:
        stripped = _strip_blank_lines(text.lstrip("\ufeff"))
        if stripped == text:
            return text
        text = stripped


def _strip_blank_lines(text: str) -> str:
    lines = text.split("\n")
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def clean_text(
    text: str, rules: Sequence[CleanupRule] = DEFAULT_CLEANUP_RULES
) -> tuple[str, tuple[RemovedLine, ...]]:
    """Drop lines of web debris; return the text left and the lines removed.

    Kept lines are never changed. Blank lines left around a removed line shrink to a single
    paragraph break, and blank lines at either end of the result are dropped.
    """
    compiled = [(rule.name, re.compile(rule.pattern, re.IGNORECASE)) for rule in rules]
    removed: list[RemovedLine] = []
    kept: list[str] = []
    # Blank lines waiting for the next kept line; `gap` says a removal happened among them.
    pending_blank: list[str] = []
    gap = False
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            pending_blank.append(line)
            continue
        rule_name = next((name for name, rx in compiled if rx.fullmatch(stripped)), None)
        if rule_name is not None:
            removed.append(RemovedLine(line_number=number, text=line, rule=rule_name))
            gap = True
            continue
        if kept:
            kept.extend(pending_blank[:1] if gap else pending_blank)
        kept.append(line)
        pending_blank = []
        gap = False
    return "\n".join(kept), tuple(removed)


def title_from_text(text: str, fallback: str) -> str:
    """The first non-empty line as a one-line title of at most 200 characters, else `fallback`."""
    for line in text.split("\n"):
        # A Markdown heading marker is formatting, not part of the title.
        title = " ".join(re.sub(r"^\s*#{1,6}\s+", "", line).split())
        if title:
            break
    else:
        return fallback
    if len(title) <= _TITLE_LIMIT:
        return title
    cut = title[: _TITLE_LIMIT - 1]
    if title[_TITLE_LIMIT - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def read_article(
    path: Path, *, cleanup: bool = True, rules: Sequence[CleanupRule] = DEFAULT_CLEANUP_RULES
) -> Article:
    """Read one article file; raise ArticleError naming the file if it cannot be imported."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ArticleError(path, "does not exist") from None
    except OSError as error:
        raise ArticleError(path, _os_reason(error)) from None
    if stat.S_ISDIR(info.st_mode):
        raise ArticleError(path, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        # Reading a pipe or a device could block or never end.
        raise ArticleError(path, "is not a regular file")
    if info.st_size > MAX_ARTICLE_BYTES:
        raise ArticleError(path, _too_large(info.st_size))
    try:
        with path.open("rb") as handle:
            # One byte over the limit tells a file that grew since stat() from one that fits.
            data = handle.read(MAX_ARTICLE_BYTES + 1)
    except OSError as error:
        raise ArticleError(path, _os_reason(error)) from None
    text, encoding = decode_bytes(data, path)
    text = normalise_text(text)
    if not text:
        raise ArticleError(path, _EMPTY)
    removed: tuple[RemovedLine, ...] = ()
    if cleanup:
        text, removed = clean_text(text, rules)
        if not text:
            raise ArticleError(path, "has no text left after clean-up")
    return Article(
        path=path,
        text=text,
        title=title_from_text(text, path.stem),
        sha256=sha256_text(text),
        encoding=encoding,
        removed=removed,
    )


def collect_article_paths(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand files and folders into the article files to import, plus (path, reason) problems.

    Folders are searched recursively in name order, skipping hidden entries and links to folders;
    a file found through a link is only kept if it lies inside the folder searched.
    """
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for found, problem in _walk(path):
                if problem is not None:
                    problems.append((found, problem))
                elif found.is_symlink() and not found.resolve().is_relative_to(root):
                    problems.append((found, "is a link to a file outside the folder"))
                else:
                    add(found)
        elif path.exists():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                add(path)
            else:
                problems.append((path, "not a .txt or .md file"))
        else:
            problems.append((path, "does not exist"))
    return files, problems


def _walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """Article files under `folder` in name order, or (path, reason) where reading failed."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: (entry.name.casefold(), entry.name))
    except OSError as error:
        yield folder, _os_reason(error)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            # Links to folders are never followed: they can leave the tree or loop back into it.
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path)
            elif entry.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path, None
        except OSError as error:
            yield path, _os_reason(error)


def _too_large(size: int) -> str:
    limit = MAX_ARTICLE_BYTES // (1024 * 1024)
    return f"is too large ({size / (1024 * 1024):.1f} MB; the limit is {limit} MB)"


def _os_reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "cannot be read: permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    return f"cannot be read: {error.strerror or error}"
