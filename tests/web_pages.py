"""A small web server on 127.0.0.1 for import tests: a news page, redirects, a page that never
answers, a huge page, a PDF, errors. There is no other network here, and tests need none."""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NEWS_TITLE = "Border talks resume after two years"
NEWS_SENTENCES = (
    "Diplomats from both countries met in Geneva on Tuesday for the first round of border "
    "talks since the ceasefire collapsed two years ago.",
    "The delegations agreed to withdraw heavy artillery from a twenty-kilometre strip along "
    "the frontier by the end of the month, according to a joint statement.",
    "Observers from the regional security organisation will verify the withdrawal, the "
    "statement said, and a second round of talks is planned for May.",
    "Farmers in the border villages said they hoped the agreement would let them return to "
    "fields they have not worked since the fighting began.",
)
# What a reader should never see in the imported text.
NEWS_DEBRIS = (
    "Accept all cookies",
    "Home | World | Politics",
    "Sign up for our newsletter",
    "Read more: Ten things",
    "posted a comment",
    "trackVisitor",
    "color: red",
)

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>{NEWS_TITLE} | The Daily Ledger</title>
<meta name="author" content="Mira Kovač">
<meta property="og:site_name" content="The Daily Ledger">
<meta name="date" content="2024-03-12">
<style>.banner {{ color: red }}</style>
<script>function trackVisitor() {{ return 1; }} trackVisitor();</script>
</head><body onload="trackVisitor()">
<div id="cookie-banner" class="cookie-consent">We use cookies.
<button>Accept all cookies</button></div>
<nav class="menu"><a href="/">Home | World | Politics</a></nav>
<main><article>
<h1>{NEWS_TITLE}</h1>
<p class="byline">By Mira Kovač, 12 March 2024</p>
<p>{NEWS_SENTENCES[0]}</p>
<p>{NEWS_SENTENCES[1]}</p>
<p>{NEWS_SENTENCES[2]}</p>
<p>{NEWS_SENTENCES[3]}</p>
</article>
<aside class="read-more"><a href="/ten">Read more: Ten things you missed this week</a></aside>
</main>
<aside class="sidebar"><div class="newsletter">Sign up for our newsletter</div></aside>
<section id="comments" class="comments">
<div class="comment">Jo posted a comment: first!</div></section>
<footer>© The Daily Ledger</footer>
</body></html>
"""

PLAIN_TEXT = "Ceasefire holds\n\nThe ceasefire held through the night, officials said.\n"

PDF_SENTENCE = "Talks resume in Geneva after two years."


def pdf_article() -> bytes:
    """A one-page PDF with a text layer (for "a PDF served as a link"), made with fpdf2."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, f"Border talks\n\n{PDF_SENTENCE}")
    return bytes(pdf.output())


Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class WebServer:
    """The server's address and what the tests can tune: ``routes`` by path, ``release`` to let
    a page that never answers go, ``requests`` the paths asked for, in order."""

    base: str
    routes: dict[str, Route]
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


def send(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def redirect(handler: BaseHTTPRequestHandler, location: str, status: int = 302) -> None:
    handler.send_response(status)
    handler.send_header("Location", location)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def standard_routes(server: WebServer) -> dict[str, Route]:
    def never(handler: BaseHTTPRequestHandler) -> None:
        server.release.wait(30)  # answers nothing until the test is over

    def huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(200 * 1024 * 1024))
        handler.end_headers()
        handler.wfile.write(b"<html><body>" + b"x" * 1024)

    def endless(handler: BaseHTTPRequestHandler) -> None:
        # No length said: bytes until the client gives up.
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(100_000):
                handler.wfile.write(b"<p>" + b"more " * 200 + b"</p>\n")
        except OSError:
            pass

    def slow(handler: BaseHTTPRequestHandler) -> None:
        # A page arriving a little at a time, until the test is over (for Cancel).
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            while not server.release.wait(0.05):
                handler.wfile.write(b"<p>still coming</p>\n")
                handler.wfile.flush()
        except OSError:
            pass

    def chain(handler: BaseHTTPRequestHandler) -> None:
        left = int(handler.path.rsplit("/", 1)[1])
        redirect(handler, f"/chain/{left - 1}" if left else "/news")

    routes: dict[str, Route] = {
        "/news": lambda h: send(h, NEWS_PAGE.encode()),
        "/gzip": lambda h: send(
            h, gzip.compress(NEWS_PAGE.encode()), headers={"Content-Encoding": "gzip"}
        ),
        "/plain": lambda h: send(h, PLAIN_TEXT.encode(), "text/plain; charset=utf-8"),
        "/moved": lambda h: redirect(h, "/news", 301),
        "/loop": lambda h: redirect(h, "/loop"),
        "/to-file": lambda h: redirect(h, "file:///etc/passwd"),
        "/to-ftp": lambda h: redirect(h, "ftp://127.0.0.1/news"),
        "/never": never,
        "/huge": huge,
        "/endless": endless,
        "/slow": slow,
        "/report.pdf": lambda h: send(h, pdf_article(), "application/pdf"),
        "/photo": lambda h: send(h, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png"),
        "/missing": lambda h: send(h, b"<h1>Not here</h1>", status=404),
        "/broken": lambda h: send(h, b"<h1>Oops</h1>", status=500),
        "/empty": lambda h: send(h, b""),
    }
    for n in range(8):
        routes[f"/chain/{n}"] = chain
    return routes


@contextmanager
def web_server() -> Iterator[WebServer]:
    """A threaded HTTP server on 127.0.0.1 (a free port) with `standard_routes`."""
    holder: list[WebServer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server = holder[0]
            server.requests.append(self.path)
            route = server.routes.get(self.path.split("?")[0])
            if route is None:
                send(self, b"<h1>Not found</h1>", status=404)
            else:
                route(self)

        def log_message(self, format: str, *args: object) -> None:  # quiet tests
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server = WebServer(f"http://127.0.0.1:{httpd.server_address[1]}", {})
    server.routes = standard_routes(server)
    holder.append(server)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused, as when offline."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
