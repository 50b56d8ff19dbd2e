"""Codebook files version 2: attributes, relation types and document label sets read, refused
with a reason naming the place, written back, and frozen into exercises."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.classroom.exercise_codebook import (
    codebook_data,
    codebook_fingerprint,
    project_codebook,
)
from claimdesk.core.codebook import (
    VERSION,
    Codebook,
    CodebookError,
    load_codebook,
    parse_codebook,
    write_codebook,
)
from claimdesk.core.codebook_scheme import attribute_problem, doc_label_problem, relation_problem
from claimdesk.core.paths import resources_dir, seeds_dir
from claimdesk.core.sample import (
    EXAMPLE_ANNOTATOR,
    EXAMPLE_FILE,
    add_worked_example,
    ensure_sample_project,
)
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec, Scheme
from claimdesk.core.store.project import Project

# The fingerprint of the default codebook's labels as Claimdesk computed it before codebooks had
# attributes: exercises handed out then carry it.
DEFAULT_LABELS_FINGERPRINT = "f53ae4c42a78de846a42e5501297ec49107e71e69ccb5d94908f672ca816a202"


def good() -> dict[str, Any]:
    return {
        "format": "claimdesk-codebook",
        "version": 2,
        "name": "Test",
        "labels": [
            {
                "name": "Claim",
                "colour": "#1f77b4",
                "shortcut": "1",
                "attributes": [
                    {
                        "name": "Stance",
                        "type": "choice",
                        "key": "S",
                        "values": [{"value": "positive", "key": "p"}, "negative", "neutral"],
                        "default": "neutral",
                        "description": "Warming or cooling.",
                    },
                    {"name": "Topics", "type": "multi", "values": ["a", "b", "c"]},
                    {"name": "Check-worthy", "type": "bool", "key": "w", "default": False},
                    {"name": "Weight", "type": "number", "default": 2.5},
                    {"name": "Comment", "type": "text", "default": "none <b>yet</b> 🧪"},
                ],
            },
            {"name": "Source attribution", "colour": "#7f7f7f", "shortcut": "2"},
        ],
        "relations": [
            {
                "name": "attributed to",
                "colour": "#7F7F7F",
                "directed": True,
                "from": ["claim"],
                "to": ["Source attribution"],
                "key": "a",
                "description": "Who says so.",
            },
            {"name": "same as", "directed": False},
        ],
        "document_labels": [
            {"name": "Topic", "multiple": True, "values": [{"value": "Military", "key": "m"}]},
            {"name": "Overall stance", "values": ["warming", {"value": "cooling", "key": "c"}]},
        ],
    }


def parsed(data: dict[str, Any]) -> Codebook:
    return parse_codebook(data, Path("my codebook.json"))


def refusal(data: dict[str, Any]) -> str:
    with pytest.raises(CodebookError) as caught:
        parsed(data)
    message = str(caught.value)
    assert message.startswith("my codebook.json: ")
    return message


# -- reading --------------------------------------------------------------------------------------


def test_version_2_file_reads_attributes_relations_and_document_labels() -> None:
    scheme = parsed(good()).scheme
    stance, topics, check, weight, comment = scheme.attributes_of("Claim")
    assert stance == AttributeSpec(
        "Stance",
        AttributeKind.CHOICE,
        ("positive", "negative", "neutral"),
        ("p", None, None),
        "neutral",
        "Warming or cooling.",
        "s",
    )
    assert topics.kind is AttributeKind.MULTI and topics.default is None
    assert check.default is False and check.shortcut == "w"
    assert weight.default == 2.5
    assert comment.default == "none <b>yet</b> 🧪"
    assert scheme.attributes_of("Source attribution") == ()
    # label names in from/to are matched as labels are (case, spaces) and stored as written
    assert scheme.relations[0] == RelationSpec(
        "attributed to", "#7f7f7f", "Who says so.", True, ("Claim",), ("Source attribution",), "a"
    )
    assert scheme.relations[1] == RelationSpec("same as", "#7f7f7f", directed=False)
    assert scheme.doc_labels == (
        DocLabelSpec("Topic", True, ("Military",), ("m",)),
        DocLabelSpec("Overall stance", False, ("warming", "cooling"), (None, "c")),
    )


def test_version_1_file_reads_as_before_with_an_empty_scheme(tmp_path: Path) -> None:
    data = good()
    data["version"] = 1
    for label in data["labels"]:
        label.pop("attributes", None)
    del data["relations"], data["document_labels"]
    codebook = parsed(data)
    assert [label.name for label in codebook.labels] == ["Claim", "Source attribution"]
    assert codebook.scheme.empty


def test_multi_default_is_kept_in_codebook_order() -> None:
    data = good()
    data["labels"][0]["attributes"][1]["default"] = ["c", "a"]
    assert parsed(data).scheme.attributes_of("Claim")[1].default == ("a", "c")


def _attribute(data: dict[str, Any], **change: Any) -> dict[str, Any]:
    data["labels"][0]["attributes"][0].update(change)
    return data


def _relation(data: dict[str, Any], **change: Any) -> dict[str, Any]:
    data["relations"][0].update(change)
    return data


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (
            lambda d: _attribute(d, default="hostile"),
            "label 'Claim', attribute 'Stance': the default 'hostile' is not one of",
        ),
        (
            lambda d: _attribute(d, type="colour"),
            "attribute 'Stance' has \"type\" 'colour'; use one of choice, multi, bool",
        ),
        (lambda d: _attribute(d, values=[]), "attribute 'Stance' needs a non-empty \"values\""),
        (
            lambda d: _attribute(d, values=["yes", " yes "]),
            "attribute 'Stance', value 'yes' appears twice",
        ),
        (
            lambda d: _attribute(
                d, values=[{"value": "a", "key": "x"}, {"value": "b", "key": "X"}]
            ),
            "value 'b' reuses the key 'x'",
        ),
        (lambda d: _attribute(d, key="ww"), "attribute 'Stance' has key 'ww'; use a single key"),
        (lambda d: _attribute(d, key="w"), "attribute 'Check-worthy' reuses the key 'w'"),
        (lambda d: _attribute(d, name="Check-worthy"), "attribute 'Check-worthy' appears twice"),
        (
            lambda d: _attribute(d, name="Sta\x1bnce"),
            "label 'Claim', attribute 1: the attribute name holds control characters",
        ),
        (
            lambda d: _attribute(d, name="x" * 201),
            "the attribute name is 201 characters long; the limit is 200",
        ),
        (lambda d: _attribute(d, name=""), "label 'Claim', attribute 1 has no attribute name"),
        (
            lambda d: _attribute(d, values=["a", "b\x07"]),
            "value 2: the value holds control characters",
        ),
        (
            lambda d: _attribute(d, description=5),
            "attribute 'Stance' has a description that is not text",
        ),
        (
            lambda d: _attribute(d, values=[str(i) for i in range(201)]),
            "attribute 'Stance' has 201 values; at most 200",
        ),
        (
            lambda d: d["labels"][0].update(attributes={"name": "x"}) or d,
            "label 'Claim' has \"attributes\" that are not a list",
        ),
        (
            lambda d: (
                d["labels"][0]["attributes"].__setitem__(
                    2, {"name": "Check-worthy", "type": "bool", "default": "no"}
                )
                or d
            ),
            "attribute 'Check-worthy': the default 'no' is not yes or no",
        ),
        (
            lambda d: (
                d["labels"][0]["attributes"].__setitem__(
                    3, {"name": "Weight", "type": "number", "default": True}
                )
                or d
            ),
            "attribute 'Weight': the default True is not a number",
        ),
        (
            lambda d: (
                d["labels"][0]["attributes"].__setitem__(
                    3, {"name": "Weight", "type": "number", "values": ["1", "2"]}
                )
                or d
            ),
            "attribute 'Weight' is of type number, which takes no list of values",
        ),
        (
            lambda d: (
                d["labels"][0].update(
                    attributes=[{"name": f"a{i}", "type": "bool"} for i in range(51)]
                )
                or d
            ),
            "label 'Claim' has 51 attributes; at most 50",
        ),
        (
            lambda d: _relation(d, **{"from": ["Claim", "Evidence"]}),
            "relation type 'attributed to' names 'Evidence' in \"from\", which is not a label",
        ),
        (
            lambda d: _relation(d, to="Source attribution"),
            "relation type 'attributed to' has \"to\" that is not a list of label names",
        ),
        (lambda d: _relation(d, colour="red"), "needs a colour like #1f77b4, not 'red'"),
        (lambda d: _relation(d, directed="yes"), 'has "directed" yes; use true or false'),
        (lambda d: _relation(d, name="Same  AS"), "relation type 'same as' appears twice"),
        (
            lambda d: d["relations"][1].update(key="A") or d,
            "relation type 'same as' reuses the key 'a' of relation type 'attributed to'",
        ),
        (
            lambda d: d.update(relations=[{"name": f"r{i}"} for i in range(101)]) or d,
            "has 101 relation types; at most 100",
        ),
        (
            lambda d: d.update(relations={"name": "x"}) or d,
            'has "relations" that are not a list',
        ),
        (
            lambda d: d["document_labels"][1]["values"].append({"value": "mixed", "key": "C"}) or d,
            "document label set 'Overall stance', value 'mixed' reuses the key 'c' of value "
            "'cooling'",
        ),
        (
            lambda d: d["document_labels"][0].update(multiple=1) or d,
            "document label set 'Topic' has \"multiple\" 1; use true or false",
        ),
        (
            lambda d: d["document_labels"][1].update(name="topic") or d,
            "document label set 'topic' appears twice",
        ),
        (
            lambda d: d["document_labels"][0].update(values=[]) or d,
            "document label set 'Topic' needs a non-empty \"values\" list",
        ),
        (
            lambda d: d["document_labels"][0].update(name="\u202eTopic") or d,
            "right-to-left override",
        ),
    ],
)
def test_bad_scheme_is_refused_naming_the_place(break_it: Any, expected: str) -> None:
    message = refusal(break_it(copy.deepcopy(good())))
    assert expected in message


def test_non_finite_number_default_is_refused() -> None:
    text = json.dumps(good()).replace('"default": 2.5', '"default": NaN')
    assert "is not a finite number" in refusal(json.loads(text))


def test_too_many_attributes_in_all_is_refused() -> None:
    data = good()
    attributes = [{"name": f"a{i}", "type": "bool"} for i in range(50)]
    data["labels"] = [
        {"name": f"L{n}", "colour": "#000000", "attributes": attributes} for n in range(41)
    ]
    del data["relations"]
    assert "has 2,050 attributes; at most 2,000" in refusal(data)


# -- writing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [seeds_dir() / "codebook.json", resources_dir() / "default-codebook.json"],
    ids=lambda p: p.name,
)
def test_write_then_read_gives_the_same_codebook(path: Path, tmp_path: Path) -> None:
    codebook = load_codebook(path)
    assert not codebook.scheme.empty
    out = tmp_path / "copy.json"
    write_codebook(codebook, out)
    assert load_codebook(out) == replace(codebook, name=codebook.name)
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == VERSION == 2


def test_every_kind_of_value_survives_a_round_trip(tmp_path: Path) -> None:
    codebook = parsed(good())
    out = tmp_path / "copy.json"
    write_codebook(codebook, out)
    assert load_codebook(out) == codebook


def test_codebook_without_scheme_is_written_as_version_1(tmp_path: Path) -> None:
    codebook = replace(load_codebook(resources_dir() / "default-codebook.json"), scheme=Scheme())
    out = tmp_path / "plain.json"
    write_codebook(codebook, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert "relations" not in data and "document_labels" not in data
    assert all("attributes" not in label for label in data["labels"])
    assert load_codebook(out) == codebook


def test_write_to_a_missing_folder_is_a_codebook_error(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="cannot be written"):
        write_codebook(parsed(good()), tmp_path / "nowhere" / "c.json")


# -- exercises ------------------------------------------------------------------------------------


def test_fingerprint_of_a_codebook_without_scheme_is_unchanged() -> None:
    codebook = load_codebook(resources_dir() / "default-codebook.json")
    assert codebook_fingerprint(replace(codebook, scheme=Scheme())) == DEFAULT_LABELS_FINGERPRINT
    # an exercise made before: its codebook data (version 1) reads to the same fingerprint
    old = codebook_data(replace(codebook, scheme=Scheme()))
    assert old["version"] == 1
    assert codebook_fingerprint(parse_codebook(old, Path("x"))) == DEFAULT_LABELS_FINGERPRINT


@pytest.mark.parametrize(
    "change",
    [
        lambda d: _attribute(d, default="positive"),
        lambda d: _attribute(d, key="t"),
        lambda d: _attribute(d, description="Other words."),
        lambda d: _relation(d, directed=False),
        lambda d: _relation(d, **{"from": []}),
        lambda d: d["document_labels"][0].update(multiple=False) or d,
        lambda d: d["document_labels"][1]["values"].append("mixed") or d,
    ],
)
def test_fingerprint_covers_the_scheme(change: Any) -> None:
    before = codebook_fingerprint(parsed(good()))
    after = codebook_fingerprint(parsed(change(copy.deepcopy(good()))))
    assert before != after


def test_frozen_codebook_data_carries_the_scheme() -> None:
    codebook = load_codebook(seeds_dir() / "codebook.json")
    data = codebook_data(codebook)
    again = parse_codebook(json.loads(json.dumps(data)), Path("exercise"))
    assert again.scheme == codebook.scheme
    assert codebook_fingerprint(again) == codebook_fingerprint(codebook)


# -- one definition as the scheme editor checks it -----------------------------------------------


def test_edited_definitions_are_checked_by_the_rules_of_the_file() -> None:
    stance = AttributeSpec("Stance", AttributeKind.CHOICE, ("positive", "negative"), (), "x")
    assert attribute_problem(stance, "Claim", []) == (
        "Label 'Claim', attribute 'Stance': the default 'x' is not one of positive, negative."
    )
    fine = replace(stance, default="negative", shortcut="s")
    assert attribute_problem(fine, "Claim", []) is None
    other = AttributeSpec("Check-worthy", AttributeKind.BOOL, shortcut="s")
    assert "reuses the key 's'" in (attribute_problem(other, "Claim", [fine]) or "")
    relation = RelationSpec("supports", "#2ca02c", sources=("Evidence",))
    assert relation_problem(relation, ["Claim"], []) == (
        "Relation type 'supports' names 'Evidence' in \"from\", which is not a label of this "
        "codebook."
    )
    assert relation_problem(relation, ["Claim", "Evidence"], []) is None
    topic = DocLabelSpec("Topic", True, ("Military",), ("m",))
    genre = DocLabelSpec("Genre", False, ("memo",), ("m",))
    assert doc_label_problem(genre, [topic]) is None  # keys are per set, as the project has them
    assert "appears twice" in (doc_label_problem(topic, [replace(topic, name="topic")]) or "")
    twice = DocLabelSpec("Genre", False, ("memo", "news"), ("m", "M"))
    assert "reuses the key 'm'" in (doc_label_problem(twice, []) or "")


# -- into a project -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [seeds_dir() / "codebook.json", resources_dir() / "default-codebook.json"],
    ids=lambda p: p.name,
)
def test_project_created_from_a_codebook_holds_its_scheme(path: Path, tmp_path: Path) -> None:
    codebook = load_codebook(path)
    with Project.create(tmp_path / "p.claimdesk", codebook=codebook) as project:
        assert project.scheme_by_name() == codebook.scheme
        # and a codebook made from the project is the file's again, scheme and all
        assert project_codebook(project).scheme == codebook.scheme


def test_sample_project_has_the_sample_scheme() -> None:
    with Project.open(ensure_sample_project()) as project:
        scheme = project.scheme_by_name()
    assert [a.name for a in scheme.attributes_of("Military cooperation")] == [
        "Stance",
        "Certainty",
        "Check-worthy",
    ]
    assert scheme.attributes_of("Source attribution") == ()
    assert [r.name for r in scheme.relations] == ["attributed to", "supports", "contradicts"]
    assert scheme.relations[0].targets == ("Source attribution",)
    assert [(d.name, d.multiple) for d in scheme.doc_labels] == [
        ("Topic", True),
        ("Overall stance", False),
    ]


def test_sample_worked_example_shows_stance_sources_and_topics() -> None:
    with Project.open(ensure_sample_project()) as project:
        example = next(a for a in project.annotators() if a.name == EXAMPLE_ANNOTATOR)
        document = next(d for d in project.documents() if "Military Ties" in d.title)
        spans = {a.id: a for a in project.annotations(document.id, example.id)}
        values = project.attribute_values(document.id, example.id)
        scheme = project.scheme()
        names = {a.id: a.name for a in scheme.attributes}
        types = {t.id: t.name for t in scheme.relation_types}
        quotes = {
            (types[r.type_id], spans[r.source_id].quote, spans[r.target_id].quote)
            for r in project.relations(document.id, example.id)
        }
        labels = {
            (s.name, label.value)
            for label in project.document_labels(document.id, example.id)
            for s in scheme.doc_label_sets
            if s.id == label.set_id
        }
        talks = next(i for i, a in spans.items() if a.quote.startswith("most substantive talks"))
    assert {names[i]: v for i, v in values[talks].items()} == {
        "Stance": "positive",
        "Certainty": "asserted",
        "Check-worthy": True,
    }
    assert (
        "attributed to",
        "the West imposed sanctions on weapons sales",
        "the diplomats say",
    ) in quotes
    assert len(quotes) == 3
    assert labels == {("Topic", "Military"), ("Topic", "Economy"), ("Overall stance", "warming")}


def test_worked_example_with_an_attribute_the_label_lacks_is_refused(tmp_path: Path) -> None:
    data = json.loads((seeds_dir() / EXAMPLE_FILE).read_text(encoding="utf-8"))
    data["documents"][0]["annotations"][2]["attributes"] = {"Stance": "positive"}
    bad = tmp_path / "example.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    refusal = "'Source attribution' has no attribute 'Stance'"
    with Project.open(ensure_sample_project()) as project, pytest.raises(ValueError, match=refusal):
        add_worked_example(project, bad)


def test_choices_differing_in_case_are_two_as_in_the_project() -> None:
    data = good()
    data["labels"][0]["attributes"][1]["values"] = ["Yes", "yes"]
    assert parsed(data).scheme.attributes_of("Claim")[1].choices == ("Yes", "yes")
