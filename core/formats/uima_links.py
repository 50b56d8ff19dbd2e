"""Attributes, relations and document labels in a UIMA CAS, as INCEpTION defines its layers.

- **Attributes** are features of the span layer ``webanno.custom.Claim``, one per attribute name:
  ``uima.cas.String`` for one of a list and free text, ``uima.cas.Boolean`` for yes/no,
  ``uima.cas.Float`` for numbers (INCEpTION's number features are Integer or Float) and
  ``uima.cas.StringArray`` for several of a list (INCEpTION's multi-value string feature). A
  feature name is a Java identifier: the attribute's name with a space as ``_`` and any other
  character outside ``[A-Za-z0-9]`` as ``_xHHHH_``; a name that would not start with a letter or
  would take a name the layer already uses (``label``, ``begin``, …) gets ``a_`` in front
  (`feature_name`, reversed by `attribute_name`).
- **Relations** are a relation layer ``webanno.custom.ClaimRelation`` attached to the span
  layer: ``Governor`` (the source span) and ``Dependent`` (the target), a ``label`` string with
  the relation type's name and the ``annotator``; it covers the dependent's offsets, as
  INCEpTION's relations do.
- **Document labels** are ``webanno.custom.DocumentLabel`` feature structures (supertype
  ``uima.cas.AnnotationBase``, INCEpTION's document metadata layers) with ``labelSet``,
  ``value`` and ``annotator`` strings, one per chosen value. Read back, a document metadata
  layer made in INCEpTION (``webanno.custom.Topic`` with a string feature) gives labels of a
  set named after the layer.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from keyword import iskeyword
from typing import Any

from cassis import TypeSystem

from claimdesk.core.formats.base import DocLabelIn, DocumentOut, RelationIn, SpanIn
from claimdesk.core.scheme import AttributeKind, Scheme

CLAIM = "webanno.custom.Claim"
RELATION = "webanno.custom.ClaimRelation"
DOC_LABEL = "webanno.custom.DocumentLabel"
GOVERNOR, DEPENDENT = "Governor", "Dependent"
STRING = "uima.cas.String"
STRING_ARRAY = "uima.cas.StringArray"
RANGES = {
    AttributeKind.CHOICE: STRING,
    AttributeKind.TEXT: STRING,
    AttributeKind.BOOL: "uima.cas.Boolean",
    AttributeKind.NUMBER: "uima.cas.Float",
    AttributeKind.MULTI: STRING_ARRAY,
}
_NUMBERS = {"uima.cas.Float", "uima.cas.Double", "uima.cas.Integer", "uima.cas.Long",
            "uima.cas.Short", "uima.cas.Byte"}  # fmt: skip
# Features of the span layer that are not attributes, and names cassis keeps for itself.
CLAIM_FEATURES = ("label", "note", "annotator")
_TAKEN = {*CLAIM_FEATURES, "begin", "end", "sofa", "type", "xmiID", "get", "set", "value"}
_PREFIX = "a_"


def _plain(name: str) -> str:
    out = []
    for position, char in enumerate(name):
        if char == " " and name[position + 1 : position + 2] != "x":
            out.append("_")  # before an x, "_x0041_" would read back as an escape
        elif char.isascii() and char.isalnum():
            out.append(char)
        else:
            out.append(f"_x{ord(char):04X}_")
    return "".join(out)


def _needs_prefix(plain: str) -> bool:
    # cassis makes a Python attribute of each feature: a keyword ("if", "None") cannot be one
    first = plain[:1]
    return not (first.isascii() and first.isalpha()) or plain in _TAKEN or iskeyword(plain)


def _unplain(feature: str) -> str:
    decoded, position = [], 0
    for match in re.finditer(r"_x([0-9A-F]{4,6})_", feature):
        decoded.append(feature[position : match.start()].replace("_", " "))
        decoded.append(chr(int(match.group(1), 16)))
        position = match.end()
    decoded.append(feature[position:].replace("_", " "))
    return "".join(decoded)


def feature_name(attribute: str) -> str:
    """The span layer's feature for an attribute (a Java identifier; reversible)."""
    plain = _plain(attribute)
    return _PREFIX + plain if _needs_prefix(plain) else plain


def attribute_name(feature: str) -> str:
    if feature.startswith(_PREFIX):
        rest = _unplain(feature[len(_PREFIX) :])
        if _needs_prefix(_plain(rest)):
            return rest
    return _unplain(feature)


