"""UIMA CAS XMI with its TypeSystem.xml, as INCEpTION and WebAnno read and write it.

Layout of an export (a folder): ``TypeSystem.xml`` plus one ``<id>-<title>.xmi`` per document.
Each CAS holds the text as its sofa, a DKPro ``DocumentMetaData`` (title, id, source URL) so
INCEpTION shows the document's name, and one ``webanno.custom.Claim`` annotation per span: a
custom span layer (supertype ``uima.tcas.Annotation``) with string features ``label``, ``note``
and ``annotator``, the shape INCEpTION gives a custom span layer named "Claim". Attributes are
features of that layer, relations a ``webanno.custom.ClaimRelation`` relation layer
(Governor/Dependent) and document labels ``webanno.custom.DocumentLabel`` structures: see
`uima_links`.

One CAS per document with every selected annotator's spans in it, the annotator kept in a
feature: INCEpTION's document import makes one document per XMI file, so a file per
(document, annotator) would turn each annotator into a separate document there. Export one
annotator (``--annotator NAME``) to give INCEpTION one person's annotations.

Offsets in XMI are UTF-16 code units (Java strings); Claimdesk counts code points. dkpro-cassis
converts both ways when a CAS is written and read (its API takes and gives code points), so
this module never converts by hand; the tests check the raw ``begin``/``end`` attributes.

The reader takes such a folder or a zip of it (INCEpTION's "UIMA CAS XMI" export) and reads
``webanno.custom.Claim`` spans with their attributes and DKPro ``NamedEntity`` spans (label
from its ``value``), the layer INCEpTION annotates by default; relations of any relation layer
(a type with ``Governor`` and ``Dependent`` features) between those spans; document labels.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from cassis import Cas, TypeSystem, load_cas_from_xmi, load_typesystem

from claimdesk.core.formats import registry, uima_links
from claimdesk.core.formats.base import (
    DocumentIn,
    DocumentOut,
    ExportReport,
    ExportSource,
    FormatError,
    SpanDigest,
    SpanIn,
    atomic_output,
    verify,
)
from claimdesk.core.formats.safe_files import (
    MAX_DATASET_BYTES,
    MAX_ENTRY_BYTES,
    check_xml_prolog,
    open_zip,
    read_regular,
    walk_folder,
    xml_text,
)
from claimdesk.core.limits import printable
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.scheme import Scheme

FORMAT = registry.info_of(__name__)

CLAIM = uima_links.CLAIM
NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
TYPESYSTEM = "TypeSystem.xml"
_STRING = "uima.cas.String"
_MAX_FILES = 10_000


def typesystem(features: uima_links.Features | None = None) -> TypeSystem:
    """The type system of an export: the Claim layer with a feature per attribute, its
    relation layer, document labels and DKPro's DocumentMetaData."""
    ts = TypeSystem()
    claim = ts.create_type(CLAIM, supertypeName="uima.tcas.Annotation")
    for feature in ("label", "note", "annotator"):
        ts.create_feature(claim, feature, _STRING)
    meta = ts.create_type(METADATA, supertypeName="uima.tcas.DocumentAnnotation")
    # DKPro Core's full feature list, so that merging with INCEpTION's own copy never conflicts.
    for feature in (
        "documentTitle",
        "documentId",
        "documentUri",
        "collectionId",
        "documentBaseUri",
    ):
        ts.create_feature(meta, feature, _STRING)
    ts.create_feature(meta, "isLastSegment", "uima.cas.Boolean")
    uima_links.add_types(ts, features or uima_links.Features())
    return ts


