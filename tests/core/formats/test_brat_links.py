"""brat export and import of attributes (A lines), relations (R lines) and the annotation.conf
sections that declare them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from claimdesk.core.formats import brat
from claimdesk.core.formats.base import FormatError, RelationOut
from claimdesk.core.scheme import AttributeKind, AttributeSpec, RelationSpec, Scheme
from tests.core.formats.scheme_samples import (
    ATTRIBUTES,
    CHECK,
    CLAIM,
    LABELS,
    RELATIONS,
    SOURCE,
    SPANS,
    STANCE,
    TEXT,
    at,
    document,
    source,
)

# -- a small standoff reader, written from brat's documentation, independent of brat.py -------

_STORAGE = re.compile(r"^[a-zA-Z0-9_-]+$")  # brat's storage form of a type name


def read_standoff(ann: str) -> dict[str, Any]:
    """T, A and R lines by id: T -> (type, start, end, text), A -> (name, target, value),
    R -> (type, arg1, arg2)."""
    found: dict[str, Any] = {}
    for line in ann.split("\n"):
        if not line or line.startswith("#"):
            continue
        ident, rest = line.split("\t", 1)
        if ident.startswith("T"):
            head, text = rest.split("\t")
            kind, offsets = head.split(" ", 1)
            pieces = [tuple(map(int, p.split())) for p in offsets.split(";")]
            found[ident] = (kind, pieces[0][0], pieces[-1][1], text)
        elif ident.startswith("A"):
            parts = rest.split(" ")
            found[ident] = (parts[0], parts[1], parts[2] if len(parts) > 2 else None)
        elif ident.startswith("R"):
            kind, arg1, arg2 = rest.split(" ")
            assert arg1.startswith("Arg1:") and arg2.startswith("Arg2:")
            found[ident] = (kind, arg1[5:], arg2[5:])
        else:
            raise AssertionError(f"unexpected line {line!r}")
    return found


def read_conf(text: str) -> dict[str, dict[str, dict[str, str]]]:
    """Each section's terms with their arguments, checked as brat checks a storage form."""
    sections: dict[str, dict[str, dict[str, str]]] = {}
    current: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        if not line.strip() or re.match(r"^\s*#", line):  # brat skips comments
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        term, _, args = line.partition("\t")
        assert term.startswith("<") or _STORAGE.match(term), term
        current[term] = dict(a.strip().split(":", 1) for a in args.split(",")) if args else {}
    return sections


@pytest.fixture
def collection(tmp_path: Path) -> tuple[Path, Any]:
    out = tmp_path / "brat"
    return out, brat.export(source(), out)


