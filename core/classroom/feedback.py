"""Feedback for one student: a self-contained, printable HTML page (everything escaped).

The page shows the scores per label, each document's text twice — the student's spans beside the
key's, in the label colours — the missed, extra, boundary and wrong-label lists, and the
definitions of the labels the student missed. Every piece of text from a file or a project
(names, titles, labels, quotes, documents) is escaped; the page has no script and loads nothing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

from claimdesk.core.classroom.grading import (
    Claim,
    ClassGrades,
    GradedDocument,
    GradedLabel,
    StudentGrades,
)
from claimdesk.core.classroom.scheme_grading import RelationCounts, SchemeGrades, Scores, Tally
from claimdesk.core.contrast import readable_text
from claimdesk.core.outputs import file_name_part, prepare_folder, write_text_file

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_FALLBACK = "#bbbbbb"

# The page is paper: dark text on white, set together, so that no reader's dark theme (a browser's
# or the app's own preview) paints its own background behind text meant for white.
PAGE_TEXT = "#222222"
PAGE_BACKGROUND = "#ffffff"

_STYLE = f"""
body {{ font-family: sans-serif; color: {PAGE_TEXT}; background-color: {PAGE_BACKGROUND};
  margin: 24px; }}
h1 {{ font-size: 20px; margin-bottom: 4px; }}
h2 {{ font-size: 16px; margin-top: 24px; border-bottom: 1px solid #ccc; }}
h3 {{ font-size: 14px; margin-top: 16px; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 3px 8px; vertical-align: top; }}
th {{ background: #f2f2f2; text-align: left; }}
td.num {{ text-align: right; }}
.text {{ white-space: pre-wrap; font-family: serif; font-size: 13px; line-height: 150%; }}
.side {{ width: 50%; }}
.chip {{ padding: 0 6px; border-radius: 3px; }}
.muted {{ color: #666; }}
* {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
@media print {{ .document {{ page-break-inside: avoid; }} }}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _colour(label: GradedLabel | None) -> str:
    colour = label.colour if label is not None else _FALLBACK
    return colour.lower() if _COLOUR.match(colour) else _FALLBACK


def _on(background: str) -> str:
    """The text colour, the page's or white, that reads better on ``background`` (WCAG)."""
    return f"background-color: {background}; color: {readable_text(background, dark=PAGE_TEXT)};"


def _tint(colour: str, amount: float = 0.45) -> str:
    """The colour mixed with white, so that text on it stays readable (and prints)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(255 - (255 - c) * amount) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _highlighted(text: str, claims: Sequence[Claim], labels: dict[int, GradedLabel]) -> str:
    """The text with each span's background in its label's colour; overlaps are outlined."""
    cuts = {0, len(text)}
    for claim in claims:
        cuts.update((max(0, min(claim.start, len(text))), max(0, min(claim.end, len(text)))))
    bounds = sorted(cuts)
    parts: list[str] = []
    waiting = sorted(claims, key=lambda c: (c.start, c.end))
    active: list[Claim] = []
    index = 0
    for start, end in itertools.pairwise(bounds):
        piece = _e(_line_breaks(text, start, end))
        while index < len(waiting) and waiting[index].start <= start:
            active.append(waiting[index])
            index += 1
        active = [c for c in active if c.end > start]
        covering = [c for c in active if end <= c.end]
        if not covering:
            parts.append(piece)
            continue
        names = ", ".join(dict.fromkeys(c.label_name for c in covering))
        colour = _colour(labels.get(covering[0].label_id))
        border = "border: 1px solid #333; " if len(covering) > 1 else ""
        parts.append(
            f'<span style="{border}{_on(_tint(colour))} '
            f'border-bottom: 2px solid {colour};" title="{_e(names)}">{piece}</span>'
        )
    return "".join(parts)


def _line_breaks(text: str, start: int, end: int) -> str:
    """text[start:end] with each line break as one "\n", even when a span ends between the
    "\r" and "\n" of a CRLF (HTML reads a lone CR as a break of its own: two lines for one)."""
    piece = text[start:end]
    if piece.endswith("\r") and text[end : end + 1] == "\n":
        piece = piece[:-1]  # the "\n" that opens the next piece makes the break
    return piece.replace("\r\n", "\n").replace("\r", "\n")


def _scores_cells(scores: Scores) -> str:
    return "".join(
        f'<td class="num">{_percent(v)}</td>' for v in (scores.precision, scores.recall, scores.f1)
    )


def _chip(label: GradedLabel | None, name: str) -> str:
    colour = _colour(label)
    return f'<span class="chip" style="{_on(_tint(colour))}">{_e(name)}</span>'


def _claim_text(claim: Claim) -> str:
    quote = claim.quote if len(claim.quote) <= 300 else claim.quote[:300] + "…"
    return f'“{_e(quote)}” <span class="muted">({claim.start}–{claim.end})</span>'


def _resolve(grades: ClassGrades, student: StudentGrades | int) -> StudentGrades:
    return grades.student(student) if isinstance(student, int) else student


def feedback_html(grades: ClassGrades, student: StudentGrades | int) -> str:
    """The page: scores per label, the student's spans beside the key's in colour per document,
    missed, extra, boundary and wrong-label lists, and the definitions of labels they missed.
    ``student`` is a StudentGrades of ``grades`` or its annotator id."""
    work = _resolve(grades, student)
    labels = {label.id: label for label in grades.labels}
    who = f"{work.student_name} ({work.student_id})" if work.student_id else work.student_name
    rule = (
        "any overlap with the same label"
        if grades.tolerance is None
        else f"overlap with the same label, both ends within {grades.tolerance} characters"
    )
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Feedback: {_e(grades.title)} – {_e(who)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Feedback: {_e(grades.title)}</h1>",
        f"<p><b>Student:</b> {_e(who)}<br><b>Submitted:</b> "
        f"{work.submitted_at:%Y-%m-%d %H:%M} UTC<br><b>Time spent:</b> "
        f"{round(work.seconds_spent / 60)} min</p>",
        f'<p class="muted">Exact: same label, same start and end. Overlap: {_e(rule)}. '
        "P = precision (share of your claims that match the key), R = recall (share of the "
        "key's claims you found), F1 = their harmonic mean.</p>",
        "<h2>Scores</h2>",
        "<table><tr><th>Label</th><th>Key</th><th>Yours</th><th>Exact P</th><th>Exact R</th>"
        "<th>Exact F1</th><th>Overlap P</th><th>Overlap R</th><th>Overlap F1</th></tr>",
    ]
    unused = 0
    for label_grades in work.labels:
        exact = label_grades.exact
        if exact.tp + exact.fn + exact.fp == 0:
            unused += 1  # neither the key nor the student used it: nothing to score
            continue
        out.append(
            f"<tr><td>{_chip(label_grades.label, label_grades.label.name)}</td>"
            f'<td class="num">{exact.tp + exact.fn}</td><td class="num">{exact.tp + exact.fp}</td>'
            f"{_scores_cells(exact)}{_scores_cells(label_grades.overlap)}</tr>"
        )
    out.append(
        f'<tr><th>All labels</th><th class="num">{work.exact.tp + work.exact.fn}</th>'
        f'<th class="num">{work.exact.tp + work.exact.fp}</th>'
        f"{_scores_cells(work.exact)}{_scores_cells(work.overlap)}</tr></table>"
    )
    if unused:
        out.append(f'<p class="muted">{unused} label(s) that neither you nor the key used.</p>')
    out += _scheme_scores(work.scheme)
    out += _definitions(work, labels)
    for document in grades.documents:
        out += _document(document, work, grades.key, labels)
    out.append("</body></html>")
    return "\n".join(out)


def _tally(tally: Tally) -> str:
    if tally.accuracy is None:
        return '<span class="muted">nothing to score</span>'
    return f"{_percent(tally.accuracy)} ({tally.right} of {tally.counted})"


def _relation_cells(counts: RelationCounts) -> str:
    return (
        f"P {_percent(counts.precision)} R {_percent(counts.recall)} F1 {_percent(counts.f1)}"
        f' <span class="muted">({counts.tp} right, {counts.fp} not in the key, '
        f"{counts.fn} missed)</span>"
    )


def _scheme_scores(scheme: SchemeGrades[Claim]) -> list[str]:
    """Attributes, relations and document labels, beside the span scores."""
    if not scheme.used:
        return []
    out = [
        "<h2>Attributes, relations and document labels</h2>",
        '<p class="muted">Scored beside your spans, not part of the span scores above. '
        "Attributes: the share of your spans matched to the key whose value (its default when "
        "unset) is the key's. Relations: right when the key links the spans yours were matched "
        "to with the same type. Document labels: the share of documents where your choices are "
        "the key's.</p>",
        "<table>",
    ]
    for name, tally in scheme.attributes:
        out.append(f"<tr><td>{_e(name)}</td><td>{_tally(tally)}</td></tr>")
    if scheme.relations.used:
        out.append(f"<tr><th>Relations</th><th>{_relation_cells(scheme.relations)}</th></tr>")
        for name, counts in scheme.relation_types:
            out.append(f"<tr><td>{_e(name)}</td><td>{_relation_cells(counts)}</td></tr>")
    for name, tally in scheme.doc_labels:
        out.append(f"<tr><td>{_e(name)}</td><td>{_tally(tally)}</td></tr>")
    out.append("</table>")
    return out


def _choices(values: frozenset[str]) -> str:
    return ", ".join(sorted(values)) or "(none)"


def _scheme_details(
    document_id: int, scheme: SchemeGrades[Claim], labels: dict[int, GradedLabel]
) -> list[str]:
    """One document's attribute values that differ, relations missed and extra, and labels."""
    out: list[str] = []
    misses = [m for m in scheme.attribute_misses if m.key.document_id == document_id]
    if misses:
        out.append(f"<h3>Attribute values that differ ({len(misses)})</h3><ul>")
        out += [
            f"<li>{_chip(labels.get(m.key.label_id), m.key.label_name)} {_claim_text(m.key)}"
            f"<br>{_e(m.text)}</li>"
            for m in misses
        ]
        out.append("</ul>")
    for heading, relations in (
        ("Missed relations", scheme.missed_relations),
        ("Relations not in the key", scheme.extra_relations),
    ):
        here = [r for r in relations if r.document_id == document_id]
        if here:
            out.append(f"<h3>{heading} ({len(here)})</h3><ul>")
            out += [
                f"<li><b>{_e(r.type_name)}</b> {_claim_text(r.source)} "
                f"{'→' if r.directed else '↔'} {_claim_text(r.target)}</li>"
                for r in here
            ]
            out.append("</ul>")
    results = [r for r in scheme.doc_label_results if r.document_id == document_id]
    if results and not all(r.right for r in results):
        out.append("<h3>Document labels</h3><ul>")
        out += [
            f"<li>{_e(r.set_name)}: you {_e(_choices(r.mine))} · key {_e(_choices(r.key))} "
            f"{'✓' if r.right else '✗'}</li>"
            for r in results
        ]
        out.append("</ul>")
    return out


def _definitions(work: StudentGrades, labels: dict[int, GradedLabel]) -> list[str]:
    missed_ids = dict.fromkeys(
        [c.label_id for c in work.missed] + [k.label_id for _, k in work.wrong_label]
    )
    if not missed_ids:
        return []
    out = ["<h2>Definitions of the labels you missed</h2><dl>"]
    for label_id, label in labels.items():  # in codebook order
        if label_id not in missed_ids:
            continue
        definition = label.description or "(no definition in the codebook)"
        out.append(f"<dt>{_chip(label, label.name)}</dt><dd>{_e(definition)}</dd>")
    out.append("</dl>")
    return out


def _in(document_id: int, claims: Iterable[Claim]) -> list[Claim]:
    return [c for c in claims if c.document_id == document_id]


def _document(
    document: GradedDocument,
    work: StudentGrades,
    key: Sequence[Claim],
    labels: dict[int, GradedLabel],
) -> list[str]:
    mine = _in(document.id, work.claims)
    theirs = _in(document.id, key)
    out = [
        '<div class="document">',
        f"<h2>{_e(document.title)}</h2>",
        '<table width="100%"><tr><th class="side">Your annotations '
        f'({len(mine)})</th><th class="side">Answer key ({len(theirs)})</th></tr>',
        f'<tr><td class="side text">{_highlighted(document.text, mine, labels)}</td>'
        f'<td class="side text">{_highlighted(document.text, theirs, labels)}</td></tr>',
        "</table>",
    ]
    missed = _in(document.id, work.missed)
    extra = _in(document.id, work.extra)
    boundary = [(m, k) for m, k in work.boundary if k.document_id == document.id]
    wrong = [(m, k) for m, k in work.wrong_label if k.document_id == document.id]
    for heading, claims in (("Missed claims", missed), ("Claims not in the key", extra)):
        if claims:
            out.append(f"<h3>{heading} ({len(claims)})</h3><ul>")
            out += [
                f"<li>{_chip(labels.get(c.label_id), c.label_name)} {_claim_text(c)}</li>"
                for c in claims
            ]
            out.append("</ul>")
    if boundary:
        out.append(f"<h3>Boundary errors ({len(boundary)})</h3><ul>")
        out += [
            f"<li>{_chip(labels.get(k.label_id), k.label_name)} you: {_claim_text(m)}"
            f"<br>key: {_claim_text(k)}</li>"
            for m, k in boundary
        ]
        out.append("</ul>")
    if wrong:
        out.append(f"<h3>Wrong label ({len(wrong)})</h3><ul>")
        out += [
            f"<li>you: {_chip(labels.get(m.label_id), m.label_name)} {_claim_text(m)}"
            f"<br>key: {_chip(labels.get(k.label_id), k.label_name)} {_claim_text(k)}</li>"
            for m, k in wrong
        ]
        out.append("</ul>")
    richer = _scheme_details(document.id, work.scheme, labels)
    out += richer
    if not (missed or extra or boundary or wrong or richer):
        out.append("<p>Every claim of this document matches the key exactly.</p>")
    out.append("</div>")
    return out


def feedback_file_name(student: StudentGrades) -> str:
    """The page's file name: the student's name and id made safe for a file name (no
    separators, control or right-to-left characters, bounded), then their annotator id, which
    keeps two students' pages apart."""
    who = f"{student.student_name} {student.student_id}".strip()
    return f"{file_name_part(who, 'student')} - {student.annotator_id}.html"


def write_feedback(grades: ClassGrades, student: StudentGrades | int, folder: Path | str) -> Path:
    """Write one student's page into ``folder`` (named after the student); return its path.

    The folder is made if missing; OutputError if it is a file or cannot be written.
    """
    work = _resolve(grades, student)
    folder = prepare_folder(Path(folder))
    page = feedback_html(grades, work)
    # "replace": a lone surrogate in an old name (refused on the way in today) shows as "?".
    return write_text_file(folder / feedback_file_name(work), page, errors="replace")


def write_all_feedback(grades: ClassGrades, folder: Path | str) -> list[Path]:
    """Write every student's page into ``folder``."""
    folder = prepare_folder(Path(folder))
    return [write_feedback(grades, student, folder) for student in grades.students]
