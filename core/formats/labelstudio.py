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
``<out stem>.labeling-config.xml`` beside it is the matching ``<View>`` with one ``<Label>``
per codebook entry and its colour; paste it into the project's Labeling Interface before
importing the tasks.

Offsets are Unicode code points. Label Studio's editor runs in JavaScript, whose strings count
UTF-16 code units; since 2022 (label-studio-frontend pull request 308, "store code points
instead of js length", closing label-studio issue 1008) it converts and stores code-point
offsets for Text tasks, the same unit as Python. Older versions shifted every span after an
emoji by one (label-studio issue 1347).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    DocumentIn,
    ExportReport,
    ExportSource,
    FormatError,
    SpanDigest,
    SpanIn,
    SpanOut,
    atomic_output,
    spans_by_annotator,
    verify,
)
from claimdesk.core.formats.safe_files import (
    MAX_DATASET_BYTES,
    load_json,
    read_regular,
    shown_value,
)
from claimdesk.core.progress import Progress, check_progress

FORMAT = registry.info_of(__name__)


def config_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.labeling-config.xml")


def labeling_config(source: ExportSource) -> str:
    labels = "\n".join(
        f"    <Label value={quoteattr(label.name)} background={quoteattr(label.colour)}/>"
        for label in source.labels
    )
    return (
        "<View>\n"
        '  <Labels name="label" toName="text">\n'
        f"{labels}\n"
        "  </Labels>\n"
        '  <Text name="text" value="$text"/>\n'
        "</View>\n"
    )


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    total = source.document_count
    config = config_path(out)
    with atomic_output(out, folder=False) as temp, atomic_output(config, folder=False) as xml:
        xml.write_text(labeling_config(source), encoding="utf-8")
        with temp.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write("[")
            for done, doc in enumerate(source.documents(), start=1):
                task = {
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
                        {
                            "created_username": annotator,
                            "result": [_region(span) for span in spans],
                        }
                        for annotator, spans in spans_by_annotator(doc.spans)
                    ],
                }
                handle.write(("\n" if done == 1 else ",\n") + json.dumps(task, ensure_ascii=False))
                written.add(
                    str(doc.id),
                    [(s.annotator, s.label, s.start, s.end, s.quote) for s in doc.spans],
                )
                report.spans += len(doc.spans)
                report.wrote_document(len(doc.spans))
                check_progress(progress, done, total)
            handle.write("\n]\n")
        read_back = SpanDigest()
        for doc_in in read(temp):
            read_back.add_read(doc_in.file_id or "", doc_in)
        verify(report, written, read_back)
    if any(label.description for label in source.labels):
        report.lost.append("label descriptions (the labeling config holds names and colours)")
    report.files = [out, config]
    return report


def _region(span: SpanOut) -> dict[str, Any]:
    region: dict[str, Any] = {
        "id": f"claimdesk-{span.id}",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": span.start, "end": span.end, "text": span.quote, "labels": [span.label]},
    }
    if span.note:
        region["meta"] = {"text": [span.note]}
    return region


def read(path: Path) -> list[DocumentIn]:
    """Tasks with ``annotations`` (or ``predictions``) whose regions are of type "labels"."""
    tasks = load_json(read_regular(path, MAX_DATASET_BYTES), path)
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise FormatError(path, "expected a list of Label Studio tasks")
    skipped: dict[str, int] = {}
    documents = [_task(task, path, f"task {n}", skipped) for n, task in enumerate(tasks, start=1)]
    if documents and skipped:  # said once for the file, on its first task
        documents[0].not_imported.extend(
            f"{count} result(s) of type {kind} (Claimdesk holds labelled text spans)"
            for kind, count in sorted(skipped.items())
        )
    return documents


def _task(task: Any, path: Path, where: str, skipped: dict[str, int]) -> DocumentIn:
    """One task's text and "labels" regions; other result types are counted in ``skipped``."""
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise FormatError(path, "a task needs a 'data' object", where)
    data = task["data"]
    text = data.get("text")
    if not isinstance(text, str):
        raise FormatError(path, "the task has no data.text string", where)
    ours = _exported_spans(data.get("claimdesk_spans"))
    seen: set[str] = set()
    spans: list[SpanIn] = []
    entries = task.get("annotations") or task.get("completions") or task.get("predictions") or []
    if not isinstance(entries, list):
        raise FormatError(path, "'annotations' must be a list", where)
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("result", []), list):
            raise FormatError(path, "an annotation needs a 'result' list", where)
        annotator = _user(entry)
        for region in entry.get("result", []):
            if not isinstance(region, dict):
                raise FormatError(path, "each of an annotation's 'result' must be an object", where)
            if region.get("type") != "labels":
                kind = shown_value(region.get("type"))
                skipped[kind] = skipped.get(kind, 0) + 1
                continue
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
    title = data.get("title")
    file_id = data.get("claimdesk_id", task.get("id"))
    doc = DocumentIn(
        text=text,
        spans=spans,
        title=title if isinstance(title, str) else None,
        source=data.get("source") if isinstance(data.get("source"), str) else None,
        where=where,
        file_id=None if file_id is None else str(file_id),
    )
    for ident, (who, start, end, label) in ours.items():
        if ident not in seen:
            quote = text[start:end] if 0 <= start < end <= len(text) else ""
            doc.missing.append(
                f"{where}: {shown_value(quote)} ({label}, {start}–{end}) by {shown_value(who)}"
                " was deleted or changed in the editor"
            )
    return doc


_ORIGIN = re.compile(r"claimdesk-([0-9]{1,18})")
# What Label Studio writes as created_username: "[first [last]] email, user id".
_LS_USER = re.compile(r"\s*(.*?)\s*(\S+@\S+)?,\s*([0-9]+)\s*")


def _origin(ident: Any) -> int | None:
    """The annotation id in a region id Claimdesk wrote ("claimdesk-12"), or None."""
    match = _ORIGIN.fullmatch(ident) if isinstance(ident, str) else None
    return int(match.group(1)) if match else None


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