def _file_name(doc_id: int, title: str) -> str:
    slug = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-_")[:40].strip("-_")
    return f"{doc_id}-{slug}.xmi" if slug else f"{doc_id}.xmi"


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    written_links = SpanDigest()  # attribute values, relations and document labels
    scheme = source.scheme
    features = uima_links.Features.of(scheme)
    losses = uima_links.Losses()
    undirected = {r.name for r in scheme.relations if not r.directed}
    ts = typesystem(features)
    claim_type = ts.get_type(CLAIM)
    meta_type = ts.get_type(METADATA)
    total = source.document_count
    dated = 0
    with atomic_output(out, folder=True) as temp:
        (temp / TYPESYSTEM).write_text(ts.to_xml(), encoding="utf-8")
        for done, doc in enumerate(source.documents(), start=1):
            dated += bool(doc.date or doc.meta)
            text = xml_text(doc.text)
            if text != doc.text:
                report.lost.append(
                    f"document {doc.id}: characters XML cannot hold (control characters) were"
                    " replaced by U+FFFD; offsets are unchanged"
                )
            cas = Cas(typesystem=ts)
            cas.sofa_string = text
            cas.add(
                meta_type(
                    begin=0,
                    end=len(text),
                    documentTitle=xml_text(doc.title),
                    documentId=str(doc.id),
                    documentUri=xml_text(doc.source) or None,
                    collectionId=xml_text(source.project_name),
                    isLastSegment=False,
                )
            )
            structures: dict[int, Any] = {}
            values: dict[int, dict[str, Any]] = {}
            for span in doc.spans:
                note = xml_text(span.note)
                if note != span.note:
                    report.lost.append(
                        f"document {doc.id}, span {span.id}: characters XML cannot hold were"
                        " replaced in the note"
                    )
                values[span.id] = uima_links.feature_values(
                    ts, doc.attributes.get(span.id, {}), features, losses, xml_text
                )
                structures[span.id] = claim_type(
                    begin=span.start,
                    end=span.end,
                    label=xml_text(span.label),
                    note=note or None,
                    annotator=xml_text(span.annotator),
                    **values[span.id],
                )
                cas.add(structures[span.id])
            _add_links(cas, ts, doc, structures)
            losses.undirected += sum(r.type in undirected for r in doc.relations)
            written_links.add(str(doc.id), uima_links.written_links(doc, values, xml_text))
            cas.to_xmi(temp / _file_name(doc.id, doc.title), pretty_print=True)
            written.add(
                str(doc.id),
                [
                    (xml_text(s.annotator), xml_text(s.label), s.start, s.end, xml_text(s.quote))
                    for s in doc.spans
                ],
            )
            report.wrote_document(len(doc.spans))
            report.spans += len(doc.spans)
            check_progress(progress, done, total)
        # Read back with dkpro-cassis: the type system as written, then every CAS.
        read_back = SpanDigest()
        read_links = SpanDigest()
        for doc_in in _read_files(_folder_files(temp), out):
            read_back.add_read(doc_in.file_id or "", doc_in)
            read_links.add(
                doc_in.file_id or "",
                uima_links.read_back_links(doc_in.spans, doc_in.relations, doc_in.doc_labels),
            )
        verify(report, written, read_back)
        wrong = written_links.differences(read_links)
        if wrong:
            raise FormatError(
                out,
                f"read back, the attributes, relations or document labels of document(s)"
                f" {', '.join(wrong[:5])} differ",
            )
    if source.labels:
        report.lost.append(
            "label colours, descriptions and the codebook hierarchy:"
            " the Claim layer holds the label name only"
        )
    if dated:
        report.lost.append(
            f"dates and metadata of {dated} document(s):"
            " DocumentMetaData holds the title, id and URL"
        )
    _report_losses(report, scheme, features, losses)
    report.files = [out]
    return report


def _add_links(cas: Cas, ts: TypeSystem, doc: DocumentOut, structures: dict[int, Any]) -> None:
    """The document's relations (between spans in the CAS) and document labels."""
    relation_type = ts.get_type(uima_links.RELATION)
    for relation in doc.relations:
        source, target = structures.get(relation.source), structures.get(relation.target)
        if source is None or target is None:
            continue  # an end that is not exported
        cas.add(
            relation_type(
                begin=target.begin,
                end=target.end,
                Governor=source,
                Dependent=target,
                label=xml_text(relation.type),
                annotator=xml_text(relation.annotator),
            )
        )
    label_type = ts.get_type(uima_links.DOC_LABEL)
    for label in doc.doc_labels:
        cas.add(
            label_type(
                labelSet=xml_text(label.set),
                value=xml_text(label.value),
                annotator=xml_text(label.annotator),
            )
        )


