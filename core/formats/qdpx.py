"""REFI-QDA project exchange (.qdpx): the standard QualCoder, ATLAS.ti, NVivo and MAXQDA read.

A .qdpx is a zip holding ``project.qde`` (XML in the ``urn:QDA-XML:project:1.0`` namespace,
checked here against the REFI-QDA Project.xsd of March 2019) and ``sources/<guid>.txt``, one
plain text per document. Labels become Codes (with colour and description, nested as in the
codebook), annotators become Users, and each annotation a PlainTextSelection with one Coding;
its note is the selection's Description.

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

from lxml import etree

from claimdesk.core.archives import CheckedZip
from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    DocumentIn,
    DocumentOut,
    ExportReport,
    ExportSource,
    FormatError,
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


def _codes(parent: etree._Element, labels: list[LabelRecord], report: ExportReport) -> None:
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

    for label in by_parent.get(None, []):
        add(parent, label)


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    """Write the .qdpx; sources and selections stream through a temporary file, so memory
    holds one document at a time however large the corpus."""
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    users: dict[str, str] = {}
    for name in source.annotators:
        users.setdefault(name, _guid("user", name))
    labels = list(source.labels)
    extra_codes: list[str] = []  # labels on spans but missing from the codebook listing
    known = {label.name for label in labels}
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
                text_el = _text_source(source.project_name, source_guid, doc, users, report)
                sources_part.write(etree.tostring(text_el, encoding="utf-8", pretty_print=True))
                sources_part.write(b"\n")
                written.add(
                    source_guid,
                    [(s.annotator, s.label, s.start, s.end, s.quote) for s in doc.spans],
                )
                report.wrote_document(len(doc.spans))
                report.spans += len(doc.spans)
                check_progress(progress, done, total)
            head, tail = _project_frame(source.project_name, users, labels, extra_codes, report)
            size = sources_part.tell()
            sources_part.seek(0)
            with archive.open("project.qde", "w", force_zip64=size > 1 << 30) as handle:
                handle.write(head)
                if size:
                    handle.write(b"<Sources>\n")
                    shutil.copyfileobj(sources_part, handle, 1 << 20)
                    handle.write(b"</Sources>\n")
                handle.write(tail)
        verify(report, written, _read_back(temp, out))
    if dated:
        report.lost.append(
            f"dates and metadata of {dated} document(s): a TextSource holds the title and the URL"
        )
    report.files = [out]
    return report


def _text_source(
    project: str, guid: str, doc: DocumentOut, users: dict[str, str], report: ExportReport
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
    return text_el


_MARK = "claimdesk-sources-go-here"


def _project_frame(
    project: str,
    users: dict[str, str],
    labels: list[LabelRecord],
    extra_codes: list[str],
    report: ExportReport,
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
    if labels or extra_codes:
        codes_el = etree.SubElement(etree.SubElement(root, _Q + "CodeBook"), _Q + "Codes")
        _codes(codes_el, labels, report)
        for name in extra_codes:
            etree.SubElement(
                codes_el,
                _Q + "Code",
                guid=_guid("code", name),
                name=xml_text(name),
                isCodable="true",
            )
    root.append(etree.Comment(_MARK))
    whole = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    head, tail = whole.split(f"<!--{_MARK}-->".encode())
    return head, tail


def _read_back(temp: Path, out: Path) -> SpanDigest:
    """Validate project.qde against the REFI-QDA schema while reading it back as a stream."""
    digest = SpanDigest()
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
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
        except etree.XMLSyntaxError as exc:
            raise FormatError(
                out, f"read back, not valid under the REFI-QDA schema: {exc}", "project.qde"
            ) from None
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


def read(path: Path) -> list[DocumentIn]:
    """The documents of a .qdpx with their codings as spans; the codebook rides on each one.

    A project without text sources (a codebook only) gives no documents: read_codebook() gives
    its codes, which the importer then adds as labels.
    """
    project = read_project(path)
    for doc in project.documents:  # one dict for all: the importer reads it once
        doc.labels = project.codes if not doc.labels else {**project.codes, **doc.labels}
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

    def project(self, root: etree._Element) -> QdaProject:
        result = QdaProject(
            name=root.get("name", ""),
            codes={name: colour for name, colour in self.codes.values()},
            users=list(self.users.values()),
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
        return result

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
        ref = coding.find(_Q + "CodeRef")
        target = ref.get("targetGUID", "").upper() if ref is not None else ""
        if target not in self.codes:
            raise FormatError(
                self.path, f"a Coding refers to an unknown code {shown_value(target)}", where
            )
        return self.codes[target][0]

    def document(self, source: etree._Element) -> DocumentIn:
        guid = source.get("guid", "").upper()
        where = f"source {printable(source.get('name') or guid)}"
        text = self._text_of(source, where)
        spans: list[SpanIn] = []
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
            for coding in selection.iterfind(_Q + "Coding"):
                spans.append(
                    SpanIn(
                        start,
                        end,
                        self._code(coding, sel_where),
                        annotator=self._user(coding, selection),
                        note="\n\n".join(p for p in (note, self._note(coding)) if p),
                        # QualCoder names a selection by its text: a witness, not a check
                        hint=selection.get("name") or None,
                    )
                )
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
        )
