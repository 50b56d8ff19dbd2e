"""claimdesk-cli agreement: the agreement figures of a project, as a table or as JSON."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from claimdesk.core.agreement.compute import AgreementReport, compute_report
from claimdesk.core.agreement.report import scheme_lines
from claimdesk.core.cli.targets import PROJECT_HELP, open_project
from claimdesk.core.errors import ProjectError

UNLABELLED_HELP = {
    "category": 'text nobody labelled counts as a category "none"',
    "ignore": "only tokens that some annotator labelled count",
}


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "agreement",
        help="agreement between annotators (kappa, alpha, alpha-U, span F1)",
        description=(
            "Agreement between the annotators of a project: Cohen's kappa (pairs, mean over "
            "pairs), Fleiss' kappa and Krippendorff's alpha on tokens (runs of letters/digits, or "
            "single other characters, the same for everyone; a token carries the labels of the "
            "spans touching it); Krippendorff's unitizing alpha (alpha-U) on characters; span "
            "F1, exact (same start, end, label) and overlap (same label, at least one shared "
            "character). Overall, per label, pairwise and per document. An annotator who did not "
            "do a document (no annotations in it and status to do) is missing data there, not "
            "a disagreement. With attributes, relations or document labels in the codebook also: "
            "agreement per attribute (Cohen's kappa, Fleiss' kappa, Krippendorff's alpha — "
            "interval for numbers — over the values of spans matched between annotators, "
            "defaults applied), relation F1 (relations whose two ends match; undirected types "
            "as unordered pairs) and agreement per document label set (documents as units)."
        ),
    )
    parser.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")
    parser.add_argument(
        "--annotators",
        nargs="+",
        metavar="NAME",
        help="only these annotators (by name; default: everyone but the gold set)",
    )
    parser.add_argument(
        "--labels", nargs="+", metavar="LABEL", help="only these labels (default: all)"
    )
    parser.add_argument(
        "--include-gold",
        action="store_true",
        help="count the gold set (the annotator curation builds, marked as such in the project; "
        "a person called Gold is not it) among the annotators, as the dashboard's “Include the "
        "gold set” does (default: left out unless named in --annotators)",
    )
    parser.add_argument(
        "--unlabelled",
        choices=sorted(UNLABELLED_HELP),
        default="category",
        help="; ".join(f"{k}: {v}" for k, v in UNLABELLED_HELP.items()) + " (default: category)",
    )
    parser.add_argument(
        "--attribute-match",
        choices=("overlap", "exact"),
        default="overlap",
        help="which spans of two annotators compare their attributes: overlap (same label, at "
        "least one shared character; default) or exact (same start, end and label)",
    )
    parser.set_defaults(run=run_agreement)


def _pick(
    path: Path, kind: str, wanted: list[str] | None, known: dict[str, int]
) -> list[int] | None:
    if wanted is None:
        return None
    folded = {name.casefold(): i for name, i in known.items()}
    missing = [name for name in wanted if name.casefold() not in folded]
    if missing:
        choices = ", ".join(sorted(known)) or "none"
        raise ProjectError(path, f"no {kind} called {', '.join(map(repr, missing))} ({choices})")
    return [folded[name.casefold()] for name in wanted]


def run_agreement(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        path = project.path  # a server project: "database on host:port", never its URL
        people = project.annotators()
        annotators = _pick(path, "annotator", args.annotators, {a.name: a.id for a in people})
        if annotators is None and not args.include_gold:  # as the dashboard counts by default
            annotators = [a.id for a in people if not a.is_gold]
        labels = _pick(path, "label", args.labels, {x.name: x.id for x in project.labels()})
        report = compute_report(
            project, annotators, labels, args.unlabelled, attribute_match=args.attribute_match
        )
    if args.json:
        print(report.to_json(), flush=True)
    else:
        print("\n".join(render(report, path)), flush=True)
    return 0


def _f(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.3f}"


def _matrix(report: AgreementReport, title: str, matrix: Any) -> list[str]:
    names = report.annotator_names
    lines = [f"{title}; columns numbered as the rows)"]
    lines.append("      " + " ".join(f"{i + 1:>6}" for i in range(len(names))))
    for i, name in enumerate(names):
        row = " ".join(f"{_f(v):>6}" for v in matrix[i].tolist())
        lines.append(f"  {i + 1:>3} {row}  {name}")
    return lines


def render(report: AgreementReport, path: Path) -> list[str]:
    """The report as the plain-text tables the CLI prints."""
    overall = report.overall
    lines = [
        f"Agreement in {path.name}: {len(report.annotator_ids)} annotator(s), "
        f"{int(overall['documents'])} document(s) with work.",
        f"Unlabelled text: {report.unlabelled} ({UNLABELLED_HELP[report.unlabelled]}).",
        "— means undefined (e.g. fewer than two annotators did the same document).",
        "",
        "Overall",
        f"  Cohen's kappa, mean over pairs (tokens)  {_f(overall['cohen_kappa'])}",
        f"  Fleiss' kappa (tokens)                   {_f(overall['fleiss_kappa'])}",
        f"  Krippendorff's alpha, nominal (tokens)   {_f(overall['krippendorff_alpha'])}",
        f"  Unitizing alpha-U (characters)           {_f(overall['alpha_u'])}"
        f"  over {int(overall['alpha_u_documents'])} document(s) everyone did",
        f"  Span F1, exact                           {_f(overall['f1_exact'])}",
        f"  Span F1, overlap                         {_f(overall['f1_overlap'])}",
        "",
        "Per label",
        f"  {'spans':>6} {'Cohen':>6} {'Fleiss':>6} {'alpha':>6} {'alphaU':>6} "
        f"{'F1 ex':>6} {'F1 ov':>6}  label",
    ]
    for x in report.per_label:
        figures = (x.cohen_kappa, x.fleiss_kappa, x.krippendorff_alpha, x.alpha_u)
        lines.append(
            f"  {x.spans:>6} "
            + " ".join(f"{_f(v):>6}" for v in (*figures, x.f1_exact, x.f1_overlap))
            + f"  {x.name}"
        )
    lines.append("")
    if report.scheme is not None:
        lines += scheme_lines(report.scheme)
    lines += _matrix(report, "Pairwise Cohen's kappa (tokens", report.pairwise_kappa)
    if report.scheme is not None and report.scheme.relations:
        lines += ["", *_matrix(report, "Pairwise relation F1 (overlap", report.scheme.relation_f1)]
    lines += [
        "",
        "Per document",
        f"  {'id':>5} {'done by':>7} {'spans':>6} {'alpha':>6} {'alphaU':>6} {'F1 ov':>6}  title",
    ]
    for d in report.per_document:
        cells = " ".join(f"{_f(v):>6}" for v in (d.krippendorff_alpha, d.alpha_u, d.f1_overlap))
        lines.append(f"  {d.document_id:>5} {d.annotators:>7} {d.spans:>6} {cells}  {d.title}")
    return lines
