"""claimdesk-cli exercise ...: hand out an exercise, collect submissions and grade, headless."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path
from typing import Any

from claimdesk.core.cli.main import CliError, write_line
from claimdesk.core.cli.targets import PROJECT_HELP, open_project, project_files
from claimdesk.core.limits import printable
from claimdesk.core.store.project import Project
from claimdesk.core.suffixes import EXERCISE_SUFFIX, SUBMISSION_SUFFIX


def _annotator_id(project: Project, wanted: str) -> int:
    annotators = project.annotators()
    for annotator in annotators:
        if annotator.name == wanted or (wanted.isdigit() and annotator.id == int(wanted)):
            return annotator.id
    names = ", ".join(repr(a.name) for a in annotators) or "none yet"
    raise CliError(f"{project.path.name}: no annotator {wanted!r} (annotators: {names})")


def _exercise_id(project: Project, wanted: str | None) -> str:
    from claimdesk.core.classroom.exercise import exercises

    known = exercises(project)
    if not known:
        raise CliError(
            f"{project.path.name}: has no exercises yet; make one with 'exercise create'"
        )
    if wanted is None:
        if len(known) == 1:
            return known[0].id
        listing = "; ".join(f"{e.id[:8]} {e.title!r}" for e in known)
        raise CliError(
            f"{project.path.name}: has several exercises, choose one with --exercise ({listing})"
        )
    matches = [e for e in known if e.id.startswith(wanted.lower()) or e.title == wanted]
    if len(matches) != 1:
        raise CliError(f"{project.path.name}: no single exercise matches {wanted!r}")
    return matches[0].id


def cmd_create(args: argparse.Namespace) -> int:
    from claimdesk.core.classroom.exercise import create_exercise

    guidelines = ""
    if args.guidelines:
        try:
            guidelines = Path(args.guidelines).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(
                f"{Path(args.guidelines).name}: cannot be read as UTF-8 text ({exc})"
            ) from None
    with open_project(args.project) as project:
        if args.documents == ["all"]:
            ids = [document.id for document in project.documents()]
        else:
            try:
                ids = [int(value) for value in args.documents]
            except ValueError:
                raise CliError(
                    "--documents takes document ids (see 'claimdesk-cli list') or 'all'"
                ) from None
        key = _annotator_id(project, args.key) if args.key else None
        info = create_exercise(
            project,
            Path(args.out),
            title=args.title,
            document_ids=ids,
            guidelines=guidelines,
            key_annotator=key,
            suggestions=args.suggestions,
        )
    write_line(f"Wrote {info.path} ({len(info.document_ids)} document(s)); exercise id {info.id}.")
    write_line(
        f"Answer key: {info.key_annotator_name}"
        if info.key_annotator_name
        else "No answer key yet: set one with 'claimdesk-cli exercise key'."
    )
    if info.suggestions:
        write_line("Students see suggestions while they work.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from claimdesk.core.classroom.exercise import exercises

    with open_project(args.project) as project:
        known = exercises(project)
    if not known:
        write_line("No exercises yet. Make one with: claimdesk-cli exercise create PROJECT ...")
        return 0
    for info in known:
        key = info.key_annotator_name or "(no key)"
        write_line(
            f"{info.id[:8]}  {info.title}  documents: {len(info.document_ids)}  "
            f"key: {key}  submissions: {info.submissions}"
        )
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    from claimdesk.core.classroom.exercise import set_key

    with open_project(args.project) as project:
        exercise_id = _exercise_id(project, args.exercise)
        annotator = None if args.annotator == "none" else _annotator_id(project, args.annotator)
        info = set_key(project, exercise_id, annotator)
    write_line(f"Answer key of {info.title!r}: {info.key_annotator_name or 'none'}")
    return 0


def _err(line: str) -> None:
    print(f"claimdesk-cli: {line}", file=sys.stderr, flush=True)


def _line(kind: str, path: Path, text: str) -> None:
    # Names and reasons come from files: controls and bidi overrides are shown as escapes.
    write_line(f"{kind:<9} {printable(str(path), 400)}: {printable(text, 1000)}")


def cmd_collect(args: argparse.Namespace) -> int:
    """Exit 0 when every file was collected or skipped as already there; 1 when any file was
    rejected or held as a conflict (the good ones are still collected, as cp copies the rest)."""
    from claimdesk.core.classroom.collect import collect

    with open_project(args.project) as project:
        exercise_id = _exercise_id(project, args.exercise) if args.exercise else None
        report = collect(project, [Path(p) for p in args.paths], exercise_id=exercise_id)
    for path, name in report.accepted:
        _line("accepted", path, name)
    for path, name in report.replaced:
        _line("replaced", path, f"{name} (newer submission; the older one is kept in the history)")
    for path, reason in report.held:
        _line("held", path, reason)
    for path, reason in report.skipped:
        _line("skipped", path, reason)
    for path, reason in report.rejected:
        _line("rejected", path, reason)
    write_line(report.summary + ".")
    stored = len(report.accepted) + len(report.replaced)
    if not (report.rejected or report.held):
        return 0
    if report.held:
        _err(
            f"warning: {len(report.held)} file(s) held as conflicts, not applied: see them with "
            "'claimdesk-cli exercise history' and accept one with 'exercise accept'."
        )
    if report.rejected and not stored and not report.skipped and not report.held:
        _err(f"error: Nothing was collected: all {len(report.rejected)} file(s) were rejected.")
    elif report.rejected:
        _err(
            f"warning: {len(report.rejected)} file(s) rejected; the other files were collected "
            f"({stored} stored)."
        )
    return 1


def cmd_history(args: argparse.Namespace) -> int:
    from claimdesk.core.classroom.collect import submissions
    from claimdesk.core.classroom.submission_history import history
    from claimdesk.core.classroom.workspace import display_name

    with open_project(args.project) as project:
        exercise_id = _exercise_id(project, args.exercise)
        current = submissions(project, exercise_id)
        kept = history(project, exercise_id)
    write_line(f"Current submissions ({len(current)}):")
    for info in current:
        proof = "" if info.verified else "  (no workspace proof)"
        write_line(
            f"  {printable(info.annotator_name)}: {info.annotation_count} claims, submitted "
            f"{info.submitted_at:%Y-%m-%d %H:%M} UTC, {printable(info.file_name)}{proof}"
        )
    held = [v for v in kept if v.state == "held"]
    earlier = [v for v in kept if v.state != "held"]
    for title, rows in (("Held conflicts", held), ("History", earlier)):
        write_line(f"{title} ({len(rows)}):")
        for v in rows:
            who = printable(display_name(v.student_name, v.student_id))
            write_line(
                f"  #{v.id} {who}: {v.annotation_count} claims, submitted "
                f"{v.submitted_at:%Y-%m-%d %H:%M} UTC, {printable(v.file_name)} — "
                f"{printable(v.reason, 400)}"
            )
    if held:
        write_line("Accept a held file with: claimdesk-cli exercise accept PROJECT NUMBER")
    return 0


def _restore(args: argparse.Namespace, held_only: bool) -> int:
    from claimdesk.core.classroom.submission_history import restore

    with open_project(args.project) as project:
        name = restore(project, args.number, held_only=held_only)
    write_line(
        f"#{args.number} is now the current submission of {printable(name)}; the one it "
        "replaced is kept in the history."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    return _restore(args, held_only=False)


def cmd_accept(args: argparse.Namespace) -> int:
    return _restore(args, held_only=True)


def _columns(char: str) -> int:
    """Terminal columns of one character: 0 for combining marks, 2 for wide (CJK, emoji)."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _fit(text: str, width: int) -> str:
    """The text cut to at most ``width`` terminal columns, padded with spaces to exactly that."""
    out: list[str] = []
    used = 0
    for char in text:
        size = _columns(char)
        if used + size > width:
            break
        out.append(char)
        used += size
    return "".join(out) + " " * (width - used)


