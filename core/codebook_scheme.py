"""The richer parts of a codebook file (version 2): attributes of each label, relation types and
document label sets — read from a file's JSON into a ``Scheme`` and written back.

In the file::

    "labels": [{"name": "Claim", ..., "attributes": [
        {"name": "Stance", "type": "choice", "key": "s", "default": "neutral",
         "values": [{"value": "positive", "key": "p"}, "negative", "neutral"],
         "description": "..."}]}],
    "relations": [{"name": "attributed to", "colour": "#7f7f7f", "directed": true,
                   "from": ["Claim"], "to": ["Source attribution"], "key": "a",
                   "description": "..."}],
    "document_labels": [{"name": "Topic", "multiple": true,
                         "values": [{"value": "Military", "key": "m"}, "Economy"],
                         "description": "..."}]

``type`` is one of choice, multi, bool, number, text; ``values`` belong to choice and multi only.
``from`` / ``to`` name labels of the file (left out or empty: any label). Keys are single keys:
an attribute's is unique among its label's attributes, a choice's within its attribute, a
relation type's among relation types, a document label's within its set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.limits import (
    DESCRIPTION_MAX,
    LABEL_NAME_MAX,
    NOTE_MAX,
    name_problem,
    printable,
    text_problem,
)
from claimdesk.core.scheme import (
    AttributeKind,
    AttributeSpec,
    DocLabelSpec,
    RelationSpec,
    Scheme,
    normal_value,
    value_problem,
)

MAX_ATTRIBUTES_PER_LABEL = 50
MAX_ATTRIBUTES = 2_000  # in the whole file
MAX_CHOICES = 200  # of one attribute or one document label set
MAX_ALL_CHOICES = 10_000  # in the whole file
MAX_RELATIONS = 100
MAX_DOC_LABEL_SETS = 50
# JSON values (objects, lists, strings, numbers) the parts above can take, at most: what an
# exercise file may hold beyond its labels and documents.
MAX_SCHEME_ITEMS = (
    MAX_ATTRIBUTES * 16
    + MAX_ALL_CHOICES * 4
    + MAX_RELATIONS * (16 + 2 * 1000)
    + MAX_DOC_LABEL_SETS * 12
)
DEFAULT_RELATION_COLOUR = "#7f7f7f"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

Fail = Callable[[str], Exception]


def shown(name: str) -> str:
    """A name from the file as a message quotes it."""
    return repr(printable(name, 80))


def tidy_name(raw: Any, what: str, where: str, fail: Fail) -> str:
    """A name (white space tidied) or a refusal naming ``where``."""
    if not isinstance(raw, str) or not raw.strip():
        raise fail(f"{where} has no {what}")
    name = " ".join(raw.split())
    problem = name_problem(name, what, LABEL_NAME_MAX)
    if problem is not None:
        raise fail(f"{where}: {problem}")
    return name


def key_of(raw: Any, where: str, fail: Fail) -> str | None:
    """A single key, lower case, or None when the file gives none."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) != 1 or not raw.isprintable() or raw.isspace():
        raise fail(f"{where} has key {printable(str(raw), 20)!r}; use a single key such as s or 1")
    return raw.lower()


def description_of(raw: dict[str, Any], where: str, fail: Fail) -> str:
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise fail(f"{where} has a description that is not text")
    problem = text_problem(description.strip(), "description", DESCRIPTION_MAX)
    if problem is not None:
        raise fail(f"{where}: {problem}")
    return description.strip()


