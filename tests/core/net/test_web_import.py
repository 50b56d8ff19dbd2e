"""Importing a web address and pasting text: through the one import path, one undoable edit."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from claimdesk.core.importing import (
    ImportRefused,
    import_paths,
    plan_import,
    plan_paste,
)
from claimdesk.core.net import fetch as fetch_module
from claimdesk.core.store.project import Project
from claimdesk.core.text.extract import EXTRACTORS
from tests.web_pages import (
    NEWS_DEBRIS,
    NEWS_PAGE,
    NEWS_SENTENCES,
    NEWS_TITLE,
    PDF_SENTENCE,
    WebServer,
    closed_port,
    send,
    web_server,
)


@pytest.fixture
def server() -> Iterator[WebServer]:
    with web_server() as running:
        yield running


def only_document(project: Project) -> tuple[int, str, str, dict[str, object]]:
    (document,) = project.documents()
    return document.id, document.title, document.source, document.meta


def test_a_news_page_becomes_its_article_with_address_and_fetch_date(
    project: Project, server: WebServer
) -> None:
    report, problems = import_paths(project, [], urls=[server.url("/moved")])
    assert problems == []
    document_id, title, source, meta = only_document(project)
    assert report.added == [(document_id, NEWS_TITLE)]
    assert title == NEWS_TITLE
    assert source == server.url("/news")  # where the text came from, after the redirect
    assert meta["url"] == server.url("/news")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", str(meta["fetched"]))
    assert (meta["author"], meta["site"], meta["date"]) == (
        "Mira Kovač",
        "The Daily Ledger",
        "2024-03-12",
    )
    text = project.document_text(document_id)
    assert text == "\n\n".join([NEWS_TITLE, *NEWS_SENTENCES])
    for debris in NEWS_DEBRIS:
        assert debris not in text
    project.undo()
    assert project.documents() == []


def test_the_same_page_again_is_a_duplicate_named_by_its_address(
    project: Project, server: WebServer
) -> None:
    import_paths(project, [], urls=[server.url("/news")])
    report, _ = import_paths(project, [], urls=[server.url("/gzip")])
    assert report.added == []
    assert report.duplicates == [(server.url("/gzip"), NEWS_TITLE)]


def test_a_page_in_a_declared_charset_and_a_plain_text_page(
    project: Project, server: WebServer
) -> None:
    latin = NEWS_PAGE.replace("Kovač", "Zoë").replace('<meta charset="utf-8">', "")
    server.routes["/latin1"] = lambda h: send(
        h, latin.encode("latin-1"), "text/html; charset=iso-8859-1"
    )
    _, problems = import_paths(project, [], urls=[server.url("/latin1"), server.url("/plain")])
    assert problems == []
    first, second = project.documents()
    assert first.meta["author"] == "Mira Zoë"
    assert second.title == "Ceasefire holds"
    assert project.document_text(second.id) == (
        "Ceasefire holds\n\nThe ceasefire held through the night, officials said."
    )
    assert second.meta["url"] == server.url("/plain")


def test_files_and_addresses_mix_and_a_bad_address_changes_nothing(
    project: Project, server: WebServer, tmp_path: pytest.TempPathFactory
) -> None:
    path = tmp_path / "a.txt"  # type: ignore[operator]
    path.write_text("Troops withdrawn\n\nMoscow confirmed it.\n", encoding="utf-8")
    offline = f"http://127.0.0.1:{closed_port()}/news"
    with pytest.raises(ImportRefused) as caught:
        import_paths(project, [path], urls=[server.url("/news"), offline, server.url("/loop")])
    assert project.documents() == []
    assert str(caught.value) == (
        "Nothing was imported; 2 web addresses cannot be:\n"
        f"  {offline}: 127.0.0.1 refused the connection: the site is down, the address is "
        "wrong, or you are offline\n"
        f"  {server.url('/loop')}: redirects more than 5 times (a redirect loop?)"
    )
    report, problems = import_paths(
        project, [path], urls=[server.url("/news"), offline], skip_invalid=True
    )
    assert [title for _, title in report.added] == ["Troops withdrawn", NEWS_TITLE]
    assert [source for source, _ in problems] == [offline]


def test_a_page_that_never_answers_is_refused_by_name(
    project: Project, server: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch_module, "TIMEOUT", 0.5)
    plan = plan_import([], urls=[server.url("/never")])
    assert plan.problems == [(server.url("/never"), "the server did not answer within 0.5 seconds")]


def test_a_pdf_link_is_read_by_the_pdf_reader_or_refused_by_name(
    project: Project, server: WebServer
) -> None:
    plan = plan_import([], urls=[server.url("/report.pdf")])
    if ".pdf" in EXTRACTORS:  # PDF import is there: the link is an article like a file
        assert plan.problems == []
        assert PDF_SENTENCE in plan.articles[0].text
        assert plan.articles[0].meta["url"] == server.url("/report.pdf")
    else:
        assert plan.problems == [
            (
                server.url("/report.pdf"),
                "is a PDF file (application/pdf), not a web page or text",
            )
        ]


def test_a_page_without_an_article_is_refused_by_name(server: WebServer) -> None:
    server.routes["/nav-only"] = lambda h: send(
        h, b"<html><body><nav><a href='/'>Home</a></nav></body></html>"
    )
    (problem,) = plan_import([], urls=[server.url("/nav-only")]).problems
    assert problem == (server.url("/nav-only"), "the page has no article text that could be found")


def test_cancel_during_a_download_stops_it(server: WebServer) -> None:
    from claimdesk.core.errors import Cancelled

    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return len(calls) < 5

    with pytest.raises(Cancelled):
        plan_import([], urls=[server.url("/endless")], progress=progress)
    assert len(calls) == 5


# -- the clipboard -----------------------------------------------------------------------------


def test_pasted_text_becomes_a_document_through_the_same_rules(project: Project) -> None:
    plan = plan_paste("", "Cafe\u0301 talks\r\n\r\nThe talks went on.\r\nShare this article\r\n")
    assert plan.problems == []
    (article,) = plan.articles
    assert article.text == "Café talks\n\nThe talks went on."  # NFC, "\n", clean-up rules
    assert (article.title, article.source) == ("Café talks", "clipboard")
    report = project.import_articles(plan.articles)
    assert [title for _, title in report.added] == ["Café talks"]
    assert project.documents()[0].source == "clipboard"


def test_a_copied_page_loses_its_debris_a_copied_selection_keeps_its_lines() -> None:
    rendered = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", NEWS_PAGE, flags=re.S)
    rendered = re.sub(r"<[^>]+>", "", rendered.split("<body", 1)[1].split(">", 1)[1])
    (page,) = plan_paste(NEWS_PAGE, rendered).articles
    assert page.text == "\n\n".join([NEWS_TITLE, *NEWS_SENTENCES])
    assert page.meta["author"] == "Mira Kovač"

    fragment = (
        '<meta charset="utf-8"><h2>Talks</h2><p>First paragraph, with <b>bold</b> words.</p>'
        "<ul><li>one</li><li>two</li></ul>"
    )
    (selection,) = plan_paste(
        fragment, "Talks\nFirst paragraph, with bold words.\none\ntwo"
    ).articles
    assert selection.text == "Talks\nFirst paragraph, with bold words.\none\ntwo"


def test_html_without_text_or_an_empty_clipboard_is_refused() -> None:
    assert plan_paste("", "  \n").problems == [("clipboard", "holds no text to paste")]
    assert plan_paste("<img src='x.png'>", "").problems == [("clipboard", "holds no text to paste")]
