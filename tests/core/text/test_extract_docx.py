"""Word documents (.docx) imported as articles: headings, paragraphs, lists and table cells in
reading order, footnotes and comments after the text, title/author/date from the properties."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK

from claimdesk.core.importing import ImportRefused, import_paths
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import ArticleError, collect_article_paths, read_article

from .pages import PNG

FOOTNOTE = "Counted by the wardens' office in the spring survey."


def add_footnote(path: Path, paragraph_text: str, note: str, kind: str = "footnote") -> None:
    """python-docx writes no footnotes or endnotes: add the part, its relationship, its content
    type and a reference at the end of the paragraph holding ``paragraph_text``, as Word does."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[f"word/{kind}s.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s xmlns:w="{w}">'
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f"</w:{kind}>"
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        f"<w:continuationSeparator/></w:r></w:p></w:{kind}>"
        f'<w:{kind} w:id="1"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve">'
        f" {note}</w:t></w:r></w:p></w:{kind}></w:{kind}s>"
    ).encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rId{kind}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/{kind}s" Target="{kind}s.xml"/></Relationships>',
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        f'<Override PartName="/word/{kind}s.xml" ContentType="application/vnd.'
        f'openxmlformats-officedocument.wordprocessingml.{kind}s+xml"/></Types>',
    ).encode()
    body = parts["word/document.xml"].decode()
    reference = f'<w:r><w:{kind}Reference w:id="1"/></w:r></w:p>'
    at = body.index(paragraph_text)
    end = body.index("</w:p>", at)
    parts["word/document.xml"] = (body[:end] + reference + body[end + len("</w:p>") :]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def word_article(path: Path) -> Path:
    document = docx.Document()
    properties = document.core_properties
    properties.title = "Polar bears return to the bay"
    properties.author = "Ada Lovelace"
    properties.created = dt.datetime(2024, 3, 5, 8, 0, tzinfo=dt.UTC)
    document.sections[0].header.paragraphs[0].text = "The Daily Tern — March 2024"
    document.add_heading("Polar bears return to the bay", level=1)
    document.add_paragraph(
        "The first polar bears of the season were seen on the shore of the bay on Monday."
    )
    document.add_picture(io.BytesIO(PNG))
    document.add_heading("Counting the bears", level=2)
    document.add_paragraph("Seventeen adults were counted.", style="List Bullet")
    document.add_paragraph("Four cubs were seen with their mothers.", style="List Bullet")
    document.add_paragraph("Ear tags were read from the air.", style="List Bullet 2")
    document.add_paragraph("Count the adults.", style="List Number")
    table = document.add_table(rows=3, cols=2)
    for row, cells in enumerate([("Year", "Bears"), ("2023", "15"), ("2024", "21")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    closing = document.add_paragraph("The town asks visitors to keep their distance.")
    closing.add_run().add_break(WD_BREAK.LINE)
    closing.add_run("Paths are marked in red.")
    commented = document.add_paragraph("Wardens expect more bears next week.")
    document.add_comment(commented.runs, text="Which wardens?", author="Grace Hopper")
    document.save(path)
    add_footnote(path, "Seventeen adults were counted.", FOOTNOTE)
    return path


def test_a_word_document_reads_in_order_with_lists_tables_and_footnotes(tmp_path: Path) -> None:
    article = read_article(word_article(tmp_path / "bears.docx"))
    assert article.text.split("\n\n") == [
        "Polar bears return to the bay",
        "The first polar bears of the season were seen on the shore of the bay on Monday.",
        "Counting the bears",
        "• Seventeen adults were counted.[1]\n"
        "• Four cubs were seen with their mothers.\n"
        "  • Ear tags were read from the air.\n"
        "• Count the adults.",
        "Year | Bears\n2023 | 15\n2024 | 21",
        "The town asks visitors to keep their distance.\nPaths are marked in red.",
        "Wardens expect more bears next week.",
        f"Notes\n[1] {FOOTNOTE}",
        "Comments\nGrace Hopper: Which wardens?",
    ]
    assert article.title == "Polar bears return to the bay"
    assert article.meta == {
        "title": "Polar bears return to the bay",
        "author": "Ada Lovelace",
        "date": "2024-03-05",
    }
    assert article.dropped == (
        "1 image",
        "1 table flattened",
        "page headers and footers",
    )
    assert "Daily Tern" not in article.text


def test_merged_table_cells_are_read_once(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Results by region, as the survey reported them.")
    table = document.add_table(rows=3, cols=2)
    merged = table.cell(0, 0).merge(table.cell(1, 0))
    merged.text = "North"
    table.cell(0, 1).text = "12"
    table.cell(1, 1).text = "9"
    table.cell(2, 0).merge(table.cell(2, 1)).text = "Total 21"
    document.save(tmp_path / "t.docx")
    article = read_article(tmp_path / "t.docx")
    assert article.text.split("\n\n")[1] == "North | 12\n9\nTotal 21"


def test_without_a_title_property_the_first_line_is_the_title(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = ""
    document.add_paragraph("Ice forms early on the bay")
    document.add_paragraph("The bears came weeks before the festival.")
    document.save(tmp_path / "ice.docx")
    article = read_article(tmp_path / "ice.docx")
    assert article.title == "Ice forms early on the bay"
    assert "title" not in article.meta


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b"This is a text file named .docx\n",
            r"is not a Word document \(\.docx\): it is not a ZIP",
        ),
        (b"PK\x03\x04broken", r"is not a Word document \(\.docx\): it is not a ZIP"),
        ("zip-without-document", r"^is not a Word document \(\.docx\): "),
        ("bomb", r"^is refused: part 'word/document.xml' is compressed [\d,]+ times"),
        ("empty-document", r"^has no text$"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            r"^is protected by a password, or is an older Office file renamed: open it and "
            r"save it as \.docx without a password$",
        ),
    ],
)
def test_a_bad_word_file_is_refused_by_name_and_the_project_is_unchanged(
    project: Project, tmp_path: Path, content: bytes | str, reason: str
) -> None:
    path = tmp_path / "bad.docx"
    if content == "zip-without-document":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not Word")
    elif content == "bomb":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("word/document.xml", b"<" + b" " * (8 * 1024**2) + b">")
    elif content == "empty-document":
        docx.Document().save(path)
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert re.search(reason, caught.value.reason), caught.value.reason
    assert "Traceback" not in str(caught.value)
    good = word_article(tmp_path / "good.docx")
    with pytest.raises(ImportRefused, match=r"bad\.docx: "):
        import_paths(project, [good, path])
    assert project.documents() == []


def test_a_word_document_imports_into_the_project_with_its_metadata(
    project: Project, tmp_path: Path
) -> None:
    path = word_article(tmp_path / "bears.docx")
    report, problems = import_paths(project, [path])
    assert problems == []
    (document,) = project.documents()
    assert document.title == "Polar bears return to the bay"
    assert document.date == "2024-03-05"
    assert document.meta["author"] == "Ada Lovelace"
    assert report.dropped == [
        (
            path,
            "1 image, 1 table flattened, page headers and footers",
        )
    ]


def test_a_word_97_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    old = tmp_path / "minutes.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    files, problems = collect_article_paths([old])
    assert files == []
    assert problems == [
        (old, "is a Word 97-2003 file, which Claimdesk does not read: save it as .docx")
    ]


def test_a_zip_listing_too_many_parts_is_refused_before_it_is_listed(tmp_path: Path) -> None:
    """Each part zipfile lists costs memory before anything can be counted: the list's size,
    which the archive's end record states, is checked first."""
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for number in range(40_000):
            archive.writestr(f"word/media/part-{number:06d}-{'x' * 40}.xml", b"")
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert re.fullmatch(
        r"is refused: its list of parts takes [\d,]+ bytes \(limit 4,194,304\)",
        caught.value.reason,
    ), caught.value.reason


TEXT_BOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>'
    '<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r>'
    "<w:t>Boxed quote from the mayor.</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>"
    "</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p>"
    "<w:r><w:t>Boxed quote from the mayor.</w:t></w:r></w:p></w:txbxContent></v:textbox>"
    "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)


def test_text_boxes_endnotes_and_tables_in_cells_are_read_once(tmp_path: Path) -> None:
    from docx.oxml.parser import parse_xml

    document = docx.Document()
    boxed = document.add_paragraph("Before the box.")
    boxed._p.append(parse_xml(TEXT_BOX))
    document.add_paragraph("The count ended on Friday.")
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Regions"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    for row, cells in enumerate([("North", "12"), ("South", "9")]):
        for column, content in enumerate(cells):
            inner.cell(row, column).text = content
    document.save(tmp_path / "box.docx")
    add_footnote(tmp_path / "box.docx", "The count ended on Friday.", "As planned.", "endnote")
    article = read_article(tmp_path / "box.docx")
    assert article.text.split("\n\n") == [
        "Before the box. Boxed quote from the mayor.",
        "The count ended on Friday.[1]",
        "Regions | North | 12 South | 9",
        "Notes\n[1] As planned.",
    ]