def _report_losses(
    report: ExportReport,
    scheme: Scheme,
    features: uima_links.Features,
    losses: uima_links.Losses,
) -> None:
    if losses.clashing_values:
        names = ", ".join(sorted(features.clashes)) or "?"
        report.lost.append(
            f"{losses.clashing_values} value(s) of attributes ({names}) that labels define with"
            " different kinds: the Claim layer has one feature per attribute name, of the first"
            " kind"
        )
    if losses.imprecise_numbers:
        report.lost.append(
            f"{losses.imprecise_numbers} number(s) with more than the 7 digits of INCEpTION's"
            " Float features: the file holds them exactly, INCEpTION rounds them"
        )
    if losses.undirected:
        report.lost.append(
            f"{losses.undirected} relation(s) of types without a direction are written from"
            " their first span (Governor) to their second (Dependent): INCEpTION's relations"
            " have a direction"
        )
    if not scheme.empty:
        report.lost.append(
            "the definitions of attributes (choices, defaults, keys) and relation types"
            " (colours, direction, allowed labels): INCEpTION keeps them in its project's"
            " layer settings and tag sets, not in the type system"
        )


# -- import ---------------------------------------------------------------------------------


def read(path: Path) -> list[DocumentIn]:
    """Documents from a folder of XMI files with TypeSystem.xml, or a zip of one."""
    path = Path(path)
    if path.is_dir():
        return list(_read_files(_folder_files(path), path))
    if not path.exists():
        raise FormatError(path, "no such file or folder")
    with open_zip(path, max_total=MAX_DATASET_BYTES) as archive:
        files = {name: archive.read for name in archive.names()}
        return list(_read_files(files, path))


def _folder_files(folder: Path) -> dict[str, Any]:
    """Relative name -> reader of each XMI file and type system under folder.

    Symbolic links are skipped: a folder from someone else cannot make Claimdesk read files
    elsewhere. Only regular files are read (a pipe is refused by name), each of at most
    MAX_ENTRY_BYTES, all together at most MAX_DATASET_BYTES.
    """
    files: dict[str, Any] = {}
    budget = [MAX_DATASET_BYTES]
    for entry in walk_folder(folder):
        lower = entry.name.lower()
        if not (lower.endswith(".xmi") or lower == TYPESYSTEM.lower()):
            continue
        if entry.is_symlink() or entry.is_dir(follow_symlinks=False):
            continue
        if len(files) >= _MAX_FILES:
            raise FormatError(folder, f"the folder holds more than {_MAX_FILES:,} XMI files")
        item = Path(entry.path)
        name = item.relative_to(folder).as_posix()
        files[name] = lambda _name, item=item, name=name: _read_file(item, folder, name, budget)
    return dict(sorted(files.items()))


def _read_file(item: Path, folder: Path, name: str, budget: list[int]) -> bytes:
    data = read_regular(item, min(MAX_ENTRY_BYTES, budget[0]), folder, f"file {printable(name)}")
    budget[0] -= len(data)
    return data


def _typesystem_for(name: str, files: dict[str, Any]) -> str | None:
    """The TypeSystem.xml next to an XMI file, or the nearest one above it."""
    lower = {key.lower(): key for key in files}
    folder = PurePosixPath(name).parent
    while True:
        candidate = (folder / TYPESYSTEM).as_posix().lower().removeprefix("./")
        if candidate in lower:
            return lower[candidate]
        if folder == folder.parent:
            return None
        folder = folder.parent


