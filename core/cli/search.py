"""claimdesk-cli search: find words, phrases or patterns across a project, print the hits in
context (a concordance) or as JSON, and optionally file them all under a label."""

from __future__ import annotations

import argparse
import json
from typing import Any

from claimdesk.core.cli.targets import PROJECT_HELP, open_project
from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.limits import printable
from claimdesk.core.search.concordance import Hit, mark_all, search
from claimdesk.core.search.matching import Query
from claimdesk.core.store.project import Project

WIDTH = 40


class SearchCliError(ClaimdeskError):
    pass


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "search",
        help="find a word, phrase or pattern in every document (a concordance); --mark files "
        "the hits under a label",
        description=(
            "Search every document of a project and print each hit with its context: document "
            "id, offsets (code points, end exclusive), left context, [hit], right context, and "
            "the labels already on that stretch. Words and phrases match whatever white space "
            "or line break separates their words; case is ignored unless --case. With --label "
            "and --mark every hit is filed under the label in one step (undoable in the app), "
            "skipping hits already filed under it by that annotator."
        ),
    )
    parser.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    parser.add_argument("pattern", metavar="PATTERN", help="the word, phrase or pattern")
    parser.add_argument(
        "--regex", action="store_true", help="PATTERN is a regular expression (Python syntax)"
    )
    parser.add_argument("--whole-word", action="store_true", help="only whole words")
    parser.add_argument("--case", action="store_true", help="match upper and lower case exactly")
    parser.add_argument("--label", metavar="LABEL", help="the label to file hits under")
    parser.add_argument(
        "--mark", action="store_true", help="file every hit under --label (one undoable step)"
    )
    parser.add_argument(
        "--annotator",
        metavar="NAME",
        help="whose work the marks are (created if new; on a server, the signed-in annotator "
        "by default)",
    )
    parser.add_argument("--json", action="store_true", help="print the hits as JSON")
    parser.set_defaults(run=run_search)


def run_search(args: argparse.Namespace) -> int:
    if args.mark and not args.label:
        raise SearchCliError("--mark needs --label: the label to file the hits under")
    query = Query(args.pattern, args.regex, args.whole_word, args.case)
    with open_project(args.project) as project:
        result = search(project, query)
        marked: dict[str, Any] | None = None
        if args.mark:
            marked = _mark(project, result.hits, args.label, args.annotator)
    if args.json:
        data: dict[str, Any] = {
            "offsets": "Unicode code points, end exclusive",
            "hits": [_as_json(hit) for hit in result.hits],
            "truncated": result.truncated,
        }
        if marked is not None:
            data["marked"] = marked
        print(json.dumps(data, ensure_ascii=False, indent=1), flush=True)
        return 0
    for hit in result.hits:
        labels = f"  ({'; '.join(hit.labels)})" if hit.labels else ""
        left = printable(hit.left[-WIDTH:], WIDTH).rjust(WIDTH)
        print(
            f"{hit.document_id:>5} {hit.start:>7}-{hit.end:<7} {left} "
            f"[{printable(hit.match, 200)}] {printable(hit.right[:WIDTH], WIDTH)}{labels}",
            flush=True,
        )
    more = " (the first ones only)" if result.truncated else ""
    n = len(result.hits)
    print(f"{n} hit{'s' if n != 1 else ''}{more}.", flush=True)
    if marked is not None:
        print(
            f"Filed {marked['added']} under {printable(marked['label'], 200)!r} for "
            f"{printable(marked['annotator'], 200)}; {marked['skipped']} already there.",
            flush=True,
        )
    return 0


def _mark(
    project: Project, hits: list[Hit], label_name: str, annotator: str | None
) -> dict[str, Any]:
    labels = {label.name.casefold(): label for label in project.labels()}
    label = labels.get(label_name.casefold())
    if label is None:
        raise SearchCliError(f"No label {printable(label_name, 200)!r} in this project.")
    if annotator:
        person = project.ensure_annotator(annotator)
    else:
        signed_in = project.signed_in_annotator()
        if signed_in is None:
            raise SearchCliError("--mark needs --annotator NAME: whose work the marks are")
        person = signed_in
    _, added, skipped = mark_all(project, hits, label.id, person.id)
    return {"label": label.name, "annotator": person.name, "added": added, "skipped": skipped}


def _as_json(hit: Hit) -> dict[str, Any]:
    return {
        "document": hit.document_id,
        "title": hit.title,
        "start": hit.start,
        "end": hit.end,
        "left": hit.left,
        "match": hit.match,
        "right": hit.right,
        "labels": list(hit.labels),
    }