def choices_of(raw: Any, where: str, fail: Fail) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """The ``values`` list: plain strings or {"value", "key"} objects; values and keys unique
    (values as written: "Yes" and "yes" are two, as the project keeps them)."""
    if not isinstance(raw, list) or not raw:
        raise fail(f'{where} needs a non-empty "values" list')
    if len(raw) > MAX_CHOICES:
        raise fail(f"{where} has {len(raw):,} values; at most {MAX_CHOICES} are allowed")
    choices: list[str] = []
    keys: list[str | None] = []
    used: dict[str, str] = {}
    for number, entry in enumerate(raw, start=1):
        item = f"{where}, value {number}"
        if isinstance(entry, dict):
            value, key = entry.get("value"), entry.get("key")
        else:
            value, key = entry, None
        value = tidy_name(value, "value", item, fail)
        item = f"{where}, value {shown(value)}"
        if value in choices:
            raise fail(f"{item} appears twice")
        key = key_of(key, item, fail)
        if key is not None:
            if key in used:
                raise fail(f"{item} reuses the key {key!r} of value {used[key]}")
            used[key] = shown(value)
        choices.append(value)
        keys.append(key)
    return tuple(choices), tuple(keys)


def parse_attributes(raw: Any, label: str, fail: Fail) -> tuple[AttributeSpec, ...]:
    """The ``attributes`` list of one label."""
    if raw is None:
        return ()
    where = f"label {shown(label)}"
    if not isinstance(raw, list):
        raise fail(f'{where} has "attributes" that are not a list')
    if len(raw) > MAX_ATTRIBUTES_PER_LABEL:
        raise fail(
            f"{where} has {len(raw):,} attributes; at most {MAX_ATTRIBUTES_PER_LABEL} are allowed"
        )
    specs: list[AttributeSpec] = []
    names: set[str] = set()
    keys: dict[str, str] = {}
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise fail(f"{where}, attribute {number} is not an object")
        name = tidy_name(entry.get("name"), "attribute name", f"{where}, attribute {number}", fail)
        place = f"{where}, attribute {shown(name)}"
        if name.casefold() in names:
            raise fail(f"{place} appears twice")
        names.add(name.casefold())
        kinds = ", ".join(kind.value for kind in AttributeKind)
        try:
            kind = AttributeKind(str(entry.get("type")))
        except ValueError:
            given = printable(str(entry.get("type")), 40)
            raise fail(f'{place} has "type" {given!r}; use one of {kinds}') from None
        choices: tuple[str, ...] = ()
        choice_keys: tuple[str | None, ...] = ()
        if kind in (AttributeKind.CHOICE, AttributeKind.MULTI):
            choices, choice_keys = choices_of(entry.get("values"), place, fail)
        elif entry.get("values"):
            raise fail(f"{place} is of type {kind.value}, which takes no list of values")
        default = entry.get("default")
        if kind is AttributeKind.MULTI and isinstance(default, list):
            default = tuple(" ".join(v.split()) if isinstance(v, str) else v for v in default)
        elif kind is AttributeKind.CHOICE and isinstance(default, str):
            default = " ".join(default.split())
        problem = value_problem(kind, choices, default)
        if problem is not None:
            raise fail(f"{place}: the default {problem}")
        if kind is AttributeKind.TEXT and isinstance(default, str):
            problem = text_problem(default, "default", NOTE_MAX)
            if problem is not None:
                raise fail(f"{place}: {problem}")
        key = key_of(entry.get("key"), place, fail)
        if key is not None:
            if key in keys:
                raise fail(f"{place} reuses the key {key!r} of attribute {keys[key]}")
            keys[key] = shown(name)
        specs.append(
            AttributeSpec(
                name,
                kind,
                choices,
                choice_keys,
                normal_value(kind, choices, default),
                description_of(entry, place, fail),
                key,
            )
        )
    return tuple(specs)


