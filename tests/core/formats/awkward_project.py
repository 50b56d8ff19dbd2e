"""A project holding awkward text for the export/import tests of the "simple" formats."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from claimdesk.core.store.edits import AddDocuments
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import sha256_text
from tests.committed import committed_rows

# Emoji and CJK outside the BMP before the spans, a combining accent, CRLF kept as given,
# HTML- and formula-looking text.
TEXT_1 = "😀𠀋 said: Cafe\u0301 prices rose.\r\n<b>Bold</b>&amp; =SUM(A1) was quoted.\r\nEnd."
TEXT_2 = "Second article 🙂 税金 rose."


def build(project: Project) -> dict[str, int]:
    """Two documents, two annotators, three labels (one with a space, one non-Latin)."""
    claim, _ = project.add_label("Factual claim", "#e6194b")
    other, _ = project.add_label("主张 opinion", "#3cb44b")
    html, _ = project.add_label("<b>x</b>&amp;", "#4363d8")
    rows = [
        {"title": "Prices =rise 😀", "source": "a.txt", "date": "", "meta": {}, "text": t,
         "sha256": sha256_text(t)}
        for t in (TEXT_1, TEXT_2)
    ]  # fmt: skip
    rows[1]["title"] = "Second"
    command = AddDocuments(rows)
    project.apply(command)
    d1, d2 = command.ids
    ana = project.ensure_annotator("Ana").id
    bo = project.ensure_annotator("Bo").id
    cafe = TEXT_1.index("Cafe")
    said = TEXT_1.index("said")
    bold = TEXT_1.index("<b>")
    sums = TEXT_1.index("=SUM")
    project.add_annotation(d1, claim.id, ana, cafe, cafe + 5, note="=HYPERLINK(x) <i>n</i>")
    project.add_annotation(d1, other.id, ana, said, cafe + 18)  # overlaps the one above
    project.add_annotation(d1, html.id, ana, bold, bold + 11)
    project.add_annotation(d1, claim.id, ana, sums, sums + 8)  # adjacent to nothing, "=SUM(A1)"
    project.add_annotation(d1, claim.id, bo, 0, 2)  # 😀𠀋
    project.add_annotation(d1, other.id, bo, cafe, TEXT_1.index("Bold") + 4)  # over CRLF
    project.add_annotation(d2, claim.id, bo, 0, 6)
    project.add_annotation(d2, other.id, bo, 6, 14)  # adjacent to the one before
    project.history = type(project.history)()
    return {"d1": d1, "d2": d2}


def rows(where: Path | Project) -> dict[str, list[tuple[object, ...]]]:
    """Every row that matters, as another program sees the file or the server database (to
    prove nothing changed)."""
    tables = ("document", "label", "annotator", "annotation", "document_status")
    if isinstance(where, Project):
        return {
            table: committed_rows(where, f"SELECT * FROM {table} ORDER BY 1") for table in tables
        }
    conn = sqlite3.connect(where)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in tables
        }
    finally:
        conn.close()


def spans(project: Project) -> set[tuple[str, str, str, int, int, str, str]]:
    """(document text, annotator, label, start, end, quote, note) for every annotation."""
    labels = {label.id: label.name for label in project.labels()}
    people = {a.id: a.name for a in project.annotators()}
    found = set()
    for doc in project.documents():
        text = project.document_text(doc.id)
        for a in project.annotations(doc.id, None):
            found.add(
                (text, people[a.annotator_id], labels[a.label_id], a.start, a.end, a.quote, a.note)
            )
    return found
