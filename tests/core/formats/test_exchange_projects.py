"""UIMA XMI, W3C and REFI-QDA from a real project: export, import into a fresh one, refuse harm."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdesk.core.formats.base import FormatError
from claimdesk.core.formats.export import export_dataset
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.edits import AddDocuments
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import sha256_text
from tests.core.formats.exchange_samples import TEXT_1, TEXT_2

Row = tuple[str, str, str, int, int, str, str]


def _build(project: Project) -> None:
    claim, _ = project.add_label("Factual claim", "#e6194b")
    other, _ = project.add_label("主张 (opinion)", "#3cb44b")
    html, _ = project.add_label("<b>x</b>&amp;", "#4363d8")
    rows = [
        {"title": title, "source": "", "date": "", "meta": {}, "text": text,
         "sha256": sha256_text(text)}
        for title, text in (("Prices =rise 😀", TEXT_1), ("Second", TEXT_2))
    ]  # fmt: skip
    command = AddDocuments(rows)
    project.apply(command)
    d1, d2 = command.ids
    ana = project.ensure_annotator("Ana").id
    bo = project.ensure_annotator("Bo Ødegård").id
    cafe = TEXT_1.index("Cafe")
    bold = TEXT_1.index("<b>")
    project.add_annotation(d1, claim.id, ana, 0, 2, note="emoji\r\n=SUM(A1)")
    project.add_annotation(d1, other.id, ana, cafe, cafe + 5, note="<i>n</i>")
    project.add_annotation(d1, claim.id, bo, cafe, cafe + 12)  # overlaps, other annotator
    project.add_annotation(d1, html.id, bo, bold, bold + 11)
    project.add_annotation(d1, claim.id, bo, bold + 11, bold + 17)  # adjacent
    start = TEXT_2.index("税金")
    project.add_annotation(d2, other.id, ana, start, start + 7)


def _spans(project: Project) -> set[Row]:
    labels = {label.id: label.name for label in project.labels()}
    people = {a.id: a.name for a in project.annotators()}
    found = set()
    for doc in project.documents():
        text = project.document_text(doc.id)
        for a in project.annotations(doc.id, None):
            found.add(
                (text, people[a.annotator_id], labels[a.label_id], a.start, a.end, a.quote, a.note)
            )
    return found


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Project]:
    path = tmp_path / "filled.claimdesk"
    Project.create(path).close()
    with Project.open(path) as project:
        _build(project)
        yield project


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Project]:
    path = tmp_path / "fresh.claimdesk"
    Project.create(path).close()
    with Project.open(path) as project:
        yield project


@pytest.mark.parametrize(("name", "out"), [("uima-xmi", "xmi"), ("qdpx", "claims.qdpx")])
def test_round_trip_into_a_fresh_project(
    filled: Project, fresh: Project, tmp_path: Path, name: str, out: str
) -> None:
    report = export_dataset(filled, name, tmp_path / out)
    assert (report.documents, report.spans, report.verified) == (2, 6, True)
    imported = import_annotations(fresh, name, tmp_path / out)
    assert imported.annotations_added == 6
    assert _spans(fresh) == _spans(filled)
    assert sorted(d.title for d in fresh.documents()) == ["Prices =rise 😀", "Second"]
    colours = {label.name: label.colour.lower() for label in fresh.labels()}
    if name == "qdpx":  # REFI-QDA codes carry colours; the XMI layer has no place for them
        assert colours == {label.name: label.colour.lower() for label in filled.labels()}
    again = import_annotations(fresh, name, tmp_path / out)
    assert (again.annotations_added, again.documents_added) == (0, 0)


def test_w3c_export_from_a_project_is_verified(filled: Project, tmp_path: Path) -> None:
    report = export_dataset(filled, "w3c", tmp_path / "claims.jsonld")
    assert (report.documents, report.spans, report.verified) == (2, 6, True)


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("document", "label", "annotation", "annotator")
        }


def test_hostile_files_leave_the_project_exactly_as_it_was(filled: Project, tmp_path: Path) -> None:
    export_dataset(filled, "qdpx", tmp_path / "good.qdpx")
    with zipfile.ZipFile(tmp_path / "good.qdpx") as good:
        entries = {name: good.read(name) for name in good.namelist()}
    slip = tmp_path / "slip.qdpx"
    with zipfile.ZipFile(slip, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        archive.writestr("../../outside.txt", b"x")
    xxe = tmp_path / "xxe.qdpx"
    with zipfile.ZipFile(xxe, "w") as archive:
        for name, data in entries.items():
            if name == "project.qde":
                data = data.replace(
                    b"?>", b'?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1
                )
            archive.writestr(name, data)
    before = _rows(filled.path)
    assert before["annotation"]
    for path, reason in ((slip, "refused"), (xxe, "external entities")):
        with pytest.raises(FormatError, match=reason) as caught:
            import_annotations(filled, "qdpx", path)
        assert path.name in str(caught.value)
        assert _rows(filled.path) == before
