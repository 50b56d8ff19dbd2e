"""Fetching a page as an import does it: against a local server, every failure one sentence."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from claimdesk.core.errors import Cancelled
from claimdesk.core.net import fetch as fetch_module
from claimdesk.core.net.fetch import FetchError, fetch, looks_like_web_address, web_address
from tests.web_pages import NEWS_PAGE, PLAIN_TEXT, WebServer, closed_port, web_server


@pytest.fixture
def server() -> Iterator[WebServer]:
    with web_server() as running:
        yield running


def refusal(url: str, **options: object) -> str:
    with pytest.raises(FetchError) as caught:
        fetch(url, **options)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "Traceback" not in message
    assert message.startswith(url.split("#")[0])
    return caught.value.reason


def test_a_page_arrives_with_its_final_address_type_and_date(server: WebServer) -> None:
    page = fetch(server.url("/news"))
    assert page.data == NEWS_PAGE.encode()
    assert page.url == server.url("/news")
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert page.is_html
    assert time.strftime("%Y-%m-%dT", time.gmtime()) in page.fetched
    assert page.fetched.endswith("+00:00")


def test_redirects_are_followed_and_the_final_address_kept(server: WebServer) -> None:
    page = fetch(server.url("/moved"))
    assert page.url == server.url("/news")
    assert page.requested == server.url("/moved")
    assert fetch(server.url("/chain/4")).url == server.url("/news")  # five redirects: fine


def test_more_than_five_redirects_or_a_loop_is_refused(server: WebServer) -> None:
    assert "redirects more than 5 times" in refusal(server.url("/chain/5"))
    assert "redirects more than 5 times" in refusal(server.url("/loop"))
    assert server.requests.count("/loop") == 6


def test_a_redirect_to_a_file_or_ftp_address_is_never_followed(server: WebServer) -> None:
    reason = refusal(server.url("/to-file"))
    assert reason == (
        "redirects to file:///etc/passwd; only redirects to http:// and https:// addresses "
        "are followed"
    )
    assert refusal(server.url("/to-ftp")).startswith("redirects to ftp://127.0.0.1/news;")


def test_a_page_that_never_answers_times_out(server: WebServer) -> None:
    started = time.monotonic()
    assert (
        refusal(server.url("/never"), timeout=0.5) == "the server did not answer within 0.5 seconds"
    )
    assert time.monotonic() - started < 5


def test_a_page_too_large_is_refused_declared_or_not(server: WebServer) -> None:
    reason = refusal(server.url("/huge"))
    assert reason == "the page is too large (the server says 200.0 MB; the limit is 20 MB)"
    reason = refusal(server.url("/endless"), max_bytes=100_000)
    assert reason == "the page is too large (more than the limit of 100,000 bytes)"


def test_a_slow_trickle_stops_at_the_deadline(server: WebServer) -> None:
    def trickle(handler: object) -> None:
        handler.send_response(200)  # type: ignore[attr-defined]
        handler.send_header("Content-Type", "text/html")  # type: ignore[attr-defined]
        handler.end_headers()  # type: ignore[attr-defined]
        for _ in range(50):
            handler.wfile.write(b"<p>slow</p>")  # type: ignore[attr-defined]
            handler.wfile.flush()  # type: ignore[attr-defined]
            time.sleep(0.1)

    server.routes["/trickle"] = trickle
    assert refusal(server.url("/trickle"), deadline=0.5) == (
        "the page did not arrive within 0.5 seconds"
    )


def test_what_is_not_a_page_is_refused_by_kind_before_reading_it(server: WebServer) -> None:
    assert refusal(server.url("/photo")) == "is an image (image/png), not a web page or text"
    assert refusal(server.url("/report.pdf")) == (
        "is a PDF file (application/pdf), not a web page or text"
    )
    pdf = fetch(server.url("/report.pdf"), accept={"application/pdf"})
    assert pdf.data.startswith(b"%PDF")


def test_http_errors_say_what_the_server_said(server: WebServer) -> None:
    assert refusal(server.url("/missing")) == "the server has no such page (404 Not Found)"
    assert refusal(server.url("/broken")) == (
        "the server failed to answer (500 Internal Server Error); try again later"
    )
    assert refusal(server.url("/empty")) == "the server sent an empty page"


def test_offline_says_so() -> None:
    url = f"http://127.0.0.1:{closed_port()}/news"
    assert refusal(url) == (
        "127.0.0.1 refused the connection: the site is down, the address is wrong, "
        "or you are offline"
    )


def test_a_name_that_cannot_be_looked_up_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_name_server(*_args: object, **_kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_name_server)
    assert refusal("https://news.example.org/a") == (
        "the name news.example.org could not be looked up right now: you seem to be offline "
        "(or the name server does not answer)"
    )

    def no_such_name(*_args: object, **_kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    assert refusal("https://news.example.invalid/a") == (
        "there is no site called news.example.invalid (check the address), or you are offline"
    )


def test_compressed_pages_and_declared_charsets_arrive_as_sent(server: WebServer) -> None:
    assert fetch(server.url("/gzip")).data == NEWS_PAGE.encode()
    plain = fetch(server.url("/plain"))
    assert (plain.data, plain.content_type, plain.is_html) == (
        PLAIN_TEXT.encode(),
        "text/plain",
        False,
    )


def test_cancel_stops_the_download(server: WebServer) -> None:
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < 200_000

    with pytest.raises(Cancelled):
        fetch(server.url("/endless"), progress=progress)
    assert max(seen) < 400_000


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "file:///etc/passwd",
            "only web pages (http:// and https://) can be imported, not file: addresses",
        ),
        (
            "ftp://example.org/a",
            "only web pages (http:// and https://) can be imported, not ftp: addresses",
        ),
        ("javascript:alert(1)", "can be imported, not javascript: addresses"),
        ("example.org/a", "is not a web address (one starts with http:// or https://)"),
        ("https://", "names no site (nothing after the //)"),
        ("https://exa mple.org/", "a web address cannot hold spaces or control characters"),
        ("https://example.org:99999/", "is not a web address (Port out of range 0-65535)"),
        ("", "no web address given"),
    ],
)
def test_addresses_that_are_not_http_are_refused_before_any_connection(
    text: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch_module, "_open", None)  # would fail loudly if reached
    with pytest.raises(FetchError) as caught:
        fetch(text)
    assert reason in caught.value.reason


def test_addresses_are_made_fetchable_as_a_browser_would() -> None:
    assert web_address("  https://Example.org/a b".replace(" b", "")) == "https://example.org/a"
    assert web_address("https://例え.jp/ニュース?q=é#part") == (
        "https://xn--r8jz45g.jp/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9?q=%C3%A9"
    )
    assert web_address("example.org/news", assume_https=True) == "https://example.org/news"
    assert web_address("http://example.org") == "http://example.org/"


@pytest.mark.parametrize(
    ("argument", "is_address"),
    [
        ("https://example.org/a", True),
        ("http://x", True),
        ("ftp://x/y", True),  # refused later, by name, rather than taken for a file
        ("articles/a.txt", False),
        ("C:\\news\\a.html", False),
        ("notes: a.txt", False),
    ],
)
def test_a_command_line_argument_is_a_web_address_when_it_says_so(
    argument: str, is_address: bool
) -> None:
    assert looks_like_web_address(argument) is is_address
