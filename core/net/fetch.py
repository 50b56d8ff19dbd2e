"""Fetching one web page: http and https only, bounded in time, size and redirects.

Every way a fetch can fail (offline, a name that cannot be looked up, a server that does not
answer, an HTTP error, a page too large, something that is no web page) ends in a `FetchError`
whose message names the address and the reason in one sentence; never a traceback.
"""

from __future__ import annotations

import errno
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from claimdesk.core import version
from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.limits import printable
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.text.regular_files import size_against_limit

__all__ = [
    "DEADLINE",
    "MAX_PAGE_BYTES",
    "MAX_REDIRECTS",
    "TIMEOUT",
    "WEB_TYPES",
    "FetchError",
    "Fetched",
    "fetch",
    "looks_like_web_address",
    "web_address",
]

# No answer for this long (connecting, or waiting for the next bytes) ends the fetch.
TIMEOUT = 15.0
# The whole page, however slowly it trickles in, within this many seconds.
DEADLINE = 60.0
# A news page with its markup is rarely above 3 MB; a bigger answer is not an article.
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
# What the import reads as a page (HTML) or as plain text.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
WEB_TYPES = HTML_TYPES | {"text/plain", "text/markdown"}
_CHUNK = 64 * 1024
_SCHEMES = ("http", "https")
_REDIRECT_CODES = (301, 302, 303, 307, 308)


class FetchError(ClaimdeskError):
    """A web address that could not be fetched; str() names the address and the reason."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.url = url
        self.reason = reason

    def __str__(self) -> str:
        return f"{printable(self.url, 300)}: {self.reason}"


@dataclass(frozen=True)
class Fetched:
    """One page as the server sent it, after redirects."""

    url: str  # the final address (after redirects): the one the text came from
    requested: str  # the address asked for
    data: bytes
    content_type: str  # lower case, without parameters ("text/html"); "" when not said
    charset: str | None  # as the server declared it, if it did
    fetched: str  # when, in ISO 8601 (UTC, to the second)

    @property
    def is_html(self) -> bool:
        if self.content_type in HTML_TYPES:
            return True
        if self.content_type:
            return False
        head = self.data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body"))


def looks_like_web_address(text: str) -> bool:
    """Whether a command-line argument is meant as a web address (it has a scheme and "://")."""
    scheme, sep, _rest = text.partition("://")
    return bool(sep) and scheme.isascii() and scheme.isalpha() and len(scheme) > 1


def web_address(text: str, *, assume_https: bool = False) -> str:
    """``text`` as an address to fetch, or FetchError saying why it is not one.

    Spaces around it are dropped; letters outside ASCII in the path are percent-encoded and the
    host name IDNA-encoded, as browsers do. ``assume_https``: "example.org/news" means https.
    """
    text = text.strip()
    if assume_https and "://" not in text:
        text = "https://" + text
    if not text:
        raise FetchError(text, "no web address given")
    if any(ord(c) < 0x20 or c == "\x7f" or c.isspace() for c in text):
        raise FetchError(text, "a web address cannot hold spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise FetchError(text, f"is not a web address ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        if not scheme:
            raise FetchError(text, "is not a web address (one starts with http:// or https://)")
        raise FetchError(
            text, f"only web pages (http:// and https://) can be imported, not {scheme}: addresses"
        )
    host = parts.hostname or ""
    if not host:
        raise FetchError(text, "names no site (nothing after the //)")
    try:
        ascii_host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(text, f"the site name {host!r} is not a valid name") from None
    if ":" in ascii_host:  # an IPv6 address keeps its brackets
        ascii_host = f"[{ascii_host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (f"{userinfo}@" if userinfo else "") + ascii_host
    if port is not None:
        netloc += f":{port}"
    safe = "/%:@!$&'()*+,;=-._~"
    return urlunsplit(
        (
            scheme,
            netloc,
            quote(parts.path, safe=safe) or "/",
            quote(parts.query, safe=safe + "?"),
            "",  # the fragment is never sent
        )
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # Redirects are followed by `fetch` itself, so that each one is counted and checked.
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    context = ssl.create_default_context()
    return urllib.request.build_opener(_NoRedirects, urllib.request.HTTPSHandler(context=context))


def fetch(
    url: str,
    *,
    accept: Collection[str] = WEB_TYPES,
    timeout: float | None = None,
    deadline: float | None = None,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> Fetched:
    """Fetch ``url`` (checked with `web_address`), following at most MAX_REDIRECTS redirects.

    ``accept``: the content types wanted (lower case); anything else is refused before its body is
    read. ``progress(bytes read, bytes expected or 0)`` may stop the fetch (Cancelled).
    ``timeout``, ``deadline``, ``max_bytes``: TIMEOUT, DEADLINE, MAX_PAGE_BYTES unless given.
    """
    timeout = TIMEOUT if timeout is None else timeout
    deadline = DEADLINE if deadline is None else deadline
    max_bytes = MAX_PAGE_BYTES if max_bytes is None else max_bytes
    requested = web_address(url)
    current = requested
    started = time.monotonic()
    opener = _opener()
    for hop in range(MAX_REDIRECTS + 1):
        check_progress(progress, 0, 0)
        response = _open(opener, current, requested, timeout)
        try:
            if response.status in _REDIRECT_CODES:
                target = response.headers.get("Location", "")
                current = _redirect_target(requested, current, target, hop)
                continue
            if response.status >= 400:
                raise FetchError(requested, _http_error(response.status, response.reason))
            return _read_page(
                response, requested, current, accept, started, deadline, max_bytes, progress
            )
        finally:
            response.close()
    raise FetchError(  # pragma: no cover - the loop returns or raises
        requested, f"redirects more than {MAX_REDIRECTS} times"
    )


def _redirect_target(requested: str, current: str, location: str, hop: int) -> str:
    if not location:
        raise FetchError(requested, "the server redirects without saying where to")
    target = urljoin(current, location.strip())
    scheme = urlsplit(target).scheme.lower()
    if scheme not in _SCHEMES:
        raise FetchError(
            requested,
            f"redirects to {printable(target, 120)}; only redirects to http:// and https:// "
            "addresses are followed",
        )
    if hop + 1 > MAX_REDIRECTS:
        raise FetchError(requested, f"redirects more than {MAX_REDIRECTS} times (a redirect loop?)")
    try:
        return web_address(target)
    except FetchError as exc:
        reason = f"redirects to an address that cannot be fetched ({exc.reason})"
        raise FetchError(requested, reason) from None


class _Response:
    """What `fetch` needs of an answer, whether urllib raised it as an HTTPError or not."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.status: int = int(raw.status if raw.status is not None else raw.code)
        self.reason: str = str(getattr(raw, "reason", "") or "")
        self.headers: Message = raw.headers

    def read(self, size: int) -> bytes:
        read1 = getattr(self.raw, "read1", None)  # returns what has arrived, without waiting
        return bytes(read1(size) if read1 is not None else self.raw.read(size))

    def close(self) -> None:
        self.raw.close()


