"""JSONL (doccano) export and import of relations, document labels and attributes.

doccano's "Sequence labeling" project with relations exports ``entities`` (objects with an id)
and ``relations`` (``id``, ``from_id``, ``to_id``, ``type``); its "Intent detection and slot
filling" project takes ``entities`` and ``cats`` (categories); text classification exports
``"label": [names]``. doccano has no span attributes: Claimdesk keeps them in its own ``spans``
entries. The fixtures in data/interop/doccano-richer/ are this module's source exported by
Claimdesk and sent through doccano 1.8.4 (see the README there).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimdesk.core.formats import jsonl
from claimdesk.core.formats.base import DocumentIn, MemorySource
from claimdesk.core.scheme import Scheme
from tests.core.formats.richer_source import (
    DOC_LABELS,
    SCHEME,
    document,
    expected_attributes,
    expected_relations,
    source,
)

DATA = Path(__file__).parent / "data" / "interop" / "doccano-richer"


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def attributes_of(docs: list[DocumentIn]) -> set[tuple[Any, ...]]:
    return {
        (s.annotator, s.label, s.start, s.end, name, tuple(v) if isinstance(v, list) else v)
        for doc in docs
        for s in doc.spans
        for name, v in s.attributes.items()
    }


def relations_of(docs: list[DocumentIn]) -> set[tuple[Any, ...]]:
    found = set()
    for doc in docs:
        by_ref = {s.ref: s for s in doc.spans}
        for r in doc.relations:
            source, target = by_ref[r.source], by_ref[r.target]
            words = (doc.text[source.start : source.end], doc.text[target.start : target.end])
            found.add((r.annotator, r.type, *words))
    return found


def doc_labels_of(docs: list[DocumentIn]) -> set[tuple[Any, ...]]:
    return {(d.annotator, d.set, d.value) for doc in docs for d in doc.doc_labels}


def _export(tmp_path: Path, src: MemorySource | None = None) -> tuple[Path, list[str]]:
    out = tmp_path / "claims.jsonl"
    report = jsonl.export(src or source(), out)
    assert report.verified
    return out, report.lost


# --- the shapes doccano reads ---------------------------------------------------------------------


def test_lines_have_doccanos_relation_shape(tmp_path: Path) -> None:
    out, _ = _export(tmp_path)
    lines = lines_of(out)
    assert [line["annotator"] for line in lines] == ["Ana", "Bo Ødegård", "Carl"]
    ana = lines[0]
    assert "label" not in ana  # doccano's relation projects read entities, not label
    assert all(set(e) == {"id", "label", "start_offset", "end_offset"} for e in ana["entities"])
    assert all(set(r) == {"id", "from_id", "to_id", "type"} for r in ana["relations"])
    entities = {e["id"]: e for e in ana["entities"]}
    text = ana["text"]

    def words(ident: int) -> str:
        return str(text[entities[ident]["start_offset"] : entities[ident]["end_offset"]])

    assert {(r["type"], words(r["from_id"]), words(r["to_id"])) for r in ana["relations"]} == {
        ("attributed to", "Moscow and Peking are warming", "Ta Kung Pao"),
        ("supports", "Peking are warming", "Moscow and Peking are warming"),
        ("attributed to", "the troop reduction is 200,000 men 🇨🇳", "Western diplomats"),
        # across the paragraph break
        ("same event", "the troop reduction is 200,000 men 🇨🇳", "Moscow and Peking are warming"),
    }
    # Document labels as doccano's categories; Carl set one and filed no span.
    assert [line["cats"] for line in lines] == [["mixed", "Diplomacy", "Military"], [], ["Economy"]]
    assert lines[2]["entities"] == [] and lines[2]["relations"] == []


def test_without_relation_types_the_plain_doccano_shape_stays(tmp_path: Path) -> None:
    plain = replace(document(), relations=[], doc_labels=[])
    out, lost = _export(tmp_path, MemorySource("p", [], ["Ana"], [plain], Scheme()))
    line = lines_of(out)[0]
    assert "entities" not in line and "relations" not in line and "cats" not in line
    assert [5, 19, "Source"] not in line["label"]
    assert [8, 19, "Source"] in line["label"]
    assert "17 attribute value(s)" in lost[0]


def test_what_doccano_cannot_hold_is_reported(tmp_path: Path) -> None:
    _, lost = _export(tmp_path)
    assert lost[0].startswith("label colours and descriptions")
    assert lost[1:] == [
        "17 attribute value(s): doccano has no span attributes; they are kept in each line's"
        " 'spans' entries, which Claimdesk reads back but doccano neither shows nor edits",
        "the definitions of attributes, relation types and document label sets: kept for"
        " Claimdesk in the .scheme.json file beside the JSONL, but doccano neither shows nor uses"
        " them (its relations name a type; its categories ('cats') are one flat list, each line's"
        " 'doc_labels' keeps their sets)",
    ]


# --- read back ------------------------------------------------------------------------------------


def test_round_trip_keeps_relations_document_labels_and_attributes(tmp_path: Path) -> None:
    out, _ = _export(tmp_path)
    docs = jsonl.read(out)
    assert attributes_of(docs) == expected_attributes()
    assert relations_of(docs) == expected_relations()
    assert doc_labels_of(docs) == {(d.annotator, d.set, d.value) for d in DOC_LABELS}
    assert all(not d.not_imported and not d.missing for d in docs)
    # The definitions come from the file beside (doccano refuses a field only some lines have).
    assert [d.scheme for d in docs] == [SCHEME, None, None]
    jsonl.scheme_path(out).unlink()
    assert [d.scheme for d in jsonl.read(out)] == [None, None, None]


def test_a_broken_scheme_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    out, _ = _export(tmp_path)
    side = jsonl.scheme_path(out)
    assert side.name == "claims.scheme.json"
    scheme = json.loads(side.read_text(encoding="utf-8"))
    scheme["attributes"]["Claim"][0]["kind"] = "colour"
    side.write_text(json.dumps(scheme), encoding="utf-8")
    docs = jsonl.read(out)
    assert docs[0].scheme is None
    assert docs[0].not_imported == [
        "claims.scheme.json: attribute 'Stance' has no known kind, so the definitions it holds"
        " were left out"
    ]
    assert relations_of(docs) == expected_relations()


def test_doccanos_relation_project_export_reads_back_whole() -> None:
    """doccano renumbers the entities and relations; the relations still join the same words."""
    sent, back = (
        lines_of(DATA / "claimdesk-export.jsonl"),
        lines_of(DATA / "relations-untouched.jsonl"),
    )
    assert [e["id"] for e in sent[1]["entities"]] == [21, 22]
    assert [e["id"] for e in back[1]["entities"]] == [6, 7]  # doccano's own ids
    docs = jsonl.read(DATA / "relations-untouched.jsonl")
    assert attributes_of(docs) == expected_attributes()
    assert relations_of(docs) == expected_relations()
    assert doc_labels_of(docs) == {(d.annotator, d.set, d.value) for d in DOC_LABELS}
    assert all(not d.not_imported and not d.missing for d in docs)


def test_doccanos_intent_detection_export_keeps_categories_and_reports_the_dropped(
    tmp_path: Path,
) -> None:
    """That project type keeps no overlapping span and no relation: Claimdesk's own entries
    still carry the relations whose ends survived, and the rest is reported."""
    docs = jsonl.read(DATA / "cats-untouched.jsonl")
    assert doc_labels_of(docs) == {(d.annotator, d.set, d.value) for d in DOC_LABELS}
    assert relations_of(docs) == {r for r in expected_relations() if r[1] != "supports"}
    (ana, _bo, _carl) = docs
    assert ana.missing == [
        "line 1: 'Peking are warming' (Evidence, 36–54) by 'Ana', which overlaps another span:"
        " doccano drops overlapping spans unless its project allows them ('Allow overlapping"
        " spans' when the project is created)"
    ]
    assert ana.not_imported == [
        "line 1: a 'supports' relation from entity 13 to 12, which are not both entities of the"
        " line"
    ]


def test_categories_and_relations_made_in_doccano(tmp_path: Path) -> None:
    path = tmp_path / "doccano.jsonl"
    lines = [
        # doccano's text classification export
        {"id": 1, "text": "Peking 😀 talks", "label": ["news", "politics"], "Comments": []},
        # its relation export, with a relation to an entity that is not there
        {"id": 2, "text": "Peking 😀 talks", "Comments": [],
         "entities": [{"id": 4, "label": "Place", "start_offset": 0, "end_offset": 6},
                      {"id": 5, "label": "Event", "start_offset": 9, "end_offset": 14}],
         "relations": [{"id": 1, "from_id": 5, "to_id": 4, "type": "in"},
                       {"id": 2, "from_id": 5, "to_id": 9, "type": "in"}]},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    first, second = jsonl.read(path)
    assert first.spans == [] and doc_labels_of([first]) == {
        (None, "Category", "news"),
        (None, "Category", "politics"),
    }
    assert relations_of([second]) == {(None, "in", "talks", "Peking")}
    assert second.not_imported == [
        "line 2: a 'in' relation from entity 5 to 9, which are not both entities of the line"
    ]


def test_a_category_added_or_removed_in_doccano(tmp_path: Path) -> None:
    out, _ = _export(tmp_path)
    lines = lines_of(out)
    lines[0]["cats"] = ["Diplomacy", "Economy", "new one"]  # removed two, added two
    path = tmp_path / "edited.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    ana = jsonl.read(path)[0]
    assert doc_labels_of([ana]) == {
        ("Ana", "Topic", "Diplomacy"),
        (None, "Category", "Economy"),  # Ana's line names no Economy entry
        (None, "Category", "new one"),
    }
    assert ana.missing == [
        "line 1: the document label 'mixed' (Overall stance) by 'Ana' was removed in the editor",
        "line 1: the document label 'Military' (Topic) by 'Ana' was removed in the editor",
    ]
