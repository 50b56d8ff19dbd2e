"""REFI-QDA project exchange (.qdpx): the standard QualCoder, ATLAS.ti, NVivo and MAXQDA read.

A .qdpx is a zip holding ``project.qde`` (XML in the ``urn:QDA-XML:project:1.0`` namespace,
checked here against the REFI-QDA Project.xsd of March 2019) and ``sources/<guid>.txt``, one
plain text per document. Labels become Codes (with colour and description, nested as in the
codebook), annotators become Users, and each annotation a PlainTextSelection with one Coding;
its note is the selection's Description.

Attributes, relations and document labels (REFI-QDA has no span attributes; its Variables
belong to cases and sources only):

- An attribute value is a code of its own, a child of its label's code, named
  ``"<label> / <attribute>: <value>"`` (unique across the codebook, as QualCoder wants code
  names to be), and the span's selection gets one more Coding with it (a multi's one per chosen
  value; yes/no for a yes/no attribute). QualCoder and ATLAS.ti then show "Factual claim /
  Stance: negative" coded on the same text as "Factual claim", so it can be filtered and
  counted. Choices get their codes even when unused; a number or a text gets one per value
  used. Each such code's Description starts with a line
  ``Claimdesk attribute value (<kind>): <attribute>``, which is how the import knows it from an
  ordinary code (and which attribute it is, whatever its name holds).
- A document label set is a code that cannot be coded (a category), its Description starting
  ``Claimdesk document label set (single choice)`` or ``(multiple choice)``, with a codable
  child ``"<set>: <value>"`` per choice; each document label is a PlainTextSelection of the
  whole text (0 to its end) by its annotator, coded with that child.
- A relation is a ``Link`` (Project/Links) from the source span's selection to the target
  span's (``originGUID``, ``targetGUID``), named by its type, ``direction`` OneWay for a
  directed type and Associative for one that is not, with the type's colour. A Link names no
  user: the import gives the relation its spans' annotator.

The import reads all three back from such a file (and the attribute kinds, relation types and
document label sets from the codes and links).

Position unit. The standard says ``startPosition``/``endPosition`` count "characters" of the
plain text and does not say which characters. Claimdesk writes and reads Unicode code points
(Python string indices), as QualCoder, the reference open-source implementation, does. The two
ATLAS.ti exports in our reference data (``blank-atlas-project.qdpx``,
``target-atlas-project.qdpx``) hold users and codes only, no sources and no selections, so they
cannot settle which unit ATLAS.ti uses; a .NET program may well count UTF-16 code units, which
differ from code points after any character outside the BMP (emoji, rare CJK). Both agree on
every text without such characters.

The source files are written as UTF-8 without a byte-order mark, with the text exactly as
stored (a CRLF document keeps its CRLF), so a reader that decodes the bytes and counts code
points finds every span on its quote. A reader that translates line endings while reading
would shift spans after each CRLF; Claimdesk's reader keeps them.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from claimdesk.core.archives import CheckedZip
from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    DocLabelIn,
    DocumentIn,
    DocumentOut,
    ExportReport,
    ExportSource,
    FormatError,
    RelationIn,
    RelationOut,
    SpanDigest,
    SpanIn,
    atomic_output,
    utc_timestamp,
    verify,
)
from claimdesk.core.formats.safe_files import (
    MAX_DATASET_BYTES,
    open_zip,
    parse_xml,
    shown_value,
    xml_text,
)
from claimdesk.core.limits import printable
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.records import LabelRecord
from claimdesk.core.scheme import (
    AttributeKind,
    AttributeSpec,
    DocLabelSpec,
    RelationSpec,
    Scheme,
    display_value,
)

FORMAT = registry.info_of(__name__)

NS = "urn:QDA-XML:project:1.0"
XSD = Path(__file__).with_name("schemas") / "refi-qda-project-1.0.xsd"
_Q = "{" + NS + "}"
# Stable identifiers: exporting the same project twice gives the same GUIDs, so a tool that
# re-imports can recognise its sources and codes.
_GUIDS = uuid.UUID("6f1c0a52-8d51-4d0e-9a43-2c1b7e5d9f30")
_MAX_TEXT_BYTES = 256 * 1024**2
# What one project may bring, beyond the archive's own bounds: sources (of any kind), codes,
# and the text of all sources together (one entry may be named by many sources).
MAX_SOURCES = 10_000
MAX_CODES = 10_000
_POSITION = re.compile(r"[0-9]{1,15}")
ATTRIBUTE_MARK = "Claimdesk attribute value"
SET_MARK = "Claimdesk document label set"
_ATTRIBUTE_DESCRIPTION = re.compile(
    re.escape(ATTRIBUTE_MARK) + r" \((choice|multi|bool|number|text)\): (.+)"
)
_SET_DESCRIPTION = re.compile(re.escape(SET_MARK) + r" \((single|multiple) choice\)")


def _guid(kind: str, *parts: object) -> str:
    return str(uuid.uuid5(_GUIDS, "\x1f".join([kind, *map(str, parts)]))).upper()


def _colour(colour: str) -> str | None:
    value = colour.strip()
    if len(value) == 7 and value.startswith("#"):
        try:
            int(value[1:], 16)
        except ValueError:
            return None
        return value
    return None


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def validate(project_xml: bytes, path: Path | str) -> None:
    """Check project.qde against the REFI-QDA Project.xsd; FormatError lists the first faults."""
    root = parse_xml(project_xml, path, "entry project.qde")
    schema = _schema()
    if not schema.validate(root):
        faults = "; ".join(f"line {e.line}: {e.message}" for e in list(schema.error_log)[:3])
        raise FormatError(path, f"not valid under the REFI-QDA schema: {faults}", "project.qde")


# -- export ---------------------------------------------------------------------------------


def _attribute_code_name(label: str, attribute: str, value: str) -> str:
    return f"{label} / {attribute}: {value}"


def _attribute_code_guid(label: str, attribute: str, value: str) -> str:
    return _guid("attribute value", label, attribute, value)


def _value_texts(value: Any) -> list[str]:
    """An attribute value as the value parts of its codes' names (a multi's one per choice)."""
    if value is None:
        return []
    values = value if isinstance(value, (list, tuple)) else (value,)
    return [display_value(v) for v in values]


def _attribute_codes(
    into: etree._Element, label: str, scheme: Scheme, used: dict[tuple[str, str], list[str]]
) -> None:
    """The codes of ``label``'s attribute values, children of its code."""
    for spec in scheme.attributes_of(label):
        values = ["yes", "no"] if spec.kind is AttributeKind.BOOL else list(spec.choices)
        values += [v for v in used.get((label, spec.name), []) if v not in values]
        description = f"{ATTRIBUTE_MARK} ({spec.kind.value}): {spec.name}"
        if spec.description:
            description += "\n" + spec.description
        for value in values:
            code = etree.SubElement(
                into,
                _Q + "Code",
                guid=_attribute_code_guid(label, spec.name, value),
                name=xml_text(_attribute_code_name(label, spec.name, value)),
                isCodable="true",
            )
            etree.SubElement(code, _Q + "Description").text = xml_text(description)