def parse_relations(raw: Any, labels: Sequence[str], fail: Fail) -> tuple[RelationSpec, ...]:
    """The top-level ``relations`` list; ``labels`` are the file's label names."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise fail('has "relations" that are not a list')
    if len(raw) > MAX_RELATIONS:
        raise fail(f"has {len(raw):,} relation types; at most {MAX_RELATIONS} are allowed")
    by_fold = {name.casefold(): name for name in labels}
    specs: list[RelationSpec] = []
    names: set[str] = set()
    keys: dict[str, str] = {}
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise fail(f"relation type {number} is not an object")
        name = tidy_name(entry.get("name"), "relation name", f"relation type {number}", fail)
        place = f"relation type {shown(name)}"
        if name.casefold() in names:
            raise fail(f"{place} appears twice")
        names.add(name.casefold())
        colour = entry.get("colour", entry.get("color", DEFAULT_RELATION_COLOUR))
        if not isinstance(colour, str) or not COLOUR.match(colour):
            given = printable(str(colour), 40)
            raise fail(f"{place} needs a colour like #1f77b4, not {given!r}")
        directed = entry.get("directed", True)
        if not isinstance(directed, bool):
            raise fail(f'{place} has "directed" {printable(str(directed), 20)}; use true or false')
        ends: list[tuple[str, ...]] = []
        for side in ("from", "to"):
            names_given = entry.get(side) or []
            if not isinstance(names_given, list):
                raise fail(f'{place} has "{side}" that is not a list of label names')
            resolved: list[str] = []
            for item in names_given:
                label = " ".join(item.split()) if isinstance(item, str) else None
                if label is None or label.casefold() not in by_fold:
                    shown_item = shown(item) if isinstance(item, str) else repr(item)
                    raise fail(
                        f'{place} names {shown_item} in "{side}", which is not a label of '
                        "this codebook"
                    )
                if by_fold[label.casefold()] not in resolved:
                    resolved.append(by_fold[label.casefold()])
            ends.append(tuple(resolved))
        key = key_of(entry.get("key"), place, fail)
        if key is not None:
            if key in keys:
                raise fail(f"{place} reuses the key {key!r} of relation type {keys[key]}")
            keys[key] = shown(name)
        description = description_of(entry, place, fail)
        specs.append(
            RelationSpec(name, colour.lower(), description, directed, ends[0], ends[1], key)
        )
    return tuple(specs)


def parse_doc_labels(raw: Any, fail: Fail) -> tuple[DocLabelSpec, ...]:
    """The top-level ``document_labels`` list."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise fail('has "document_labels" that are not a list')
    if len(raw) > MAX_DOC_LABEL_SETS:
        raise fail(
            f"has {len(raw):,} document label sets; at most {MAX_DOC_LABEL_SETS} are allowed"
        )
    specs: list[DocLabelSpec] = []
    names: set[str] = set()
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise fail(f"document label set {number} is not an object")
        name = tidy_name(entry.get("name"), "set name", f"document label set {number}", fail)
        place = f"document label set {shown(name)}"
        if name.casefold() in names:
            raise fail(f"{place} appears twice")
        names.add(name.casefold())
        multiple = entry.get("multiple", False)
        if not isinstance(multiple, bool):
            raise fail(f'{place} has "multiple" {printable(str(multiple), 20)}; use true or false')
        choices, choice_keys = choices_of(entry.get("values"), place, fail)
        description = description_of(entry, place, fail)
        specs.append(DocLabelSpec(name, multiple, choices, choice_keys, description))
    return tuple(specs)


def check_totals(scheme: Scheme, fail: Fail) -> None:
    attributes = [spec for specs in scheme.attributes.values() for spec in specs]
    if len(attributes) > MAX_ATTRIBUTES:
        raise fail(f"has {len(attributes):,} attributes; at most {MAX_ATTRIBUTES:,} are allowed")
    choices = sum(len(spec.choices) for spec in attributes) + sum(
        len(spec.choices) for spec in scheme.doc_labels
    )
    if choices > MAX_ALL_CHOICES:
        raise fail(f"has {choices:,} values in all; at most {MAX_ALL_CHOICES:,} are allowed")


# -- writing --------------------------------------------------------------------------------------