def _open(
    opener: urllib.request.OpenerDirector, url: str, requested: str, timeout: float
) -> _Response:
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": f"Claimdesk/{version()} (article import)",
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        },
    )
    try:
        return _Response(opener.open(request, timeout=timeout))
    except urllib.error.HTTPError as exc:  # 3xx (redirects are ours to follow), 4xx, 5xx
        return _Response(exc)
    except urllib.error.URLError as exc:
        raise FetchError(requested, _network_reason(exc.reason, url, timeout)) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise FetchError(requested, _network_reason(exc, url, timeout)) from None


def _network_reason(error: object, url: str, timeout: float) -> str:
    """One sentence for what stopped the connection."""
    host = urlsplit(url).hostname or url
    if isinstance(error, socket.gaierror):
        if error.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_NODATA", None)):
            return (
                f"the name {host} could not be looked up right now: "
                "you seem to be offline (or the name server does not answer)"
            )
        return f"there is no site called {host} (check the address), or you are offline"
    if isinstance(error, TimeoutError):
        return f"the server did not answer within {_seconds(timeout)}"
    if isinstance(error, ConnectionRefusedError):
        return (
            f"{host} refused the connection: the site is down, the address is wrong, "
            "or you are offline"
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the site's certificate cannot be trusted ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"a secure connection could not be made ({error.reason or error})"
    if isinstance(error, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        return "the server closed the connection"
    if isinstance(error, OSError) and error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "the network cannot be reached: you seem to be offline"
    if isinstance(error, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(error, http.client.HTTPException):
        return f"the server's answer is not valid HTTP ({type(error).__name__})"
    if isinstance(error, OSError) and error.strerror:
        return f"could not connect ({error.strerror.lower()})"
    return f"could not connect ({printable(str(error), 160)})"


def _http_error(status: int, reason: str) -> str:
    reason = printable(reason, 80) or http.client.responses.get(status, "")
    what = f"{status} {reason}".strip()
    if status == 404:
        return f"the server has no such page ({what})"
    if status in (401, 403):
        return f"the server refuses to show the page ({what}); it may need a login"
    if status >= 500:
        return f"the server failed to answer ({what}); try again later"
    return f"the server answered {what}"


def _read_page(
    response: _Response,
    requested: str,
    url: str,
    accept: Collection[str],
    started: float,
    deadline: float,
    max_bytes: int,
    progress: Progress | None,
) -> Fetched:
    content_type = response.headers.get_content_type() if "Content-Type" in response.headers else ""
    content_type = content_type.lower()
    if content_type and content_type not in accept:
        raise FetchError(requested, _not_a_page(content_type))
    declared = _declared_length(response.headers)
    if declared is not None and declared > max_bytes:
        raise FetchError(requested, _too_large(declared, max_bytes, declared=True))
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() - started > deadline:
            raise FetchError(requested, f"the page did not arrive within {_seconds(deadline)}")
        try:
            chunk = response.read(_CHUNK)
        except TimeoutError:
            raise FetchError(
                requested, "the server stopped sending the page (no data for a while)"
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(requested, _network_reason(exc, url, 0)) from None
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:  # never trust a declared size
            raise FetchError(requested, _too_large(size, max_bytes, declared=False))
        chunks.append(chunk)
        check_progress(progress, size, declared or 0)
    data = _decoded(b"".join(chunks), response.headers, requested, max_bytes)
    if not data.strip():
        raise FetchError(requested, "the server sent an empty page")
    charset = response.headers.get_content_charset()
    fetched = datetime.now(UTC).isoformat(timespec="seconds")
    return Fetched(url, requested, data, content_type, charset, fetched)


def _declared_length(headers: Message) -> int | None:
    value = headers.get("Content-Length", "")
    return int(value) if value.strip().isdigit() else None


def _decoded(data: bytes, headers: Message, requested: str, max_bytes: int) -> bytes:
    """The body without its Content-Encoding (gzip, deflate), bounded like the download."""
    coding = headers.get("Content-Encoding", "identity").strip().lower()
    if coding in ("", "identity"):
        return data
    if coding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(requested, f"the server compressed the page as {coding!r}, unreadable")
    wbits = 16 + zlib.MAX_WBITS if "gzip" in coding else zlib.MAX_WBITS
    try:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error:
        if coding != "deflate":
            raise FetchError(requested, "the compressed page is damaged") from None
        # Some servers send raw deflate without its zlib header.
        try:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            out = inflater.decompress(data, max_bytes + 1)
        except zlib.error:
            raise FetchError(requested, "the compressed page is damaged") from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise FetchError(requested, _too_large(len(out), max_bytes, declared=False))
    return out


_TYPE_NAMES = {
    "application/pdf": "a PDF file",
    "application/msword": "a Word 97 file",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word file",
    "application/vnd.oasis.opendocument.text": "an OpenDocument text",
    "application/epub+zip": "an EPUB book",
    "application/rtf": "an RTF file",
    "application/zip": "a zip archive",
    "application/json": "JSON data",
    "application/octet-stream": "a file of unknown kind",
}


def _not_a_page(content_type: str) -> str:
    kind = _TYPE_NAMES.get(content_type)
    if kind is None:
        major = content_type.partition("/")[0]
        kind = {"image": "an image", "video": "a video", "audio": "a sound file"}.get(
            major, "no web page"
        )
    return f"is {kind} ({printable(content_type, 80)}), not a web page or text"


def _too_large(size: int, limit: int, *, declared: bool) -> str:
    if declared:
        return f"the page is too large (the server says {size_against_limit(size, limit)})"
    shown = f"{limit:,} bytes" if limit < 1024 * 1024 else f"{limit / (1024 * 1024):g} MB"
    return f"the page is too large (more than the limit of {shown})"


def _seconds(seconds: float) -> str:
    return f"{seconds:g} second{'s' if seconds != 1 else ''}"
