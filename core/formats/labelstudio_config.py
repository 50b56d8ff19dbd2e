"""Label Studio's labeling config for a Claimdesk export, and what a config says when read back.

The config is a ``<View>`` with one ``<Labels name="label">`` for the codebook's labels, the
``<Text name="text">``, and for the richer codebook:

- ``<Relations>`` with one ``<Relation value=…>`` per relation type (Label Studio draws them as
  arrows between regions and stores ``relation`` results);
- one control per span attribute, shown while a region is selected (``perRegion="true"``,
  ``visibleWhen="region-selected"``, ``whenLabelValue`` = the labels that have it): ``<Choices>``
  for one or several of a list and for yes/no (choices "yes" and "no"), ``<Number>`` for
  numbers, ``<TextArea>`` for free text. Their results carry the region's id;
- one ``<Choices>`` per document label set (``choice="single"`` or ``"multiple"``), whose
  results have no region.

Label Studio keeps attributes it does not know on a tag, so each control also says what it is
to Claimdesk (``claimdesk-attribute``, ``claimdesk-kind``, ``claimdesk-labels``,
``claimdesk-set``, ``claimdesk-directed`` …): reading the config back gives the same scheme.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from claimdesk.core.formats.base import ExportSource, scheme_of
from claimdesk.core.formats.safe_files import parse_xml, read_regular
from claimdesk.core.scheme import (
    AttributeKind,
    AttributeSpec,
    DocLabelSpec,
    RelationSpec,
    Scheme,
    normal_value,
    value_problem,
)

LABELS = "label"  # the <Labels> control's name
TEXT = "text"  # the <Text> object's name
MAX_CONFIG_BYTES = 4 * 1024 * 1024
BOOL_CHOICES = ("yes", "no")
_TAG = {
    AttributeKind.CHOICE: "Choices",
    AttributeKind.MULTI: "Choices",
    AttributeKind.BOOL: "Choices",
    AttributeKind.NUMBER: "Number",
    AttributeKind.TEXT: "TextArea",
}


def config_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.labeling-config.xml")


@dataclass(frozen=True)
class AttributeControl:
    """One per-region control: the attribute it holds for the spans of ``labels``."""

    name: str  # the control's name (a result's from_name)
    spec: AttributeSpec
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Controls:
    """The controls of a config by name: what a result's from_name stands for."""

    attributes: dict[str, AttributeControl]
    doc_labels: dict[str, DocLabelSpec]  # control name -> set

    def attribute_control(self, label: str, attribute: str) -> str:
        """The control that holds ``attribute`` for spans of ``label``."""
        return next(
            name
            for name, control in self.attributes.items()
            if control.spec.name == attribute and label in control.labels
        )


def controls_of(scheme: Scheme) -> Controls:
    """Name every control once: an attribute shared by several labels (same name, kind and
    choices) is one control; names clash with nothing else in the config."""
    taken = {LABELS, TEXT}

    def unique(name: str, context: str) -> str:
        candidate = name if name.strip() else context
        if candidate in taken:
            candidate = f"{name} ({context})"
        number = 2
        while candidate in taken:
            candidate = f"{name} ({context} {number})"
            number += 1
        taken.add(candidate)
        return candidate

    grouped: dict[tuple[str, AttributeKind, tuple[str, ...]], list[tuple[str, AttributeSpec]]] = {}
    for label, specs in scheme.attributes.items():
        for spec in specs:
            grouped.setdefault((spec.name, spec.kind, spec.choices), []).append((label, spec))
    attributes: dict[str, AttributeControl] = {}
    for (name, _kind, _choices), users in grouped.items():
        labels = tuple(label for label, _ in users)
        control = unique(name, labels[0] if len(labels) == 1 else "span attribute")
        attributes[control] = AttributeControl(control, users[0][1], labels)
    doc_labels = {unique(spec.name, "document"): spec for spec in scheme.doc_labels}
    return Controls(attributes, doc_labels)