def _doc_label_codes(into: etree._Element, scheme: Scheme, used: dict[str, list[str]]) -> None:
    for spec in scheme.doc_labels:
        kind = "multiple" if spec.multiple else "single"
        parent = etree.SubElement(
            into,
            _Q + "Code",
            guid=_guid("document label set", spec.name),
            name=xml_text(spec.name),
            isCodable="false",
        )
        description = f"{SET_MARK} ({kind} choice)"
        if spec.description:
            description += "\n" + spec.description
        etree.SubElement(parent, _Q + "Description").text = xml_text(description)
        values = list(spec.choices) + [v for v in used.get(spec.name, []) if v not in spec.choices]
        for value in values:
            etree.SubElement(
                parent,
                _Q + "Code",
                guid=_guid("document label", spec.name, value),
                name=xml_text(f"{spec.name}: {value}"),
                isCodable="true",
            )


def _codes(
    parent: etree._Element,
    labels: list[LabelRecord],
    report: ExportReport,
    scheme: Scheme | None = None,
    used: dict[tuple[str, str], list[str]] | None = None,
) -> None:
    by_parent: dict[int | None, list[LabelRecord]] = {}
    ids = {label.id for label in labels}
    for label in labels:
        key = label.parent_id if label.parent_id in ids else None
        by_parent.setdefault(key, []).append(label)

    def add(into: etree._Element, label: LabelRecord) -> None:
        code = etree.SubElement(
            into,
            _Q + "Code",
            guid=_guid("code", label.name),
            name=xml_text(label.name),
            isCodable="true",
        )
        colour = _colour(label.colour)
        if colour:
            code.set("color", colour)
        elif label.colour:
            report.lost.append(f"label {label.name!r}: colour {label.colour!r} is not #RRGGBB")
        if label.description:
            etree.SubElement(code, _Q + "Description").text = xml_text(label.description)
        for child in by_parent.get(label.id, []):
            add(code, child)
        if scheme is not None:
            _attribute_codes(code, label.name, scheme, used or {})

    for label in by_parent.get(None, []):
        add(parent, label)


