"""Export, then import into a fresh project: the same documents, labels and spans come back.

Run for every importable format in the registry (the other formats' own tests check what they
cannot hold). Generated texts mix emoji and CJK outside the BMP, CRLF kept as given, combining
accents and HTML-looking text; spans overlap, nest and touch; labels have spaces and
non-Latin names.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.core.formats import registry
from claimdesk.core.formats.export import export_dataset
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.edits import AddDocuments
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import sha256_text
from tests.core.formats.awkward_project import spans

PIECES = ["Moscow", "talks", " ", " ", ". ", "\r\n", "\n", "😀", "𠀋", "🇨🇳", "e\u0301", "税金",
          "<b>", "&amp;", "=SUM(A1)", "'", '"', "\t", "Ω", "x"]  # fmt: skip
LABELS = ["Factual claim", "主张 意见", "Мнение", "<b>x</b>&amp;", "A/B: c", "claim_2"]
PEOPLE = ["Ana", "Bo Li", "Zoë"]

texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)


@st.composite
def corpora(draw: st.DrawFn) -> list[tuple[str, list[tuple[int, int, str, str, str]]]]:
    documents = []
    for text in draw(st.lists(texts, min_size=1, max_size=3, unique=True)):
        solid = [i for i, c in enumerate(text) if not c.isspace()]
        found = []
        if solid:
            for _ in range(draw(st.integers(0, 6))):
                a, b = sorted((draw(st.sampled_from(solid)), draw(st.sampled_from(solid))))
                note = draw(st.sampled_from(["", "a note", "=1+1 <i>n</i>", "注 😀"]))
                label, person = draw(st.sampled_from(LABELS)), draw(st.sampled_from(PEOPLE))
                found.append((a, b + 1, label, person, note))
        documents.append((text, found))
    return documents


@pytest.fixture(scope="module")
def empty_project() -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / "empty.claimdesk"
    Project.create(path).close()
    return path


def _build(path: Path, corpus: list[tuple[str, list[tuple[int, int, str, str, str]]]]) -> None:
    with Project.open(path) as project:
        rows = [{"title": f"doc {n}", "source": "", "date": "", "meta": {}, "text": text,
                 "sha256": sha256_text(text)} for n, (text, _) in enumerate(corpus)]  # fmt: skip
        command = AddDocuments(rows)
        project.apply(command)
        labels: dict[str, int] = {}
        people: dict[str, int] = {}
        seen = set()
        for doc_id, (_, found) in zip(command.ids, corpus, strict=True):
            for start, end, label, person, note in found:
                if (doc_id, start, end, label, person) in seen:
                    continue
                seen.add((doc_id, start, end, label, person))
                if label not in labels:
                    labels[label] = project.add_label(label, "#123456")[0].id
                if person not in people:
                    people[person] = project.ensure_annotator(person).id
                project.add_annotation(doc_id, labels[label], people[person], start, end, note)


def _documents(project: Project) -> set[str]:
    return {project.document_text(d.id) for d in project.documents()}


FORMATS = [f.name for f in registry.importable_formats()]


@pytest.mark.parametrize("name", FORMATS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=corpora())
def test_round_trip(empty_project: Path, name: str, corpus: list) -> None:  # type: ignore[type-arg]
    folder = Path(tempfile.mkdtemp())
    try:
        source, target = folder / "source.claimdesk", folder / "target.claimdesk"
        shutil.copy2(empty_project, source)
        shutil.copy2(empty_project, target)
        _build(source, corpus)
        info = registry.get(name)
        out = folder / f"export{info.suffix or ''}"
        with Project.open(source) as project:
            report = export_dataset(project, name, out)
            assert report.verified
            expected = spans(project)
            documents = _documents(project)
            used_labels = {label for _, _, label, *_ in expected}
        with Project.open(target) as project:
            import_annotations(project, name, out)
            assert spans(project) == expected
            assert _documents(project) == documents
            assert {label.name for label in project.labels()} >= used_labels
    finally:
        shutil.rmtree(folder)


def test_every_importable_format_is_covered() -> None:
    assert {"jsonl", "brat", "labelstudio"} <= set(FORMATS)
