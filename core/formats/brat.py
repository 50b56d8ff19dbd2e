"""brat standoff: a folder brat itself opens as a collection.

Layout: ``annotation.conf`` and ``visual.conf`` at the top; one sub-folder per annotator (its
name percent-encoded, so any name survives; a leading or trailing dot or space is encoded too, so
"." and ".." are folders "%2E" and "%2E%2E"; see `annotator_folders`) holding
``<id>-<title>.txt`` with the document text exactly as stored (line endings included: brat
reads files without translating them) and ``<id>-<title>.ann`` with one T line per span,
``#`` AnnotatorNotes lines for notes, ``A`` lines for attributes and ``R`` lines for relations.
With no annotator selected, the documents sit at the top. Offsets are Unicode code points, as
brat counts them.

brat names cannot hold spaces or punctuation: a label, attribute or relation type becomes a
brat name by writing a space as ``_`` and any other character outside ``[a-zA-Z0-9-]`` as
``_xHHHH_`` (reversible; visual.conf shows the real name; see `brat_scheme` for attributes and
relation types). brat fragments must not cross a line break, so a span over several lines is
written as several fragments (``T1	Claim 0 5;6 10	...``) and read back as one span from the
first fragment's start to the last one's end.

Reading keeps T lines with their AnnotatorNotes, attributes (A and M lines) and relations (R
lines) between text-bound spans, and what annotation.conf defines; events, normalisations and
equivalences (E, N and * lines, and attributes or relations of events) have no place in
Claimdesk and are counted in the import's report; any other line is refused with its line
number, and so is an A or R line that names a span no T line defines.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, unquote

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    DocLabelOut,
    DocumentIn,
    DocumentOut,
    ExportReport,
    ExportSource,
    FormatError,
    RelationIn,
    SpanDigest,
    SpanIn,
    SpanOut,
    atomic_output,
    verify,
)
from claimdesk.core.formats.brat_scheme import (
    Conf,
    ConfWriter,
    attribute_value,
    label_name,
    read_conf,
    type_name,
    value_text,
)
from claimdesk.core.formats.safe_files import (
    MAX_DATASET_BYTES,
    MAX_ENTRY_BYTES,
    read_regular,
    shown_value,
    walk_folder,
)
from claimdesk.core.limits import printable
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.scheme import AttributeKind
from claimdesk.core.text.utf16 import Utf16Reading

FORMAT = registry.info_of(__name__)
__all__ = ["export", "fragments", "label_name", "read", "type_name"]

_LINE_BREAK = re.compile(r"[\r\n]+")
# ASCII digits only: int() would also take other scripts' digits, which brat never writes.
_T_LINE = re.compile(r"^(T\d+)\t(\S+) ([0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)\t(.*)$", re.DOTALL)
_NOTE_LINE = re.compile(r"^#\d+\tAnnotatorNotes (T\d+)\t(.*)$", re.DOTALL)
_ATTRIBUTE_LINE = re.compile(r"^([AM]\d+)\t(\S+) (\S+)(?: (\S.*?))?\s*$")
_RELATION_LINE = re.compile(r"^(R\d+)\t(\S+)((?:[ \t]+\S+)*)[ \t]*$")
# brat annotations Claimdesk has no place for, by the letter their ids begin with.
_OTHER_KINDS = {"E": "event", "N": "normalisation", "*": "equivalence"}
_OTHER_LINE = re.compile(r"^([EN])\d+\t|^(\*)\t")
_MAX_DIGITS = 15  # offsets into a text of at most a few hundred million characters


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of [start, end) between line breaks."""
    pieces = []
    position = start
    for match in _LINE_BREAK.finditer(text, start, end):
        if match.start() > position:
            pieces.append((position, match.start()))
        position = match.end()
    if end > position:
        pieces.append((position, end))
    return pieces


def _file_stem(doc: DocumentOut) -> str:
    slug = re.sub(r"[^\w-]+", "-", doc.title, flags=re.ASCII).strip("-")[:40]
    return f"{doc.id}-{slug}" if slug else str(doc.id)


_NAME_BYTES = 200  # below the 255 bytes most file systems allow in one name


def _escape_letters(folder: str) -> str:
    return "".join(f"%{ord(c):02X}" if c.isascii() and c.isalpha() else c for c in folder)


