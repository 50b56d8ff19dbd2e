"""Importing articles into a project (files, web addresses, the clipboard): all the good ones in
one transaction, or none."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.limits import printable_path
from claimdesk.core.net.fetch import FetchError
from claimdesk.core.net.pages import read_web_article
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.records import Changes
from claimdesk.core.store.project import ImportReport, Project
from claimdesk.core.suffixes import ARTICLE_SUFFIXES
from claimdesk.core.text.encoding import MAX_ARTICLE_BYTES, article_too_large
from claimdesk.core.text.extract import Extracted, ExtractError
from claimdesk.core.text.textio import (
    DEFAULT_CLEANUP_RULES,
    Article,
    ArticleError,
    CleanupRule,
    article_from_extracted,
    collect_article_paths,
    read_article,
)

_NO_ARTICLES = f"holds no article files ({', '.join(ARTICLE_SUFFIXES)})"
# Where an article came from: a file or folder, or a web address ("https://…", "clipboard").
Source = Path | str
CLIPBOARD = "clipboard"
_WORD = re.compile(r"\w+")


class ImportRefused(ClaimdeskError):
    """Some files could not be imported, so nothing was; the message names each one.

    ``none_valid``: the good files were to be imported without the bad ones, but there were
    none (asking to skip the bad files again would not help).
    """

    def __init__(self, problems: Sequence[tuple[Source, str]], *, none_valid: bool = False) -> None:
        self.problems = list(problems)
        self.none_valid = none_valid
        lines = "\n".join(f"  {printable_path(path)}: {reason}" for path, reason in self.problems)
        count = len(self.problems)
        one, many = _kind_of(source for source, _ in self.problems)
        if not none_valid:
            head = f"Nothing was imported; {count} {one if count == 1 else many} cannot be:"
        elif count == 1:
            head = "Nothing could be imported:"
        else:
            head = f"None of the {count} {many} could be imported:"
        super().__init__(f"{head}\n{lines}")


@dataclass
class ImportPlan:
    """The articles read and checked, before anything is written; problems name the file or
    the web address."""

    articles: list[Article] = field(default_factory=list)
    problems: list[tuple[Source, str]] = field(default_factory=list)


def plan_import(
    paths: Sequence[Path],
    *,
    urls: Sequence[str] = (),
    cleanup: bool = True,
    rules: Sequence[CleanupRule] = DEFAULT_CLEANUP_RULES,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read files and folders, then fetch web addresses (each page through the same path)."""
    files, problems = collect_article_paths([Path(p) for p in paths]) if paths else ([], [])
    plan = ImportPlan(problems=list(problems))
    if not files and not problems and not urls:
        plan.problems.append((Path(paths[0]) if paths else Path("."), _NO_ARTICLES))
    total = len(files) + len(urls)
    for done, path in enumerate(files, start=1):
        try:
            plan.articles.append(read_article(path, cleanup=cleanup, rules=rules))
        except ArticleError as exc:
            plan.problems.append((exc.path, exc.reason))
        check_progress(progress, done, total)
    for done, url in enumerate(urls, start=len(files) + 1):
        try:
            article = read_web_article(
                url, cleanup=cleanup, rules=rules, progress=_still(progress, done - 1)
            )
        except FetchError as exc:
            plan.problems.append((exc.url, exc.reason))
        else:
            plan.articles.append(article)
        check_progress(progress, done, total)
    return plan


def plan_paste(
    html: str,
    text: str,
    *,
    cleanup: bool = True,
    rules: Sequence[CleanupRule] = DEFAULT_CLEANUP_RULES,
) -> ImportPlan:
    """The clipboard as one new article (see `pasted_article`); a problem names "clipboard"."""
    try:
        return ImportPlan(articles=[pasted_article(html, text, cleanup=cleanup, rules=rules)])
    except ArticleError as exc:
        return ImportPlan(problems=[(CLIPBOARD, exc.reason)])


def pasted_article(
    html: str,
    text: str,
    *,
    cleanup: bool = True,
    rules: Sequence[CleanupRule] = DEFAULT_CLEANUP_RULES,
) -> Article:
    """The clipboard's text, or its HTML through the web-page extraction when that leaves
    something out (a whole page copied: menus, banners, comments); ArticleError otherwise.

    A copied selection is kept as the program it came from wrote it as text: on a short
    fragment the extraction only changes where lines break (it splits a line at <b>), so the
    words are compared and the text is kept when they are the same.
    """
    for content in (html, text):
        size = len(content.encode("utf-8", "surrogatepass"))
        if size > MAX_ARTICLE_BYTES:
            raise ArticleError(Path(CLIPBOARD), article_too_large(size))
    extracted: Extracted | None = None
    if html.strip():
        from claimdesk.core.text.extract.html import extract_html

        try:
            extracted = extract_html(html)
        except ExtractError:
            extracted = None  # no article in the markup: the plain text is what was copied
    if text.strip() and (extracted is None or _WORD.findall(extracted.text) == _WORD.findall(text)):
        extracted = Extracted(text=text)
    if extracted is None:
        raise ArticleError(Path(CLIPBOARD), "holds no text to paste")
    return article_from_extracted(extracted, source=CLIPBOARD, cleanup=cleanup, rules=rules)


def _still(progress: Progress | None, done: int) -> Progress | None:
    """A fetch's own progress (bytes) reported as the import's: ``done`` articles of an unknown
    total (a busy bar while a page arrives); it asks whether to go on, so Cancel stops a
    download at once."""
    if progress is None:
        return None
    return lambda _bytes, _expected: progress(done, 0)


def _kind_of(sources: Iterable[Source]) -> tuple[str, str]:
    """What the problems are about, in the singular and the plural."""
    kinds = {isinstance(source, str) for source in sources}
    if kinds == {True}:
        return "web address", "web addresses"
    return ("file", "files") if kinds == {False} else ("file or address", "files and addresses")


class ImportResult(NamedTuple):
    """What an import did (``report``), the files left out (``problems``), and the `Changes`
    the views refresh from. Unpacks as ``report, problems``."""

    report: ImportReport
    problems: list[tuple[Source, str]]

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
    urls: Sequence[str] = (),
    cleanup: bool = True,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import files, folders and web addresses. With problems and without ``skip_invalid``,
    nothing is written."""
    plan = plan_import(paths, urls=urls, cleanup=cleanup, progress=progress)
    if plan.problems and not (skip_invalid and plan.articles):
        raise ImportRefused(plan.problems, none_valid=skip_invalid)
    return import_plan(project, plan)
