"""Export a project's annotations to a dataset file or folder in any registered format."""

from __future__ import annotations

from pathlib import Path

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import ExportReport, ExportSelection, FormatError
from claimdesk.core.formats.source import ProjectSource
from claimdesk.core.outputs import OutputError, check_output
from claimdesk.core.progress import Progress
from claimdesk.core.store.project import Project


def export_dataset(
    project: Project,
    format_name: str,
    out: Path | str,
    selection: ExportSelection | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the selected documents and annotations; the report says what the format lost.

    Raises FormatError (a destination that must not or cannot be written — a project, the
    file being read, a folder, a missing or read-only folder —, an unknown format, a failed
    read-back), MissingExtraError (an optional library is needed), Cancelled (progress
    returned False; nothing is left).
    """
    info = registry.get(format_name)
    info.load()  # fail on a missing extra before reading anything
    try:  # checked before any work; atomic_output checks again before the move
        check_output(Path(out), folder=info.folder, reading=[project.path])
    except OutputError as exc:
        raise FormatError(exc.path, exc.reason) from None
    source = ProjectSource(project, selection)
    return info.export(source, Path(out), progress)
