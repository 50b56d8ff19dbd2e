"""Label Studio: JSON tasks with annotations, plus the labeling config that shows them.

``<out>.json`` is a list of tasks, one per document: ``data.text`` (plus ``title``, ``source``
and ``claimdesk_id``), and one entry in ``annotations`` per annotator, whose ``result`` holds
one region per span: ``{"id", "from_name": "label", "to_name": "text", "type": "labels",
"value": {"start", "end", "text", "labels": [name]}}``; a note goes in the region's
``meta.text`` (Label Studio's per-region note). The annotator's name is in the annotation's
``created_username`` (Label Studio fills that field in its own exports).

Label Studio ignores ``created_username`` on import (every annotation becomes the importing
user's, and ``completed_by`` must name an existing user or the import fails, so it is not
written), but it keeps the task's ``data`` and each region's id. So ``data.claimdesk_spans``
maps each region id (``claimdesk-<annotation id>``) to the span it was exported as: annotator,
start, end, label. Reading back, a region whose id and span match its entry is that annotator's
(and, in the project it came from, the very annotation: never added twice); a region without
one was made or changed in Label Studio and is its user's (``completed_by``/``created_username``
of its export); an entry without its region was deleted there and is reported.

The richer codebook, in Label Studio's own shapes: a span's attribute values are results of
per-region controls carrying the region's id (``choices`` for one or several of a list and for
yes/no as "yes"/"no", ``number``, ``textarea``); relations are ``{"type": "relation",
"from_id", "to_id", "direction": "right" (or "bi" for an undirected type), "labels": [type]}``;
document labels are ``choices`` results without a region, one per set, whose ids
``data.claimdesk_document_labels`` maps to the annotator, set and values exported (a value
ticked in the editor is its user's, one unticked there is reported). A relation belongs to the
annotator of its spans.

``<out stem>.labeling-config.xml`` beside it is the matching ``<View>`` (see
labelstudio_config): the labels with their colours, the relation types, a per-region control
per attribute and a ``<Choices>`` per document label set; paste it into the project's Labeling
Interface before importing the tasks. Reading, the config beside the file (when there) names
the controls and gives the scheme.

Offsets are Unicode code points. Label Studio's editor runs in JavaScript, whose strings count
UTF-16 code units; since 2022 (label-studio-frontend pull request 308, "store code points
instead of js length", closing label-studio issue 1008) it converts and stores code-point
offsets for Text tasks, the same unit as Python. Older versions shifted every span after an
emoji by one (label-studio issue 1347).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

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
    RicherDigest,
    SpanDigest,
    SpanIn,
    SpanOut,
    atomic_output,
    scheme_of,
    spans_by_annotator,
    verify,
    verify_richer,
)
from claimdesk.core.formats.labelstudio_config import (
    BOOL_CHOICES,
    LABELS,
    TEXT,
    Controls,
    config_path,
    controls_of,
    labeling_config,
    read_config,
)
from claimdesk.core.formats.safe_files import (
    MAX_DATASET_BYTES,
    load_json,
    read_regular,
    shown_value,
)
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.scheme import AttributeKind, Scheme

FORMAT = registry.info_of(__name__)


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    richer = RicherDigest()
    total = source.document_count
    config = config_path(out)
    writer = _Results(scheme_of(source))
    with atomic_output(out, folder=False) as temp, atomic_output(config, folder=False) as xml:
        xml.write_text(labeling_config(source), encoding="utf-8")
        with temp.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write("[")
            for done, doc in enumerate(source.documents(), start=1):
                task: dict[str, Any] = {
                    "id": doc.id,
                    "data": {
                        "text": doc.text,
                        "title": doc.title,
                        "source": doc.source,
                        "claimdesk_id": doc.id,
                        "claimdesk_spans": {
                            f"claimdesk-{s.id}": {
                                "annotator": s.annotator,
                                "start": s.start,
                                "end": s.end,
                                "label": s.label,
                            }
                            for s in doc.spans
                        },
                    },
                    "annotations": [
                        {"created_username": annotator, "result": result}
                        for annotator, result in writer.annotations(doc)
                    ],
                }
                if writer.document_results:
                    task["data"]["claimdesk_document_labels"] = writer.document_results
                handle.write(("\n" if done == 1 else ",\n") + json.dumps(task, ensure_ascii=False))
                written.add(
                    str(doc.id),
                    [(s.annotator, s.label, s.start, s.end, s.quote) for s in doc.spans],
                )
                richer.add_written(str(doc.id), writer.kept(doc))
                report.spans += len(doc.spans)
                report.wrote_document(len(doc.spans))
                check_progress(progress, done, total)
            handle.write("\n]\n")
        read_back = SpanDigest()
        richer_back = RicherDigest()
        for doc_in in read(temp, config=xml):
            read_back.add_read(doc_in.file_id or "", doc_in)
            richer_back.add_read(doc_in.file_id or "", doc_in)
        verify(report, written, read_back)
        verify_richer(report, richer, richer_back)
    if any(label.description for label in source.labels):
        report.lost.append("label descriptions (the labeling config holds names and colours)")
    report.lost.extend(writer.lost())
    report.files = [out, config]
    return report


class _Results:
    """Label Studio results for one document's spans, attribute values, relations and document
    labels, per annotator; counts what it cannot write."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.controls = controls_of(scheme)
        self.undefined_attributes = 0
        self.undefined_sets = 0
        # the last document's document label results: result id -> annotator, set, values
        self.document_results: dict[str, dict[str, Any]] = {}

    def annotations(self, doc: DocumentOut) -> list[tuple[str, list[dict[str, Any]]]]:
        spans = dict(spans_by_annotator(doc.spans))
        relations: dict[str, list[RelationOut]] = {}
        for relation in doc.relations:
            relations.setdefault(relation.annotator, []).append(relation)
        doc_labels: dict[str, dict[str, list[str]]] = {}
        for label in doc.doc_labels:
            doc_labels.setdefault(label.annotator, {}).setdefault(label.set, []).append(label.value)
        annotations = []
        self.document_results = {}
        for annotator in sorted(set(spans) | set(relations) | set(doc_labels)):
            result: list[dict[str, Any]] = []
            for span in spans.get(annotator, ()):
                result.append(_region(span))
                for name, value in doc.attributes.get(span.id, {}).items():
                    attribute = self._attribute(span, name, value)
                    if attribute is not None:
                        result.append(attribute)
            result += [self._relation(r) for r in relations.get(annotator, ())]
            for name, values in doc_labels.get(annotator, {}).items():
                ident = f"claimdesk-document-{len(self.document_results) + 1}"
                self.document_results[ident] = {
                    "annotator": annotator,
                    "set": name,
                    "values": values,
                }
                result.append(
                    {
                        "id": ident,
                        "from_name": self._set_control(name, len(values)),
                        "to_name": TEXT,
                        "type": "choices",
                        "value": {"choices": values},
                    }
                )
            annotations.append((annotator, result))
        return annotations

    def kept(self, doc: DocumentOut) -> DocumentOut:
        """The document with only the attribute values written (those the codebook defines)."""
        attributes = {
            span: {name: value for name, value in values.items() if name in names}
            for span, values in doc.attributes.items()
            for names in [self._names(doc, span)]
        }
        return replace(doc, attributes=attributes)

    def _names(self, doc: DocumentOut, span_id: int) -> set[str]:
        label = next((s.label for s in doc.spans if s.id == span_id), None)
        return {spec.name for spec in self.scheme.attributes_of(label or "")}

    def _attribute(self, span: SpanOut, name: str, value: Any) -> dict[str, Any] | None:
        try:
            control = self.controls.attribute_control(span.label, name)
        except StopIteration:
            self.undefined_attributes += 1
            return None
        kind = self.controls.attributes[control].spec.kind
        where: dict[str, Any] = {"start": span.start, "end": span.end}
        if kind is AttributeKind.NUMBER:
            kind_name, value_of = "number", {"text": span.quote, "number": value}
        elif kind is AttributeKind.TEXT:
            kind_name, value_of = "textarea", {"text": [value]}
        else:
            if kind is AttributeKind.BOOL:
                chosen = [BOOL_CHOICES[0] if value else BOOL_CHOICES[1]]
            elif kind is AttributeKind.MULTI:
                chosen = list(value)
            else:
                chosen = [value]
            kind_name, value_of = "choices", {"text": span.quote, "choices": chosen}
        return {
            "id": f"claimdesk-{span.id}",
            "from_name": control,
            "to_name": TEXT,
            "type": kind_name,
            "value": where | value_of,
        }

    def _relation(self, relation: RelationOut) -> dict[str, Any]:
        spec = self.scheme.relation(relation.type)
        return {
            "from_id": f"claimdesk-{relation.source}",
            "to_id": f"claimdesk-{relation.target}",
            "type": "relation",
            "direction": "right" if spec is None or spec.directed else "bi",
            "labels": [relation.type],
        }

    def _set_control(self, name: str, values: int) -> str:
        found = next((c for c, s in self.controls.doc_labels.items() if s.name == name), None)
        if found is None:
            self.undefined_sets += values
        return found or name

    def lost(self) -> list[str]:
        lost = []
        if self.undefined_attributes:
            lost.append(
                f"{self.undefined_attributes} attribute value(s) of attributes the codebook does"
                " not define for the span's label (the labeling config has no control for them)"
            )
        if self.undefined_sets:
            lost.append(
                f"{self.undefined_sets} document label(s) of sets the codebook does not define:"
                " written, but the labeling config has no control that shows them"
            )
        return lost


