"""brat names, attributes and relation types: what ``annotation.conf`` and ``visual.conf`` say
about them, and the ``A`` lines of a span.

Names. brat stores a type, attribute or relation name only in the form ``[a-zA-Z0-9_-]+``
(its ``normalize_to_storage_form`` rewrites anything else). Claimdesk writes a space as ``_``
(``_x0020_`` before an ``x``) and any other character outside ``[a-zA-Z0-9-]`` as
``_xHHHH_``; `label_name` reverses it, and visual.conf's ``[labels]`` shows the real name.
Attribute values are written the same way. ``[relations]`` declares ``<OVERLAP>`` for any
entities, since Claimdesk spans may overlap and nest.

Attributes (brat allows one value per attribute and span, from a list or binary):

- choice: a valued attribute, ``A1	Stance T3 negative``; annotation.conf lists the choices
  (``Stance	Arg:Claim, Value:positive|negative|neutral, <DEFAULT>:neutral``);
- bool: a binary attribute, written only when true (``A2	Check-worthy T3``); read back, a
  span whose label has the attribute in annotation.conf and no line for it holds False;
- multi: one binary attribute per choice, named ``<attribute>=<choice>``
  (``A3	Topic_x003D_Military T3``);
- number and text: valued attributes whose list in annotation.conf holds the values used in
  the export (brat shows and edits them as a list; the export's report says so).

For multi, number and text attributes annotation.conf also holds a comment brat skips,
``#claimdesk	<attribute>	multi	<choice>|<choice>`` (or ``number``, ``text``): read back, the
binary attributes of a multi are gathered into it again and numbers are numbers. A collection
without these comments reads binary attributes as yes/no and valued ones as one of a list.

Relation types: ``[relations]`` lines ``attributed_to	Arg1:Claim|Evidence, Arg2:Source``
(``<ENTITY>`` where any label may stand), undirected ones with ``<REL-TYPE>:symmetric``;
visual.conf gives their colour (``color:``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimdesk.core.records import LabelRecord
from claimdesk.core.scheme import AttributeKind, AttributeSpec, RelationSpec, Scheme

_ESCAPED = re.compile(r"_x([0-9A-F]{4,6})_")
MULTI_JOIN = "="  # a multi attribute's choice as a binary attribute: "Topic=Military"
ANY_ENTITY = "<ENTITY>"
_ANY = {"<ENTITY>", "<ANY>"}
_SPECIAL_RELATIONS = {"<OVERLAP>", "ENTITY-NESTING"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def type_name(label: str) -> str:
    """A brat name for a label, attribute, relation type or value (reversible: label_name)."""
    out = []
    for position, char in enumerate(label):
        if char == " " and label[position + 1 : position + 2] != "x":
            out.append("_")  # before an x, "_x0041_" would read back as an escape
        elif (char.isascii() and char.isalnum()) or char == "-":
            out.append(char)
        else:
            out.append(f"_x{ord(char):04X}_")
    return "".join(out)


def label_name(brat_type: str) -> str:
    decoded = []
    position = 0
    for match in _ESCAPED.finditer(brat_type):
        decoded.append(brat_type[position : match.start()].replace("_", " "))
        decoded.append(chr(int(match.group(1), 16)))
        position = match.end()
    decoded.append(brat_type[position:].replace("_", " "))
    return "".join(decoded)


def value_text(value: Any) -> str:
    """A number or text value as the brat value it is written as (before type_name)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- writing -----------------------------------------------------------------------------------


NOTE = "#claimdesk"  # a comment line of annotation.conf that brat skips


@dataclass
class _ConfAttribute:
    shown: str  # the name visual.conf shows
    labels: list[str] = field(default_factory=list)  # brat type names the attribute applies to
    values: list[str] | None = None  # brat value names; None: binary
    default: str | None = None


@dataclass
class LostCounts:
    """What the export could not write as Claimdesk holds it, counted for the report."""

    numbers: int = 0
    texts: int = 0
    relations_without_end: int = 0