@dataclass
class _Extras:
    """What an export gathers for the frame around the sources: attribute values and document
    labels not among the codebook's choices (they get codes too), and the relations' Links."""

    scheme: Scheme
    attribute_values: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    doc_label_values: dict[str, list[str]] = field(default_factory=dict)
    links: list[tuple[str, str, str, str]] = field(default_factory=list)  # guid, type, from, to
    doc_labels: int = 0
    ends: set[str] = field(default_factory=set)  # selections that links name

    def note_attributes(self, label: str, values: dict[str, Any]) -> None:
        for spec in self.scheme.attributes_of(label):
            if spec.kind in (AttributeKind.NUMBER, AttributeKind.TEXT) and spec.name in values:
                seen = self.attribute_values.setdefault((label, spec.name), [])
                for text in _value_texts(values[spec.name]):
                    if text not in seen:
                        seen.append(text)


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    """Write the .qdpx; sources and selections stream through a temporary file, so memory
    holds one document at a time however large the corpus (and the relations' Links)."""
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    users: dict[str, str] = {}
    for name in source.annotators:
        users.setdefault(name, _guid("user", name))
    labels = list(source.labels)
    extra_codes: list[str] = []  # labels on spans but missing from the codebook listing
    known = {label.name for label in labels}
    extras = _Extras(source.scheme)
    total = source.document_count
    dated = 0
    with atomic_output(out, folder=False) as temp:
        with (
            zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            tempfile.TemporaryFile() as sources_part,
        ):
            for done, doc in enumerate(source.documents(), start=1):
                dated += bool(doc.date or doc.meta)
                source_guid = _guid("document", source.project_name, doc.id)
                archive.writestr(f"sources/{source_guid}.txt", doc.text.encode("utf-8"))
                for span in doc.spans:
                    users.setdefault(span.annotator, _guid("user", span.annotator))
                    if span.label not in known:
                        known.add(span.label)
                        extra_codes.append(span.label)
                for doc_label in doc.doc_labels:
                    users.setdefault(doc_label.annotator, _guid("user", doc_label.annotator))
                text_el = _text_source(source.project_name, source_guid, doc, users, report, extras)
                sources_part.write(etree.tostring(text_el, encoding="utf-8", pretty_print=True))
                sources_part.write(b"\n")
                written.add(
                    source_guid,
                    [(s.annotator, s.label, s.start, s.end, s.quote) for s in doc.spans],
                )
                report.wrote_document(len(doc.spans))
                report.spans += len(doc.spans)
                check_progress(progress, done, total)
            head, tail = _project_frame(
                source.project_name, users, labels, extra_codes, report, extras
            )
            size = sources_part.tell()
            sources_part.seek(0)
            with archive.open("project.qde", "w", force_zip64=size > 1 << 30) as handle:
                handle.write(head)
                if size:
                    handle.write(b"<Sources>\n")
                    shutil.copyfileobj(sources_part, handle, 1 << 20)
                    handle.write(b"</Sources>\n")
                handle.write(tail)
        verify(report, written, _read_back(temp, out, extras))
    if dated:
        report.lost.append(
            f"dates and metadata of {dated} document(s): a TextSource holds the title and the URL"
        )
    report.lost.extend(_scheme_lost(extras))
    report.files = [out]
    return report


def _scheme_lost(extras: _Extras) -> list[str]:
    scheme = extras.scheme
    lost = []
    defaults = [
        f"{label} / {spec.name}"
        for label, specs in scheme.attributes.items()
        for spec in specs
        if spec.default is not None
    ]
    if defaults:
        lost.append(
            f"the defaults of {len(defaults)} attribute(s) ({', '.join(defaults[:3])}"
            f"{' …' if len(defaults) > 3 else ''}): spans carry their default values as codes"
        )
    keyed = any(
        spec.shortcut or any(spec.choice_keys) for specs in scheme.attributes.values()
        for spec in specs
    ) or any(r.shortcut for r in scheme.relations) or any(
        any(d.choice_keys) for d in scheme.doc_labels
    )  # fmt: skip
    if keyed:
        lost.append("the keys of attributes, relation types and document labels")
    if scheme.relations:
        lost.append(
            "relation types' descriptions and allowed labels, and relation types no relation"
            " uses: a Link holds its type's name, colour and direction only"
        )
    return lost


def _link_guid(project: str, relation: RelationOut) -> str:
    return _guid("relation", project, relation.id)