def test_attributes_and_relations_are_a_and_r_lines_brat_accepts(
    collection: tuple[Path, Any],
) -> None:
    out, _ = collection
    conf = read_conf((out / "annotation.conf").read_text(encoding="utf-8"))
    ann = read_standoff((out / "Ana/7-Embargo.ann").read_text(encoding="utf-8"))
    spans = {v[1:3]: k for k, v in ann.items() if k.startswith("T")}
    words = ("the arms embargo would stay", "arms embargo", "a troop reduction of 𠀋 200,000 men")
    claim, inner, troop = (spans[at(w)] for w in words)
    diplomats, paper = spans[at("Western diplomats")], spans[at("Ta Kung Pao")]
    attributes = sorted(v for k, v in ann.items() if k.startswith("A"))
    assert attributes == sorted([
        ("Stance", claim, "negative"), ("Check-worthy", claim, None),
        ("Topic_areas_x003D_Military", claim, None), ("Topic_areas_x003D_Diplomacy", claim, None),
        ("Score", claim, "0_x002E_75"), ("Comment", claim, "says_who_x003F___x1F914_"),
        ("Stance", inner, "neutral"),  # no line for a False yes/no or an empty list
        ("Stance", troop, "positive"), ("Topic_areas_x003D_Military", troop, None),
        ("Score", troop, "3"),
    ])  # fmt: skip
    relations = sorted(v for k, v in ann.items() if k.startswith("R"))
    assert relations == sorted([
        ("attributed_to", claim, diplomats), ("same_event", inner, claim),
        ("supports", troop, claim), ("attributed_to", troop, paper),
    ])  # fmt: skip
    # every A and R line is declared, with brat's syntax for values, ends and symmetry
    assert conf["relations"]["attributed_to"] == {"Arg1": "Claim", "Arg2": "Source_attribution"}
    assert conf["relations"]["supports"] == {"Arg1": "Claim", "Arg2": "Claim"}
    assert conf["relations"]["same_event"] == {
        "Arg1": "<ENTITY>", "Arg2": "<ENTITY>", "<REL-TYPE>": "symmetric"
    }  # fmt: skip
    assert conf["attributes"]["Stance"] == {
        "Arg": "Claim", "Value": "positive|negative|neutral", "<DEFAULT>": "neutral"
    }  # fmt: skip
    assert conf["attributes"]["Check-worthy"] == {"Arg": "Claim"}  # binary
    assert conf["attributes"]["Score"] == {"Arg": "Claim", "Value": "0_x002E_75|3"}
    notes = [line for line in (out / "annotation.conf").read_text(encoding="utf-8").splitlines()
             if line.startswith("#claimdesk")]  # fmt: skip
    assert notes == [
        "#claimdesk\tTopic_areas\tmulti\tMilitary|Economy|Diplomacy",
        "#claimdesk\tScore\tnumber",
        "#claimdesk\tComment\ttext",
    ]
    for name, _, value in attributes:
        assert name in conf["attributes"]
        assert value is None or value in conf["attributes"][name]["Value"].split("|")
    visual = (out / "visual.conf").read_text(encoding="utf-8").splitlines()
    assert "attributed_to | attributed to" in visual
    assert "Topic_areas_x003D_Military | Topic areas: Military" in visual
    assert "attributed_to\tcolor:#7f7f7f" in visual
    # Ben's file holds his span and its attributes, no one else's relations
    ben = read_standoff((out / "Ben/7-Embargo.ann").read_text(encoding="utf-8"))
    assert sorted(ben.values()) == [
        ("Check-worthy", "T1", None), ("Claim", *at("arms embargo"), "arms embargo"),
        ("Stance", "T1", "positive"),
    ]  # fmt: skip


def test_what_brat_cannot_hold_is_reported(collection: tuple[Path, Any]) -> None:
    _, report = collection
    assert (
        "2 number and 1 free-text attribute value(s): brat attributes take values from a list;"
        " written as values of a list in annotation.conf that holds the values used (brat"
        " offers only those when editing)"
    ) in report.lost
    assert "3 document label(s) (Topic): brat has no labels for a whole document" in report.lost
    assert (
        "relation type(s) written with brat names: 'attributed to' as 'attributed_to', 'same"
        " event' as 'same_event' (visual.conf shows the real names)"
    ) in report.lost
    assert report.verified


def test_round_trip_gives_back_attributes_relations_and_scheme(
    collection: tuple[Path, Any],
) -> None:
    out, _ = collection
    docs = {d.file_id: d for d in brat.read(out)}
    ana = docs["Ana/7-Embargo"]
    assert ana.text == TEXT  # CRLF kept
    by_place = {(s.start, s.end, s.label): s for s in ana.spans}
    expected: dict[tuple[int, int, str], dict[str, Any]] = {}
    for span in SPANS[:5]:
        values = dict(ATTRIBUTES.get(span.id, {}))
        if span.label == CLAIM:  # brat keeps no line for False or an empty list
            values.setdefault("Check-worthy", False)
            values.setdefault("Topic areas", ())
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
        expected[(span.start, span.end, span.label)] = values
    assert {k: s.attributes for k, s in by_place.items()} == expected
    refs = {s.ref: (s.start, s.end) for s in ana.spans}
    places = {span.id: (span.start, span.end) for span in SPANS}
    assert sorted((r.type, refs[r.source], refs[r.target], r.annotator) for r in ana.relations) == (
        sorted((r.type, places[r.source], places[r.target], "Ana") for r in RELATIONS)
    )
    scheme = ana.scheme
    assert scheme is not None
    claim = {a.name: a for a in scheme.attributes[CLAIM]}
    assert claim["Stance"] == STANCE.__class__(
        "Stance", AttributeKind.CHOICE, STANCE.choices, default="neutral"
    )
    assert claim["Check-worthy"] == AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False)
    assert claim["Topic areas"] == AttributeSpec(
        "Topic areas", AttributeKind.MULTI, ("Military", "Economy", "Diplomacy"), default=()
    )
    assert list(claim) == ["Stance", "Check-worthy", "Topic areas", "Score", "Comment"]
    assert claim["Score"] == AttributeSpec("Score", AttributeKind.NUMBER)
    assert claim["Comment"] == AttributeSpec("Comment", AttributeKind.TEXT)
    assert SOURCE not in scheme.attributes
    assert scheme.relations == (
        RelationSpec("attributed to", "#7f7f7f", sources=(CLAIM,), targets=(SOURCE,)),
        RelationSpec("supports", "#2ca02c", sources=(CLAIM,), targets=(CLAIM,)),
        RelationSpec("same event", "#d62728", directed=False),
    )
    ben = docs["Ben/7-Embargo"]
    assert [s.attributes for s in ben.spans] == [
        {"Stance": "positive", "Check-worthy": True, "Topic areas": []}
    ]
    assert ben.relations == []
    assert CHECK.default is False


