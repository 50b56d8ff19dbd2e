"""claimdesk-cli suggest: list the suggestions of a project's documents, or file those above a
score (scripted pre-annotation)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from claimdesk.core.cli.targets import PROJECT_HELP, open_project
from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.limits import printable
from claimdesk.core.records import AnnotatorRecord
from claimdesk.core.store.project import Project
from claimdesk.core.suggest.engine import suggest
from claimdesk.core.suggest.model import (
    ModelUnavailable,
    SuggestionModel,
    model_problem,
    training_examples,
)
from claimdesk.core.suggest.records import Suggestion


class SuggestError(ClaimdeskError):
    pass


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "suggest",
        help="list suggested spans, or file those above a score",
        description=(
            "Suggestions for an annotator: the codebook's phrases and patterns (a label's "
            '"suggest" in the codebook file), the texts they filed elsewhere in the project '
            "(whole words, any case), and with --model a model trained on their annotations "
            "(needs scikit-learn: pip install 'claimdesk[learn]'). Spans they already filed "
            "and texts they rejected under a label are never suggested. With --accept-above "
            "the suggestions scoring at least SCORE are filed, in one step, and recorded as "
            "accepted."
        ),
    )
    parser.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    parser.add_argument("--document", type=int, metavar="N", help="only this document id")
    parser.add_argument(
        "--annotator",
        metavar="NAME",
        help="whose suggestions (default: the only annotator, or the one signed in)",
    )
    parser.add_argument(
        "--accept-above",
        type=float,
        metavar="SCORE",
        help="file the suggestions scoring at least SCORE (0 to 1) for the annotator",
    )
    parser.add_argument("--model", action="store_true", help="add a model's suggestions")
    parser.add_argument("--json", action="store_true", help="print the suggestions as JSON")
    parser.set_defaults(run=cmd_suggest)


def _annotator(project: Project, name: str | None, *, create: bool) -> AnnotatorRecord:
    people = [a for a in project.annotators() if not a.is_gold]
    if name is not None:
        wanted = " ".join(name.split()).casefold()
        found = next((a for a in people if a.name.casefold() == wanted), None)
        if found is not None:
            return found
        if create:
            return project.ensure_annotator(" ".join(name.split()))
        names = ", ".join(repr(a.name) for a in people) or "none yet"
        raise SuggestError(f"There is no annotator {printable(name, 60)!r} (annotators: {names}).")
    signed_in = project.signed_in_annotator()
    if signed_in is not None:
        return signed_in
    if len(people) == 1:
        return people[0]
    raise SuggestError("Name the annotator with --annotator NAME.")


def cmd_suggest(args: argparse.Namespace) -> int:
    threshold = args.accept_above
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise SuggestError("--accept-above takes a score from 0 to 1, such as 0.8.")
    if args.model and model_problem() is not None:
        raise SuggestError(str(model_problem()))
    with open_project(args.project) as project:
        annotator = _annotator(project, args.annotator, create=threshold is not None)
        documents = [d.id for d in project.documents()]
        if args.document is not None:
            if args.document not in documents:
                raise SuggestError(
                    f"There is no document {args.document} (see 'claimdesk-cli list')."
                )
            documents = [args.document]
        model = None
        if args.model:
            try:
                model = SuggestionModel.train(training_examples(project, annotator.id))
            except ModelUnavailable as exc:
                raise SuggestError(str(exc)) from None
        found: list[Suggestion] = []
        for document_id in documents:
            found.extend(suggest(project, document_id, annotator.id, model=model))
        labels = {label.id: label.name for label in project.labels()}
        accepted: list[Suggestion] = []
        if threshold is not None:
            accepted = [s for s in found if s.score >= threshold]
            if accepted:
                project.accept_suggestions(annotator.id, accepted)
    if args.json:
        print(
            json.dumps(
                {
                    "annotator": annotator.name,
                    "offsets": "Unicode code points, end exclusive",
                    "model": args.model and model is not None,
                    "suggestions": [_as_data(s, labels, s in accepted) for s in found],
                    "accepted": len(accepted),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if args.model and model is None:
        print("Too few annotations to train a model yet: file a few more spans first.")
    for item in found:
        mark = "+" if item in accepted else " "
        print(
            f"{mark} {item.document_id:>5}  {item.start:>7}–{item.end:<7} "
            f"{item.score:.2f}  {item.source:<8}  {printable(labels.get(item.label_id, '?'), 40)}"
            f"  {printable(item.quote, 60)!r}"
        )
    summary = f"{len(found)} suggestion(s) for {printable(annotator.name, 60)}"
    if threshold is not None:
        summary += f"; {len(accepted)} at or above {threshold:g} filed and recorded as accepted"
    print(summary + ".")
    return 0


def _as_data(item: Suggestion, labels: dict[int, str], accepted: bool) -> dict[str, Any]:
    return {
        "document": item.document_id,
        "start": item.start,
        "end": item.end,
        "label": labels.get(item.label_id),
        "source": item.source,
        "score": item.score,
        "quote": item.quote,
        "accepted": accepted,
    }
