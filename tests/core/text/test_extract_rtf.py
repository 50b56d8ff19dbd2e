"""Rich Text Format files (.rtf) imported as articles: paragraphs, line breaks, accents and
characters beyond the BMP, table rows a line each, link words without their address, and the
title, author and date of the information group."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdesk.core.importing import import_paths
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import ArticleError, read_article

# As WordPad and Word write it: font and colour tables, an information group, a picture,
# a hyperlink field, a table, \line inside a paragraph, \'xx and \uN escapes.
RTF = rb"""{\rtf1\ansi\ansicpg1252\deff0\nouicompat{\fonttbl{\f0\fnil\fcharset0 Calibri;}}
{\colortbl ;\red255\green0\blue0;}
{\*\generator Riched20 10.0.19041}
{\info{\title Les ours polaires reviennent \'e0 la baie}{\author Ada Lovelace}
{\creatim\yr2024\mo3\dy5\hr8\min0}{\company The Daily Tern}}
\viewkind4\uc1\pard\sa200\sl276\slmult1\b\f0\fs28 Polar bears return to the bay\b0\par
The first polar bears of the season were seen on the shore on Monday, caf\'e9 owners said.\par
{\*\shppict{\pict{\*\picprop}\pngblip\picw10\pich10 89504e470d0a1a0a0000000d49484452}}
{\nonshppict{\pict\wmetafile8 0100090000}}
Read the wardens' {\field{\*\fldinst{HYPERLINK "https://tern.example/wardens"}}
{\fldrslt{\ul\cf1 report}}} for the count.\par
\trowd\cellx2000\cellx4000\intbl Year\cell Bears\cell\row
\trowd\cellx2000\cellx4000\intbl 2024\cell 21\cell\row
\pard The town asks visitors to keep their distance.\line Paths are marked in red.\par
Bears are \u55357?\u56379? welcome, says the mayor \u8212? from afar.\par
}
"""


def test_an_rtf_file_reads_as_its_paragraphs_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "bears.rtf"
    path.write_bytes(RTF)
    article = read_article(path)
    assert article.text.split("\n\n") == [
        "Polar bears return to the bay",
        "The first polar bears of the season were seen on the shore on Monday, café owners said.",
        "Read the wardens' report for the count.",
        "Year | Bears\n2024 | 21",
        "The town asks visitors to keep their distance.\nPaths are marked in red.",
        "Bears are 🐻 welcome, says the mayor — from afar.",
    ]
    assert article.meta == {
        "title": "Les ours polaires reviennent à la baie",
        "author": "Ada Lovelace",
        "date": "2024-03-05",
    }
    assert article.title == "Les ours polaires reviennent à la baie"
    assert article.dropped == (
        "1 image",
        "1 table flattened",
    )


def test_an_rtf_file_imports_with_its_metadata(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "bears.rtf"
    path.write_bytes(RTF)
    _, problems = import_paths(project, [path])
    assert problems == []
    (document,) = project.documents()
    assert document.date == "2024-03-05"
    assert document.meta["author"] == "Ada Lovelace"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"Just words in a file named .rtf", r"is not an RTF document (.rtf): it does not begin"),
        (b"{\\rtf1\\ansi {\\info{\\title Only a title}}}", "has no text"),
    ],
)
def test_a_bad_rtf_file_is_refused_by_name(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.rtf"
    path.write_bytes(content)
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert caught.value.reason.startswith(reason)