def choices_data(choices: Sequence[str], keys: Sequence[str | None]) -> list[Any]:
    """Plain strings when no value has a key (the shorter form people write)."""
    if not any(keys):
        return list(choices)
    out: list[Any] = []
    for number, choice in enumerate(choices):
        key = keys[number] if number < len(keys) else None
        out.append({"value": choice, "key": key} if key else {"value": choice})
    return out


def attribute_data(spec: AttributeSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": spec.name, "type": spec.kind.value}
    if spec.shortcut:
        entry["key"] = spec.shortcut
    if spec.kind in (AttributeKind.CHOICE, AttributeKind.MULTI):
        entry["values"] = choices_data(spec.choices, spec.choice_keys)
    if spec.default is not None:
        default = spec.default
        entry["default"] = list(default) if isinstance(default, tuple) else default
    if spec.description:
        entry["description"] = spec.description
    return entry


def relation_data(spec: RelationSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": spec.name, "colour": spec.colour, "directed": spec.directed}
    if spec.sources:
        entry["from"] = list(spec.sources)
    if spec.targets:
        entry["to"] = list(spec.targets)
    if spec.shortcut:
        entry["key"] = spec.shortcut
    if spec.description:
        entry["description"] = spec.description
    return entry


def doc_label_data(spec: DocLabelSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": spec.name,
        "multiple": spec.multiple,
        "values": choices_data(spec.choices, spec.choice_keys),
    }
    if spec.description:
        entry["description"] = spec.description
    return entry


def _attribute_row(a: AttributeSpec) -> list[Any]:
    default = list(a.default) if isinstance(a.default, tuple) else a.default
    choices = [list(a.choices), list(a.choice_keys)]
    return [a.name, a.kind.value, *choices, default, a.description, a.shortcut or ""]


def _relation_row(r: RelationSpec) -> list[Any]:
    ends = [list(r.sources), list(r.targets)]
    return [r.name, r.colour, r.description, r.directed, *ends, r.shortcut or ""]


def scheme_fingerprint_rows(scheme: Scheme, labels: Sequence[str]) -> list[Any]:
    """The scheme as plain lists, in codebook order, for an exercise's fingerprint."""
    attributes = [
        [label, [_attribute_row(a) for a in scheme.attributes_of(label)]]
        for label in labels
        if scheme.attributes_of(label)
    ]
    relations = [_relation_row(r) for r in scheme.relations]
    doc_labels = [
        [d.name, d.multiple, list(d.choices), list(d.choice_keys), d.description]
        for d in scheme.doc_labels
    ]
    return [attributes, relations, doc_labels]


# -- checking one edited definition (the scheme editor) by the rules of the file -----------------


class _Problem(ClaimdeskError):
    pass


def _sentence(reason: str) -> str:
    return reason[:1].upper() + reason[1:] + ("" if reason.endswith(".") else ".")


def attribute_problem(
    spec: AttributeSpec, label: str, others: Sequence[AttributeSpec]
) -> str | None:
    """Why ``spec`` cannot be an attribute of ``label`` beside ``others`` (a sentence), or None."""
    try:
        parse_attributes([*map(attribute_data, others), attribute_data(spec)], label, _Problem)
    except _Problem as exc:
        return _sentence(str(exc))
    return None


def relation_problem(
    spec: RelationSpec, labels: Sequence[str], others: Sequence[RelationSpec]
) -> str | None:
    """Why ``spec`` cannot be a relation type beside ``others``, or None."""
    try:
        parse_relations([*map(relation_data, others), relation_data(spec)], labels, _Problem)
    except _Problem as exc:
        return _sentence(str(exc).removeprefix("has "))
    return None


def doc_label_problem(spec: DocLabelSpec, others: Sequence[DocLabelSpec]) -> str | None:
    """Why ``spec`` cannot be a document label set beside ``others``, or None."""
    try:
        parse_doc_labels([*map(doc_label_data, others), doc_label_data(spec)], _Problem)
    except _Problem as exc:
        return _sentence(str(exc))
    return None