@dataclass
class Features:
    """The attribute features of an export: attribute name -> (feature, kind), first kind wins."""

    kinds: dict[str, tuple[str, AttributeKind]] = field(default_factory=dict)
    clashes: set[str] = field(default_factory=set)  # names with another kind on another label
    # feature -> its description in the type system: the attribute's real name and definition
    descriptions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, scheme: Scheme) -> Features:
        found = cls()
        for specs in scheme.attributes.values():
            for spec in specs:
                known = found.kinds.setdefault(spec.name, (feature_name(spec.name), spec.kind))
                about = f"{spec.name}: {spec.description}" if spec.description else spec.name
                found.descriptions.setdefault(known[0], about)
                if RANGES[known[1]] != RANGES[spec.kind]:
                    found.clashes.add(spec.name)
        return found


def add_types(ts: TypeSystem, features: Features) -> None:
    """The attribute features on the span layer, the relation layer and document labels."""
    claim = ts.get_type(CLAIM)
    for feature, kind in features.kinds.values():
        about = features.descriptions.get(feature)
        ts.create_feature(claim, feature, RANGES[kind], description=about)
    relation = ts.create_type(
        RELATION,
        supertypeName="uima.tcas.Annotation",
        description="Relations between Claim spans; label holds the relation type's name.",
    )
    ts.create_feature(relation, DEPENDENT, CLAIM)
    ts.create_feature(relation, GOVERNOR, CLAIM)
    for name in ("label", "annotator"):
        ts.create_feature(relation, name, STRING)
    label = ts.create_type(DOC_LABEL, supertypeName="uima.cas.AnnotationBase")
    for name in ("labelSet", "value", "annotator"):  # "set" would hide cassis's FS.set
        ts.create_feature(label, name, STRING)


def float32_changes(value: float) -> bool:
    """Whether INCEpTION's 32-bit Float would change a number (beyond its 7 digits)."""
    if not math.isfinite(value) or abs(value) > 3.4e38:
        return True
    single = struct.unpack("f", struct.pack("f", value))[0]
    return float(f"{single:.7g}") != value


@dataclass
class Losses:
    clashing_values: int = 0
    imprecise_numbers: int = 0
    undirected: int = 0


def feature_values(
    ts: TypeSystem, values: dict[str, Any], features: Features, losses: Losses, clean: Any
) -> dict[str, Any]:
    """A span's attribute values as keyword arguments of its feature structure."""
    found: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or name not in features.kinds:
            continue
        feature, kind = features.kinds[name]
        if isinstance(value, bool) != (kind is AttributeKind.BOOL) or (
            kind is AttributeKind.MULTI and not isinstance(value, (list, tuple))
        ):
            losses.clashing_values += 1
            continue
        if kind is AttributeKind.MULTI:
            found[feature] = ts.get_type(STRING_ARRAY)(elements=[clean(v) for v in value])
        elif kind is AttributeKind.NUMBER:
            if not isinstance(value, (int, float)):
                losses.clashing_values += 1
                continue
            losses.imprecise_numbers += float32_changes(float(value))
            found[feature] = float(value)
        elif kind is AttributeKind.BOOL:
            found[feature] = value
        else:
            found[feature] = clean(str(value))
    return found


def read_attributes(item: Any) -> dict[str, Any]:
    """The attribute values of a span layer feature structure (unset features left out)."""
    found: dict[str, Any] = {}
    for feature in item.type.all_features:
        if feature.name in CLAIM_FEATURES or feature.name in {"begin", "end", "sofa"}:
            continue
        value = item.get(feature.name)
        if value is None:
            continue
        kind = feature.rangeType.name
        if kind == STRING_ARRAY or hasattr(value, "elements"):
            value = [str(v) for v in (value.elements or []) if v is not None]
        elif kind in _NUMBERS:
            value = float(value)
            value = int(value) if value.is_integer() else value
        elif kind == "uima.cas.Boolean":
            value = bool(value)
        elif kind == STRING:
            value = str(value)
        else:
            continue  # a reference or an array of another kind: not an attribute
        found[attribute_name(feature.name)] = value
    return found