def test_a_relation_whose_end_is_not_exported_is_left_out(tmp_path: Path) -> None:
    doc = document(
        relations=[
            *RELATIONS,
            RelationOut(5, "supports", 2, 42, "Ana"),  # span 42 is not in the export
            RelationOut(6, "supports", 42, 6, "Ben"),
        ],
    )
    out = tmp_path / "brat"
    report = brat.export(source(doc), out)
    ann = read_standoff((out / "Ana/7-Embargo.ann").read_text(encoding="utf-8"))
    assert len([k for k in ann if k.startswith("R")]) == len(RELATIONS)
    ben = read_standoff((out / "Ben/7-Embargo.ann").read_text(encoding="utf-8"))
    assert not [k for k in ben if k.startswith("R")]
    assert "2 relation(s) with an end that is not in the export are left out" in report.lost


def _collection(tmp_path: Path, ann: str, conf: str | None = None) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Moscow talks\r\nin 𠀋 city", encoding="utf-8", newline="")
    (folder / "a.ann").write_text(ann, encoding="utf-8", newline="")
    if conf is not None:
        (folder / "annotation.conf").write_text(conf, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("A1\tNegated T9", r"line 3: A1 names T9, which no T line defines"),
        ("R1\tLocated Arg1:T2 Arg2:T7", r"line 3: R1 names T7, which no T line defines"),
        ("R1\tLocated Arg1:T2", r"line 3: a relation line needs a type and two arguments"),
        ("R1\tLocated Arg1:T2 Arg2:T1 Arg3:T1", r"line 3: a relation line needs a type and two"),
        ("R1\tLocated Arg1:T2 Arg2:T2", r"line 3: R1 links T2 to itself"),
        ("A1\tNegated", r"line 3: an attribute line needs a name and a span"),
    ],
)
def test_malformed_attribute_and_relation_lines_are_refused_with_their_line(
    tmp_path: Path, line: str, message: str
) -> None:
    folder = _collection(tmp_path, f"T1\tPlace 0 6\tMoscow\r\nT2\tEvent 7 12\ttalks\r\n{line}\r\n")
    with pytest.raises(FormatError, match=r"in: entry a\.ann, " + message):
        brat.read(folder)