def cmd_grade(args: argparse.Namespace) -> int:
    from claimdesk.core.classroom.feedback import write_all_feedback
    from claimdesk.core.classroom.grading import grade, write_class_csv
    from claimdesk.core.outputs import check_folder, check_output

    # Refuse a bad destination before grading (a project, a folder as --csv, a file as
    # --feedback, a missing or read-only folder): nothing is printed or written then.
    if args.csv:
        check_output(Path(args.csv), reading=project_files(args.project))
    if args.feedback:
        check_folder(Path(args.feedback))
    with open_project(args.project) as project:
        wanted = args.exercise or args.exercise_name
        grades = grade(project, _exercise_id(project, wanted), tolerance=args.tolerance)
    rule = "any overlap" if grades.tolerance is None else f"ends within {grades.tolerance}"
    write_line(
        f"{grades.title}: {len(grades.students)} student(s) against {grades.key_annotator_name}"
        f" ({len(grades.key)} claims); overlap = same label, {rule}."
    )
    live = [student for student in grades.students if student.live]
    if grades.live_read_at is not None:
        write_line(
            f"{len(live)} of them: live work of signed-in students (their annotations as they "
            f"are on the server), read at {grades.live_read_at:%Y-%m-%d %H:%M:%S} UTC; marked "
            "(live). A student who also handed in a file has a row for each."
        )
    write_line(
        f"{'student':<32} {'exact F1':>8} {'overlap F1':>10} {'missed':>6} {'extra':>5} "
        f"{'bounds':>6} {'label':>5}"
    )
    for student in grades.students:
        write_line(
            f"{_fit(student.annotator_name + (' (live)' if student.live else ''), 32)} "
            f"{student.exact.f1:>8.3f} "
            f"{student.overlap.f1:>10.3f} {len(student.missed):>6} {len(student.extra):>5} "
            f"{len(student.boundary):>6} {len(student.wrong_label):>5}"
        )
    if args.csv:
        write_line(
            f"Wrote {write_class_csv(grades, Path(args.csv), reading=project_files(args.project))}"
        )
    if args.feedback:
        pages = write_all_feedback(grades, Path(args.feedback))
        write_line(f"Wrote {len(pages)} feedback page(s) to {args.feedback}")
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    from claimdesk.core.classroom.workspace import open_workspace, workspace_info

    path = open_workspace(Path(args.exercise_file), args.name, args.id)
    with Project.open(path) as project:
        work = workspace_info(project)
    assert work is not None
    write_line(
        f"Workspace of {printable(work.annotator.name)} for {printable(work.title)!r}: {path}"
    )
    write_line(f'{work.progress_text}. Annotate it with: claimdesk "{path}"')
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    from claimdesk.core.classroom.workspace import submit, workspace_info

    with open_project(args.workspace) as project:
        written = submit(project, Path(args.out) if args.out else None)
        work = workspace_info(project)
    assert work is not None
    write_line(f"Wrote {written} ({work.progress_text}).")
    return 0