def _read_files(files: dict[str, Any], path: Path) -> Iterator[DocumentIn]:
    xmis = sorted(name for name in files if name.lower().endswith(".xmi"))
    if not xmis:
        raise FormatError(path, "no .xmi files found")
    systems: dict[str, TypeSystem] = {}
    for name in xmis:
        ts_name = _typesystem_for(name, files)
        if ts_name is None:
            raise FormatError(
                path, f"no {TYPESYSTEM} next to it or above it", f"file {printable(name)}"
            )
        if ts_name not in systems:
            data = files[ts_name](ts_name)
            check_xml_prolog(data, path, f"file {printable(ts_name)}")
            try:
                systems[ts_name] = load_typesystem(io.BytesIO(data))
            except Exception as exc:  # cassis raises many kinds on a damaged type system
                raise FormatError(
                    path,
                    f"not a UIMA type system: {printable(str(exc), 200)}",
                    f"file {printable(ts_name)}",
                ) from None
        yield _read_cas(files[name](name), systems[ts_name], path, name)


def _read_cas(data: bytes, ts: TypeSystem, path: Path, name: str) -> DocumentIn:
    where = f"file {printable(name)}"
    check_xml_prolog(data, path, where)
    try:
        with warnings.catch_warnings():
            # cassis only warns about a UTF-16 offset it cannot map (past the end, or inside a
            # surrogate pair) and keeps it unconverted: a silently shifted span. Refuse it.
            warnings.filterwarnings("error", message="Not mapping external offset")
            cas = load_cas_from_xmi(io.BytesIO(data), typesystem=ts, lenient=True)
    except UserWarning as exc:
        raise FormatError(
            path,
            f"an annotation offset does not fall on a character of the text ({exc})",
            where,
        ) from None
    except Exception as exc:  # lxml, ValueError, KeyError, TypeError from a damaged CAS
        raise FormatError(
            path, f"not a readable UIMA CAS XMI: {printable(str(exc), 200)}", where
        ) from None
    text = cas.sofa_string or ""
    refs: dict[int, SpanIn] = {}
    if ts.contains_type(CLAIM):
        for item in cas.select(CLAIM):
            refs[item.xmiID] = SpanIn(
                item.begin,
                item.end,
                _feature(item, "label") or "Claim",
                annotator=_feature(item, "annotator") or None,
                note=_feature(item, "note"),
                attributes=uima_links.read_attributes(item),
                ref=str(item.xmiID),
            )
    if ts.contains_type(NAMED_ENTITY):
        for item in cas.select(NAMED_ENTITY):
            label = _feature(item, "value") or "NamedEntity"
            refs[item.xmiID] = SpanIn(item.begin, item.end, label, ref=str(item.xmiID))
    spans = list(refs.values())
    relations, doc_labels, skipped = uima_links.read_links(cas, ts, refs)
    for relation in relations:  # a relation belongs to the annotator of its spans
        if relation.annotator is None:
            relation.annotator = refs[int(relation.source)].annotator
    for span in spans:
        if span.start > span.end:
            raise FormatError(
                path,
                f"an annotation's start ({span.start}) is not before end ({span.end})",
                where,
            )
        if not 0 <= span.start <= span.end <= len(text):
            raise FormatError(
                path,
                f"an annotation at {span.start}-{span.end} falls outside the text"
                f" ({len(text)} characters)",
                where,
            )
    title = doc_id = uri = None
    if ts.contains_type(METADATA):
        for meta in cas.select(METADATA):
            title = _feature(meta, "documentTitle") or None
            doc_id = _feature(meta, "documentId") or None
            uri = _feature(meta, "documentUri") or None
            break
    return DocumentIn(
        text=text,
        spans=spans,
        relations=relations,
        doc_labels=doc_labels,
        not_imported=[
            f"{printable(name)}: {skipped} relation(s) between annotations that are not spans"
            " Claimdesk reads"
        ]
        if skipped
        else [],
        title=title or PurePosixPath(name).stem,
        source=uri,
        where=where,
        file_id=doc_id,
    )


def _feature(item: Any, name: str) -> str:
    try:
        value = item.get(name)
    except (AttributeError, KeyError):
        return ""
    return "" if value is None else str(value)