def labeling_config(source: ExportSource) -> str:
    lines = ["<View>", f'  <Labels name="{LABELS}" toName="{TEXT}">']
    lines += [
        f"    <Label value={quoteattr(label.name)} background={quoteattr(label.colour)}/>"
        for label in source.labels
    ]
    lines += ["  </Labels>", f'  <Text name="{TEXT}" value="$text"/>']
    scheme = scheme_of(source)
    if scheme.relations:
        lines.append("  <Relations>")
        lines += [f"    {_relation_tag(spec)}" for spec in scheme.relations]
        lines.append("  </Relations>")
    controls = controls_of(scheme)
    for control in controls.attributes.values():
        lines += _attribute_tags(control)
    for name, spec in controls.doc_labels.items():
        lines.append(f"  <Header value={quoteattr(spec.name)}/>")
        choice = "multiple" if spec.multiple else "single"
        lines.append(
            f"  <Choices name={quoteattr(name)} toName={quoteattr(TEXT)} choice={quoteattr(choice)}"
            f' showInline="true" claimdesk-set={quoteattr(spec.name)}'
            f"{_extra(description=spec.description)}>"
        )
        lines += _choice_tags(spec.choices, spec.choice_keys)
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def _relation_tag(spec: RelationSpec) -> str:
    extra = f" claimdesk-directed={quoteattr('true' if spec.directed else 'false')}"
    if spec.sources:
        extra += f" claimdesk-sources={quoteattr(_joined(spec.sources))}"
    if spec.targets:
        extra += f" claimdesk-targets={quoteattr(_joined(spec.targets))}"
    extra += _extra(description=spec.description, shortcut=spec.shortcut)
    return f"<Relation value={quoteattr(spec.name)} background={quoteattr(spec.colour)}{extra}/>"


def _extra(**values: str | None) -> str:
    """Claimdesk's own XML attributes (``claimdesk-<name>``) for the values that are set."""
    return "".join(
        f" claimdesk-{name}={quoteattr(value)}" for name, value in values.items() if value
    )


def _choice_tags(choices: tuple[str, ...], keys: tuple[str | None, ...]) -> list[str]:
    padded = keys + (None,) * (len(choices) - len(keys))
    return [
        f"    <Choice value={quoteattr(value)}{_extra(key=key)}/>"
        for value, key in zip(choices, padded, strict=False)
    ]


def _joined(names: tuple[str, ...]) -> str:
    """Label names for a config attribute: comma-separated, as ``whenLabelValue`` takes them."""
    return ",".join(names)


def _attribute_tags(control: AttributeControl) -> list[str]:
    spec = control.spec
    tag = _TAG[spec.kind]
    visible = ['visibleWhen="region-selected"']
    if not any("," in label for label in control.labels):  # whenLabelValue splits on commas
        visible.append(f"whenLabelValue={quoteattr(_joined(control.labels))}")
    attrs = [
        f"name={quoteattr(control.name)}",
        f"toName={quoteattr(TEXT)}",
        'perRegion="true"',
        *visible,
    ]
    if spec.kind in (AttributeKind.CHOICE, AttributeKind.BOOL):
        attrs.append('choice="single"')
    elif spec.kind is AttributeKind.MULTI:
        attrs.append('choice="multiple"')
    elif spec.kind is AttributeKind.TEXT:
        attrs += ['editable="true"', 'maxSubmissions="1"']
    attrs += [
        f"claimdesk-attribute={quoteattr(spec.name)}",
        f"claimdesk-kind={quoteattr(spec.kind.value)}",
        f"claimdesk-labels={quoteattr(_joined(control.labels))}",
    ]
    default = None if spec.default is None else json.dumps(spec.default, ensure_ascii=False)
    extra = _extra(default=default, description=spec.description, shortcut=spec.shortcut)
    if extra:
        attrs.append(extra.strip())
    # The header and the control show while a region of one of those labels is selected.
    opened = [f"  <View {' '.join(visible)}>", f"    <Header value={quoteattr(spec.name)}/>"]
    if tag != "Choices":
        return [*opened, f"    <{tag} {' '.join(attrs)}/>", "  </View>"]
    if spec.kind is AttributeKind.BOOL:
        choices = _choice_tags(BOOL_CHOICES, ())
    else:
        choices = _choice_tags(spec.choices, spec.choice_keys)
    choices = [f"  {line}" for line in choices]
    return [*opened, f"    <{tag} {' '.join(attrs)}>", *choices, f"    </{tag}>", "  </View>"]