class ConfWriter:
    """Collects the attributes and relation types an export writes, then writes both files.

    The codebook's definitions are declared up front; number and text attributes get the
    values used by the spans as they are written, so the files are written last.
    """

    def __init__(self, labels: list[LabelRecord], scheme: Scheme) -> None:
        self.labels = labels
        self.scheme = scheme
        self.attributes: dict[str, _ConfAttribute] = {}
        self.relations: dict[str, RelationSpec] = {r.name: r for r in scheme.relations}
        self.lost = LostCounts()
        # brat name -> kind (and the choices of a multi) for the #claimdesk notes
        self.notes: dict[str, tuple[AttributeKind, list[str]]] = {}
        self._specs: dict[tuple[str, str], AttributeSpec] = {}
        for label in labels:
            for spec in scheme.attributes_of(label.name):
                self._specs[(label.name, spec.name)] = spec
                self._declare(label.name, spec)

    def _attribute(self, name: str, shown: str, label: str) -> _ConfAttribute:
        entry = self.attributes.setdefault(name, _ConfAttribute(shown))
        if type_name(label) not in entry.labels:
            entry.labels.append(type_name(label))
        return entry

    def _valued(self, name: str, label: str, values: Iterable[str]) -> _ConfAttribute:
        entry = self._attribute(type_name(name), name, label)
        if entry.values is None:
            entry.values = []
        for value in values:
            if type_name(value) not in entry.values:
                entry.values.append(type_name(value))
        return entry

    def _note(self, name: str, kind: AttributeKind, choices: Iterable[str] = ()) -> None:
        _, known = self.notes.setdefault(type_name(name), (kind, []))
        known += [c for c in choices if c not in known]

    def _declare(self, label: str, spec: AttributeSpec) -> None:
        if spec.kind in (AttributeKind.MULTI, AttributeKind.NUMBER, AttributeKind.TEXT):
            self._note(spec.name, spec.kind, spec.choices)
        if spec.kind is AttributeKind.CHOICE:
            entry = self._valued(spec.name, label, spec.choices)
            if isinstance(spec.default, str) and entry.default is None:
                entry.default = type_name(spec.default)
        elif spec.kind is AttributeKind.MULTI:
            for choice in spec.choices:
                self._attribute(type_name(spec.name + MULTI_JOIN + choice),
                                f"{spec.name}: {choice}", label)  # fmt: skip
        elif spec.kind is AttributeKind.BOOL:
            self._attribute(type_name(spec.name), spec.name, label)
        else:  # number, text: the values come with the spans
            self._valued(spec.name, label, [])

    def span_lines(self, tid: str, label: str, values: dict[str, Any], number: int) -> list[str]:
        """The A lines of one span (numbered from ``number`` + 1)."""
        lines: list[str] = []

        def add(name: str, value: str | None = None) -> None:
            tail = "" if value is None else f" {value}"
            lines.append(f"A{number + len(lines) + 1}\t{name} {tid}{tail}")

        for name, value in values.items():
            if value is None:
                continue
            spec = self._specs.get((label, name))
            kind = spec.kind if spec is not None else _kind_of(value)
            if kind in (AttributeKind.MULTI, AttributeKind.NUMBER, AttributeKind.TEXT):
                self._note(name, kind, value if kind is AttributeKind.MULTI else ())
            if kind is AttributeKind.BOOL:
                self._attribute(type_name(name), name, label)
                if value:
                    add(type_name(name))
            elif kind is AttributeKind.MULTI:
                for choice in value:
                    brat = type_name(name + MULTI_JOIN + choice)
                    self._attribute(brat, f"{name}: {choice}", label)
                    add(brat)
            else:
                shown = value if kind is AttributeKind.CHOICE else value_text(value)
                if kind is AttributeKind.NUMBER:
                    self.lost.numbers += 1
                elif kind is AttributeKind.TEXT:
                    self.lost.texts += 1
                self._valued(name, label, [shown])
                add(type_name(name), type_name(shown))
        return lines

    def relation_used(self, name: str) -> None:
        if name not in self.relations:
            self.relations[name] = RelationSpec(name, "")

    def write(self, folder: Path) -> None:
        conf = ["[entities]", *(type_name(label.name) for label in self.labels), ""]
        # Claimdesk spans may overlap and nest in any way; brat refuses that unless told.
        conf += ["[relations]", "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"]
        for spec in self.relations.values():
            args = [
                f"Arg1:{_ends(spec.sources)}",
                f"Arg2:{_ends(spec.targets)}",
            ]
            if not spec.directed:
                args.append("<REL-TYPE>:symmetric")
            conf.append(f"{type_name(spec.name)}\t{', '.join(args)}")
        conf += ["", "[events]", "", "[attributes]"]
        for name, entry in self.attributes.items():
            args = [f"Arg:{'|'.join(entry.labels) or ANY_ENTITY}"]
            if entry.values is not None:
                if not entry.values:
                    continue  # a number or text attribute no span holds
                args.append(f"Value:{'|'.join(entry.values)}")
                if entry.default is not None and entry.default in entry.values:
                    args.append(f"<DEFAULT>:{entry.default}")
            conf.append(f"{name}\t{', '.join(args)}")
        for name, (kind, choices) in self.notes.items():
            tail = f"\t{'|'.join(map(type_name, choices))}" if kind is AttributeKind.MULTI else ""
            conf.append(f"{NOTE}\t{name}\t{kind.value}{tail}")
        (folder / "annotation.conf").write_text("\n".join(conf) + "\n", encoding="utf-8")
        visual = ["[labels]"]
        visual += [f"{type_name(label.name)} | {label.name}" for label in self.labels]
        visual += [f"{type_name(r.name)} | {r.name}" for r in self.relations.values()]
        visual += [f"{name} | {entry.shown}" for name, entry in self.attributes.items()]
        visual += ["", "[drawing]"]
        visual += [f"{type_name(label.name)}\tbgColor:{label.colour}" for label in self.labels]
        visual += [
            f"{type_name(r.name)}\tcolor:{r.colour}"
            for r in self.relations.values()
            if _COLOUR.match(r.colour)
        ]
        visual.append("ATTRIBUTE_DEFAULT\tglyph:*")
        (folder / "visual.conf").write_text("\n".join(visual) + "\n", encoding="utf-8")


