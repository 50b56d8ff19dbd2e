"""brat standoff: a folder brat itself opens as a collection.

Layout: ``annotation.conf`` and ``visual.conf`` at the top; one sub-folder per annotator (its
name percent-encoded, so any name survives; a leading or trailing dot or space is encoded too, so
"." and ".." are folders "%2E" and "%2E%2E"; see `annotator_folders`) holding
``<id>-<title>.txt`` with the document text exactly as stored (line endings included: brat
reads files without translating them) and ``<id>-<title>.ann`` with one T line per span and
``#`` AnnotatorNotes lines for notes. With no annotator selected, the documents sit at the top.
Offsets are Unicode code points, as brat counts them.

brat type names cannot hold spaces or punctuation: a label becomes a type name by writing a
space as ``_`` and any other character that is not a letter, digit or ``-`` as ``_xHHHH_``
(reversible; visual.conf shows the label's real name). brat fragments must not cross a line
break, so a span over several lines is written as several fragments (``T1	Claim 0 5;6 10	...``)
and read back as one span from the first fragment's start to the last one's end.

Reading keeps T lines and their AnnotatorNotes; relations, events, attributes, normalisations
and equivalences (R, E, A/M, N and * lines) have no place in Claimdesk and are counted in the
import's report; any other line is refused with its line number.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, unquote

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    DocumentIn,
    DocumentOut,
    ExportReport,
    ExportSource,
    FormatError,
    SpanDigest,
    SpanIn,
    SpanOut,
    atomic_output,
    verify,
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
from claimdesk.core.text.utf16 import Utf16Reading

FORMAT = registry.info_of(__name__)

_ESCAPED = re.compile(r"_x([0-9A-F]{4,6})_")
_LINE_BREAK = re.compile(r"[\r\n]+")
# ASCII digits only: int() would also take other scripts' digits, which brat never writes.
_T_LINE = re.compile(r"^(T\d+)\t(\S+) ([0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)\t(.*)$", re.DOTALL)
_NOTE_LINE = re.compile(r"^#\d+\tAnnotatorNotes (T\d+)\t(.*)$", re.DOTALL)
# brat annotations Claimdesk has no place for, by the letter their ids begin with.
_OTHER_KINDS = {
    "R": "relation",
    "E": "event",
    "A": "attribute",
    "M": "attribute",
    "N": "normalisation",
    "*": "equivalence",
}
_OTHER_LINE = re.compile(r"^([REAMN])\d+\t|^(\*)\t")
_MAX_DIGITS = 15  # offsets into a text of at most a few hundred million characters


def type_name(label: str) -> str:
    """A brat type name for a label (reversible with label_name)."""
    out = []
    for char in label:
        if char == " ":
            out.append("_")
        elif char.isalnum() or char == "-":
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
    mapped = [label for label in source.labels if type_name(label.name) != label.name]
    for label in mapped:
        report.lost.append(
            f"label {label.name!r} is written as brat type {type_name(label.name)!r}"
            " (visual.conf shows the real name)"
        )
    annotators = source.annotators
    with atomic_output(out, folder=True) as temp:
        _write_conf(temp, source)
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
                lines = _ann_lines(doc, spans, report)
                (folder / f"{stem}.ann").write_text(
                    "".join(line + "\n" for line in lines), encoding="utf-8", newline=""
                )
                written.add(
                    _digest_key(names.get(annotator, ""), stem),
                    [("", s.label, s.start, s.end, s.quote) for s in spans],
                )
                report.spans += len(spans)
            report.wrote_document(len(doc.spans))
            check_progress(progress, done, total)
        report.lost.append("document titles and sources (file names keep the id and a short title)")
        read_back = SpanDigest()
        for doc_in in read(temp):
            read_back.add_read(doc_in.file_id or "", doc_in, annotator="")
        verify(report, written, read_back)
    report.files = [out]
    return report


def _ann_lines(doc: DocumentOut, spans: list[SpanOut], report: ExportReport) -> list[str]:
    lines = []
    note_number = 0
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
        lines.append(f"T{number}\t{type_name(span.label)} {offsets}\t{text}")
        if span.note:
            note = " ".join(span.note.splitlines())
            if note != span.note:
                report.lost.append(
                    f"document {doc.id}: the note of span {span.id} is put on one line"
                )
            note_number += 1
            lines.append(f"#{note_number}\tAnnotatorNotes T{number}\t{note}")
    return lines


def _write_conf(folder: Path, source: ExportSource) -> None:
    names = [type_name(label.name) for label in source.labels]
    conf = ["[entities]", *names, "", "[relations]", "", "[events]", "", "[attributes]", ""]
    (folder / "annotation.conf").write_text("\n".join(conf), encoding="utf-8")
    visual = ["[labels]"]
    visual += [f"{type_name(label.name)} | {label.name}" for label in source.labels]
    visual += ["", "[drawing]"]
    visual += [f"{type_name(label.name)}\tbgColor:{label.colour}" for label in source.labels]
    (folder / "visual.conf").write_text("\n".join(visual) + "\n", encoding="utf-8")


def read(path: Path) -> list[DocumentIn]:
    """Every .ann file under the folder with its .txt; a sub-folder's name is its annotator.

    Only regular files are read (a pipe named ``x.ann`` is refused by name, never opened), the
    walk is bounded in depth and entries, and the files together in bytes.
    """
    root = Path(path)
    if not root.is_dir():
        raise FormatError(root, "a brat collection is a folder of .txt and .ann files")
    colours = _read_colours(root / "visual.conf")
    documents = []
    budget = [MAX_DATASET_BYTES]
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
        spans, others = _parse_ann(
            _read_text(ann, root, where, budget), text, annotator, root, where
        )
        documents.append(
            DocumentIn(
                text=text,
                spans=spans,
                not_imported=[
                    f"{printable(relative.as_posix())}: {count} {kind} line(s)"
                    " (Claimdesk holds text spans)"
                    for kind, count in others.items()
                ],
                title=ann.stem.split("-", 1)[-1].replace("-", " ") or ann.stem,
                source=relative.with_suffix(".txt").as_posix(),
                where=where,
                labels=colours,
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


def _read_colours(visual: Path) -> dict[str, str]:
    colours: dict[str, str] = {}
    if not visual.exists():
        return colours
    for line in _read_text(visual, visual.parent, "entry visual.conf").splitlines():
        match = re.match(r"^(\S+)\s+bgColor:(#[0-9a-fA-F]{6})", line)
        if match:
            colours[label_name(match.group(1))] = match.group(2)
    return colours


def _parse_ann(
    content: str, text: str, annotator: str | None, root: Path, where: str
) -> tuple[list[SpanIn], dict[str, int]]:
    """The spans with their notes, and how many lines of each kind Claimdesk cannot hold."""
    spans: dict[str, SpanIn] = {}
    notes: dict[str, str] = {}
    others: dict[str, int] = {}
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
                spans[ident] = SpanIn(start, end, label, annotator, quote=quote)
                continue
            expected = " ".join(text[s:e] for s, e in pieces)
            if covered != expected:
                raise FormatError(
                    root,
                    f"{ident} says {shown_value(covered)} but the text there is"
                    f" {shown_value(expected)}",
                    here,
                )
            spans[ident] = SpanIn(pieces[0][0], pieces[-1][1], label, annotator)
        elif line.startswith("#"):
            match = _NOTE_LINE.match(line)
            if match:
                notes[match.group(1)] = match.group(2)
        elif match := _OTHER_LINE.match(line):
            kind = _OTHER_KINDS[match.group(1) or match.group(2)]
            others[kind] = others.get(kind, 0) + 1
        else:
            raise FormatError(root, f"not a brat annotation line: {shown_value(line[:60])}", here)
    found = [replace(s, note=notes.get(ident, "")) for ident, s in spans.items()]
    return found, others


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