def _region(span: SpanOut) -> dict[str, Any]:
    region: dict[str, Any] = {
        "id": f"claimdesk-{span.id}",
        "from_name": LABELS,
        "to_name": TEXT,
        "type": "labels",
        "value": {"start": span.start, "end": span.end, "text": span.quote, "labels": [span.label]},
    }
    if span.note:
        region["meta"] = {"text": [span.note]}
    return region


def read(path: Path, config: Path | None = None) -> list[DocumentIn]:
    """Tasks with ``annotations`` (or ``predictions``): "labels" regions are spans; "choices",
    "number" and "textarea" results with a region's id are its attributes, "choices" without
    one are document labels, "relation" results are relations. The labeling config beside the
    file (``<stem>.labeling-config.xml``), when there, names the controls and gives the scheme.
    """
    tasks = load_json(read_regular(path, MAX_DATASET_BYTES), path)
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise FormatError(path, "expected a list of Label Studio tasks")
    config = config or config_path(path)
    found = read_config(config) if config.is_file() else None
    skipped: dict[str, int] = {}
    reader = _Reader(path, found.controls if found else Controls({}, {}), skipped)
    documents = [reader.task(task, f"task {n}") for n, task in enumerate(tasks, start=1)]
    if documents and skipped:  # said once for the file, on its first task
        documents[0].not_imported.extend(
            f"{count} result(s) of {kind}" for kind, count in sorted(skipped.items())
        )
    if found is not None and not found.scheme.empty:
        for doc in documents:
            doc.scheme = found.scheme
    return documents


