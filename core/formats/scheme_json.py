"""A scheme (attributes, relation types, document label sets) as plain JSON values, for the
formats that carry it beside their annotations (Claimdesk's JSONL); read back with every field
checked, since the file may come from anyone."""

from __future__ import annotations

from typing import Any

from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.scheme import (
    AttributeKind,
    AttributeSpec,
    DocLabelSpec,
    RelationSpec,
    Scheme,
    normal_value,
    value_problem,
)

MAX_SCHEME_BYTES = 4 * 1024 * 1024


def scheme_json(scheme: Scheme) -> dict[str, Any]:
    return {
        "attributes": {
            label: [
                {
                    "name": a.name,
                    "kind": a.kind.value,
                    "choices": list(a.choices),
                    "choice_keys": list(a.choice_keys),
                    "default": list(a.default) if isinstance(a.default, tuple) else a.default,
                    "description": a.description,
                    "shortcut": a.shortcut,
                }
                for a in specs
            ]
            for label, specs in scheme.attributes.items()
            if specs
        },
        "relations": [
            {
                "name": r.name,
                "colour": r.colour,
                "description": r.description,
                "directed": r.directed,
                "sources": list(r.sources),
                "targets": list(r.targets),
                "shortcut": r.shortcut,
            }
            for r in scheme.relations
        ],
        "doc_labels": [
            {
                "name": d.name,
                "multiple": d.multiple,
                "choices": list(d.choices),
                "choice_keys": list(d.choice_keys),
                "description": d.description,
            }
            for d in scheme.doc_labels
        ],
    }


class SchemeProblem(ClaimdeskError, ValueError):
    """What is wrong with a scheme in a file (one sentence)."""


def scheme_from_json(value: Any) -> Scheme:
    """The scheme ``scheme_json`` wrote; raises SchemeProblem for anything else."""
    if not isinstance(value, dict):
        raise SchemeProblem("is not an object")
    attributes = value.get("attributes", {})
    if not isinstance(attributes, dict):
        raise SchemeProblem("'attributes' is not an object of labels")
    by_label = {
        _text(label, "a label name"): tuple(_attribute(a) for a in _list(specs, "attributes"))
        for label, specs in attributes.items()
    }
    relations = tuple(_relation(r) for r in _list(value.get("relations", []), "relations"))
    sets = tuple(_doc_labels(d) for d in _list(value.get("doc_labels", []), "doc_labels"))
    return Scheme(by_label, relations, sets)


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise SchemeProblem(f"'{what}' is not a list")
    return value


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SchemeProblem(f"{what} is not an object")
    return value


def _text(value: Any, what: str, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise SchemeProblem(f"{what} is not a name")
    return value


def _names(value: Any, what: str) -> tuple[str, ...]:
    return tuple(_text(v, what) for v in _list(value, what))


def _keys(value: Any) -> tuple[str | None, ...]:
    keys = _list(value, "choice_keys")
    if not all(k is None or isinstance(k, str) for k in keys):
        raise SchemeProblem("a choice key is not a key")
    return tuple(keys)


def _shortcut(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise SchemeProblem("a shortcut is not a key")
    return value or None


def _attribute(value: Any) -> AttributeSpec:
    item = _object(value, "an attribute")
    name = _text(item.get("name"), "an attribute's name")
    try:
        kind = AttributeKind(str(item.get("kind")))
    except ValueError:
        raise SchemeProblem(f"attribute {name!r} has no known kind") from None
    choices = _names(item.get("choices", []), "a choice")
    default = item.get("default")
    if value_problem(kind, choices, default) is not None:
        raise SchemeProblem(f"attribute {name!r} has a default that is not one of its values")
    return AttributeSpec(
        name,
        kind,
        choices,
        _keys(item.get("choice_keys", [])),
        normal_value(kind, choices, default),
        _text(item.get("description", ""), "a description", empty=True),
        _shortcut(item.get("shortcut")),
    )


def _relation(value: Any) -> RelationSpec:
    item = _object(value, "a relation type")
    directed = item.get("directed", True)
    if not isinstance(directed, bool):
        raise SchemeProblem("a relation type's 'directed' is not true or false")
    return RelationSpec(
        _text(item.get("name"), "a relation type's name"),
        _text(item.get("colour", "#7f7f7f"), "a colour"),
        _text(item.get("description", ""), "a description", empty=True),
        directed,
        _names(item.get("sources", []), "a label name"),
        _names(item.get("targets", []), "a label name"),
        _shortcut(item.get("shortcut")),
    )


def _doc_labels(value: Any) -> DocLabelSpec:
    item = _object(value, "a document label set")
    multiple = item.get("multiple", False)
    if not isinstance(multiple, bool):
        raise SchemeProblem("a document label set's 'multiple' is not true or false")
    return DocLabelSpec(
        _text(item.get("name"), "a document label set's name"),
        multiple,
        _names(item.get("choices", []), "a choice"),
        _keys(item.get("choice_keys", [])),
        _text(item.get("description", ""), "a description", empty=True),
    )