def annotator_folders(annotators: list[str], report: ExportReport) -> dict[str, str]:
    """Each annotator's folder name, distinct and safe on every file system.

    The name is percent-encoded (the reader decodes it back); a leading or trailing dot or
    space is encoded too, so "." and ".." are ordinary folders ("%2E", "%2E%2E") and no name
    is hidden or trimmed by Windows. Names that differ only in case ("Ana", "ana") get their
    letters encoded so that a case-insensitive disk keeps them apart. A name too long for a
    folder is cut and numbered, and the report says so.
    """
    folders: dict[str, str] = {}
    used: set[str] = set()
    for number, name in enumerate(annotators, start=1):
        folder = quote(name, safe=" ", errors="surrogatepass")
        for edge, position in (("%2E", 0), ("%20", 0), ("%2E", -1), ("%20", -1)):
            char = unquote(edge)
            if folder and folder[position] == char:
                folder = edge + folder[1:] if position == 0 else folder[:-1] + edge
        if len(folder.encode("utf-8")) > _NAME_BYTES:
            cut = folder[: _NAME_BYTES - 12]
            cut = cut[: cut.rfind("%")] if "%" in cut[-2:] else cut  # never half an escape
            folder = f"{cut}~{number}"
            report.lost.append(
                f"annotator '{printable(name, 60)}' is too long for a folder name; their files"
                f" are in '{printable(folder, 60)}'"
            )
        if folder.casefold() in used:
            folder = _escape_letters(folder)
        if not folder or folder.casefold() in used:
            raise FormatError(
                report.out, f"no folder name can be made for annotator '{printable(name, 60)}'"
            )
        used.add(folder.casefold())
        folders[name] = folder
    return folders


def _digest_key(folder: str, stem: str) -> str:
    # As the reader names what it found: the folder decoded, then encoded again.
    return f"{quote(unquote(folder), safe=' ')}/{stem}"


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    written_links = SpanDigest()  # attribute values and relations, by the spans' offsets
    mapped = [label for label in source.labels if type_name(label.name) != label.name]
    for label in mapped:
        report.lost.append(
            f"label {label.name!r} is written as brat type {type_name(label.name)!r}"
            " (visual.conf shows the real name)"
        )
    conf = ConfWriter(source.labels, source.scheme)
    doc_labels: list[DocLabelOut] = []
    annotators = source.annotators
    with atomic_output(out, folder=True) as temp:
        names = annotator_folders(annotators, report)
        folders = {a: temp / names[a] for a in annotators}
        for folder in folders.values():
            folder.mkdir()
        total = source.document_count
        for done, doc in enumerate(source.documents(), start=1):
            stem = _file_stem(doc)
            by_annotator: dict[str, list[SpanOut]] = {a: [] for a in annotators}
            for span in doc.spans:
                by_annotator.setdefault(span.annotator, []).append(span)
            targets = list(by_annotator.items()) or [("", [])]
            for annotator, spans in targets:
                folder = folders.get(annotator, temp)
                (folder / f"{stem}.txt").write_text(doc.text, encoding="utf-8", newline="")
                lines, links = _ann_lines(doc, spans, report, conf)
                (folder / f"{stem}.ann").write_text(
                    "".join(line + "\n" for line in lines), encoding="utf-8", newline=""
                )
                key = _digest_key(names.get(annotator, ""), stem)
                written.add(key, [("", s.label, s.start, s.end, s.quote) for s in spans])
                written_links.add(key, links)
                report.spans += len(spans)
            doc_labels += doc.doc_labels
            report.wrote_document(len(doc.spans))
            check_progress(progress, done, total)
        conf.write(temp)
        read_back = SpanDigest()
        read_links = SpanDigest()
        for doc_in in read(temp):
            read_back.add_read(doc_in.file_id or "", doc_in, annotator="")
            read_links.add(doc_in.file_id or "", _links(doc_in))
        verify(report, written, read_back)
        wrong = written_links.differences(read_links)
        if wrong:
            raise FormatError(
                out, f"read back, the attributes or relations of {', '.join(wrong[:5])} differ"
            )
    report.lost.append("document titles and sources (file names keep the id and a short title)")
    _report_scheme_losses(report, conf, doc_labels)
    report.files = [out]
    return report


def _report_scheme_losses(
    report: ExportReport, conf: ConfWriter, doc_labels: list[DocLabelOut]
) -> None:
    lost = conf.lost
    if lost.numbers or lost.texts:
        report.lost.append(
            f"{lost.numbers} number and {lost.texts} free-text attribute value(s): brat"
            " attributes take values from a list; written as values of a list in"
            " annotation.conf that holds the values used (brat offers only those when editing)"
        )
    if lost.relations_without_end:
        report.lost.append(
            f"{lost.relations_without_end} relation(s) with an end that is not in the export"
            " are left out"
        )
    if doc_labels:
        sets = sorted({label.set for label in doc_labels})
        report.lost.append(
            f"{len(doc_labels)} document label(s) ({', '.join(sets)}): brat has no labels for"
            " a whole document"
        )
    mapped = [
        f"{name!r} as {type_name(name)!r}" for name in conf.relations if type_name(name) != name
    ]
    if mapped:
        report.lost.append(
            f"relation type(s) written with brat names: {', '.join(mapped)} (visual.conf shows"
            " the real names)"
        )


