"""claimdesk-cli: create projects, import articles and list documents without a screen."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from claimdesk.core import PrintVersion, version
from claimdesk.core.cli.targets import PROJECT_HELP, open_project, with_password
from claimdesk.core.codebook import load_codebook
from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.importing import ImportRefused, import_paths
from claimdesk.core.limits import printable, printable_path
from claimdesk.core.logs import configure_logging
from claimdesk.core.net.fetch import MAX_PAGE_BYTES, MAX_REDIRECTS, TIMEOUT, looks_like_web_address
from claimdesk.core.paths import resources_dir
from claimdesk.core.store.location import is_server_url
from claimdesk.core.store.project import Project
from claimdesk.core.suffixes import ARTICLE_SUFFIXES, PROJECT_SUFFIX
from claimdesk.core.text.textio import DEFAULT_CLEANUP_RULES, MAX_FOLDER_DEPTH

PROG = "claimdesk-cli"
logger = logging.getLogger(__name__)


class CliError(ClaimdeskError):
    pass


def write_line(line: str = "") -> None:
    print(line, flush=True)


def cmd_new(args: argparse.Namespace) -> int:
    target: str = args.project
    if not is_server_url(target) and Path(target).suffix != PROJECT_SUFFIX:
        name = printable_path(Path(target).name)
        raise CliError(f"{name}: a project file name ends in {PROJECT_SUFFIX}")
    codebook_path = args.codebook or resources_dir() / "default-codebook.json"
    codebook = None if args.no_codebook else load_codebook(Path(codebook_path))

    def create(password: str | None) -> Project:
        return Project.create(target, name=args.name, codebook=codebook, password=password)

    with with_password(target, create) as project:
        count = len(project.labels())
        where = project.location
    source = (
        "no codebook"
        if codebook is None
        else f"{count} labels from {printable_path(Path(codebook_path).name)}"
    )
    write_line(f"Created {printable_path(where)} ({source}).")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    # "https://…" is a web page to fetch; anything else names a file or folder.
    urls = [arg for arg in args.paths if looks_like_web_address(arg)]
    paths = [Path(arg) for arg in args.paths if not looks_like_web_address(arg)]
    with open_project(args.project) as project:
        try:
            report, problems = import_paths(
                project,
                paths,
                urls=urls,
                cleanup=not args.no_clean,
                skip_invalid=args.skip_invalid,
            )
        except ImportRefused as exc:
            if exc.none_valid:  # --skip-invalid was given: there was no rest to import
                raise CliError(f"{exc}\nThe project is unchanged.") from None
            raise CliError(
                f"{exc}\nFix or remove those, or pass --skip-invalid to import the rest."
            ) from None
        # Titles and file names come from files: controls and direction overrides are escaped.
        for document_id, title in report.added:
            write_line(f"imported  #{document_id}  {printable(title, 300)}")
        for path, title in report.duplicates:
            write_line(
                f"skipped   {printable_path(path)}: same text as "
                f"{printable(title, 300)!r}, already in the project"
            )
        for path, warning in report.warnings:
            write_line(f"warning   {printable_path(path)}: {warning}")
        for path, dropped in report.dropped:
            write_line(f"left out  {printable_path(path)}: {dropped}")
        for source, reason in problems:
            write_line(f"rejected  {printable_path(source)}: {reason}")
    warned = f", {len(report.warnings)} with warnings" if report.warnings else ""
    write_line(
        f"{len(report.added)} imported{warned}, {len(report.duplicates)} duplicate(s) skipped, "
        f"{len(problems)} rejected."
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        documents = project.documents()
        counts = project.annotation_counts()
    if not documents:
        write_line(
            "The project has no documents yet. Add some with: claimdesk-cli import PROJECT PATH"
        )
        return 0
    write_line(f"{'id':>5}  {'annotations':>11}  title")
    for document in documents:
        title = printable(document.title, 300)
        write_line(f"{document.id:>5}  {counts.get(document.id, 0):>11}  {title}")
    write_line(f"{len(documents)} document(s), {sum(counts.values())} annotation(s).")
    return 0


def cmd_export_codebook(args: argparse.Namespace) -> int:
    from claimdesk.core.codebook_export import describe, export_codebook

    with open_project(args.project) as project:
        codebook = export_codebook(project, Path(args.out))
    write_line(f"{describe(codebook)} written to {printable(args.out, 300)}.")
    return 0


def cmd_rules(_args: argparse.Namespace) -> int:
    write_line("Clean-up rules: whole lines that match one of these are dropped on import")
    write_line("(turn clean-up off with 'import --no-clean').")
    for rule in DEFAULT_CLEANUP_RULES:
        write_line(f"- {rule.name}: /{rule.pattern}/  e.g. {rule.example!r}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Claimdesk without a screen: projects, import, listings."
    )
    parser.add_argument("--version", action=PrintVersion)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = commands.add_parser(
        "new",
        help="create a new project file (or a project in an empty PostgreSQL database)",
        description=(
            "Create a new, empty project file with a codebook (the default claims codebook "
            "unless --codebook names another)."
        ),
    )
    new.add_argument(
        "project",
        metavar="PROJECT",
        help=f"file to create, ending in {PROJECT_SUFFIX}, or the URL of an empty PostgreSQL "
        "database (postgresql://user@host:port/database)",
    )
    start = new.add_mutually_exclusive_group()
    start.add_argument("--codebook", metavar="FILE", help="codebook JSON file to start from")
    start.add_argument("--no-codebook", action="store_true", help="start with no labels")
    new.add_argument("--name", help="project name (default: the file name)")
    new.set_defaults(run=cmd_new)

    imp = commands.add_parser(
        "import",
        help="import articles from files, folders or web addresses",
        description=(
            f"Import article files and folders (searched for {', '.join(ARTICLE_SUFFIXES)} down to "
            f"{MAX_FOLDER_DEPTH} folder levels; pipes and devices are refused) and web pages "
            "given by their http:// or https:// address (only the article text is kept; the "
            "address and the time it was fetched go into the document's metadata; at most "
            f"{MAX_REDIRECTS} redirects, {TIMEOUT:g} seconds without an answer, "
            f"{MAX_PAGE_BYTES // (1024 * 1024)} MB). Encodings are "
            "detected (a UTF-8 file with a few bad bytes is read as UTF-8, the bytes replaced "
            "and reported); line endings and Unicode are normalised; web debris lines are dropped "
            "(see 'claimdesk-cli rules'). Texts already in the project are skipped. If any file "
            "or address cannot be imported, nothing is, unless --skip-invalid is given."
        ),
    )
    imp.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    imp.add_argument(
        "paths", metavar="PATH", nargs="+", help="files, folders or web addresses (https://…)"
    )
    imp.add_argument("--no-clean", action="store_true", help="keep web debris lines")
    imp.add_argument(
        "--skip-invalid", action="store_true", help="import the good files, report the bad ones"
    )
    imp.set_defaults(run=cmd_import)

    lst = commands.add_parser("list", help="list documents with annotation counts")
    lst.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    lst.set_defaults(run=cmd_list)

    out = commands.add_parser(
        "export-codebook",
        help="write the project's codebook (labels, attributes, relation types, document "
        "labels) to a codebook file",
        description="Write the project's codebook to a codebook JSON file that 'new --codebook' "
        "and other projects read (version 1 when it has no attributes, relation types or "
        "document labels, so older Claimdesk reads it; version 2 otherwise).",
    )
    out.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    out.add_argument("out", metavar="FILE", help="codebook file to write (.json)")
    out.set_defaults(run=cmd_export_codebook)

    rules = commands.add_parser("rules", help="show the clean-up rules used on import")
    rules.set_defaults(run=cmd_rules)

    # Larger command families live in their own modules (core/cli_*.py), each with a
    # register(commands) function; they are added here in the order shown by --help.
    for register in _command_families():
        register(commands)
    return parser


def _command_families() -> list[Callable[[Any], None]]:
    from claimdesk.core.cli import agreement as cli_agreement
    from claimdesk.core.cli import exercise as cli_exercise
    from claimdesk.core.cli import formats as cli_formats
    from claimdesk.core.cli import search as cli_search
    from claimdesk.core.cli import server as cli_server
    from claimdesk.core.cli import suggest as cli_suggest
    from claimdesk.core.cli import transfer as cli_transfer

    return [
        cli_formats.register,
        cli_search.register,
        cli_exercise.register,
        cli_agreement.register,
        cli_server.register,
        cli_transfer.register,
        cli_suggest.register,
    ]


def _tolerate_unprintable_text() -> None:
    # Titles may hold emoji or CJK; a terminal whose encoding cannot show them (a C locale,
    # PYTHONIOENCODING=ascii, a redirected Windows console) gets "?" rather than a traceback.
    # The declared encoding is kept, so what is printed is always valid in it.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")


def _stop_writing_to_a_closed_pipe() -> int:
    # The reader (``| head``, a pager quit early) has gone: what it did not read is not wanted.
    # Point stdout at the null device so the flush at exit does not fail a second time.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141  # as a shell reports a program ended by SIGPIPE


def _report_unexpected(exc: Exception, log: Path | None) -> int:
    # A bug, not a refusal: the traceback goes to the log file, the terminal gets one line.
    logger.critical("%s %s: unexpected error", PROG, version(), exc_info=exc)
    where = f"details in {printable_path(log)}" if log else "no log file could be written"
    reason = printable(f"{type(exc).__name__}: {exc}", 300)
    print(f"{PROG}: unexpected error ({reason}); {where}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    _tolerate_unprintable_text()
    log = configure_logging(PROG)
    try:
        args = build_parser().parse_args(argv)
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        return _stop_writing_to_a_closed_pipe()
    except ClaimdeskError as exc:  # a refusal whose message is written for the user
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; nothing partial was written", file=sys.stderr)
        return 130
    except Exception as exc:
        return _report_unexpected(exc, log)


if __name__ == "__main__":
    sys.exit(main())
