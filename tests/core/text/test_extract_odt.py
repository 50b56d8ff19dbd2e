"""OpenDocument text files (.odt) imported as articles: the same reading order as Word files,
footnotes and comments after the text, title/author/date from the file's metadata."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from odf import dc, draw, meta, office, table, text
from odf.opendocument import OpenDocumentText

from claimdesk.core.importing import ImportRefused, import_paths
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import ArticleError, read_article

from .pages import PNG

FOOTNOTE = "Counted by the wardens' office in the spring survey."


def paragraph(content: str, *extra: object) -> text.P:
    p = text.P(text=content)
    for element in extra:
        p.addElement(element)
    return p


def odt_article(path: Path) -> Path:
    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Polar bears return to the bay"))
    document.meta.addElement(meta.InitialCreator(text="Ada Lovelace"))
    document.meta.addElement(meta.CreationDate(text="2024-03-05T08:00:00"))
    body = document.text
    body.addElement(text.H(outlinelevel=1, text="Polar bears return to the bay"))
    note = text.Note(id="ftn1", noteclass="footnote")
    note.addElement(text.NoteCitation(text="1"))
    note_body = text.NoteBody()
    note_body.addElement(text.P(text=FOOTNOTE))
    note.addElement(note_body)
    body.addElement(paragraph("The first polar bears of the season were seen on Monday.", note))
    frame = draw.Frame(width="2cm", height="2cm", anchortype="paragraph")
    frame.addElement(draw.Image(href=document.addPicture("bear.png", "image/png", PNG)))
    body.addElement(paragraph("", frame))
    body.addElement(text.H(outlinelevel=2, text="Counting the bears"))
    items = text.List()
    for content in ("Seventeen adults were counted.", "Four cubs were seen."):
        item = text.ListItem()
        item.addElement(text.P(text=content))
        items.addElement(item)
    nested_item = text.ListItem()
    nested = text.List()
    inner = text.ListItem()
    inner.addElement(text.P(text="Ear tags were read from the air."))
    nested.addElement(inner)
    nested_item.addElement(nested)
    items.addElement(nested_item)
    body.addElement(items)
    grid = table.Table(name="Counts")
    grid.addElement(table.TableColumn(numbercolumnsrepeated=2))
    for cells in (("Year", "Bears"), ("2023", "15"), ("2024", "21")):
        row = table.TableRow()
        for content in cells:
            cell = table.TableCell()
            cell.addElement(text.P(text=content))
            row.addElement(cell)
        grid.addElement(row)
    body.addElement(grid)
    closing = text.P(text="The town asks visitors to keep their distance.")
    closing.addElement(text.LineBreak())
    closing.addText("Paths are marked in red.")
    body.addElement(closing)
    comment = office.Annotation()
    comment.addElement(dc.Creator(text="Grace Hopper"))
    comment.addElement(text.P(text="Which wardens?"))
    body.addElement(paragraph("Wardens expect more bears next week.", comment))
    document.save(str(path))
    return path


def test_an_odt_file_reads_in_order_with_lists_tables_and_footnotes(tmp_path: Path) -> None:
    article = read_article(odt_article(tmp_path / "bears.odt"))
    assert article.text.split("\n\n") == [
        "Polar bears return to the bay",
        "The first polar bears of the season were seen on Monday.[1]",
        "Counting the bears",
        "• Seventeen adults were counted.\n• Four cubs were seen.\n"
        "  • Ear tags were read from the air.",
        "Year | Bears\n2023 | 15\n2024 | 21",
        "The town asks visitors to keep their distance.\nPaths are marked in red.",
        "Wardens expect more bears next week.",
        f"Notes\n[1] {FOOTNOTE}",
        "Comments\nGrace Hopper: Which wardens?",
    ]
    assert article.meta == {
        "title": "Polar bears return to the bay",
        "author": "Ada Lovelace",
        "date": "2024-03-05",
    }
    assert article.dropped == (
        "1 image",
        "1 table flattened",
    )


def test_an_odt_file_imports_with_its_metadata(project: Project, tmp_path: Path) -> None:
    _, problems = import_paths(project, [odt_article(tmp_path / "bears.odt")])
    assert problems == []
    (document,) = project.documents()
    assert (document.title, document.date) == ("Polar bears return to the bay", "2024-03-05")
    assert document.meta["author"] == "Ada Lovelace"


def spreadsheet(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            "</manifest:manifest>",
        )


def with_password(path: Path) -> None:
    odt_article(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["META-INF/manifest.xml"] = parts["META-INF/manifest.xml"].replace(
        b"</manifest:manifest>",
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        b'<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
        b"</manifest:file-entry></manifest:manifest>",
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def entity_bomb(path: Path) -> None:
    odt_article(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["content.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        + parts["content.xml"].split(b"?>", 1)[1].replace(b"Monday.", b"Monday &b;.", 1)
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (
            lambda p: p.write_bytes(b"plain words"),
            r"^is not an OpenDocument text \(\.odt\): it is not a ZIP",
        ),
        (
            spreadsheet,
            r"^is not an OpenDocument text \(\.odt\): it is .*opendocument\.spreadsheet$",
        ),
        (with_password, r"^is protected by a password: save it without one$"),
        (entity_bomb, r"^is not an OpenDocument text \(\.odt\): its XML declares entities"),
    ],
)
def test_a_bad_odt_file_is_refused_by_name_and_the_project_is_unchanged(
    project: Project, tmp_path: Path, make: object, reason: str
) -> None:
    import re

    path = tmp_path / "bad.odt"
    make(path)  # type: ignore[operator]
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert re.search(reason, caught.value.reason), caught.value.reason
    with pytest.raises(ImportRefused, match=r"bad\.odt: "):
        import_paths(project, [odt_article(tmp_path / "good.odt"), path])
    assert project.documents() == []


def test_a_text_box_is_read_where_it_stands(tmp_path: Path) -> None:
    document = OpenDocumentText()
    box = draw.TextBox()
    box.addElement(text.P(text="Boxed quote from the mayor."))
    frame = draw.Frame(width="3cm", height="2cm", anchortype="paragraph")
    frame.addElement(box)
    document.text.addElement(paragraph("Before the box.", frame))
    document.text.addElement(text.P(text="After."))
    document.save(str(tmp_path / "box.odt"))
    article = read_article(tmp_path / "box.odt")
    assert article.text == "Before the box. Boxed quote from the mayor.\n\nAfter."
    assert article.dropped == ()
