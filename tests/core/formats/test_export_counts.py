"""The export report counts the documents that are in the output, for every format.

Read each output back (with the format's reader, or as another program would parse it) and
count the distinct documents in it: the report says the same number, whatever the selection.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import ExportReport, ExportSelection
from claimdesk.core.formats.conll import DOCSTART
from claimdesk.core.formats.export import export_dataset
from claimdesk.core.store.edits import AddDocuments
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import sha256_text

TEXTS = [
    "Moscow and Beijing agreed to cut troops.",
    "Trade rose by five percent this year.",
    "The border talks resumed in spring.",
    "Nothing was said about the embargo.",
]
pytestmark = pytest.mark.both_dialects

# Formats that hold annotations only: a document without a span cannot appear in them.
ANNOTATIONS_ONLY = {"csv", "w3c"}


@pytest.fixture
def corpus(project: Project) -> dict[str, int]:
    """Four documents: Ana annotated the first two, Bo the third, no one the fourth."""
    rows = [{"title": f"Doc {n}", "source": "", "date": "", "meta": {}, "text": text,
             "sha256": sha256_text(text)} for n, text in enumerate(TEXTS)]  # fmt: skip
    command = AddDocuments(rows)
    project.apply(command)
    label = project.labels()[1].id
    ana = project.ensure_annotator("Ana").id
    bo = project.ensure_annotator("Bo").id
    d1, d2, d3, d4 = command.ids
    project.add_annotation(d1, label, ana, 0, 6)
    project.add_annotation(d1, label, ana, 11, 18)
    project.add_annotation(d2, label, ana, 0, 5)
    project.add_annotation(d3, label, bo, 4, 10)
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4}


def documents_in(name: str, out: Path) -> set[str]:
    """The distinct documents a file or folder holds, as its reader (or a parser) finds them."""
    if name in {"jsonl", "labelstudio", "uima-xmi", "qdpx"}:
        return {str(doc.file_id) for doc in registry.get(name).read(out)}
    if name == "brat":  # "annotator/stem": the same document in each annotator's folder
        return {str(doc.file_id).rpartition("/")[2] for doc in registry.get(name).read(out)}
    if name == "csv":
        with out.open(encoding="utf-8-sig", newline="") as handle:
            return {row["document_id"] for row in csv.DictReader(handle)}
    if name == "w3c":
        data = json.loads(out.read_text(encoding="utf-8"))
        return {item["target"]["source"] for item in data["first"]["items"]}
    if name == "conll":  # one block per document and annotator: a document is its tokens
        blocks = out.read_text(encoding="utf-8").split(DOCSTART)[1:]
        return {" ".join(line.split(" ")[0] for line in b.split("\n") if line) for b in blocks}
    if name == "spacy":
        import spacy
        from spacy.tokens import DocBin

        docs = DocBin().from_disk(out).get_docs(spacy.blank("xx").vocab)
        return {str(doc.user_data["claimdesk"]["id"]) for doc in docs}
    raise AssertionError(f"no way to read {name} back in this test")


SELECTIONS = {
    "everything": (ExportSelection(), 4, 3),
    "one annotator": (ExportSelection(("Bo",)), 4, 1),
    "two documents": (None, 2, 1),  # d1 (annotated) and d4 (not), filled in below
    "one annotator's documents": (None, 2, 0),  # Bo's view of d1 and d4: no span
}


@pytest.mark.parametrize("name", [f.name for f in registry.all_formats()])
@pytest.mark.parametrize("case", list(SELECTIONS))
def test_the_report_counts_the_documents_in_the_output(
    project: Project, corpus: dict[str, int], tmp_path: Path, name: str, case: str
) -> None:
    info = registry.get(name)
    if not info.available():
        pytest.skip(f"{name} needs an optional library")
    selection, selected, annotated = SELECTIONS[case]
    if case == "two documents":
        selection = ExportSelection((), (corpus["d1"], corpus["d4"]))
    elif case == "one annotator's documents":
        selection = ExportSelection(("Bo",), (corpus["d1"], corpus["d4"]))
    out = tmp_path / f"out{info.suffix}"
    report = export_dataset(project, name, out, selection)
    found = documents_in(name, out)
    assert report.documents == len(found)
    if name in ANNOTATIONS_ONLY:
        assert (report.documents, report.left_out) == (annotated, selected - annotated)
    else:
        assert (report.documents, report.without_spans) == (selected, selected - annotated)
    assert report.documents + report.left_out == selected
    assert f"{report.documents} document(s) and {report.spans} span(s) written" in (
        report.summary()
    )


def test_the_summary_says_what_happened_to_documents_without_spans(tmp_path: Path) -> None:
    text_formats = ExportReport("jsonl", tmp_path / "x.jsonl", documents=7, spans=3)
    text_formats.without_spans = 6
    assert "6 of these document(s) have no span from the selected annotators" in (
        text_formats.summary()
    )
    rows_only = ExportReport("csv", tmp_path / "x.csv", documents=3, spans=5, left_out=1)
    summary = rows_only.summary()
    assert summary.startswith("3 document(s) and 5 span(s) written to")
    assert "1 selected document(s) have no span and are not in the file (csv" in summary
