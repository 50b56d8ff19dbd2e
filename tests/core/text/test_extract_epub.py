"""E-books (.epub) imported as articles: the chapters' text in reading order (the spine, not the
file names), each read as a web page is, title/author/date from the package metadata."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from ebooklib import epub

from claimdesk.core.importing import import_paths
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import ArticleError, read_article

from .pages import PNG

ONE = (
    "The bears came early that year, walking over the new ice before the town had taken its "
    "boats out of the water."
)
TWO = "By March the wardens had counted twenty-one bears, four of them cubs born in the den."
THREE = "Nobody in the town could remember a spring like it, and the old men said so loudly."


def make_epub(path: Path) -> Path:
    book = epub.EpubBook()
    book.set_identifier("polar-tales-1")
    book.set_title("Polar Tales")
    book.set_language("en")
    book.add_author("Ada Lovelace")
    book.add_author("Grace Hopper")
    book.add_metadata("DC", "date", "2024-03-05T00:00:00Z")
    cover_image = epub.EpubItem(
        uid="cover-image", file_name="images/cover.png", media_type="image/png", content=PNG
    )
    book.add_item(cover_image)
    cover = epub.EpubHtml(title="Cover", file_name="a-cover.xhtml", lang="en")
    cover.content = '<div><img src="images/cover.png" alt="Cover"/></div>'
    # File names in the opposite order to the reading order: the spine decides.
    first = epub.EpubHtml(title="Early ice", file_name="z-first.xhtml", lang="en")
    first.content = (
        f"<h1>Early ice</h1><p>{ONE}</p>"
        '<script>document.write("SCRIPTDEBRIS")</script>'
        f'<p onclick="x()">{TWO}</p>'
    )
    second = epub.EpubHtml(title="The count", file_name="b-second.xhtml", lang="en")
    second.content = (
        f"<h2>The count</h2><p>{THREE}</p>"
        "<table><tr><td>Adults</td><td>17</td></tr><tr><td>Cubs</td><td>4</td></tr></table>"
    )
    for chapter in (cover, first, second):
        book.add_item(chapter)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.toc = [first, second]
    book.spine = [cover, "nav", first, second]
    epub.write_epub(str(path), book)
    return path


def test_an_epub_reads_its_chapters_in_reading_order_with_metadata(tmp_path: Path) -> None:
    article = read_article(make_epub(tmp_path / "tales.epub"))
    assert article.text.split("\n\n") == [
        "Early ice",
        ONE,
        TWO,
        "The count",
        THREE,
        "Adults | 17\nCubs | 4",
    ]
    assert "SCRIPTDEBRIS" not in article.text
    assert article.title == "Polar Tales"
    assert article.meta == {
        "title": "Polar Tales",
        "author": "Ada Lovelace, Grace Hopper",
        "date": "2024-03-05",
    }
    assert article.dropped == (
        "1 table flattened",
        "1 page without text (a cover, a title page)",
    )


def test_an_epub_imports_with_its_metadata(project: Project, tmp_path: Path) -> None:
    _, problems = import_paths(project, [make_epub(tmp_path / "tales.epub")])
    assert problems == []
    (document,) = project.documents()
    assert (document.title, document.date) == ("Polar Tales", "2024-03-05")
    assert document.meta["author"] == "Ada Lovelace, Grace Hopper"


def with_drm(path: Path) -> None:
    make_epub(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            "META-INF/encryption.xml",
            '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
            'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
            '<enc:CipherData><enc:CipherReference URI="EPUB/z-first.xhtml"/></enc:CipherData>'
            "</enc:EncryptedData></encryption>",
        )


def entity_bomb(path: Path) -> None:
    make_epub(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    opf = next(name for name in parts if name.endswith(".opf"))
    entities = b'<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b"<!ENTITY " + bytes([98 + n]) + b' "' + (b"&" + bytes([97 + n]) + b";") * 10 + b'">'
        for n in range(8)
    )
    head, rest = parts[opf].split(b"?>", 1)
    rest = rest.replace(b"<dc:title>Polar Tales</dc:title>", b"<dc:title>&i;</dc:title>")
    parts[opf] = head + b"?><!DOCTYPE package [" + entities + b"]>" + rest
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def only_a_cover(path: Path) -> None:
    book = epub.EpubBook()
    book.set_identifier("x")
    book.set_title("Only a cover")
    cover = epub.EpubHtml(title="Cover", file_name="cover.xhtml")
    cover.content = '<div><img src="cover.png" alt=""/></div>'
    book.add_item(cover)
    book.add_item(epub.EpubNav())
    book.spine = [cover]
    epub.write_epub(str(path), book)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(b"not a book"), "is not an EPUB e-book (.epub): it is not a ZIP"),
        (with_drm, "is protected by DRM (its chapters are encrypted)"),
        (only_a_cover, "has no chapter with text"),
        (
            entity_bomb,
            "is not an EPUB e-book (.epub): its package description (the .opf file) could not",
        ),
        (
            lambda p: zipfile.ZipFile(p, "w").writestr("mimetype", "application/epub+zip"),
            "is not an EPUB e-book (.epub): ",
        ),
    ],
)
def test_a_bad_epub_is_refused_by_name(tmp_path: Path, make: object, reason: str) -> None:
    path = tmp_path / "bad.epub"
    make(path)  # type: ignore[operator]
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert caught.value.reason.startswith(reason), caught.value.reason