def _text_source(
    project: str,
    guid: str,
    doc: DocumentOut,
    users: dict[str, str],
    report: ExportReport,
    extras: _Extras | None = None,
) -> etree._Element:
    text_el = etree.Element(
        _Q + "TextSource",
        nsmap={None: NS},
        guid=guid,
        name=xml_text(doc.title) or f"Document {doc.id}",
        plainTextPath=f"internal://{guid}.txt",
    )
    if doc.source:
        etree.SubElement(text_el, _Q + "Description").text = xml_text(doc.source)
    for span in doc.spans:
        creator = users[span.annotator]
        selection = etree.SubElement(
            text_el,
            _Q + "PlainTextSelection",
            guid=_guid("selection", project, span.id),
            startPosition=str(span.start),
            endPosition=str(span.end),
            creatingUser=creator,
            creationDateTime=utc_timestamp(span.created_at),
            modifyingUser=creator,
            modifiedDateTime=utc_timestamp(span.updated_at),
        )
        if span.note:
            note = xml_text(span.note)
            if note != span.note:
                report.lost.append(
                    f"document {doc.id}, span {span.id}: characters XML cannot"
                    " hold were replaced in the note"
                )
            etree.SubElement(selection, _Q + "Description").text = note
        coding = etree.SubElement(
            selection,
            _Q + "Coding",
            guid=_guid("coding", project, span.id),
            creatingUser=creator,
            creationDateTime=utc_timestamp(span.created_at),
        )
        etree.SubElement(coding, _Q + "CodeRef", targetGUID=_guid("code", span.label))
        values = doc.attributes.get(span.id)
        if values and extras is not None:
            extras.note_attributes(span.label, values)
            for spec in extras.scheme.attributes_of(span.label):
                for text in _value_texts(values.get(spec.name)):
                    coding = etree.SubElement(
                        selection,
                        _Q + "Coding",
                        guid=_guid("attribute coding", project, span.id, spec.name, text),
                        creatingUser=creator,
                        creationDateTime=utc_timestamp(span.created_at),
                    )
                    target = _attribute_code_guid(span.label, spec.name, text)
                    etree.SubElement(coding, _Q + "CodeRef", targetGUID=target)
    if extras is not None:
        _doc_label_selections(project, text_el, doc, users, extras)
        for relation in doc.relations:
            ends = (_guid("selection", project, relation.source),
                    _guid("selection", project, relation.target))  # fmt: skip
            extras.links.append((_link_guid(project, relation), relation.type, *ends))
            extras.ends.update(ends)
    return text_el


def _doc_label_selections(
    project: str, text_el: etree._Element, doc: DocumentOut, users: dict[str, str], extras: _Extras
) -> None:
    """Each document label as a selection of the whole text coded with the label's code."""
    for label in doc.doc_labels:
        seen = extras.doc_label_values.setdefault(label.set, [])
        if label.value not in seen:
            seen.append(label.value)
        creator = users[label.annotator]
        key = (project, doc.id, label.annotator, label.set, label.value)
        selection = etree.SubElement(
            text_el,
            _Q + "PlainTextSelection",
            guid=_guid("document label selection", *key),
            name=xml_text(f"{label.set}: {label.value}"),
            startPosition="0",
            endPosition=str(len(doc.text)),
            creatingUser=creator,
        )
        coding = etree.SubElement(
            selection,
            _Q + "Coding",
            guid=_guid("document label coding", *key),
            creatingUser=creator,
        )
        etree.SubElement(
            coding, _Q + "CodeRef", targetGUID=_guid("document label", label.set, label.value)
        )
        extras.doc_labels += 1


_MARK = "claimdesk-sources-go-here"


def _project_frame(
    project: str,
    users: dict[str, str],
    labels: list[LabelRecord],
    extra_codes: list[str],
    report: ExportReport,
    extras: _Extras | None = None,
) -> tuple[bytes, bytes]:
    """The bytes of project.qde before and after its Sources element."""
    root = etree.Element(
        _Q + "Project",
        nsmap={None: NS},
        name=xml_text(project) or "Claimdesk project",
        origin="Claimdesk",
        creationDateTime=utc_timestamp(datetime.now(UTC)),
    )
    if users:
        users_el = etree.SubElement(root, _Q + "Users")
        for name, guid in users.items():
            etree.SubElement(users_el, _Q + "User", guid=guid, name=xml_text(name))
    scheme = extras.scheme if extras is not None else Scheme()
    if labels or extra_codes or scheme.doc_labels:
        codes_el = etree.SubElement(etree.SubElement(root, _Q + "CodeBook"), _Q + "Codes")
        used = extras.attribute_values if extras is not None else {}
        _codes(codes_el, labels, report, scheme, used)
        for name in extra_codes:
            etree.SubElement(
                codes_el,
                _Q + "Code",
                guid=_guid("code", name),
                name=xml_text(name),
                isCodable="true",
            )
        _doc_label_codes(codes_el, scheme, extras.doc_label_values if extras else {})
    root.append(etree.Comment(_MARK))
    if extras is not None and extras.links:
        links_el = etree.SubElement(root, _Q + "Links")
        for guid, name, origin, target in extras.links:
            spec = scheme.relation(name)
            link = etree.SubElement(
                links_el,
                _Q + "Link",
                guid=guid,
                name=xml_text(name),
                direction="OneWay" if spec is None or spec.directed else "Associative",
                originGUID=origin,
                targetGUID=target,
            )
            colour = _colour(spec.colour) if spec is not None else None
            if colour:
                link.set("color", colour)
    whole = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    head, tail = whole.split(f"<!--{_MARK}-->".encode())
    return head, tail