def read_links(
    cas: Any, ts: TypeSystem, refs: dict[int, SpanIn]
) -> tuple[list[RelationIn], list[DocLabelIn], int]:
    """Relations between the spans read (by the spans' xmi ids), document labels, and how many
    relations were skipped because an end is not a span that was read."""
    relations: list[RelationIn] = []
    skipped = 0
    for type_ in ts.get_types():
        names = {f.name for f in type_.all_features}
        if not {GOVERNOR, DEPENDENT} <= names:
            continue
        for item in cas.select(type_.name):
            source, target = item.get(GOVERNOR), item.get(DEPENDENT)
            ends = [refs.get(end.xmiID) if end is not None else None for end in (source, target)]
            if ends[0] is None or ends[1] is None:
                skipped += 1
                continue
            label = _text(item, "label") or _first_string(item) or type_.name.rpartition(".")[2]
            relations.append(
                RelationIn(
                    label,
                    ends[0].ref or "",
                    ends[1].ref or "",
                    annotator=_text(item, "annotator") or None,
                    where=f"relation {item.xmiID}",
                )
            )
    labels: list[DocLabelIn] = []
    if ts.contains_type(DOC_LABEL):
        for item in cas.select(DOC_LABEL):
            if _text(item, "labelSet") and _text(item, "value"):
                labels.append(
                    DocLabelIn(
                        _text(item, "labelSet"),
                        _text(item, "value"),
                        _text(item, "annotator") or None,
                    )
                )
    labels += _metadata_labels(cas, ts)
    return relations, labels, skipped


def _metadata_labels(cas: Any, ts: TypeSystem) -> list[DocLabelIn]:
    """Labels of document metadata layers made in INCEpTION (``webanno.custom.Topic``, a
    subtype of AnnotationBase): each string feature's value, the set named after the layer (and
    the feature, when the layer has several)."""
    found: list[DocLabelIn] = []
    for type_ in ts.get_types():
        if (
            not type_.name.startswith("webanno.custom.")
            or type_.name == DOC_LABEL
            or type_.supertype.name != "uima.cas.AnnotationBase"
        ):
            continue
        strings = [f.name for f in type_.all_features if f.rangeType.name == STRING]
        layer = type_.name.rpartition(".")[2]
        for item in cas.select(type_.name):
            for feature in strings:
                value = _text(item, feature)
                if value:
                    name = layer if len(strings) == 1 else f"{layer} {feature}"
                    found.append(DocLabelIn(name, value))
    return found


def _text(item: Any, name: str) -> str:
    try:
        value = item.get(name)
    except (AttributeError, KeyError):
        return ""
    return "" if value is None else str(value)


def _first_string(item: Any) -> str:
    for feature in item.type.all_features:
        if feature.rangeType.name == STRING and feature.name != "annotator":
            value = item.get(feature.name)
            if value:
                return str(value)
    return ""


# -- the read-back check -------------------------------------------------------------------------

Link = tuple[str, str, int, int, str]  # (kind and annotator, name, start, end, value)


def _shown(value: Any) -> str | None:
    if value is None or (isinstance(value, (list, tuple)) and not value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "|".join(value)
    if isinstance(value, (int, float)):
        return repr(float(value) + 0.0)  # -0.0 reads back as 0
    return str(value)


def written_links(doc: DocumentOut, written: dict[int, dict[str, Any]], clean: Any) -> list[Link]:
    """What an export wrote beyond the spans, for the read-back check."""
    spans = {span.id: span for span in doc.spans}
    links: list[Link] = []
    for span_id, values in written.items():
        span = spans[span_id]
        for feature, value in values.items():
            if hasattr(value, "elements"):
                value = value.elements
            shown = _shown(value)
            if shown is not None:
                links.append((f"A {clean(span.annotator)}", feature, span.start, span.end, shown))
    for relation in doc.relations:
        if relation.source in spans and relation.target in spans:
            source, target = spans[relation.source], spans[relation.target]
            links.append((f"R {clean(relation.annotator)}", clean(relation.type), source.start,
                          source.end, f"{target.start} {target.end}"))  # fmt: skip
    links += [
        (f"D {clean(d.annotator)}", clean(d.set), 0, 0, clean(d.value)) for d in doc.doc_labels
    ]
    return links


def read_back_links(
    spans: Iterable[SpanIn], relations: list[RelationIn], labels: list[DocLabelIn]
) -> list[Link]:
    by_ref = {span.ref: span for span in spans}
    links: list[Link] = []
    for span in by_ref.values():
        for name, value in span.attributes.items():
            shown = _shown(value)
            if shown is not None:
                links.append((f"A {span.annotator or ''}", feature_name(name), span.start,
                              span.end, shown))  # fmt: skip
    for relation in relations:
        source, target = by_ref[relation.source], by_ref[relation.target]
        links.append((f"R {relation.annotator or ''}", relation.type, source.start, source.end,
                      f"{target.start} {target.end}"))  # fmt: skip
    links += [(f"D {d.annotator or ''}", d.set, 0, 0, d.value) for d in labels]
    return links