Link = tuple[str, str, int, int, str]


def _ann_lines(
    doc: DocumentOut, spans: list[SpanOut], report: ExportReport, conf: ConfWriter
) -> tuple[list[str], list[Link]]:
    """The .ann lines of one annotator's spans, and what they link for the read-back check:
    each attribute value and relation as (kind, name, start, end, value or other end)."""
    lines = []
    links: list[Link] = []
    tids: dict[int, str] = {}
    places: dict[int, tuple[int, int]] = {}
    note_number = attribute_number = 0
    for number, span in enumerate(spans, start=1):
        pieces = fragments(doc.text, span.start, span.end)
        if not pieces:
            report.lost.append(f"document {doc.id}: span {span.id} holds only line breaks")
            continue
        if (pieces[0][0], pieces[-1][1]) != (span.start, span.end):
            report.lost.append(
                f"document {doc.id}: span {span.id} starts or ends with a line break; brat keeps"
                f" {pieces[0][0]}–{pieces[-1][1]}"
            )
        elif len(pieces) > 1:
            report.lost.append(
                f"document {doc.id}: span {span.id} crosses a line break; written as"
                f" {len(pieces)} fragments"
            )
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        text = " ".join(doc.text[s:e] for s, e in pieces)
        tid = tids[span.id] = f"T{number}"
        start, end = places[span.id] = pieces[0][0], pieces[-1][1]
        lines.append(f"{tid}\t{type_name(span.label)} {offsets}\t{text}")
        if span.note:
            note = " ".join(span.note.splitlines())
            if note != span.note:
                report.lost.append(
                    f"document {doc.id}: the note of span {span.id} is put on one line"
                )
            note_number += 1
            lines.append(f"#{note_number}\tAnnotatorNotes {tid}\t{note}")
        values = doc.attributes.get(span.id, {})
        attribute_lines = conf.span_lines(tid, span.label, values, attribute_number)
        attribute_number += len(attribute_lines)
        lines += attribute_lines
        links += [
            ("A", name, start, end, shown)
            for name, value in values.items()
            for shown in _shown_values(value)
        ]
    mine = {span.id for span in spans}
    relation_number = 0
    for relation in doc.relations:
        if relation.source not in mine and relation.target not in mine:
            continue  # another annotator's
        if relation.source not in tids or relation.target not in tids:
            conf.lost.relations_without_end += 1
            continue
        conf.relation_used(relation.type)
        relation_number += 1
        source, target = tids[relation.source], tids[relation.target]
        lines.append(f"R{relation_number}\t{type_name(relation.type)} Arg1:{source} Arg2:{target}")
        links.append(("R", relation.type, *places[relation.source], str(places[relation.target])))
    return lines, links


def _links(doc: DocumentIn) -> list[Link]:
    """What a document read back links, in the form `_ann_lines` gives it."""
    places = {span.ref: (span.start, span.end) for span in doc.spans}
    links: list[Link] = [
        ("A", name, span.start, span.end, shown)
        for span in doc.spans
        for name, value in span.attributes.items()
        for shown in _shown_values(value)
    ]
    links += [("R", r.type, *places[r.source], str(places[r.target])) for r in doc.relations]
    return links


def _shown_values(value: object) -> list[str]:
    """An attribute value as the texts brat keeps of it (nothing for False or no choice)."""
    if value is None or value is False:
        return []
    if value is True:
        return ["yes"]
    if isinstance(value, (list, tuple)):
        return [str(choice) for choice in value]
    return [value_text(value)]


