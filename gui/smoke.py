"""``claimdesk --smoke-test``: prove an installation works, end to end, without touching the
user's own files.

Opens the sample project (or a copy of the file given) in a throw-away folder, selects a
stretch of the first article in the window and presses a label's key, closes the window,
reopens the project in a new window and checks the highlight is there. Then it exports the
project to every dataset format (reading back those Claimdesk imports), draws the agreement
dashboard and reads an article file of every kind (web page, Word, ODT, RTF, EPUB, PDF): the
parts of the program loaded by name at run time, which a packaged build can leave out without
anything failing until a user needs them. Prints one line and returns 0,
or names what failed and returns 1.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claimdesk.core.errors import ClaimdeskError

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project
    from claimdesk.gui.main_window import MainWindow

SMOKE_ANNOTATOR = "Smoke test"


class SmokeFailure(ClaimdeskError):
    pass


def _wait(app: object, until: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.01)


def run_smoke_test(argv: Sequence[str], file: str | None, screenshot: str | None) -> int:
    from claimdesk.gui.display_check import offscreen_without_display

    offscreen_without_display(os.environ)
    home = Path(tempfile.mkdtemp(prefix="claimdesk-smoke-"))
    # Settings and the sample project go to the throw-away folder, never the user's own.
    os.environ["CLAIMDESK_DATA_DIR"] = str(home / "data")
    os.environ["CLAIMDESK_CONFIG_DIR"] = str(home / "config")
    os.environ["CLAIMDESK_CACHE_DIR"] = str(home / "cache")
    try:
        summary = _smoke(argv, home, file, screenshot)
    except Exception as exc:  # report every failure as one line and a non-zero exit
        print(f"claimdesk: smoke test FAILED: {exc}", file=sys.stderr, flush=True)
        if not isinstance(exc, SmokeFailure):
            traceback.print_exc()
        return 1
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"claimdesk: smoke test passed: {summary}", flush=True)
    return 0


def _smoke(argv: Sequence[str], home: Path, file: str | None, screenshot: str | None) -> str:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    from claimdesk.core.suffixes import EXERCISE_SUFFIX, PROJECT_SUFFIX
    from claimdesk.gui.app import build_window, make_application
    from claimdesk.gui.dialogs import Prompts
    from claimdesk.gui.launch import suffix_of
    from claimdesk.gui.settings import Settings
    from claimdesk.gui.smoke_articles import read_every_article_kind

    class FailingPrompts(Prompts):
        """A smoke test must not stop to ask: a dialog it would show is a failure."""

        def error(self, title: str, message: str) -> None:
            raise SmokeFailure(f"the app reported an error: {message}")

        def student_identity(
            self, exercise_title: str, name: str, student_id: str
        ) -> tuple[str, str] | None:
            return SMOKE_ANNOTATOR, ""  # an exercise opens as the smoke test's own workspace

    settings = Settings()
    settings.annotator_name = SMOKE_ANNOTATOR
    app = make_application(list(argv[:1]), settings.theme)
    requested: str | None = None
    if file:
        source = Path(file).expanduser()
        if not source.is_file():
            raise SmokeFailure(f"{source}: no such file")
        if suffix_of(source) not in (PROJECT_SUFFIX, EXERCISE_SUFFIX):
            raise SmokeFailure(f"{source.name}: the smoke test opens a project or an exercise")
        copy = home / source.name
        shutil.copy2(source, copy)
        requested = str(copy)

    window = build_window(requested, settings, FailingPrompts())
    if window is None:
        raise SmokeFailure("the project could not be opened")
    window.show()
    _wait(app, window.isVisible, "the window to show")
    _wait(app, lambda: window.document_id is not None, "the first article to open")
    assert window.document_id is not None
    project_path = Path(window.project.path)
    text = window.view.document_text()
    label = next((lab for lab in window.labels.values() if lab.shortcut), None)
    if label is None or not label.shortcut:
        raise SmokeFailure("the project has no label with a key to press")
    start = next((i for i, ch in enumerate(text) if ch.isalnum()), None)
    if start is None:
        raise SmokeFailure("the first article has no words to annotate")
    end = min(len(text), start + 12)
    document_id = window.document_id
    annotator_id = window.annotator.id
    before = window.annotations.model_.rowCount()
    existing = {
        (s.start, s.end, s.label_id) for s in window.project.spans(document_id, annotator_id)
    }
    window.view.setFocus()
    window.view.set_text_selection(start, end)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(
            kind,
            Qt.Key(ord(label.shortcut.upper())),
            Qt.KeyboardModifier.NoModifier,
            label.shortcut,
        )
        app.sendEvent(window.view, event)
    _wait(app, lambda: window.annotations.model_.rowCount() == before + 1, "the new highlight")
    added = {
        (s.start, s.end, s.label_id) for s in window.project.spans(document_id, annotator_id)
    } - existing
    if len(added) != 1:
        raise SmokeFailure(f"expected one new annotation in the project, found {len(added)}")
    wanted = added.pop()
    quote = text[wanted[0] : wanted[1]]
    if screenshot:
        window.grab().save(screenshot)
    title = window.windowTitle()
    window.close()
    window.deleteLater()
    app.processEvents()

    reopened = build_window(str(project_path), settings, FailingPrompts())
    if reopened is None:
        raise SmokeFailure("the project could not be reopened")
    try:
        reopened.open_document(document_id)
        spans = reopened.project.spans(document_id, reopened.annotator.id)
        if not any((s.start, s.end, s.label_id) == wanted for s in spans):
            raise SmokeFailure("the annotation was not there after reopening the project")
        formats = export_every_format(reopened.project, home / "exports")
        dashboard = _draw_dashboard(app, reopened)
        articles = read_every_article_kind(home / "articles")
        server = _server_driver()
    finally:
        reopened.close()
        reopened.deleteLater()
        app.processEvents()
    return (
        f"annotated {quote!r} as {label.name!r} in {title!r} and found it after reopening; "
        f"{formats}; {dashboard}; {articles}; {server}"
    )


def _server_driver() -> str:
    """The driver a server project needs is in the program (a bundle could leave out libpq)."""
    from claimdesk.core.store.location import parse_server_url
    from claimdesk.core.store.postgresql import driver_version, server_engine

    location, _ = parse_server_url("postgresql://nobody@127.0.0.1:1/none")
    server_engine(location, None).dispose()  # builds the dialect and loads the driver
    # The Linux keyring backend (Secret Service) and its cryptography are in the program too.
    from keyring.backends import SecretService

    backend = SecretService.Keyring.__module__
    return f"server projects through {driver_version()}, passwords kept by {backend}"


def export_every_format(project: Project, folder: Path) -> str:
    """Export to each format Claimdesk knows, and read back the ones it imports."""
    from claimdesk.core.formats import registry
    from claimdesk.core.formats.base import MissingExtraError
    from claimdesk.core.formats.export import export_dataset

    folder.mkdir()
    exported: list[str] = []
    skipped: list[str] = []
    for info in registry.FORMATS:
        out = folder / f"{info.name}{info.suffix}"
        try:
            export_dataset(project, info.name, out)
        except MissingExtraError:  # an optional extra (spaCy) that this installation lacks
            skipped.append(info.name)
            continue
        except Exception as exc:
            raise SmokeFailure(f"the export to {info.name} failed: {exc}") from exc
        if info.importable:
            try:
                documents = info.read(out)
            except Exception as exc:
                raise SmokeFailure(f"the {info.name} export could not be read back: {exc}") from exc
            if not documents:
                raise SmokeFailure(f"the {info.name} export read back with no documents")
        exported.append(info.name)
    summary = f"exported to {', '.join(exported)}"
    return summary + (f" (not installed: {', '.join(skipped)})" if skipped else "")


def _draw_dashboard(app: object, window: MainWindow) -> str:
    """Open the agreement dashboard (pyqtgraph, numpy) and wait for its figures."""
    from claimdesk.gui.dashboard import Dashboard

    view = window.open_dashboard()
    if not isinstance(view, Dashboard):
        raise SmokeFailure("the agreement dashboard did not open")
    _wait(
        app,
        lambda: view.report is not None or "could not" in view.message.text(),
        "the agreement figures",
    )
    if view.report is None:
        raise SmokeFailure(f"the agreement dashboard failed: {view.message.text()}")
    view.grab()  # draws every chart once
    view.close()
    people = len(view.report.annotator_ids)
    return f"drew the agreement dashboard for {people} annotator{'s' if people != 1 else ''}"
