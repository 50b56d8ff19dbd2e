"""The sample project: the seed articles and codebook, created on first launch."""

from __future__ import annotations

import os
from pathlib import Path

from claimdesk.core.codebook import load_codebook
from claimdesk.core.importing import import_paths
from claimdesk.core.paths import sample_project_path, seeds_dir
from claimdesk.core.store.project import Project
from claimdesk.core.suffixes import PROJECT_SUFFIX


def create_sample_project(path: Path) -> Path:
    """Build the sample project beside ``path`` and move it into place only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial{PROJECT_SUFFIX}")
    _remove(partial)
    try:
        seeds = seeds_dir()
        codebook = load_codebook(seeds / "codebook.json")
        with Project.create(partial, name="Sample project", codebook=codebook) as project:
            import_paths(project, sorted(seeds.glob("*.txt")))
        partial.replace(path)
    except BaseException:
        # A failed or interrupted build leaves nothing behind, not even a hidden file.
        _remove(partial)
        raise
    return path


def _remove(project_file: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{project_file}{suffix}").unlink(missing_ok=True)


def ensure_sample_project() -> Path:
    path = sample_project_path()
    if not path.exists():
        create_sample_project(path)
    return path