class _Reader:
    def __init__(self, path: Path, controls: Controls, skipped: dict[str, int]) -> None:
        self.path = path
        self.controls = controls
        self.skipped = skipped
        # the task's document label results as Claimdesk exported them, and those found
        self.ours_labels: dict[str, tuple[str, str, list[str]]] = {}
        self.seen_labels: set[str] = set()

    def skip(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def task(self, task: Any, where: str) -> DocumentIn:
        path = self.path
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise FormatError(path, "a task needs a 'data' object", where)
        data = task["data"]
        text = data.get("text")
        if not isinstance(text, str):
            raise FormatError(path, "the task has no data.text string", where)
        title = data.get("title")
        file_id = data.get("claimdesk_id", task.get("id"))
        doc = DocumentIn(
            text=text,
            title=title if isinstance(title, str) else None,
            source=data.get("source") if isinstance(data.get("source"), str) else None,
            where=where,
            file_id=None if file_id is None else str(file_id),
        )
        ours = _exported_spans(data.get("claimdesk_spans"))
        self.ours_labels = _exported_labels(data.get("claimdesk_document_labels"))
        self.seen_labels = set()
        seen: set[str] = set()
        refs: set[str] = set()
        entries = (
            task.get("annotations") or task.get("completions") or task.get("predictions") or []
        )
        if not isinstance(entries, list):
            raise FormatError(path, "'annotations' must be a list", where)
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or not isinstance(entry.get("result", []), list):
                raise FormatError(path, "an annotation needs a 'result' list", where)
            results = entry.get("result", [])
            if not all(isinstance(region, dict) for region in results):
                raise FormatError(path, "each of an annotation's 'result' must be an object", where)
            annotator = _user(entry)
            regions: dict[str, list[SpanIn]] = {}
            for region in results:
                if region.get("type") == "labels":
                    spans = self.labels(region, annotator, ours, seen, where)
                    ident = region.get("id")
                    if isinstance(ident, str) and spans:
                        ref = ident if ident not in refs else f"{number}:{ident}"
                        refs.add(ref)
                        spans[0].ref = ref
                        regions[ident] = spans
                    doc.spans.extend(spans)
            for region in results:
                kind = region.get("type")
                if kind == "labels":
                    continue
                if kind == "relation":
                    self.relation(doc, region, regions, where)
                elif kind in ("choices", "number", "textarea"):
                    self.choice(doc, region, regions, annotator, where)
                else:
                    self.skip(f"type {shown_value(kind)} (Claimdesk holds labelled text spans)")
        for ident, (who, start, end, label) in ours.items():
            if ident not in seen:
                quote = text[start:end] if 0 <= start < end <= len(text) else ""
                doc.missing.append(
                    f"{where}: {shown_value(quote)} ({label}, {start}–{end}) by {shown_value(who)}"
                    " was deleted or changed in the editor"
                )
        for ident, (who, name, values) in self.ours_labels.items():
            if ident not in self.seen_labels:
                doc.missing += [_unticked(where, name, value, who) for value in values]
        return doc

    def labels(
        self,
        region: dict[str, Any],
        annotator: str | None,
        ours: dict[str, tuple[str, int, int, str]],
        seen: set[str],
        where: str,
    ) -> list[SpanIn]:
        """The spans of one "labels" region (one per label)."""
        path = self.path
        value = region.get("value")
        if not isinstance(value, dict):
            raise FormatError(path, "a region has no 'value' object", where)
        start, end, labels = value.get("start"), value.get("end"), value.get("labels")
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
            raise FormatError(
                path,
                f"region offsets {shown_value(start)}–{shown_value(end)} are not numbers",
                where,
            )
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise FormatError(path, "a region's 'labels' must be a list of names", where)
        quote = value.get("text")
        meta = region.get("meta")
        notes = meta.get("text") if isinstance(meta, dict) else None
        if isinstance(notes, str):
            notes = [notes]
        if notes is not None and (
            not isinstance(notes, list) or not all(isinstance(x, str) for x in notes)
        ):
            raise FormatError(path, "a region's 'meta.text' must be a list of notes", where)
        note = "\n".join(notes or ())
        ident = region.get("id")
        origin = _origin(ident)
        spans = []
        for label in labels:
            who = annotator
            exported = ours.get(ident) if isinstance(ident, str) else None
            if exported is not None and exported[1:] == (start, end, label):
                who = exported[0]  # the span as Claimdesk exported it
                seen.add(ident)  # type: ignore[arg-type]
            spans.append(
                SpanIn(
                    start,  # type: ignore[arg-type]
                    end,  # type: ignore[arg-type]
                    label,
                    who,
                    note,
                    quote if isinstance(quote, str) else None,
                    origin=origin,
                )
            )
        return spans

    def relation(
        self, doc: DocumentIn, region: dict[str, Any], regions: dict[str, list[SpanIn]], where: str
    ) -> None:
        start, end = region.get("from_id"), region.get("to_id")
        labels = region.get("labels") or []
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise FormatError(self.path, "a relation's 'labels' must be a list of names", where)
        source = regions.get(start) if isinstance(start, str) else None
        target = regions.get(end) if isinstance(end, str) else None
        if source is None or target is None:
            doc.not_imported.append(
                f"{where}: a relation from {shown_value(start)} to {shown_value(end)}, whose ends"
                " are not labelled regions of the same annotation"
            )
            return
        if region.get("direction") == "left":
            source, target = target, source
        if not labels:
            self.skip("type relation without a relation label (Claimdesk's relations have a type)")
        for name in labels:
            doc.relations.append(
                RelationIn(
                    name, source[0].ref or "", target[0].ref or "", source[0].annotator, where
                )
            )

    def choice(
        self,
        doc: DocumentIn,
        region: dict[str, Any],
        regions: dict[str, list[SpanIn]],
        annotator: str | None,
        where: str,
    ) -> None:
        """A classification result: a region's attribute, or a label of the whole document."""
        kind = region.get("type")
        name = region.get("from_name")
        value = region.get("value")
        if not isinstance(name, str) or not isinstance(value, dict):
            self.skip(f"type {kind} without a control name ('from_name') or a value")
            return
        ident = region.get("id")
        spans = regions.get(ident) if isinstance(ident, str) else None
        chosen = value.get("choices")
        if chosen is not None and (
            not isinstance(chosen, list) or not all(isinstance(x, str) for x in chosen)
        ):
            raise FormatError(self.path, "'choices' must be a list of names", where)
        if spans is None:
            if kind != "choices" or name in self.controls.attributes or "start" in value:
                self.skip(f"type {kind} outside a labelled region")
                return
            spec = self.controls.doc_labels.get(name)
            set_name = spec.name if spec else name
            exported = self.ours_labels.get(ident) if isinstance(ident, str) else None
            if exported is None or exported[1] != set_name:
                doc.doc_labels += [DocLabelIn(set_name, c, annotator) for c in chosen or ()]
                return
            # Claimdesk's own result: its values are its annotator's; one ticked in the editor
            # is the editor's user's, one unticked there is reported.
            self.seen_labels.add(ident)  # type: ignore[arg-type]
            who, _, values = exported
            doc.doc_labels += [
                DocLabelIn(set_name, c, who if c in values else annotator) for c in chosen or ()
            ]
            doc.missing += [
                _unticked(where, set_name, v, who) for v in values if v not in (chosen or ())
            ]
            return
        control = self.controls.attributes.get(name)
        attribute = control.spec.name if control else name
        found = _attribute_value(kind, value, control.spec.kind if control else None)
        if found is None:
            self.skip(f"type {kind} without a value")
            return
        for span in spans:
            span.attributes[attribute] = found


def _attribute_value(kind: Any, value: dict[str, Any], stated: AttributeKind | None) -> Any:
    """A result's value in Claimdesk's form (None: none that Claimdesk can hold)."""
    if kind == "number":
        number = value.get("number")
        ok = isinstance(number, (int, float)) and not isinstance(number, bool)
        return number if ok else None
    if kind == "textarea":
        text = value.get("text")
        if isinstance(text, list) and all(isinstance(x, str) for x in text):
            return "\n".join(text) if text else None
        return text if isinstance(text, str) else None
    chosen = value.get("choices") or []
    if stated is AttributeKind.BOOL:
        return None if not chosen else chosen[0] == BOOL_CHOICES[0]
    if stated is AttributeKind.MULTI or (stated is None and len(chosen) > 1):
        return list(chosen)
    return chosen[0] if chosen else None


_ORIGIN = re.compile(r"claimdesk-([0-9]{1,18})")
# What Label Studio writes as created_username: "[first [last]] email, user id".
_LS_USER = re.compile(r"\s*(.*?)\s*(\S+@\S+)?,\s*([0-9]+)\s*")


def _origin(ident: Any) -> int | None:
    """The annotation id in a region id Claimdesk wrote ("claimdesk-12"), or None."""
    match = _ORIGIN.fullmatch(ident) if isinstance(ident, str) else None
    return int(match.group(1)) if match else None


def _exported_labels(value: Any) -> dict[str, tuple[str, str, list[str]]]:
    """``data.claimdesk_document_labels`` as result id -> (annotator, set, values); entries of
    another shape are left out."""
    if not isinstance(value, dict):
        return {}
    found = {}
    for ident, entry in value.items():
        if not isinstance(entry, dict):
            continue
        who, name, values = (entry.get(k) for k in ("annotator", "set", "values"))
        if (
            isinstance(who, str)
            and isinstance(name, str)
            and isinstance(values, list)
            and all(isinstance(v, str) for v in values)
        ):
            found[ident] = (who, name, values)
    return found


def _unticked(where: str, name: str, value: str, who: str) -> str:
    return (
        f"{where}: the document label {shown_value(value)} ({name}) by {shown_value(who)} was"
        " unticked in the editor"
    )


def _exported_spans(value: Any) -> dict[str, tuple[str, int, int, str]]:
    """``data.claimdesk_spans`` as region id -> (annotator, start, end, label); entries that do
    not have that shape are left out (a task edited by hand still reads)."""
    if not isinstance(value, dict):
        return {}
    spans = {}
    for ident, entry in value.items():
        if not isinstance(entry, dict):
            continue
        who, start, end, label = (entry.get(k) for k in ("annotator", "start", "end", "label"))
        if (
            isinstance(who, str)
            and who.strip()
            and type(start) is int
            and type(end) is int
            and isinstance(label, str)
        ):
            spans[ident] = (who, start, end, label)
    return spans


def _user(entry: dict[str, Any]) -> str | None:
    """Who made an annotation, as the file names them, or None (the import's annotator).

    Claimdesk writes the annotator's name as ``created_username``; Label Studio writes
    "first last email, id" there (the id is ``completed_by``) and, expanded, ``completed_by``
    as an object with the email and names: the person's name when set, else the email.
    """
    person = entry.get("completed_by")
    if isinstance(person, dict):
        names = [person.get(k) for k in ("first_name", "last_name")]
        name = " ".join(n.strip() for n in names if isinstance(n, str) and n.strip())
        email = person.get("email")
        if name or (isinstance(email, str) and email.strip()):
            return name or str(email).strip()
    who = entry.get("created_username")
    if not isinstance(who, str) or not who.strip():
        return None
    match = _LS_USER.fullmatch(who)
    written_by_label_studio = match is not None and (
        int(match.group(3)) == person if type(person) is int else bool(match.group(2))
    )
    if match and written_by_label_studio:
        name, email = match.group(1), match.group(2)
        return name or email or f"Label Studio user {match.group(3)}"
    return who