# -- reading a config back ------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigRead:
    scheme: Scheme
    controls: Controls


def read_config(path: Path) -> ConfigRead:
    """The scheme and controls a labeling config defines (Claimdesk's or a hand-made one)."""
    root = parse_xml(read_regular(path, MAX_CONFIG_BYTES), path)
    labels = [
        str(tag.get("value"))
        for tag in root.iter("Label")
        if tag.get("value") is not None and _parent_tag(tag) == "Labels"
    ]
    relations = tuple(
        RelationSpec(
            name=str(tag.get("value")),
            colour=tag.get("background") or "#7f7f7f",
            directed=tag.get("claimdesk-directed", "true") != "false",
            sources=_split(tag.get("claimdesk-sources")),
            targets=_split(tag.get("claimdesk-targets")),
            description=tag.get("claimdesk-description") or "",
            shortcut=tag.get("claimdesk-shortcut") or None,
        )
        for tag in root.iter("Relation")
        if tag.get("value")
    )
    attributes: dict[str, AttributeControl] = {}
    doc_labels: dict[str, DocLabelSpec] = {}
    for tag in root.iter("Choices", "Number", "TextArea"):
        name = tag.get("name")
        if not name:
            continue
        options = [c for c in tag.iter("Choice") if c.get("value")]
        choices = tuple(str(c.get("value")) for c in options)
        keys = tuple(c.get("claimdesk-key") or None for c in options)
        keys = keys if any(keys) else ()
        multiple = tag.get("choice") == "multiple"
        description = tag.get("claimdesk-description") or ""
        if tag.get("perRegion", "").lower() != "true":
            if tag.tag == "Choices":
                set_name = tag.get("claimdesk-set") or name
                doc_labels[name] = DocLabelSpec(set_name, multiple, choices, keys, description)
            continue
        kind = _kind(tag.tag, tag.get("claimdesk-kind"), multiple)
        spec = AttributeSpec(
            name=tag.get("claimdesk-attribute") or name,
            kind=kind,
            choices=() if kind is AttributeKind.BOOL else choices,
            choice_keys=() if kind is AttributeKind.BOOL else keys,
            default=_default(tag.get("claimdesk-default"), kind, choices),
            description=description,
            shortcut=tag.get("claimdesk-shortcut") or None,
        )
        owners = _split(tag.get("claimdesk-labels") or tag.get("whenLabelValue")) or tuple(labels)
        attributes[name] = AttributeControl(name, spec, owners)
    by_label: dict[str, list[AttributeSpec]] = {}
    for control in attributes.values():
        for label in control.labels:
            by_label.setdefault(label, []).append(control.spec)
    scheme = Scheme(
        {label: tuple(specs) for label, specs in by_label.items()},
        relations,
        tuple(doc_labels.values()),
    )
    return ConfigRead(scheme, Controls(attributes, doc_labels))


def _parent_tag(tag: object) -> str | None:
    parent = tag.getparent()  # type: ignore[attr-defined]
    return None if parent is None else str(parent.tag)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part for part in (value or "").split(",") if part)


def _kind(tag: str, stated: str | None, multiple: bool) -> AttributeKind:
    if stated in {kind.value for kind in AttributeKind}:
        return AttributeKind(stated)
    if tag == "Number":
        return AttributeKind.NUMBER
    if tag == "TextArea":
        return AttributeKind.TEXT
    return AttributeKind.MULTI if multiple else AttributeKind.CHOICE


def _default(stated: str | None, kind: AttributeKind, choices: tuple[str, ...]) -> Any:
    """A default the config states (JSON), when it is a valid value of the attribute."""
    if not stated:
        return None
    try:
        value = json.loads(stated)
    except ValueError:
        return None
    if value_problem(kind, choices, value) is not None:
        return None
    return normal_value(kind, choices, value)
