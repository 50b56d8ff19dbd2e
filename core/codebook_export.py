"""A project's codebook written to a codebook file: labels in the tagging panel's order (each
group followed by its members), with their attributes, the relation types and the document label
sets."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from claimdesk.core.codebook import Codebook, CodebookError, codebook_data
from claimdesk.core.outputs import OutputError, atomic_write
from claimdesk.core.records import label_tree_order

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project


def export_codebook(project: Project, path: Path) -> Codebook:
    """Write the project's codebook to ``path`` (never over a project file); what was written."""
    from claimdesk.core.classroom.exercise_codebook import project_codebook

    codebook = project_codebook(project)
    order = {label.name: i for i, (label, _) in enumerate(label_tree_order(project.labels()))}
    labels = sorted(codebook.labels, key=lambda label: order.get(label.name, len(order)))
    codebook = replace(codebook, labels=tuple(labels))
    path = Path(path)
    text = json.dumps(codebook_data(codebook), ensure_ascii=False, indent=2) + "\n"
    try:
        # Replaced only once complete; never over a project file, a device or a folder.
        with atomic_write(path) as temporary:
            temporary.write_text(text, encoding="utf-8")
    except OutputError as exc:
        raise CodebookError(path, exc.reason) from None
    return codebook


def describe(codebook: Codebook) -> str:
    """'11 label(s), 30 attribute(s), 3 relation type(s), 2 document label set(s)'."""
    scheme = codebook.scheme
    if scheme.empty:
        return f"{len(codebook.labels)} label(s)"
    return (
        f"{len(codebook.labels)} label(s), {sum(len(a) for a in scheme.attributes.values())} "
        f"attribute(s), {len(scheme.relations)} relation type(s), {len(scheme.doc_labels)} "
        "document label set(s)"
    )
