"""Export a project's annotations to a dataset file or folder in any registered format."""

from __future__ import annotations

from pathlib import Path

from core.formats import registry
from core.formats.base import ExportReport, ExportSelection, Progress
from core.formats.source import ProjectSource
from core.project import Project


def export_dataset(
    project: Project,
    format_name: str,
    out: Path | str,
    selection: ExportSelection | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the selected documents and annotations; the report says what the format lost.

    Raises FormatError (bad destination, unknown format, failed read-back), MissingExtraError
    (an optional library is needed), Cancelled (progress returned False; nothing is left).
    """
    info = registry.get(format_name)
    info.load()  # fail on a missing extra before reading anything
    source = ProjectSource(project, selection)
    return info.export(source, Path(out), progress)
