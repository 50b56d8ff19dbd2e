"""Importing article files into a project: all the good files in one transaction, or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.limits import printable_path
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.records import Changes
from claimdesk.core.store.project import ImportReport, Project
from claimdesk.core.suffixes import ARTICLE_SUFFIXES
from claimdesk.core.text.textio import (
    DEFAULT_CLEANUP_RULES,
    Article,
    ArticleError,
    CleanupRule,
    collect_article_paths,
    read_article,
)

_NO_ARTICLES = f"holds no article files ({', '.join(ARTICLE_SUFFIXES)})"


class ImportRefused(ClaimdeskError):
    """Some files could not be imported, so nothing was; the message names each one.

    ``none_valid``: the good files were to be imported without the bad ones, but there were
    none (asking to skip the bad files again would not help).
    """

    def __init__(self, problems: Sequence[tuple[Path, str]], *, none_valid: bool = False) -> None:
        self.problems = list(problems)
        self.none_valid = none_valid
        lines = "\n".join(f"  {printable_path(path)}: {reason}" for path, reason in self.problems)
        count = len(self.problems)
        if not none_valid:
            head = f"Nothing was imported; {count} file(s) cannot be:"
        elif count == 1:
            head = "Nothing could be imported:"
        else:
            head = f"None of the {count} files could be imported:"
        super().__init__(f"{head}\n{lines}")


@dataclass
class ImportPlan:
    """The files read and checked, before anything is written."""

    articles: list[Article] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)


def plan_import(
    paths: Sequence[Path],
    *,
    cleanup: bool = True,
    rules: Sequence[CleanupRule] = DEFAULT_CLEANUP_RULES,
    progress: Progress | None = None,
) -> ImportPlan:
    files, problems = collect_article_paths([Path(p) for p in paths])
    plan = ImportPlan(problems=list(problems))
    if not files and not problems:
        plan.problems.append((Path(paths[0]) if paths else Path("."), _NO_ARTICLES))
    for done, path in enumerate(files, start=1):
        try:
            plan.articles.append(read_article(path, cleanup=cleanup, rules=rules))
        except ArticleError as exc:
            plan.problems.append((exc.path, exc.reason))
        check_progress(progress, done, len(files))
    return plan


class ImportResult(NamedTuple):
    """What an import did (``report``), the files left out (``problems``), and the `Changes`
    the views refresh from. Unpacks as ``report, problems``."""

    report: ImportReport
    problems: list[tuple[Path, str]]

    @property
    def changes(self) -> Changes:
        return self.report.changes


def import_plan(project: Project, plan: ImportPlan) -> ImportResult:
    """Store the good articles of a plan in one transaction (one undoable edit)."""
    return ImportResult(project.import_articles(plan.articles), list(plan.problems))


def import_paths(
    project: Project,
    paths: Sequence[Path],
    *,
    cleanup: bool = True,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import files and folders. With problems and without ``skip_invalid``, nothing is written."""
    plan = plan_import(paths, cleanup=cleanup, progress=progress)
    if plan.problems and not (skip_invalid and plan.articles):
        raise ImportRefused(plan.problems, none_valid=skip_invalid)
    return import_plan(project, plan)
