"""The richer parts of a codebook, by name: attributes of a label's spans, relation types
between spans, and document-level label sets.

These plain, immutable values travel between the codebook file, the project (which stores them
with ids, see ``core.records``), the dataset formats and the classroom's frozen codebooks. This
module imports nothing heavy.

Attribute values, everywhere in Claimdesk:

- ``choice``: one of ``choices`` (a str);
- ``multi``: several of ``choices`` (a tuple of str, in the order of ``choices``);
- ``bool``: True or False;
- ``number``: an int or a float (never a bool);
- ``text``: a str.

``None`` means "not set": the attribute's ``default`` then applies (which may itself be None).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any


class AttributeKind(enum.StrEnum):
    CHOICE = "choice"
    MULTI = "multi"
    BOOL = "bool"
    NUMBER = "number"
    TEXT = "text"

    @property
    def display_name(self) -> str:
        return {
            "choice": "One of a list",
            "multi": "Several of a list",
            "bool": "Yes / no",
            "number": "Number",
            "text": "Free text",
        }[self.value]


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute of a label's spans (stance, certainty, check-worthy, …)."""

    name: str
    kind: AttributeKind
    choices: tuple[str, ...] = ()  # choice and multi only
    choice_keys: tuple[str | None, ...] = ()  # one key (or None) per choice
    default: Any = None
    description: str = ""
    shortcut: str | None = None  # the key that picks this attribute in the quick-set bar


@dataclass(frozen=True)
class RelationSpec:
    """A relation type: which spans may be linked, and how it reads."""

    name: str
    colour: str
    description: str = ""
    directed: bool = True
    sources: tuple[str, ...] = ()  # label names allowed at the start (empty: any label)
    targets: tuple[str, ...] = ()  # label names allowed at the end (empty: any label)
    shortcut: str | None = None


@dataclass(frozen=True)
class DocLabelSpec:
    """A set of labels for a whole document (topic, genre, overall stance)."""

    name: str
    multiple: bool = False
    choices: tuple[str, ...] = ()
    choice_keys: tuple[str | None, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Scheme:
    """Attributes by label name, relation types and document label sets."""

    attributes: dict[str, tuple[AttributeSpec, ...]] = field(default_factory=dict)
    relations: tuple[RelationSpec, ...] = ()
    doc_labels: tuple[DocLabelSpec, ...] = ()

    @property
    def empty(self) -> bool:
        return not (any(self.attributes.values()) or self.relations or self.doc_labels)

    def attributes_of(self, label: str) -> tuple[AttributeSpec, ...]:
        return self.attributes.get(label, ())

    def relation(self, name: str) -> RelationSpec | None:
        return next((r for r in self.relations if r.name == name), None)


def allowed(names: tuple[str, ...], label: str) -> bool:
    """Whether a relation end that allows ``names`` (empty: any) takes a span of ``label``."""
    return not names or label in names


def value_problem(kind: AttributeKind, choices: tuple[str, ...], value: Any) -> str | None:
    """Why ``value`` cannot be stored for an attribute of this kind (None: it can; None is
    always allowed and means "not set")."""
    if value is None:
        return None
    if kind is AttributeKind.CHOICE:
        if not isinstance(value, str) or value not in choices:
            return f"{value!r} is not one of {', '.join(choices) or 'its choices'}"
    elif kind is AttributeKind.MULTI:
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            return f"{value!r} is not a list of choices"
        wrong = [v for v in value if v not in choices]
        if wrong:
            return f"{wrong[0]!r} is not one of {', '.join(choices) or 'its choices'}"
    elif kind is AttributeKind.BOOL:
        if not isinstance(value, bool):
            return f"{value!r} is not yes or no"
    elif kind is AttributeKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{value!r} is not a number"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{value!r} is not a finite number"
    elif not isinstance(value, str):
        return f"{value!r} is not text"
    return None


def normal_value(kind: AttributeKind, choices: tuple[str, ...], value: Any) -> Any:
    """A valid value in its one stored form: a multi's choices as a tuple in codebook order."""
    if value is None:
        return None
    if kind is AttributeKind.MULTI:
        chosen = set(value)
        return tuple(c for c in choices if c in chosen)
    return value


def display_value(value: Any) -> str:
    """A value as the window and the text formats show it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
