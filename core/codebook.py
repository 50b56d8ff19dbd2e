"""Codebook files: the labels of a project with colours, keys and definitions, as JSON.

Format (``"format": "claimdesk-codebook"``, version 1)::

    {"format": "claimdesk-codebook", "version": 1, "name": "...", "guidelines": "...",
     "labels": [{"name": "Military", "colour": "#4363d8"},
                {"name": "Arms embargo / sanctions", "colour": "#e6194b", "shortcut": "1",
                 "parent": "Military", "description": "..."}]}

``parent`` names another label of the file (for grouping) that comes earlier in the list.

Version 2 adds, optionally, ``attributes`` to each label, and top-level ``relations`` and
``document_labels`` (see ``core.codebook_scheme``). A codebook without them is written as
version 1, so that an older Claimdesk still reads it.

A label may carry ``"suggest": {"phrases": [...], "patterns": [...], "case": false}``: what
suggests spans for it (``core.text.suggest_rules``; an older Claimdesk ignores the key).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimdesk.core.codebook_scheme import (
    attribute_data,
    check_totals,
    doc_label_data,
    parse_attributes,
    parse_doc_labels,
    parse_relations,
    relation_data,
)
from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.limits import (
    DESCRIPTION_MAX,
    LABEL_NAME_MAX,
    name_problem,
    printable_path,
    text_problem,
)
from claimdesk.core.scheme import AttributeSpec, Scheme
from claimdesk.core.text.regular_files import FileTooLarge, NotRegularFile, read_bounded
from claimdesk.core.text.suggest_rules import RuleError, SuggestRules, parse_rules

FORMAT = "claimdesk-codebook"
VERSION = 2  # the newest this version reads and writes
PLAIN_VERSION = 1  # what a codebook without attributes, relations or document labels is
MAX_BYTES = 5 * 1024 * 1024
MAX_LABELS = 1000
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class CodebookError(ClaimdeskError):
    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{printable_path(path.name)}: {reason}")


@dataclass(frozen=True)
class CodebookLabel:
    name: str
    colour: str
    description: str = ""
    shortcut: str | None = None
    parent: str | None = None
    # phrases and patterns that suggest spans for this label (core/suggest)
    suggest: SuggestRules | None = None


@dataclass(frozen=True)
class Codebook:
    name: str
    labels: tuple[CodebookLabel, ...]
    guidelines: str = ""
    # attributes by label name, relation types, document label sets (all empty in version 1)
    scheme: Scheme = field(default_factory=Scheme)


def load_codebook(path: Path) -> Codebook:
    path = Path(path)
    try:
        # Only a regular file: a pipe or a device could block or never end.
        data = read_bounded(path, MAX_BYTES)
        parsed = json.loads(data.decode("utf-8-sig"))
    except NotRegularFile as exc:
        kind = "a folder" if exc.kind == "a folder" else "a pipe, socket or device"
        raise CodebookError(path, f"is {kind}, not a codebook file") from None
    except FileTooLarge:
        raise CodebookError(path, "is too large for a codebook (over 5 MB)") from None
    except FileNotFoundError:
        raise CodebookError(path, "does not exist") from None
    except UnicodeDecodeError:
        raise CodebookError(path, "is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise CodebookError(path, f"is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except ValueError:
        # Python refuses integers of more than 4,300 digits rather than parse them slowly.
        raise CodebookError(
            path, "is not a codebook (it holds a number too long to read)"
        ) from None
    except RecursionError:
        # A small file of nested brackets exhausts the decoder's recursion limit.
        raise CodebookError(path, "is not a codebook (its JSON is nested too deeply)") from None
    except OSError as exc:
        raise CodebookError(path, f"cannot be read ({exc.strerror})") from None
    return parse_codebook(parsed, path)


def parse_codebook(data: Any, path: Path) -> Codebook:
    def fail(reason: str) -> CodebookError:
        return CodebookError(path, reason)

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise fail(f'is not a Claimdesk codebook (expected "format": "{FORMAT}")')
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail(f'has "version": {version!r}; a codebook version is a whole number from 1')
    if version > VERSION:
        raise fail(
            f"was made by a newer version of Claimdesk (codebook version {version}; this "
            f"version reads up to {VERSION}). Update Claimdesk to use it."
        )
    raw_labels = data.get("labels")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise fail('needs a non-empty "labels" list')
    if len(raw_labels) > MAX_LABELS:
        raise fail(f"has {len(raw_labels)} labels; at most {MAX_LABELS} are allowed")
    labels: list[CodebookLabel] = []
    names: set[str] = set()
    keys: set[str] = set()
    attributes: dict[str, tuple[AttributeSpec, ...]] = {}
    for number, raw in enumerate(raw_labels, start=1):
        where = f"label {number}"
        if not isinstance(raw, dict):
            raise fail(f"{where} is not an object")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(f"{where} has no name")
        name = " ".join(name.split())
        problem = name_problem(name, "label name", LABEL_NAME_MAX)
        if problem is not None:
            raise fail(f"{where}: {problem}")
        where = f"label {name!r}"
        if name.casefold() in names:
            raise fail(f"{where} appears twice")
        colour = raw.get("colour", raw.get("color"))
        if not isinstance(colour, str) or not _COLOUR.match(colour):
            raise fail(f"{where} needs a colour like #1f77b4, not {colour!r}")
        shortcut = raw.get("shortcut")
        if shortcut is not None:
            if not isinstance(shortcut, str) or len(shortcut) != 1 or not shortcut.isprintable():
                raise fail(f"{where} has shortcut {shortcut!r}; use a single key such as 1 or q")
            shortcut = shortcut.lower()
            if shortcut.isspace() or shortcut in keys:
                raise fail(f"{where} reuses the shortcut {shortcut!r}")
            keys.add(shortcut)
        parent = raw.get("parent")
        if parent is not None and (not isinstance(parent, str) or parent.casefold() not in names):
            raise fail(f"{where} names a parent {parent!r} that does not come before it")
        description = raw.get("description", "")
        if not isinstance(description, str):
            raise fail(f"{where} has a description that is not text")
        problem = text_problem(description.strip(), "description", DESCRIPTION_MAX)
        if problem is not None:
            raise fail(f"{where}: {problem}")
        suggest = None
        if raw.get("suggest") is not None:
            try:
                suggest = parse_rules(raw["suggest"])
            except RuleError as exc:
                raise fail(f"{where}: {exc}") from None
        names.add(name.casefold())
        labels.append(
            CodebookLabel(name, colour.lower(), description.strip(), shortcut, parent, suggest)
        )
        specs = parse_attributes(raw.get("attributes"), name, fail)
        if specs:
            attributes[name] = specs
    scheme = Scheme(
        attributes,
        parse_relations(data.get("relations"), [label.name for label in labels], fail),
        parse_doc_labels(data.get("document_labels"), fail),
    )
    check_totals(scheme, fail)
    name = data.get("name")
    guidelines = data.get("guidelines", "")
    # The file's size bounds the guidelines; what cannot be stored as UTF-8 is refused here.
    for value, what in ((name, "codebook name"), (guidelines, "guidelines text")):
        problem = text_problem(value, what, MAX_BYTES) if isinstance(value, str) else None
        if problem is not None:
            raise fail(problem)
    return Codebook(
        name if isinstance(name, str) else path.stem,
        tuple(labels),
        guidelines if isinstance(guidelines, str) else "",
        scheme,
    )


def codebook_data(codebook: Codebook, *, guidelines: bool = True) -> dict[str, Any]:
    """A codebook in the file format: version 1 when it has no attributes, relation types or
    document label sets (older versions of Claimdesk read it), else version 2."""
    scheme = codebook.scheme
    labels: list[dict[str, Any]] = []
    for label in codebook.labels:
        entry: dict[str, Any] = {
            "name": label.name,
            "colour": label.colour,
            "description": label.description,
        }
        if label.shortcut:
            entry["shortcut"] = label.shortcut
        if label.parent:
            entry["parent"] = label.parent
        if scheme.attributes_of(label.name):
            entry["attributes"] = [attribute_data(a) for a in scheme.attributes_of(label.name)]
        if label.suggest is not None and not label.suggest.empty:
            entry["suggest"] = label.suggest.as_data()
        labels.append(entry)
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": PLAIN_VERSION if scheme.empty else VERSION,
        "name": codebook.name,
    }
    if guidelines and codebook.guidelines:
        data["guidelines"] = codebook.guidelines
    data["labels"] = labels
    if scheme.relations:
        data["relations"] = [relation_data(r) for r in scheme.relations]
    if scheme.doc_labels:
        data["document_labels"] = [doc_label_data(d) for d in scheme.doc_labels]
    return data


def write_codebook(codebook: Codebook, path: Path) -> None:
    """Write a codebook file (UTF-8 JSON), replacing ``path`` only once it is complete."""
    path = Path(path)
    text = json.dumps(codebook_data(codebook), ensure_ascii=False, indent=2) + "\n"
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CodebookError(path, f"cannot be written ({exc.strerror or exc})") from None
