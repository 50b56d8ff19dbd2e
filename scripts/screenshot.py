"""Make the README's screenshots from the real windows, offscreen, in a throw-away user folder.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py [OUTPUT_FOLDER]

writes OUTPUT_FOLDER (default docs/screenshots) /light.png, dark.png (the sample project as a
newcomer first sees it, with the worked example shown), curation.png and dashboard.png (the
worked example beside two students' claims) and student.png (an exercise of the sample in
student mode). Every picture is 1280 × 800 and the same on every run: fixed names, window
sizes and clock.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QElapsedTimer, QSize  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

SIZE = QSize(1280, 800)
NAMES = ("light", "dark", "curation", "dashboard", "student")
NEWCOMER = "Ana"
# Two students' claims on the first article (phrase, label key): close to the worked example,
# with the differences a class really shows (other bounds, another label, a claim missed).
STUDENTS = {
    "Student A": (
        ("most substantive talks on cooperation between the two armies in decades", "3"),
        ("turning its mammoth arms industry into a lucrative producer for consumer goods", "7"),
        ("East European and Western diplomats", "9"),
        ("sidestep an arms embargo with the West", "1"),
        ("gain access to Soviet weapons technology", "4"),
        ("the West imposed sanctions on weapons sales", "1"),
        ("the diplomats say", "9"),
        ("canceled what would have been its biggest military purchase from the United States", "1"),
        ('A "guns-for-butter" barter deal', "6"),
    ),
    "Student B": (
        ("talks on cooperation between the two armies", "3"),
        ("turning its mammoth arms industry into a lucrative producer for consumer goods", "7"),
        ("sidestep an arms embargo with the West", "1"),
        ("gain access to Soviet weapons technology", "4"),
        ("the West imposed sanctions on weapons sales", "1"),
        ("canceled what would have been its biggest military purchase from the United States", "4"),
        ('A "guns-for-butter" barter deal', "6"),
    ),
}
# What the student in student.png has marked so far.
STUDENT_CLAIMS = (
    ("most substantive talks on cooperation between the two armies in decades", "3"),
    ("sidestep an arms embargo with the West", "1"),
    ("gain access to Soviet weapons technology", "4"),
)
EXERCISE_TITLE = "Week 1: claims about the Sino-Soviet thaw"


class Clock:
    """A fixed clock for everything the project stores (the dashboard's "progress" dates)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def install(self) -> None:
        import claimdesk.core.store.tables as tables

        clock = self

        class Fixed(datetime):
            @classmethod
            def now(cls, tz: object = None) -> Fixed:  # type: ignore[override]
                return clock.now  # type: ignore[return-value]

        tables.datetime = Fixed  # type: ignore[misc]  # the one clock every stored time reads


def settle(app: QApplication, widget: QWidget) -> None:
    widget.resize(SIZE)
    for _ in range(3):
        app.processEvents()


def save(widget: QWidget, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    image = widget.grab().toImage()
    if image.size() != SIZE:
        raise SystemExit(f"{name}: the window is {image.width()}×{image.height()}, not {SIZE}")
    if not image.save(str(path)):
        raise SystemExit(f"could not write {path}")
    return path


def wait_until(app: QApplication, done: object, what: str) -> None:
    timer = QElapsedTimer()
    timer.start()
    while not done():  # type: ignore[operator]
        if timer.elapsed() > 60_000:
            raise SystemExit(f"gave up waiting for {what}")
        app.processEvents()
        QTest.qWait(20)


def file_claims(window: object, claims: tuple[tuple[str, str], ...]) -> None:
    """Select each phrase in the article and press its label's key, as a user does."""
    view = window.view  # type: ignore[attr-defined]
    text = view.document_text()
    for phrase, key in claims:
        start = text.index(phrase)
        view.set_text_selection(start, start + len(phrase))
        QTest.keyClick(view, key)


def main(argv: list[str]) -> list[Path]:
    folder = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as home:
        os.environ["CLAIMDESK_DATA_DIR"] = f"{home}/data"
        os.environ["CLAIMDESK_CONFIG_DIR"] = f"{home}/config"
        os.environ["CLAIMDESK_LOG_DIR"] = f"{home}/logs"
        clock = Clock()
        clock.install()
        from claimdesk.core.classroom.exercise import create_exercise
        from claimdesk.core.records import Status
        from claimdesk.gui.app import build_window, make_application
        from claimdesk.gui.dialogs import Prompts
        from claimdesk.gui.settings import Settings
        from claimdesk.gui.theme import apply_theme

        class Answers(Prompts):
            def annotator_name(self, current: str = "") -> str | None:
                return NEWCOMER

            def student_identity(
                self, exercise_title: str, name: str, student_id: str
            ) -> tuple[str, str] | None:
                return ("Student C", "S-03")

        app = make_application(["claimdesk"])
        apply_theme(app, "light")
        # The newcomer's first look: the sample project with its worked example.
        window = build_window(None, Settings(), Answers())
        if window is None:
            raise SystemExit("the sample project did not open")
        window.show()
        settle(app, window)
        window.splitter.setSizes([280, 600, 400])
        window.view.verticalScrollBar().setValue(0)
        settle(app, window)
        written.append(save(window, folder, "light"))
        apply_theme(app, "dark")
        settle(app, window)
        written.append(save(window, folder, "dark"))
        apply_theme(app, "light")
        settle(app, window)

        # A class has annotated the first article: the worked example and two students.
        project = window.project
        first = window.documents.model.document_ids()[0]
        labels = {label.shortcut: label.id for label in project.labels() if label.shortcut}
        text = project.document_text(first)
        for name, claims in STUDENTS.items():
            clock.now += timedelta(days=1)
            student = project.ensure_annotator(name)
            for phrase, key in claims:
                start = text.index(phrase)
                project.add_annotation(first, labels[key], student.id, start, start + len(phrase))
            project.set_status(first, student.id, Status.DONE)
        project.history = type(project.history)()
        curation = window.curate_document(first)
        if curation is None:
            raise SystemExit("the curation view did not open")
        settle(app, curation)
        curation.table.selectRow(0)
        settle(app, curation)
        written.append(save(curation, folder, "curation"))
        curation.close()

        dashboard = window.open_dashboard()
        settle(app, dashboard)
        wait_until(app, lambda: dashboard.report is not None and dashboard.task is None, "figures")
        settle(app, dashboard)
        written.append(save(dashboard, folder, "dashboard"))
        dashboard.close()

        # An exercise of the sample, opened by a student.
        info = create_exercise(
            project,
            Path(home) / "Week 1",
            title=EXERCISE_TITLE,
            document_ids=window.documents.model.document_ids(),
            guidelines="Mark each claim about relations between China and the Soviet Union.",
        )
        window.close()
        assert info.path is not None
        student = build_window(str(info.path), Settings(), Answers())
        if student is None:
            raise SystemExit("the exercise did not open")
        student.show()
        settle(app, student)
        student.splitter.setSizes([280, 600, 400])
        file_claims(student, STUDENT_CLAIMS)
        student.view.set_text_selection(0, 0)
        student.view.verticalScrollBar().setValue(0)
        settle(app, student)
        written.append(save(student, folder, "student"))
        student.close()
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    main(sys.argv)
