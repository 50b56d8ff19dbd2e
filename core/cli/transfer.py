"""claimdesk-cli push / pull: a project file onto an empty server database, and back into a file."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from claimdesk.core.cli.targets import with_password
from claimdesk.core.limits import printable, printable_path
from claimdesk.core.progress import Progress
from claimdesk.core.store.transfer import TransferReport, describe_counts, pull, push
from claimdesk.core.suffixes import PROJECT_SUFFIX

URL_HELP = "PostgreSQL URL: postgresql://user@host:port/database"
PASSWORD_NOTE = (
    "The password comes from the URL, else the system keyring or libpq (PGPASSWORD, ~/.pgpass, a "
    "service file), else it is asked at a terminal; prefer PGPASSWORD or ~/.pgpass to a URL with "
    "a password, which other users of the machine can see in the process list."
)


def _progress(verb: str) -> Progress | None:
    """Rows so far on the terminal's error stream, at most a few times a second; nothing when
    that stream is a file or a pipe."""
    if not sys.stderr.isatty():
        return None
    shown = [0.0]

    def report(done: int, total: int) -> bool:
        now = time.monotonic()
        if now - shown[0] >= 0.25 or done == total:
            shown[0] = now
            end = "\n" if done == total else ""
            print(f"\r{verb} {done:,} of {total:,} rows", end=end, file=sys.stderr, flush=True)
        return True

    return report


def _summary(report: TransferReport) -> str:
    return f"{describe_counts(report.counts)} ({report.rows:,} rows in {report.seconds:.1f} s)"


def cmd_push(args: argparse.Namespace) -> int:
    progress = _progress("pushed")
    report = with_password(args.url, lambda password: push(args.file, args.url, password, progress))
    print(
        f"Pushed {printable_path(args.file)} to {report.target}: {_summary(report)}. "
        "Every id was kept.",
        flush=True,
    )
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    progress = _progress("pulled")
    report = with_password(args.url, lambda password: pull(args.url, args.file, password, progress))
    print(f"Pulled {report.source} into {printable_path(args.file)}: {_summary(report)}.")
    if report.filtered or report.unreadable:
        who = printable(report.signed_in_as, 63)
        limits = []
        if report.filtered:
            limits.append(f"row-level security on {', '.join(report.filtered)}")
        if report.unreadable:
            limits.append(f"no access to {', '.join(report.unreadable)}")
        print(
            f"Signed in as {who}, who may read only part of this project ({'; '.join(limits)}): "
            f"the file holds only what {who} may read (in a blind project, only their own "
            "annotations and statuses). Pull as the project's owner for all of it.",
            flush=True,
        )
    return 0


def register(commands: Any) -> None:
    push_parser = commands.add_parser(
        "push",
        help="copy a project file onto an empty PostgreSQL database",
        description=(
            "Copy a project file onto an empty PostgreSQL database (one with no tables, or "
            "only the empty ones 'server init' made): documents, codebook, annotators, "
            "annotations, statuses, exercises and submissions, every id kept, in one "
            "transaction, so a failure leaves the database as it was. A database that holds "
            "anything is refused. Run it as the database's owner or a superuser. " + PASSWORD_NOTE
        ),
    )
    push_parser.add_argument("file", metavar="FILE", help=f"the project file (*{PROJECT_SUFFIX})")
    push_parser.add_argument("url", metavar="URL", help=URL_HELP)
    push_parser.set_defaults(run=cmd_push)

    pull_parser = commands.add_parser(
        "pull",
        help="copy a server project into a new project file",
        description=(
            "Copy a project on a PostgreSQL server into a new project file, for an archive, "
            "offline work or export: every table, every id kept, as of one moment of the "
            "server. An existing file is never replaced; the file is written under a hidden "
            "name beside it and renamed at the end, so a failure leaves nothing. Run by the "
            "owner it holds everything; run by an annotator of a blind project it holds only "
            "what that person may read, and says so. " + PASSWORD_NOTE
        ),
    )
    pull_parser.add_argument("url", metavar="URL", help=URL_HELP)
    pull_parser.add_argument(
        "file", metavar="FILE", help=f"the new project file to write (*{PROJECT_SUFFIX})"
    )
    pull_parser.set_defaults(run=cmd_pull)
