"""Label Studio export and import of attributes, relations and document labels.

Shapes as Label Studio defines them: a per-region classification is a result of the control
(``<Choices perRegion="true">``, ``<Number>``, ``<TextArea>``) with the region's own id; a relation
is ``{"type": "relation", "from_id", "to_id", "direction", "labels"}``; a document classification
is a ``choices`` result with no region. The fixture in data/interop/labelstudio-richer/ is the
export of this module's source after a round trip through Label Studio 1.23.2 (see its README).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from lxml import etree

from claimdesk.core.formats import labelstudio
from claimdesk.core.formats.base import DocLabelOut, DocumentIn, MemorySource
from claimdesk.core.formats.labelstudio_config import config_path, read_config
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, Scheme
from tests.core.formats.richer_source import (
    DOC_LABELS,
    SCHEME,
    SPANS,
    TEXT,
    document,
    expected_attributes,
    expected_relations,
    source,
)

DATA = Path(__file__).parent / "data" / "interop" / "labelstudio-richer"


def _export(tmp_path: Path, src: MemorySource | None = None) -> tuple[list[Any], Path]:
    out = tmp_path / "tasks.json"
    report = labelstudio.export(src or source(), out)
    assert report.verified
    return json.loads(out.read_text(encoding="utf-8")), out


def attributes_of(doc: DocumentIn) -> set[tuple[Any, ...]]:
    return {
        (s.annotator, s.label, s.start, s.end, name, tuple(v) if isinstance(v, list) else v)
        for s in doc.spans
        for name, v in s.attributes.items()
    }


def relations_of(doc: DocumentIn) -> set[tuple[Any, ...]]:
    by_ref = {s.ref: s for s in doc.spans}
    return {
        (
            r.annotator,
            r.type,
            doc.text[by_ref[r.source].start : by_ref[r.source].end],
            doc.text[by_ref[r.target].start : by_ref[r.target].end],
        )
        for r in doc.relations
    }


def doc_labels_of(doc: DocumentIn) -> set[tuple[Any, ...]]:
    return {(d.annotator, d.set, d.value) for d in doc.doc_labels}


# --- the shapes Label Studio reads ----------------------------------------------------------------


def test_attributes_are_per_region_results_with_the_regions_id(tmp_path: Path) -> None:
    (task,), _ = _export(tmp_path)
    ana = next(a for a in task["annotations"] if a["created_username"] == "Ana")
    regions = {r["id"]: r for r in ana["result"] if r["type"] == "labels"}
    claim = next(r for r in regions.values() if r["value"]["text"].startswith("Moscow"))
    mine = {r["from_name"]: r for r in ana["result"] if r.get("id") == claim["id"]}
    del mine["label"]
    # Each attribute: the region's id, its control, its kind's value, the region's offsets.
    assert {name: (r["type"], r["to_name"]) for name, r in mine.items()} == {
        "Stance": ("choices", "text"),
        "Certainty": ("choices", "text"),
        "Check-worthy": ("choices", "text"),
        "Themes": ("choices", "text"),
        "Men": ("number", "text"),
        "Comment": ("textarea", "text"),
    }
    start, end = claim["value"]["start"], claim["value"]["end"]
    assert all((r["value"]["start"], r["value"]["end"]) == (start, end) for r in mine.values())
    assert mine["Stance"]["value"]["choices"] == ["positive"]
    assert mine["Check-worthy"]["value"]["choices"] == ["yes"]
    assert mine["Themes"]["value"]["choices"] == ["army", "border"]
    assert mine["Men"]["value"]["number"] == 1.5
    assert mine["Comment"]["value"]["text"] == ["😀 quoted from 𠀋 page 2\nsecond line"]


def test_relations_and_document_labels_have_label_studios_shape(tmp_path: Path) -> None:
    (task,), _ = _export(tmp_path)
    by_user = {a["created_username"]: a["result"] for a in task["annotations"]}
    # Carl set a document label and filed no span: he still has his annotation.
    assert set(by_user) == {"Ana", "Bo Ødegård", "Carl"}
    relations = [r for r in by_user["Ana"] if r["type"] == "relation"]
    assert {(r["from_id"], r["to_id"], r["direction"], tuple(r["labels"])) for r in relations} == {
        ("claimdesk-12", "claimdesk-11", "right", ("attributed to",)),
        ("claimdesk-13", "claimdesk-12", "right", ("supports",)),
        ("claimdesk-15", "claimdesk-14", "right", ("attributed to",)),
        ("claimdesk-15", "claimdesk-12", "bi", ("same event",)),  # undirected
    }
    documents = [r for r in by_user["Ana"] if r["type"] == "choices" and "start" not in r["value"]]
    assert sorted((r["from_name"], r["value"]["choices"]) for r in documents) == [
        ("Overall stance", ["mixed"]),
        ("Topic", ["Diplomacy", "Military"]),
    ]
    assert [r["value"] for r in by_user["Carl"]] == [{"choices": ["Economy"]}]


def test_labeling_config_defines_relations_region_controls_and_document_choices(
    tmp_path: Path,
) -> None:
    _, out = _export(tmp_path)
    root = etree.fromstring(config_path(out).read_bytes())
    assert [(r.get("value"), r.get("background")) for r in root.iter("Relation")] == [
        ("attributed to", "#7f7f7f"),
        ("supports", "#2ca02c"),
        ("same event", "#1f77b4"),
    ]
    assert root.find("Relations") is not None
    stance = root.find(".//Choices[@name='Stance']")
    assert stance is not None
    assert (stance.get("perRegion"), stance.get("toName"), stance.get("choice")) == (
        "true",
        "text",
        "single",
    )
    assert stance.get("whenLabelValue") == "Claim,Evidence"
    shown_when = stance.getparent()  # the header and the control show for a selected region
    assert shown_when is not None and shown_when.tag == "View"
    assert (shown_when.get("visibleWhen"), shown_when.get("whenLabelValue")) == (
        "region-selected",
        "Claim,Evidence",
    )
    assert [h.get("value") for h in shown_when.iter("Header")] == ["Stance"]
    assert [c.get("value") for c in stance.iter("Choice")] == ["positive", "negative", "neutral"]
    assert root.find(".//Choices[@name='Themes']").get("choice") == "multiple"  # type: ignore[union-attr]
    assert root.find(".//Number[@name='Men']").get("perRegion") == "true"  # type: ignore[union-attr]
    assert root.find(".//TextArea[@name='Comment']").get("perRegion") == "true"  # type: ignore[union-attr]
    topic = root.find(".//Choices[@name='Topic']")
    overall = root.find(".//Choices[@name='Overall stance']")
    assert topic is not None and overall is not None
    assert (topic.get("perRegion"), topic.get("choice")) == (None, "multiple")
    assert (overall.get("perRegion"), overall.get("choice")) == (None, "single")


# --- read back ------------------------------------------------------------------------------------


def test_round_trip_keeps_attributes_relations_document_labels_and_the_scheme(
    tmp_path: Path,
) -> None:
    _, out = _export(tmp_path)
    (doc,) = labelstudio.read(out)
    assert doc.text == TEXT
    assert attributes_of(doc) == expected_attributes()
    assert relations_of(doc) == expected_relations()
    assert doc_labels_of(doc) == {(d.annotator, d.set, d.value) for d in DOC_LABELS}
    # The config beside the file gives the whole scheme back: kinds, choices, keys, defaults.
    assert doc.scheme == SCHEME
    assert doc.not_imported == [] and doc.missing == []


def test_names_that_clash_get_their_own_controls(tmp_path: Path) -> None:
    scheme = Scheme(
        attributes={
            "Claim": (AttributeSpec("text", AttributeKind.CHOICE, ("a", "b")),),
            "Source": (AttributeSpec("text", AttributeKind.BOOL),),
        },
        doc_labels=(DocLabelSpec("label", False, ("x", "y")),),
    )
    attributes = {
        s.id: ({"text": "a"} if s.label == "Claim" else {"text": True})
        for s in SPANS
        if s.label in ("Claim", "Source")
    }
    doc = replace(document(), attributes=attributes, relations=[], doc_labels=[])
    doc.doc_labels.append(DocLabelOut("label", "y", "Ana"))
    src = MemorySource("p", source().labels, ["Ana", "Bo Ødegård"], [doc], scheme)
    _, out = _export(tmp_path, src)
    controls = read_config(config_path(out)).controls
    # "text" and "label" are the names of the Text object and the Labels control.
    assert list(controls.attributes) == ["text (Claim)", "text (Source)"]
    assert list(controls.doc_labels) == ["label (document)"]
    (back,) = labelstudio.read(out)
    assert {(s.label, s.attributes.get("text")) for s in back.spans} == {
        ("Evidence", None),
        ("Claim", "a"),
        ("Source", True),
    }
    assert doc_labels_of(back) == {("Ana", "label", "y")}
    assert back.scheme == scheme


def test_what_the_codebook_does_not_define_is_reported(tmp_path: Path) -> None:
    report = labelstudio.export(source(Scheme()), tmp_path / "t.json")
    assert report.verified
    assert report.lost == [
        "17 attribute value(s) of attributes the codebook does not define for the span's label"
        " (the labeling config has no control for them)",
        "4 document label(s) of sets the codebook does not define: written, but the labeling"
        " config has no control that shows them",
    ]
    (doc,) = labelstudio.read(tmp_path / "t.json")
    assert relations_of(doc) == expected_relations()  # relations need no definition


# --- files edited in Label Studio ----------------------------------------------------------------


def _task(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"data": {"text": "😀 Moscow talks 𠀋 with Peking"}, "annotations": [
        {"completed_by": {"email": "ed@example.org"}, "result": results}]}]  # fmt: skip


def _labels(ident: str, start: int, end: int, label: str) -> dict[str, Any]:
    return {"id": ident, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "labels": [label]}}  # fmt: skip


def test_results_made_in_label_studio_read_without_a_config(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    results = [
        _labels("aB3xY", 2, 8, "Place"),
        _labels("Zz9_q", 22, 28, "Place"),
        {"id": "aB3xY", "from_name": "mood", "to_name": "text", "type": "choices",
         "value": {"start": 2, "end": 8, "choices": ["calm"]}},
        {"id": "aB3xY", "from_name": "tags", "to_name": "text", "type": "choices",
         "value": {"start": 2, "end": 8, "choices": ["x", "y"]}},
        {"id": "Zz9_q", "from_name": "size", "to_name": "text", "type": "number",
         "value": {"start": 22, "end": 28, "number": 3}},
        {"id": "Zz9_q", "from_name": "note", "to_name": "text", "type": "textarea",
         "value": {"start": 22, "end": 28, "text": ["a", "b"]}},
        # Drawn from Peking to Moscow, stored the other way round with direction "left".
        {"from_id": "aB3xY", "to_id": "Zz9_q", "type": "relation", "direction": "left",
         "labels": ["meets", "talks to"]},
        {"id": "k1", "from_name": "genre", "to_name": "text", "type": "choices",
         "value": {"choices": ["news"]}},
    ]  # fmt: skip
    path.write_text(json.dumps(_task(results)), encoding="utf-8")
    (doc,) = labelstudio.read(path)
    assert doc.scheme is None
    assert [(s.ref, s.attributes) for s in doc.spans] == [
        ("aB3xY", {"mood": "calm", "tags": ["x", "y"]}),
        ("Zz9_q", {"size": 3, "note": "a\nb"}),
    ]
    assert relations_of(doc) == {
        ("ed@example.org", "meets", "Peking", "Moscow"),
        ("ed@example.org", "talks to", "Peking", "Moscow"),
    }
    assert doc_labels_of(doc) == {("ed@example.org", "genre", "news")}


def test_a_relation_to_a_region_of_another_annotation_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    tasks = _task([_labels("r1", 2, 8, "Place")])
    tasks[0]["annotations"].append(
        {"result": [_labels("r2", 22, 28, "Place"),
                    {"from_id": "r2", "to_id": "r1", "type": "relation", "direction": "right"}]}
    )  # fmt: skip
    path.write_text(json.dumps(tasks), encoding="utf-8")
    (doc,) = labelstudio.read(path)
    assert doc.relations == []
    assert doc.not_imported == [
        "task 1: a relation from 'r2' to 'r1', whose ends are not labelled regions of the same"
        " annotation"
    ]


def test_label_studios_own_export_of_the_tasks_reads_back_whole(tmp_path: Path) -> None:
    """The file Label Studio 1.23.2 wrote after importing the export, with the config it
    returned: every attribute, relation and document label is still there."""
    sent = json.loads((DATA / "claimdesk-export.json").read_text(encoding="utf-8"))
    _, out = _export(tmp_path)
    assert sent == json.loads(out.read_text(encoding="utf-8"))  # the fixture is today's export
    path = tmp_path / "untouched.json"
    shutil.copyfile(DATA / "untouched.json", path)
    shutil.copyfile(DATA / "labeling-config.xml", config_path(path))
    (doc,) = labelstudio.read(path)
    assert attributes_of(doc) == expected_attributes()
    assert relations_of(doc) == expected_relations()
    # Label Studio makes every annotation its own user's; the task's data.claimdesk_spans and
    # data.claimdesk_document_labels say whose each span and document label was.
    assert doc_labels_of(doc) == {(d.annotator, d.set, d.value) for d in DOC_LABELS}
    assert doc.missing == []
    assert doc.scheme == SCHEME


def test_an_edit_in_label_studios_editor_reads_back(tmp_path: Path) -> None:
    """In the web editor, Ana's claim got Stance "negative" and her document label "Military"
    was unticked (README); the editor first loaded her results exactly as Claimdesk wrote them."""
    path = tmp_path / "edited.json"
    shutil.copyfile(DATA / "edited.json", path)
    shutil.copyfile(DATA / "labeling-config.xml", config_path(path))
    (doc,) = labelstudio.read(path)
    claim = next(s for s in SPANS if s.id == 12)
    changed = ("Ana", "Claim", claim.start, claim.end, "Stance")
    assert attributes_of(doc) == {
        (*changed, "negative") if value[:5] == changed else value for value in expected_attributes()
    }
    assert relations_of(doc) == expected_relations()
    assert doc_labels_of(doc) == {
        (d.annotator, d.set, d.value) for d in DOC_LABELS if d.value != "Military"
    }
    assert doc.missing == [
        "task 1: the document label 'Military' (Topic) by 'Ana' was unticked in the editor"
    ]


def test_a_document_label_changed_in_the_editor_is_its_users(tmp_path: Path) -> None:
    tasks, out = _export(tmp_path)
    ana = next(a for a in tasks[0]["annotations"] if a["created_username"] == "Ana")
    del ana["created_username"]  # as Label Studio exports it: its own user, by id
    ana["completed_by"] = 1
    overall = next(r for r in ana["result"] if r.get("from_name") == "Overall stance")
    overall["value"]["choices"] = ["warming"]
    out.write_text(json.dumps(tasks), encoding="utf-8")
    (doc,) = labelstudio.read(out)
    assert ("Ana", "Overall stance", "mixed") not in doc_labels_of(doc)
    assert (None, "Overall stance", "warming") in doc_labels_of(doc)  # the import's annotator
    assert ("Ana", "Topic", "Military") in doc_labels_of(doc)  # untouched: still Ana's
    assert doc.missing == [
        "task 1: the document label 'mixed' (Overall stance) by 'Ana' was unticked in the editor"
    ]
