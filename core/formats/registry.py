"""The dataset formats Claimdesk writes and reads, looked up by name.

The one place that says what each format is (name, title, file or folder, suffix, whether it
can be imported): the command line, the export dialog and the format modules themselves
(``FORMAT = registry.info_of(__name__)``) read it here. Format modules are imported only when
used, so that start-up and `--help` stay fast and an optional library (spaCy) is needed only by
the format that uses it.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import cast

from claimdesk.core.formats.base import (
    DocumentIn,
    ExportReport,
    ExportSource,
    FormatError,
    MissingExtraError,
)
from claimdesk.core.progress import Progress


@dataclass(frozen=True)
class FormatInfo:
    """What the registry knows about a format without importing its module."""

    name: str  # the --format value
    module: str  # core.formats.<module>
    title: str  # one line for the dialog
    folder: bool  # --out is a folder
    suffix: str  # default file suffix ("" for folders)
    importable: bool
    extra: str | None = None  # the optional dependency it needs, as "module:extra"

    def load(self) -> ModuleType:
        if self.extra is not None:
            library, extra = self.extra.split(":")
            try:
                importlib.import_module(library)
            except ImportError:
                raise MissingExtraError(
                    self.name,
                    f"this format needs {library}, which is not installed;"
                    f" install it with: pip install 'claimdesk[{extra}]'",
                ) from None
        return importlib.import_module(f"claimdesk.core.formats.{self.module}")

    def available(self) -> bool:
        """The module exists and its optional dependency is installed."""
        try:
            self.load()
        except (ImportError, MissingExtraError):
            return False
        return True

    def export(
        self, source: ExportSource, out: Path, progress: Progress | None = None
    ) -> ExportReport:
        return cast(ExportReport, self.load().export(source, out, progress))

    def read(self, path: Path) -> list[DocumentIn]:
        if not self.importable:
            raise FormatError(path, f"{self.name} files cannot be imported (export only)")
        return cast(list[DocumentIn], self.load().read(path))

    def read_codebook(self, path: Path) -> dict[str, str]:
        """The labels a file defines (name -> colour, "" if none), for formats that can hold
        a codebook without any document (a REFI-QDA project of codes only); else empty."""
        reader = getattr(self.load(), "read_codebook", None)
        return {} if reader is None else cast(dict[str, str], reader(path))


FORMATS: tuple[FormatInfo, ...] = (
    FormatInfo("jsonl", "jsonl", "JSONL (doccano, HuggingFace datasets)", False, ".jsonl", True),
    FormatInfo("csv", "csv", "CSV, one row per annotation (spreadsheets)", False, ".csv", False),
    FormatInfo("brat", "brat", "brat standoff (.txt + .ann per document)", True, "", True),
    FormatInfo("conll", "conll", "CoNLL-2003 IOB2 tokens (NER training)", False, ".conll", False),
    FormatInfo(
        "spacy", "spacy_docbin", "spaCy v3 DocBin (.spacy)", False, ".spacy", False, "spacy:spacy"
    ),
    FormatInfo(
        "labelstudio",
        "labelstudio",
        "Label Studio JSON tasks + labeling config",
        False,
        ".json",
        True,
    ),
    FormatInfo("uima-xmi", "uima_xmi", "UIMA CAS XMI (INCEpTION, WebAnno)", True, "", True),
    FormatInfo("w3c", "w3c", "W3C Web Annotation JSON-LD", False, ".jsonld", False),
    FormatInfo(
        "qdpx",
        "qdpx",
        "REFI-QDA project (QualCoder, ATLAS.ti, NVivo, MAXQDA)",
        False,
        ".qdpx",
        True,
    ),
)


def all_formats() -> list[FormatInfo]:
    """Every format whose module is present in this installation."""
    return [f for f in FORMATS if importlib.util.find_spec(f"claimdesk.core.formats.{f.module}")]


def info_of(module: str) -> FormatInfo:
    """The registry's entry for a format module (``__name__`` of claimdesk.core.formats.csv)."""
    short = module.rpartition(".")[2]
    for info in FORMATS:
        if info.module == short:
            return info
    raise LookupError(f"{module} is not a format module in the registry")


def importable_formats() -> list[FormatInfo]:
    return [f for f in all_formats() if f.importable]


def get(name: str) -> FormatInfo:
    """The format called ``name``; a clear error listing the choices otherwise."""
    for info in all_formats():
        if info.name == name:
            return info
    choices = ", ".join(f.name for f in all_formats())
    raise FormatError(name, f"unknown format {name!r}; choose one of: {choices}")