def _ends(labels: tuple[str, ...]) -> str:
    return "|".join(type_name(label) for label in labels) or ANY_ENTITY


def _kind_of(value: Any) -> AttributeKind:
    if isinstance(value, bool):
        return AttributeKind.BOOL
    if isinstance(value, (int, float)):
        return AttributeKind.NUMBER
    if isinstance(value, (list, tuple)):
        return AttributeKind.MULTI
    return AttributeKind.TEXT


# -- reading -----------------------------------------------------------------------------------


@dataclass
class Conf:
    """What a collection's annotation.conf and visual.conf say, by Claimdesk names."""

    entities: list[str] = field(default_factory=list)
    scheme: Scheme | None = None
    # attributes per label: name -> "bool" or "multi", the kinds an absent A line has a value
    absent: dict[str, dict[str, AttributeKind]] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)  # label -> bgColor
    relation_colours: dict[str, str] = field(default_factory=dict)
    multi_choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # codebook order
    flags: dict[str, tuple[str, str]] = field(default_factory=dict)  # brat name -> (multi, choice)
    numbers: set[str] = field(default_factory=set)  # number attributes, by name


def _read_notes(annotation: str, conf: Conf) -> dict[str, AttributeKind]:
    """The #claimdesk notes: kinds by attribute name; the flags of multis go into conf."""
    kinds: dict[str, AttributeKind] = {}
    for line in annotation.splitlines():
        parts = line.rstrip().split("\t")
        if parts[0] != NOTE or len(parts) < 3 or parts[2] not in set(AttributeKind):
            continue
        name, kind = label_name(parts[1]), AttributeKind(parts[2])
        kinds.setdefault(name, kind)
        if kind is AttributeKind.MULTI and len(parts) > 3:
            choices = tuple(label_name(c) for c in parts[3].split("|") if c)
            conf.multi_choices[name] = choices
            for choice in choices:
                conf.flags[type_name(name + MULTI_JOIN + choice)] = (name, choice)
        elif kind is AttributeKind.NUMBER:
            conf.numbers.add(name)
    return kinds


