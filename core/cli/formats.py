"""claimdesk-cli export / import-annotations: datasets out to other tools and back in."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from claimdesk.core.errors import Cancelled
from claimdesk.core.formats import registry
from claimdesk.core.formats.base import ExportSelection
from claimdesk.core.store.project import Project

PROG = "claimdesk-cli"


def _format_help(importable: bool) -> str:
    formats = registry.importable_formats() if importable else registry.all_formats()
    return "; ".join(
        f"{f.name}: {f.title}{' (--out is a folder)' if f.folder and not importable else ''}"
        for f in formats
    )


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While exporting, SIGTERM unwinds like an error, so the hidden partial file is removed
    at once (SIGKILL cannot be caught: the next export to the same place removes its file)."""

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        # None: the previous handler was not set from Python; the default is the safe choice.
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def cmd_export(args: argparse.Namespace) -> int:
    from claimdesk.core.formats.export import export_dataset

    selection = ExportSelection(tuple(args.annotator or ()), tuple(args.documents or ()))
    # A project file, or a postgresql:// address as text (a Path is always a file).
    with _sigterm_unwinds(), Project.open(str(args.project)) as project:
        try:
            report = export_dataset(project, args.format, Path(args.out), selection)
        except Cancelled:  # pragma: no cover - only the GUI cancels
            print("Export cancelled; nothing was written.", flush=True)
            return 1
    print(report.summary(), flush=True)
    return 0


def cmd_import_annotations(args: argparse.Namespace) -> int:
    from claimdesk.core.formats.importer import import_annotations

    with Project.open(Path(args.project)) as project:
        report = import_annotations(
            project,
            args.format,
            Path(args.path),
            annotator=args.annotator,
            strict=args.strict,
            offsets=args.offsets,
        )
    print(report.summary(), flush=True)
    return 0


def register(commands: Any) -> None:
    names = [f.name for f in registry.FORMATS]
    export = commands.add_parser(
        "export",
        help="export annotations as a dataset (JSONL, CSV, brat, CoNLL, spaCy, Label Studio, …)",
        description=(
            "Write the project's documents and annotations in a format another tool reads. The "
            "export is written to a temporary file and moved into place at the end, then read "
            "back to check that every span still covers the same text. The report lists what "
            "the format cannot hold. An existing file is replaced, but never a Claimdesk "
            "project (nor its -wal/-shm file) or a folder that holds files. "
            f"Formats: {_format_help(False)}."
        ),
    )
    export.add_argument("project", metavar="PROJECT")
    export.add_argument(
        "--format", required=True, choices=names, metavar="FORMAT", help=", ".join(names)
    )
    export.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="file to write (a new or empty folder for brat, uima-xmi)",
    )
    export.add_argument(
        "--annotator",
        action="append",
        metavar="NAME",
        help="only this annotator's work (repeatable)",
    )
    export.add_argument(
        "--documents",
        nargs="+",
        type=int,
        metavar="ID",
        help="only these document ids (see 'list')",
    )
    export.set_defaults(run=cmd_export)

    imp = commands.add_parser(
        "import-annotations",
        help="import documents with their annotations from a dataset file",
        description=(
            "Read annotations from a dataset file and add them to the project in one step "
            "(undoable in the app). Documents are matched to those already here by their exact "
            "text, or added; texts are kept exactly as the file gives them so offsets stay "
            "valid. New labels and annotators are created; spans already here are skipped, so "
            "importing the same file twice adds nothing. A malformed file is rejected with the "
            "line or entry and the reason, and the project is left unchanged. "
            f"Formats: {_format_help(True)}."
        ),
    )
    imp.add_argument("project", metavar="PROJECT")
    imp.add_argument("path", metavar="PATH", help="the file (or brat/uima-xmi folder) to read")
    importable = [f.name for f in registry.FORMATS if f.importable]
    imp.add_argument(
        "--format",
        required=True,
        choices=importable,
        metavar="FORMAT",
        help=", ".join(importable),
    )
    imp.add_argument(
        "--annotator",
        metavar="NAME",
        help="who made spans whose file does not name an annotator (default: Imported)",
    )
    imp.add_argument(
        "--strict", action="store_true", help="refuse labels that are not in the codebook"
    )
    imp.add_argument(
        "--offsets",
        choices=("codepoints", "utf16", "auto"),
        default="codepoints",
        help="how the file counts offsets: code points (Claimdesk's unit and the default; a span "
        "whose stated text only a UTF-16 reading explains is repaired and reported), utf16 "
        "(code units, as editors built on Qt, JavaScript or Java count: QualCoder, doccano's "
        "browser editor), or auto (for files that state no text, such as doccano JSONL: the "
        "reading that puts the spans on word boundaries, said in the report)",
    )
    imp.set_defaults(run=cmd_import_annotations)
