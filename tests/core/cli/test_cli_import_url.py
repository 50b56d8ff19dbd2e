"""claimdesk-cli import with web addresses, as a user runs it: the installed console script in
its own process, fetching from a server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdesk.core.store.project import Project
from tests.core.cli.test_cli import digest, failed, ok, run
from tests.web_pages import NEWS_DEBRIS, NEWS_SENTENCES, NEWS_TITLE, WebServer, web_server


@pytest.fixture
def server() -> Iterator[WebServer]:
    with web_server() as running:
        yield running


@pytest.fixture
def made(tmp_path: Path) -> Path:
    ok(run("new", "p.claimdesk", cwd=tmp_path))
    return tmp_path / "p.claimdesk"


def test_import_a_web_address_next_to_a_file(made: Path, server: WebServer) -> None:
    article = made.parent / "a.txt"
    article.write_text("Troops withdrawn\n\nMoscow confirmed it.\n", encoding="utf-8")
    out = ok(run("import", made, server.url("/moved"), article, cwd=made.parent))
    assert f"  {NEWS_TITLE}" in out and "  Troops withdrawn" in out
    assert "2 imported, 0 duplicate(s) skipped, 0 rejected." in out
    with Project.open(made) as project:
        page = next(doc for doc in project.documents() if doc.title == NEWS_TITLE)
        assert page.source == page.meta["url"] == server.url("/news")
        assert str(page.meta["fetched"]).endswith("+00:00")
        text = project.document_text(page.id)
    assert all(sentence in text for sentence in NEWS_SENTENCES)
    assert not any(debris in text for debris in NEWS_DEBRIS)

    again = ok(run("import", made, server.url("/news"), cwd=made.parent))
    assert f"skipped   {server.url('/news')}: same text as {NEWS_TITLE!r}" in again


def test_a_bad_address_is_refused_by_name_and_changes_nothing(
    made: Path, server: WebServer
) -> None:
    before = digest(made)
    stderr = failed(
        run("import", made, server.url("/news"), server.url("/to-file"), cwd=made.parent),
        server.url("/to-file"),
    )
    assert stderr.splitlines() == [
        "claimdesk-cli: error: Nothing was imported; 1 web address cannot be:",
        f"  {server.url('/to-file')}: redirects to file:///etc/passwd; only redirects to "
        "http:// and https:// addresses are followed",
        "Fix or remove those, or pass --skip-invalid to import the rest.",
    ]
    assert digest(made) == before
    stderr = failed(run("import", made, "ftp://127.0.0.1/news.html", cwd=made.parent))
    assert "only web pages (http:// and https://) can be imported, not ftp: addresses" in stderr
    assert digest(made) == before
