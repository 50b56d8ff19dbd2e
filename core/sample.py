"""The sample project: the seed articles and codebook, created on first launch, with a worked
example (an "Example" annotator's claims on the first article, seeds/example-annotations.json)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from claimdesk.core.codebook import load_codebook
from claimdesk.core.importing import import_paths
from claimdesk.core.paths import sample_project_path, seeds_dir
from claimdesk.core.store.project import Project
from claimdesk.core.suffixes import PROJECT_SUFFIX

EXAMPLE_ANNOTATOR = "Example"  # whose claims the worked example shows (an ordinary annotator)
EXAMPLE_FILE = "example-annotations.json"


@dataclass(frozen=True)
class ExampleClaim:
    """One claim of the worked example, checked against the stored text before it is filed."""

    document_id: int
    label_id: int
    start: int
    end: int
    note: str


def worked_example(project: Project, path: Path) -> list[ExampleClaim]:
    """The claims of a worked-example file, each checked against this project.

    A document is found by its file name and must have the text the file was made for
    (SHA-256); each claim names an existing label, and its quote must be exactly
    ``text[start:end]`` (code points). Anything else raises ValueError naming the claim.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != "claimdesk-worked-example":
        raise ValueError(f"{path.name} is not a Claimdesk worked example.")
    labels = {label.name: label.id for label in project.labels()}
    by_file = {Path(d.source).name: d for d in project.documents()}
    claims: list[ExampleClaim] = []
    for entry in data["documents"]:
        document = by_file.get(entry["file"])
        if document is None or document.sha256 != entry["sha256"]:
            raise ValueError(f"{path.name}: the article {entry['file']} is not in the project.")
        text = project.document_text(document.id)
        for item in entry["annotations"]:
            start, end, quote = int(item["start"]), int(item["end"]), str(item["quote"])
            if text[start:end] != quote:
                raise ValueError(
                    f"{path.name}: {quote!r} is not at {start}–{end} of {entry['file']}."
                )
            if item["label"] not in labels:
                raise ValueError(f"{path.name}: the codebook has no label {item['label']!r}.")
            claims.append(
                ExampleClaim(document.id, labels[item["label"]], start, end, item.get("note", ""))
            )
    return claims


def add_worked_example(project: Project, path: Path) -> int:
    """File the worked example's claims under the "Example" annotator; returns how many."""
    claims = worked_example(project, path)  # every claim checked before anything is written
    example = project.ensure_annotator(EXAMPLE_ANNOTATOR)
    for claim in claims:
        project.add_annotation(
            claim.document_id, claim.label_id, example.id, claim.start, claim.end, claim.note
        )
    return len(claims)


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
            add_worked_example(project, seeds / EXAMPLE_FILE)
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