def test_a_collection_from_brat_reads_its_conf_and_links(tmp_path: Path) -> None:
    """A hand-made brat collection: macros, <ENTITY>, an event with its own attribute and
    relation (not imported, counted), CRLF line endings, lines before the spans they name."""
    conf = (
        "[entities]\nPlace\nEvent\n\n[relations]\n<EV>=Event\n"
        "Located\tArg1:<EV>, Arg2:Place\nNear\tArg1:<ENTITY>, Arg2:<ENTITY>,"
        " <REL-TYPE>:symmetric-transitive\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>,"
        " <OVL-TYPE>:<ANY>\n\n[events]\nMeeting\tTheme:Place\n\n[attributes]\n"
        "# a comment\nNegated\tArg:<EVENT>|Event\nCertainty\tArg:<ENTITY>, Value:High|Low_ish\n"
    )
    ann = (
        "R1\tLocated Arg1:T2 Arg2:T1\r\nA1\tCertainty T1 Low_ish\r\n"
        "T1\tPlace 0 6\tMoscow\r\nT2\tEvent 7 12\ttalks\r\nA2\tNegated T2\r\n"
        "E1\tMeeting:T2 Theme:T1\r\nA3\tNegated E1\r\nR2\tNear Arg1:E1 Arg2:T1\r\n"
    )
    (doc,) = brat.read(_collection(tmp_path, ann, conf))
    assert [(s.ref, s.label, s.attributes) for s in doc.spans] == [
        ("T1", "Place", {"Certainty": "Low ish"}),
        ("T2", "Event", {"Negated": True}),
    ]
    assert [(r.type, r.source, r.target, r.where) for r in doc.relations] == [
        ("Located", "T2", "T1", "entry a.ann, line 1")
    ]
    assert sorted(doc.not_imported) == [
        "a.ann: 1 attribute (of an event or relation) line(s) (Claimdesk holds text spans, their"
        " attributes and relations)",
        "a.ann: 1 event line(s) (Claimdesk holds text spans, their attributes and relations)",
        "a.ann: 1 relation (of an event) line(s) (Claimdesk holds text spans, their attributes"
        " and relations)",
    ]
    assert doc.scheme is not None
    assert doc.scheme.relations == (
        RelationSpec("Located", "", sources=("Event",), targets=("Place",)),
        RelationSpec("Near", "", directed=False),
    )
    certainty = AttributeSpec("Certainty", AttributeKind.CHOICE, ("High", "Low ish"))
    assert doc.scheme.attributes == {
        "Event": (AttributeSpec("Negated", AttributeKind.BOOL, default=False), certainty),
        "Place": (certainty,),
    }


def test_a_collection_without_conf_still_reads_attributes_and_relations(tmp_path: Path) -> None:
    ann = "T1\tPlace 0 6\tMoscow\nT2\tEvent 7 12\ttalks\nA1\tNegated T2\nR1\tIn Arg1:T2 Arg2:T1\n"
    (doc,) = brat.read(_collection(tmp_path, ann))
    assert [s.attributes for s in doc.spans] == [{}, {"Negated": True}]
    assert [(r.type, r.source, r.target) for r in doc.relations] == [("In", "T2", "T1")]
    assert doc.scheme is None


_names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(_names, min_size=5, max_size=5, unique=True),
    choices=st.lists(_names, min_size=1, max_size=3, unique=True),
    number=st.one_of(
        st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False)
    ),
    text=st.text(max_size=20),
    relation=_names,
)
def test_any_names_and_values_survive_brat(
    tmp_path_factory: pytest.TempPathFactory,
    names: list[str],
    choices: list[str],
    number: float,
    text: str,
    relation: str,
) -> None:
    one, several, yes, count, free = names
    flags = {f"{several}={choice}" for choice in choices}
    assume(not flags & set(names))  # a yes/no named like one choice of the multi
    scheme = Scheme(
        attributes={CLAIM: (
            AttributeSpec(one, AttributeKind.CHOICE, tuple(choices)),
            AttributeSpec(several, AttributeKind.MULTI, tuple(choices)),
            AttributeSpec(yes, AttributeKind.BOOL),
            AttributeSpec(count, AttributeKind.NUMBER),
            AttributeSpec(free, AttributeKind.TEXT),
        )},
        relations=(RelationSpec(relation, "#123456", directed=False),),
    )  # fmt: skip
    values = {one: choices[-1], several: tuple(choices), yes: True, count: number, free: text}
    if not text:
        del values[free]  # an empty text is no value
    doc = document(
        spans=SPANS[1:3],
        attributes={2: values},
        relations=[RelationOut(1, relation, 3, 2, "Ana")],
        doc_labels=[],
    )
    out = tmp_path_factory.mktemp("brat") / "out"
    brat.export(type(source())("Claims", LABELS, ["Ana"], [doc], scheme), out)
    (read,) = brat.read(out)
    claim = next(s for s in read.spans if s.start == SPANS[1].start)
    expected = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
    assert claim.attributes == expected
    assert [r.type for r in read.relations] == [relation]
    assert read.scheme is not None
    assert read.scheme.relations[0].name == relation and not read.scheme.relations[0].directed