def _read_back(temp: Path, out: Path, extras: _Extras | None = None) -> SpanDigest:
    """Validate project.qde against the REFI-QDA schema while reading it back as a stream."""
    digest = SpanDigest()
    ends = extras.ends if extras is not None else set()
    found_ends: set[str] = set()
    doc_labels = links = 0
    with zipfile.ZipFile(temp) as plain, plain.open("project.qde") as stream:
        archive = CheckedZip.written_here(temp, plain, FormatError)
        reader = _Reader(archive, out, {}, {}, {})
        try:
            for _, element in etree.iterparse(
                stream,
                events=("end",),
                schema=_schema(),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=True,
            ):
                if element.tag == _Q + "User":
                    reader.users[element.get("guid", "").upper()] = element.get("name", "")
                elif element.tag == _Q + "Code":
                    reader.add_code(element)
                elif element.tag == _Q + "TextSource":
                    doc = reader.document(element)
                    digest.add_read(doc.file_id or "", doc)
                    doc_labels += len(doc.doc_labels)
                    found_ends.update(
                        s.ref for s in doc.spans if s.ref is not None and s.ref in ends
                    )
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
                elif element.tag == _Q + "Link":
                    links += {element.get("originGUID"), element.get("targetGUID")} <= found_ends
        except etree.XMLSyntaxError as exc:
            raise FormatError(
                out, f"read back, not valid under the REFI-QDA schema: {exc}", "project.qde"
            ) from None
    if extras is not None and (links, doc_labels) != (len(extras.links), extras.doc_labels):
        raise FormatError(
            out,
            f"read back, {links} link(s) between coded selections and {doc_labels} document"
            f" label(s), not {len(extras.links)} and {extras.doc_labels}",
            "project.qde",
        )
    return digest


# -- import ---------------------------------------------------------------------------------


@dataclass
class QdaProject:
    """What a .qdpx holds that Claimdesk can use."""

    name: str
    documents: list[DocumentIn] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # code name -> colour ("" if none)
    users: list[str] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)  # PDF, picture, audio, video sources
    # attributes, relation types and document label sets the file defines (see the module)
    scheme: Scheme | None = None


def read(path: Path) -> list[DocumentIn]:
    """The documents of a .qdpx with their codings as spans; the codebook rides on each one.

    A project without text sources (a codebook only) gives no documents: read_codebook() gives
    its codes, which the importer then adds as labels.
    """
    project = read_project(path)
    for doc in project.documents:  # one dict for all: the importer reads it once
        doc.labels = project.codes if not doc.labels else {**project.codes, **doc.labels}
        doc.scheme = project.scheme
    if project.documents:  # said once for the file, on its first document
        project.documents[0].not_imported.extend(project.not_imported)
    return project.documents


def read_codebook(path: Path) -> dict[str, str]:
    """The codes of a .qdpx (name -> colour): what a codebook-only project brings."""
    return read_project(path).codes


def read_project(path: Path, shown: Path | None = None) -> QdaProject:
    shown = shown or path
    with _open(path, shown) as archive:
        if "project.qde" not in archive:
            raise FormatError(shown, "not a REFI-QDA project: the archive has no project.qde")
        data = archive.read("project.qde", limit=MAX_DATASET_BYTES)
        root = parse_xml(data, shown, "entry project.qde")
        if root.tag != _Q + "Project":
            raise FormatError(
                shown, f"not a REFI-QDA project: the root element is {root.tag}", "project.qde"
            )
        return _Reader.from_root(archive, shown, root).project(root)


def _open(path: Path, shown: Path) -> CheckedZip:
    return open_zip(path, max_total=MAX_DATASET_BYTES, shown=shown)