def read(path: Path) -> list[DocumentIn]:
    """Every .ann file under the folder with its .txt; a sub-folder's name is its annotator.

    Only regular files are read (a pipe named ``x.ann`` is refused by name, never opened), the
    walk is bounded in depth and entries, and the files together in bytes.
    """
    root = Path(path)
    if not root.is_dir():
        raise FormatError(root, "a brat collection is a folder of .txt and .ann files")
    budget = [MAX_DATASET_BYTES]
    conf = _read_conf(root, budget)
    documents = []
    for ann in _ann_files(root):
        relative = ann.relative_to(root)
        where = f"entry {printable(relative.as_posix())}"
        txt = ann.with_suffix(".txt")
        txt_where = f"entry {printable(txt.relative_to(root).as_posix())}"
        if txt.is_symlink():
            raise FormatError(root, "is a symbolic link; a collection holds plain files", where)
        if not txt.exists():
            raise FormatError(root, f"has no text file {printable(txt.name)} beside it", where)
        text = _read_text(txt, root, txt_where, budget)
        annotator = unquote(relative.parent.as_posix()) if relative.parent != Path(".") else None
        spans, relations, others = _parse_ann(
            _read_text(ann, root, where, budget), text, annotator, root, where, conf
        )
        documents.append(
            DocumentIn(
                text=text,
                spans=spans,
                relations=relations,
                scheme=conf.scheme,
                not_imported=[
                    f"{printable(relative.as_posix())}: {count} {kind} line(s)"
                    " (Claimdesk holds text spans, their attributes and relations)"
                    for kind, count in others.items()
                ],
                title=ann.stem.split("-", 1)[-1].replace("-", " ") or ann.stem,
                source=relative.with_suffix(".txt").as_posix(),
                where=where,
                labels=conf.colours,
                file_id=f"{quote(annotator or '', safe=' ')}/{ann.stem}",
            )
        )
    if not documents:
        raise FormatError(root, "holds no brat .ann files")
    return documents


def _ann_files(root: Path) -> list[Path]:
    """The .ann files under root in name order; a linked .ann or folder is refused."""
    found: list[Path] = []
    for entry in walk_folder(root):
        is_ann = entry.name.endswith(".ann")
        if entry.is_symlink() and (is_ann or entry.is_dir()):
            where = f"entry {printable(Path(entry.path).relative_to(root).as_posix())}"
            raise FormatError(root, "is a symbolic link; a collection holds plain files", where)
        if is_ann and not entry.is_dir(follow_symlinks=False):
            found.append(Path(entry.path))  # a pipe or device is refused when it is read
    return sorted(found)