def _sections(text: str) -> dict[str, list[str]]:
    """The lines of each [section], comments and blank lines left out, macros expanded."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    macros: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        header = re.match(r"^\[(\w+)\]\s*$", line)
        if header:
            current = sections.setdefault(header.group(1).lower(), [])
            macros = {}
            continue
        macro = re.match(r"^<([a-zA-Z_-]+)>=\s*(.*?)\s*$", line)
        if macro:
            macros[f"<{macro.group(1)}>"] = macro.group(2)
            continue
        for key, value in macros.items():
            line = line.replace(key, value)
        current.append(line)
    return sections


def _term_and_args(line: str) -> tuple[str, dict[str, str]]:
    match = re.match(r"^\s*(\S+)(?:\s+(.*))?$", line)
    if match is None:
        return "", {}
    term = match.group(1).split("|")[0].removeprefix("!")
    args: dict[str, str] = {}
    for arg in (match.group(2) or "").split(","):
        key, _, value = arg.strip().partition(":")
        if key:
            args[key] = value
    return term, args


def read_conf(annotation: str | None, visual: str | None) -> Conf:
    """The scheme an annotation.conf defines (None when it defines no relation or attribute)."""
    conf = Conf()
    if visual:
        for line in _sections(visual).get("drawing", []):
            term, args = _term_and_args(line.replace("\t", " "))
            if _COLOUR.match(args.get("bgColor", "")):
                conf.colours[label_name(term)] = args["bgColor"]
            if _COLOUR.match(args.get("color", "")):
                conf.relation_colours[label_name(term)] = args["color"]
    if not annotation:
        return conf
    sections = _sections(annotation)
    kinds = _read_notes(annotation, conf)
    conf.entities = [
        label_name(term)
        for term, _ in map(_term_and_args, sections.get("entities", []))
        if term and term != "-"
    ]
    relations = []
    for line in sections.get("relations", []):
        term, args = _term_and_args(line)
        if not term or term in _SPECIAL_RELATIONS or term.startswith("<"):
            continue
        roles = [key for key in args if not key.startswith("<")]
        ends = [_labels(args[key], conf.entities) for key in roles[:2]]
        name = label_name(term)
        relations.append(
            RelationSpec(
                name,
                conf.relation_colours.get(name, ""),
                directed="symmetric" not in args.get("<REL-TYPE>", "").split("-"),
                sources=ends[0] if ends else (),
                targets=ends[1] if len(ends) > 1 else (),
            )
        )
    # per label, attribute name -> its spec, or the choices of a several-of-a-list attribute
    found: dict[str, dict[str, AttributeSpec | list[str]]] = {}
    for line in sections.get("attributes", []):
        term, args = _term_and_args(line)
        targets = args.get("Arg", "")
        labels: list[str] = list(_labels(targets, conf.entities))
        if not labels and set(targets.split("|")) & _ANY:
            labels = conf.entities
        if not term or not labels:
            continue  # an attribute of events or relations only
        name = label_name(term)
        for label in labels:
            mine = found.setdefault(label, {})
            if term in conf.flags:
                whole, choice = conf.flags[term]
                flags = mine.setdefault(whole, [])
                if isinstance(flags, list):
                    flags.append(choice)
            elif kinds.get(name) in (AttributeKind.NUMBER, AttributeKind.TEXT):
                mine[name] = AttributeSpec(name, kinds[name])
            elif "Value" in args:
                choices = tuple(label_name(v) for v in args["Value"].split("|") if v)
                default = label_name(args["<DEFAULT>"]) if args.get("<DEFAULT>") else None
                if default not in choices:
                    default = None
                mine[name] = AttributeSpec(name, AttributeKind.CHOICE, choices, default=default)
            else:
                mine[name] = AttributeSpec(name, AttributeKind.BOOL, default=False)
    attributes: dict[str, tuple[AttributeSpec, ...]] = {}
    for label, mine in found.items():
        specs = []
        for name, item in mine.items():
            if isinstance(item, list):
                choices = conf.multi_choices.get(name, tuple(item))
                item = AttributeSpec(name, AttributeKind.MULTI, choices, default=())
            specs.append(item)
        attributes[label] = tuple(specs)
        conf.absent[label] = {
            s.name: s.kind for s in specs if s.kind in (AttributeKind.BOOL, AttributeKind.MULTI)
        }
    if relations or attributes:
        conf.scheme = Scheme(
            attributes=attributes,
            relations=tuple(relations),
        )
    return conf


def _labels(types: str, entities: list[str]) -> tuple[str, ...]:
    """The label names of an ``Arg:`` list (empty for <ENTITY> or <ANY>: any label)."""
    names = [t for t in types.split("|") if t]
    if not names or set(names) & _ANY:
        return ()
    return tuple(label_name(t) for t in names if not t.startswith("<"))


def attribute_value(conf: Conf, brat_name: str, value: str | None) -> tuple[str, Any, bool]:
    """(attribute name, value, whether it is one choice of a several-of-a-list attribute)."""
    if value is None:
        if brat_name in conf.flags:
            whole, choice = conf.flags[brat_name]
            return whole, choice, True
        return label_name(brat_name), True, False
    name, text = label_name(brat_name), label_name(value)
    if name in conf.numbers:
        return name, _number(text), False
    return name, text, False


def _number(text: str) -> Any:
    """A number written by value_text back as int or float (text that is none stays text)."""
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text