def _tolerance(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("the tolerance is a number of characters, 0 or more")
    return number


def register(commands: Any) -> None:
    exercise = commands.add_parser(
        "exercise",
        help="classroom exercises: create, collect, grade",
        description=(
            "Classroom exercises without a server: write an exercise file for students, collect "
            "their submission files into the project, grade them against an answer key."
        ),
    )
    sub = exercise.add_subparsers(dest="exercise_command", required=True, metavar="ACTION")

    create = sub.add_parser(
        "create",
        help="write an exercise file from chosen documents",
        description=(
            f"Write a *{EXERCISE_SUFFIX} file holding the chosen documents, the project's "
            "codebook (frozen) and guidelines. The answer key never goes into the file; it is "
            "the annotations of --key in this project."
        ),
    )
    create.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    create.add_argument("--out", required=True, metavar="FILE", help="file or folder to write")
    create.add_argument(
        "--documents", required=True, nargs="+", metavar="ID", help="document ids, or 'all'"
    )
    create.add_argument("--title", required=True, help="the exercise's title")
    create.add_argument("--key", metavar="ANNOTATOR", help="annotator (name or id) of the key")
    create.add_argument("--guidelines", metavar="FILE", help="UTF-8 text file of guidelines")
    create.add_argument(
        "--suggestions",
        action="store_true",
        help="let students see suggestions while they work (off by default)",
    )
    create.set_defaults(run=cmd_create)

    lst = sub.add_parser("list", help="list the project's exercises")
    lst.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    lst.set_defaults(run=cmd_list)

    key = sub.add_parser(
        "key",
        help="set the answer key of an exercise",
        description="Make an annotator's annotations the answer key ('none' clears it).",
    )
    key.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    key.add_argument("annotator", metavar="ANNOTATOR", help="annotator name or id, or 'none'")
    key.add_argument("--exercise", metavar="ID", help="exercise id (or its start) or title")
    key.set_defaults(run=cmd_key)

    collect = sub.add_parser(
        "collect",
        help="collect submission files into the project",
        description=(
            f"Collect *{SUBMISSION_SUFFIX} files (folders are searched). Each is checked: "
            "right exercise, same codebook, well-formed, offsets inside the texts with matching "
            "quotes. A newer submission from the same student replaces the older one (kept in "
            "the history) only if it comes from the same workspace under the same name; "
            "otherwise it is held as a conflict for you to accept. Bad files are listed with "
            "the reason and change nothing. Exit status 1 if any file was rejected or held."
        ),
    )
    collect.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    collect.add_argument("paths", metavar="FILE_OR_FOLDER", nargs="+")
    collect.add_argument("--exercise", metavar="ID", help="accept only this exercise")
    collect.set_defaults(run=cmd_collect)

    hist = sub.add_parser(
        "history",
        help="list current, replaced and held submissions",
        description=(
            "List each student's current submission, the submissions it replaced (history) "
            "and files held as conflicts, with their numbers for 'restore' and 'accept'."
        ),
    )
    hist.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    hist.add_argument("--exercise", metavar="ID", help="needed when there are several")
    hist.set_defaults(run=cmd_history)

    for name, run, text in (
        ("restore", cmd_restore, "make a kept submission (history or held) current again"),
        ("accept", cmd_accept, "accept a submission held as a conflict"),
    ):
        action = sub.add_parser(
            name,
            help=text,
            description=(
                f"{text[0].upper()}{text[1:]}; the submission it takes the place of is kept in "
                "the history. Numbers come from 'exercise history'."
            ),
        )
        action.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
        action.add_argument("number", metavar="NUMBER", type=int)
        action.set_defaults(run=run)

    grade = sub.add_parser(
        "grade",
        help="grade the collected submissions against the key",
        description=(
            "Precision, recall and F1 per student, exact (same label, start and end) and "
            "overlap (same label, sharing a character; with --tolerance N both ends within N "
            "characters of the key's), matched one-to-one. Optionally writes the class table "
            "as CSV and one printable HTML feedback page per student. On a server project "
            "the live work of every signed-in student is graded too, without collecting files."
        ),
    )
    grade.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    grade.add_argument(
        "exercise_name",
        nargs="?",
        metavar="EXERCISE",
        help="the exercise's id (its start is enough) or title; needed when there are several",
    )
    grade.add_argument("--exercise", metavar="ID", help="the same, as an option")
    grade.add_argument("--csv", metavar="FILE", help="write the class overview as CSV")
    grade.add_argument("--feedback", metavar="DIR", help="write HTML feedback pages here")
    grade.add_argument(
        "--tolerance",
        type=_tolerance,
        default=None,
        metavar="N",
        help="overlap matches need both ends within N characters (default: any overlap)",
    )
    grade.set_defaults(run=cmd_grade)

    start = sub.add_parser(
        "start",
        help="(student) start or resume an exercise's workspace",
        description=(
            "Create, or find again, the student's workspace project for an exercise file and "
            "print where it is. Open it in Claimdesk to annotate; every edit is saved at once."
        ),
    )
    start.add_argument("exercise_file", metavar="EXERCISE", help=f"a *{EXERCISE_SUFFIX} file")
    start.add_argument("--name", required=True, help="the student's name")
    start.add_argument("--id", help="the student's id (optional)")
    start.set_defaults(run=cmd_start)

    submit = sub.add_parser(
        "submit",
        help="(student) write the submission file of a workspace",
        description=(
            f"Write the *{SUBMISSION_SUFFIX} file of a workspace: only the student's "
            "annotations, the exercise id, codebook fingerprint, identity and time spent."
        ),
    )
    submit.add_argument("workspace", metavar="WORKSPACE", help="the workspace project file")
    submit.add_argument(
        "--out", metavar="FILE_OR_FOLDER", help="default: next to the exercise file"
    )
    submit.set_defaults(run=cmd_submit)