def _add_value(values: dict[str, Any], attribute: str, kind: AttributeKind, text: str) -> None:
    """An attribute value read from its code's name, in the form core.scheme describes."""
    if kind is AttributeKind.MULTI:
        values.setdefault(attribute, []).append(text)
    elif kind is AttributeKind.BOOL:
        values[attribute] = {"yes": True, "no": False}.get(text, text)
    elif kind is AttributeKind.NUMBER:
        try:
            values[attribute] = int(text)
        except ValueError:
            try:
                values[attribute] = float(text)
            except ValueError:
                values[attribute] = text  # the import says why it cannot take it
    else:
        values[attribute] = text


class _Reader:
    def __init__(
        self,
        archive: CheckedZip,
        path: Path,
        users: dict[str, str],
        codes: dict[str, tuple[str, str]],
        notes: dict[str, str],
    ) -> None:
        self.archive = archive
        self.path = path
        self.users = users  # guid -> name
        self.codes = codes  # guid -> (name, colour)
        self.notes = notes  # guid -> text
        self.texts: dict[str, str] = {}  # entry -> its text, read once however often named
        # codes that stand for attribute values: guid -> (label, attribute, value text, kind)
        self.attribute_codes: dict[str, tuple[str, str, str, AttributeKind]] = {}
        # codes that stand for document labels: guid -> (set, value); sets: name -> multiple
        self.doc_label_codes: dict[str, tuple[str, str]] = {}
        self.sets: dict[str, bool] = {}
        self.set_codes: set[str] = set()
        self.text_bytes = 0  # bytes of all entries read
        self.sources = 0

    @classmethod
    def from_root(cls, archive: CheckedZip, path: Path, root: etree._Element) -> _Reader:
        reader = cls(archive, path, {}, {}, {})
        for user in root.iterfind(f"{_Q}Users/{_Q}User"):
            guid = str(user.get("guid", "")).upper()
            reader.users[guid] = user.get("name") or user.get("id") or guid
        for code in root.iterfind(f".//{_Q}CodeBook//{_Q}Code"):
            reader.add_code(code)
        for note in root.iterfind(f"{_Q}Notes/{_Q}Note"):
            guid = str(note.get("guid", "")).upper()
            reader.notes[guid] = reader._text_of(note, f"note {guid}")
        return reader

    def add_code(self, code: etree._Element) -> None:
        guid = str(code.get("guid", "")).upper()
        name = code.get("name")
        if not guid or name is None:
            raise FormatError(self.path, "a Code without guid or name", "project.qde")
        if len(self.codes) >= MAX_CODES and guid not in self.codes:
            raise FormatError(self.path, f"holds more than {MAX_CODES:,} codes", "project.qde")
        colour = str(code.get("color", ""))
        if len(colour) == 4 and colour.startswith("#"):  # the schema allows #RGB
            colour = "#" + "".join(c * 2 for c in colour[1:])
        self.codes[guid] = (name, colour)
        self._recognise(code, guid, name)

    def _recognise(self, code: etree._Element, guid: str, name: str) -> None:
        """Whether a code stands for an attribute value, a document label or a set of them
        (by the Description an export gives them, see the module)."""
        description = code.findtext(_Q + "Description") or ""
        first = description.partition("\n")[0]
        parent = code.getparent()
        parent_name = parent.get("name", "") if parent is not None else ""
        if parent is None or parent.tag != _Q + "Code":
            parent_name = None
        found = _SET_DESCRIPTION.fullmatch(first)
        if found and code.get("isCodable") == "false":
            self.sets[name] = found.group(1) == "multiple"
            self.set_codes.add(guid)
            return
        found = _ATTRIBUTE_DESCRIPTION.fullmatch(first)
        if found and parent_name is not None:
            kind, attribute = AttributeKind(found.group(1)), found.group(2)
            prefix = _attribute_code_name(parent_name, attribute, "")
            if name.startswith(prefix):  # the name says which value, the Description which
                value = name.removeprefix(prefix)  # attribute (its name may hold ": " too)
                self.attribute_codes[guid] = (parent_name, attribute, value, kind)
            return
        if parent is not None and parent_name is not None and name.startswith(parent_name + ": "):
            parent_first = (parent.findtext(_Q + "Description") or "").partition("\n")[0]
            if _SET_DESCRIPTION.fullmatch(parent_first) and parent.get("isCodable") == "false":
                self.doc_label_codes[guid] = (parent_name, name.removeprefix(parent_name + ": "))

    def label_codes(self) -> dict[str, str]:
        """Code name -> colour of the codes that are labels (not attribute values, document
        labels or their sets)."""
        other = self.attribute_codes.keys() | self.doc_label_codes.keys() | self.set_codes
        return {name: colour for guid, (name, colour) in self.codes.items() if guid not in other}

    def scheme(self, links: dict[str, tuple[str, bool]]) -> Scheme | None:
        """What the codes and links define: attributes per label (choices in codebook order),
        document label sets, relation types (name -> (colour, directed))."""
        attributes: dict[str, dict[str, tuple[AttributeKind, list[str]]]] = {}
        for label, attribute, value, kind in self.attribute_codes.values():
            _, values = attributes.setdefault(label, {}).setdefault(attribute, (kind, []))
            values.append(value)
        choices: dict[str, list[str]] = {}
        for name, value in self.doc_label_codes.values():
            choices.setdefault(name, []).append(value)
        scheme = Scheme(
            attributes={
                label: tuple(
                    AttributeSpec(
                        name,
                        kind,
                        tuple(values)
                        if kind in (AttributeKind.CHOICE, AttributeKind.MULTI)
                        else (),
                    )
                    for name, (kind, values) in specs.items()
                )
                for label, specs in attributes.items()
            },
            relations=tuple(
                RelationSpec(name, colour, directed=directed)
                for name, (colour, directed) in links.items()
            ),
            doc_labels=tuple(
                DocLabelSpec(name, multiple, tuple(choices.get(name, ())))
                for name, multiple in self.sets.items()
            ),
        )
        return None if scheme.empty else scheme

    def project(self, root: etree._Element) -> QdaProject:
        result = QdaProject(
            name=root.get("name", ""), codes=self.label_codes(), users=list(self.users.values())
        )
        others: dict[str, int] = {}
        for source in root.iterfind(f"{_Q}Sources/*"):
            self.sources += 1
            if self.sources > MAX_SOURCES:
                raise FormatError(
                    self.path, f"holds more than {MAX_SOURCES:,} sources", "project.qde"
                )
            if source.tag == _Q + "TextSource":
                result.documents.append(self.document(source))
            elif isinstance(source.tag, str):  # not a comment
                kind = etree.QName(source).localname
                others[kind] = others.get(kind, 0) + 1
        result.not_imported = [
            f"{count} {kind}(s) and their codings (Claimdesk imports text sources)"
            for kind, count in sorted(others.items())
        ]
        types = self._links(root, result)
        result.scheme = self.scheme(types)
        return result

    def _links(self, root: etree._Element, result: QdaProject) -> dict[str, tuple[str, bool]]:
        """Links between two coded selections of one text source become relations; gives the
        relation types they use (name -> (colour, directed))."""
        owners: dict[str, tuple[DocumentIn, SpanIn]] = {}
        for doc in result.documents:
            for span in doc.spans:
                if span.ref is not None:
                    owners[span.ref] = (doc, span)
        types: dict[str, tuple[str, bool]] = {}
        skipped = 0
        for link in root.iterfind(f"{_Q}Links/{_Q}Link"):
            origin = owners.get(link.get("originGUID", "").upper())
            target = owners.get(link.get("targetGUID", "").upper())
            name = link.get("name") or ""
            if origin is None or target is None or origin[0] is not target[0] or not name:
                skipped += 1
                continue
            doc, span = origin
            doc.relations.append(
                RelationIn(
                    name,
                    span.ref or "",
                    target[1].ref or "",
                    annotator=span.annotator,
                    where=f"link {printable(link.get('guid', ''))}",
                )
            )
            colour = str(link.get("color", ""))
            if len(colour) == 4 and colour.startswith("#"):
                colour = "#" + "".join(c * 2 for c in colour[1:])
            types.setdefault(name, (colour, link.get("direction") != "Associative"))
        if skipped:
            result.not_imported.append(
                f"{skipped} link(s) that do not join two coded selections of one text source"
                " (Claimdesk keeps relations between spans)"
            )
        return types

    def _text_of(self, element: etree._Element, where: str) -> str:
        content = element.find(_Q + "PlainTextContent")
        path = element.get("plainTextPath")
        if content is not None:
            return content.text or ""
        if not path:
            return ""
        if not path.startswith("internal://"):
            raise FormatError(
                self.path,
                f"its text is outside the archive ({path}); only internal:// sources can be read",
                where,
            )
        entry = "sources/" + path.removeprefix("internal://")
        if entry in self.texts:
            return self.texts[entry]
        if entry not in self.archive:
            raise FormatError(self.path, f"the archive has no entry {printable(entry)}", where)
        data = self.archive.read(entry, limit=_MAX_TEXT_BYTES)
        self.text_bytes += len(data)
        if self.text_bytes > MAX_DATASET_BYTES:
            raise FormatError(
                self.path,
                f"its sources hold more than {MAX_DATASET_BYTES:,} bytes of text",
                f"entry {printable(entry)}",
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(
                self.path, f"is not UTF-8 text (byte {exc.start})", f"entry {printable(entry)}"
            ) from None
        # A byte-order mark is not part of the text the positions count.
        self.texts[entry] = text.removeprefix("\ufeff")
        return self.texts[entry]

    def _note(self, element: etree._Element) -> str:
        parts: list[str] = []
        description = element.find(_Q + "Description")
        if description is not None and description.text:
            parts.append(description.text)
        for ref in element.iterfind(_Q + "NoteRef"):
            text = self.notes.get(ref.get("targetGUID", "").upper())
            if text:
                parts.append(text)
        return "\n\n".join(parts)

    def _user(self, *elements: etree._Element) -> str | None:
        for element in elements:
            guid = str(element.get("creatingUser") or "")
            if guid:
                return self.users.get(guid.upper(), guid)
        return None

    def _position(self, selection: etree._Element, name: str, where: str) -> int:
        value = selection.get(name, "")
        if not _POSITION.fullmatch(value.strip()):
            raise FormatError(
                self.path, f"{name} {shown_value(value)} is not a whole number", where
            )
        return int(value)

    def _code(self, coding: etree._Element, where: str) -> str:
        return self.codes[self._code_guid(coding, where)][0]

    def _code_guid(self, coding: etree._Element, where: str) -> str:
        ref = coding.find(_Q + "CodeRef")
        target = ref.get("targetGUID", "").upper() if ref is not None else ""
        if target not in self.codes:
            raise FormatError(
                self.path, f"a Coding refers to an unknown code {shown_value(target)}", where
            )
        return target

    @property
    def _attribute_names(self) -> set[tuple[str, str]]:
        return {(label, name) for label, name, _, _ in self.attribute_codes.values()}

    def document(self, source: etree._Element) -> DocumentIn:
        guid = source.get("guid", "").upper()
        where = f"source {printable(source.get('name') or guid)}"
        text = self._text_of(source, where)
        attribute_names = self._attribute_names
        spans: list[SpanIn] = []
        doc_labels: list[DocLabelIn] = []
        partial = 0  # document labels coded on part of the text
        for selection in source.iterfind(_Q + "PlainTextSelection"):
            sel_where = f"{where}, selection {printable(selection.get('guid', ''))}"
            start, end = (
                self._position(selection, "startPosition", sel_where),
                self._position(selection, "endPosition", sel_where),
            )
            if start > end:
                raise FormatError(
                    self.path, f"start ({start}) is not before end ({end})", sel_where
                )
            # Up to the text's length in UTF-16 code units (QualCoder counts those): the import
            # reads such positions back as code points, or refuses them (core/formats/importer.py).
            if not end <= len(text.encode("utf-16-le")) // 2:
                raise FormatError(
                    self.path,
                    f"positions {start}-{end} fall outside the text ({len(text)} characters)",
                    sel_where,
                )
            note = self._note(selection)
            made: list[SpanIn] = []
            values: dict[str, Any] = {}
            for coding in selection.iterfind(_Q + "Coding"):
                code = self._code_guid(coding, sel_where)
                if code in self.attribute_codes:
                    _, attribute, value, kind = self.attribute_codes[code]
                    _add_value(values, attribute, kind, value)
                elif code in self.doc_label_codes:
                    name, value = self.doc_label_codes[code]
                    user = self._user(coding, selection)
                    doc_labels.append(DocLabelIn(name, value, annotator=user))
                    if not (start == 0 and end in (len(text), len(text.encode("utf-16-le")) // 2)):
                        partial += 1
                else:
                    made.append(
                        SpanIn(
                            start,
                            end,
                            self.codes[code][0],
                            annotator=self._user(coding, selection),
                            note="\n\n".join(p for p in (note, self._note(coding)) if p),
                            # QualCoder names a selection by its text: a witness, not a check
                            hint=selection.get("name") or None,
                        )
                    )
            for span in made:
                span.attributes = {
                    name: value
                    for name, value in values.items()
                    if (span.label, name) in attribute_names
                }
            if len(made) == 1:  # a Link names the selection: one span it can stand for
                made[0].ref = selection.get("guid", "").upper() or None
            spans.extend(made)
        # A code applied to the source as a whole covers all of its text.
        for coding in source.iterfind(_Q + "Coding"):
            spans.append(
                SpanIn(0, len(text), self._code(coding, where), annotator=self._user(coding))
            )
        description = source.find(_Q + "Description")
        return DocumentIn(
            text=text,
            spans=spans,
            title=source.get("name") or None,
            source=description.text if description is not None and description.text else None,
            where=where,
            file_id=guid,
            doc_labels=doc_labels,
            not_imported=[
                f"{where}: {partial} document label code(s) on part of the text, read as labels"
                " of the whole document"
            ]
            if partial
            else [],
        )