def _read_text(path: Path, root: Path, where: str, budget: list[int] | None = None) -> str:
    """A regular file's UTF-8 text; ``budget`` holds the bytes the collection may still use."""
    limit = MAX_ENTRY_BYTES if budget is None else min(MAX_ENTRY_BYTES, budget[0])
    data = read_regular(path, limit, root, where)
    if budget is not None:
        budget[0] -= len(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(root, f"is not UTF-8 text (byte {exc.start + 1})", where) from None


def _read_conf(root: Path, budget: list[int]) -> Conf:
    """What the collection's annotation.conf and visual.conf define (either may be absent)."""
    texts: list[str | None] = []
    for name in ("annotation.conf", "visual.conf"):
        path = root / name
        texts.append(_read_text(path, root, f"entry {name}", budget) if path.exists() else None)
    return read_conf(*texts)


def _parse_ann(
    content: str, text: str, annotator: str | None, root: Path, where: str, conf: Conf
) -> tuple[list[SpanIn], list[RelationIn], dict[str, int]]:
    """The spans with their notes and attributes, the relations between them, and how many
    lines of each kind Claimdesk cannot hold."""
    spans: dict[str, SpanIn] = {}
    notes: dict[str, str] = {}
    others: dict[str, int] = {}
    links = _Links(root)
    content = content.removeprefix("\ufeff")  # a byte-order mark some editors add
    for number, line in enumerate(content.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        here = f"{where}, line {number}"
        if line.startswith("T"):
            match = _T_LINE.match(line)
            if not match:
                raise FormatError(root, f"malformed text-bound line {shown_value(line[:60])}", here)
            ident, brat_type, offsets, covered = match.groups()
            if any(len(number) > _MAX_DIGITS for number in offsets.replace(";", " ").split()):
                raise FormatError(
                    root, f"{ident} has an offset of more than {_MAX_DIGITS} digits", here
                )
            pieces = [tuple(map(int, part.split())) for part in offsets.split(";")]
            for start, end in pieces:
                if not start < end:
                    raise FormatError(
                        root, f"{ident}: start ({start}) is not before end ({end})", here
                    )
                if end > len(text) and not _utf16_covers(text, pieces, covered):
                    raise FormatError(
                        root, f"fragment {start}–{end} lies outside the text (0–{len(text)})", here
                    )
            label = label_name(brat_type)
            if _utf16_covers(text, pieces, covered):  # the import moves it and reports it
                (start, end), quote = pieces[0], covered
                spans[ident] = SpanIn(start, end, label, annotator, quote=quote, ref=ident)
                continue
            expected = " ".join(text[s:e] for s, e in pieces)
            if covered != expected:
                raise FormatError(
                    root,
                    f"{ident} says {shown_value(covered)} but the text there is"
                    f" {shown_value(expected)}",
                    here,
                )
            spans[ident] = SpanIn(pieces[0][0], pieces[-1][1], label, annotator, ref=ident)
        elif line.startswith("#"):
            match = _NOTE_LINE.match(line)
            if match:
                notes[match.group(1)] = match.group(2)
        elif line[:1] in "AMR":
            links.add(line, here)
        elif match := _OTHER_LINE.match(line):
            kind = _OTHER_KINDS[match.group(1) or match.group(2)]
            others[kind] = others.get(kind, 0) + 1
        else:
            raise FormatError(root, f"not a brat annotation line: {shown_value(line[:60])}", here)
    for ident, span in spans.items():
        span.note = notes.get(ident, "")
    relations = links.resolve(spans, annotator, conf, others)
    return list(spans.values()), relations, others


class _Links:
    """The A, M and R lines of one .ann file, checked, then resolved once every T line is
    known (brat does not require a span's line to come first)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.attributes: list[tuple[str, str, str, str | None, str]] = []
        self.relations: list[tuple[str, str, str, str, str]] = []

    def add(self, line: str, here: str) -> None:
        if line.startswith("R"):
            match = _RELATION_LINE.match(line)
            args = match.group(3).split() if match else []
            ends = [arg.partition(":") for arg in args]
            if not match or len(ends) != 2 or not all(role and end for role, _, end in ends):
                raise FormatError(
                    self.root,
                    "a relation line needs a type and two arguments (Arg1:T1 Arg2:T2), not"
                    f" {shown_value(line[:60])}",
                    here,
                )
            if ends[0][2] == ends[1][2]:
                raise FormatError(self.root, f"{match.group(1)} links {ends[0][2]} to itself", here)
            self.relations.append((match.group(1), match.group(2), ends[0][2], ends[1][2], here))
            return
        found = _ATTRIBUTE_LINE.match(line)
        if not found:
            raise FormatError(
                self.root,
                f"an attribute line needs a name and a span (A1\tName T1 [value]), not"
                f" {shown_value(line[:60])}",
                here,
            )
        ident, name, target, value = found.groups()
        self.attributes.append((ident, name, target, value, here))

    def _known(self, ident: str, target: str, spans: dict[str, SpanIn], here: str) -> bool:
        """Whether ``target`` is a span; False for an event's or relation's id (not imported);
        an id of a span that no T line defines is refused."""
        if target in spans:
            return True
        if target.startswith("T"):
            raise FormatError(self.root, f"{ident} names {target}, which no T line defines", here)
        return False

    def resolve(
        self, spans: dict[str, SpanIn], annotator: str | None, conf: Conf, others: dict[str, int]
    ) -> list[RelationIn]:
        for ident, brat_name, target, value, here in self.attributes:
            if not self._known(ident, target, spans, here):
                others["attribute (of an event or relation)"] = (
                    others.get("attribute (of an event or relation)", 0) + 1
                )
                continue
            name, found, several = attribute_value(conf, brat_name, value)
            attributes = spans[target].attributes
            if several:
                attributes.setdefault(name, []).append(found)
            else:
                attributes[name] = found
        for span in spans.values():
            for name, kind in conf.absent.get(span.label, {}).items():
                span.attributes.setdefault(name, False if kind is AttributeKind.BOOL else [])
            for name, value in span.attributes.items():
                order = conf.multi_choices.get(name)
                if isinstance(value, list) and order is not None:
                    value.sort(key=lambda c: order.index(c) if c in order else len(order))
        relations = []
        for ident, brat_type, source, target, here in self.relations:
            known = [self._known(ident, end, spans, here) for end in (source, target)]
            if not all(known):
                others["relation (of an event)"] = others.get("relation (of an event)", 0) + 1
                continue
            relations.append(RelationIn(label_name(brat_type), source, target, annotator, here))
        return relations


def _utf16_covers(text: str, pieces: list[tuple[int, ...]], covered: str) -> bool:
    """True for a one-fragment span whose offsets count UTF-16 code units (a JavaScript or Java
    tool wrote it) and whose stated text is then the text there; never for code point offsets."""
    if len(pieces) != 1:
        return False
    start, end = pieces[0]
    if 0 <= start < end <= len(text) and text[start:end] == covered:
        return False
    points = Utf16Reading(text).span(start, end)
    return points is not None and text[points[0] : points[1]] == covered
