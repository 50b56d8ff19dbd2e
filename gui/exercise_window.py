"""The student's side of an exercise: the ordinary main window over the student's workspace,
with an exercise banner (title, progress, guidelines), a Submit action and a frozen codebook."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.errors import EditError, ProjectError
from claimdesk.core.limits import printable
from claimdesk.core.paths import user_config_dir
from claimdesk.core.suffixes import SUBMISSION_SUFFIX
from claimdesk.gui.dialogs import TextDialog, ok_cancel, plain_tooltip
from claimdesk.gui.places import SUBMIT
from claimdesk.gui.teacher_dialogs import safe_file_stem
from claimdesk.gui.theme import colour_of, current_theme, text_on

if TYPE_CHECKING:
    from claimdesk.core.classroom.exercise import StudentWork
    from claimdesk.core.store.project import Project
    from claimdesk.gui.dialogs import Prompts
    from claimdesk.gui.main_window import MainWindow
    from claimdesk.gui.settings import Settings

FROZEN_TIP = (
    "The codebook is fixed by the exercise: labels cannot be added, edited, recoloured or "
    "deleted here."
)
FIXED_DOCUMENTS_TIP = "An exercise has a fixed set of documents: nothing can be imported into it."
TIME_FLUSH_MS = 60_000
MAX_GAP_SECONDS = 300  # a longer gap between two flushes is a closed laptop, not work


class IdentityDialog(QDialog):
    """Asked once per exercise: the student's name and an optional student id."""

    def __init__(self, exercise_title: str, name: str, student_id: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle("Start the exercise")
        intro = QLabel(
            f"Exercise: {exercise_title}\n\nYour name is written into your submission so your "
            "teacher knows whose work it is."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.name = QLineEdit(name)
        self.student_id = QLineEdit(student_id)
        self.student_id.setPlaceholderText("optional")
        form = QFormLayout()
        form.addRow("Your &name", self.name)
        form.addRow("Student &id", self.student_id)
        self.buttons = ok_cancel(self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.name.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        ok.setEnabled(bool(name.strip()))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(420, 200)

    def identity(self) -> tuple[str, str]:
        return " ".join(self.name.text().split()), self.student_id.text().strip()


class GuidelinesDialog(TextDialog):
    """The exercise's guidelines as plain text (never interpreted as HTML)."""

    def __init__(self, title: str, guidelines: str, parent: QWidget | None = None) -> None:
        text = guidelines or "The teacher gave no guidelines for this exercise."
        super().__init__(f"Guidelines — {title}", text, parent, size=(560, 420))


class ExerciseBanner(QWidget):
    """Across the top of the window: the exercise, how far the student is, guidelines, submit."""

    def __init__(self, submit_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-weight: bold; font-size: 13pt;")
        self.progress = QLabel()
        self.progress.setTextFormat(Qt.TextFormat.PlainText)
        self.progress.setToolTip("Mark a document done with Ctrl+D (Document menu).")
        self.submitted = QLabel()
        self.submitted.setTextFormat(Qt.TextFormat.PlainText)
        self.guidelines_button = QPushButton("Guidelines…")
        self.submit_button = QToolButton()
        self.submit_button.setDefaultAction(submit_action)
        self.submit_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.submit_button.setStyleSheet("font-weight: bold; padding: 3px 10px;")
        self.setObjectName("exercise_banner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._recolour()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.title)
        layout.addSpacing(16)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.submitted)
        layout.addSpacing(8)
        layout.addWidget(self.guidelines_button)
        layout.addWidget(self.submit_button)

    def _recolour(self) -> None:
        """The theme's banner colour, with text that reads on it (the contrast rule)."""
        self._theme = current_theme()
        background = colour_of("banner")
        self.setStyleSheet(
            f"#exercise_banner {{ background: {background}; "
            f"border-bottom: 1px solid {colour_of('banner_border')}; }}"
            f"#exercise_banner QLabel {{ color: {text_on(background)}; }}"
        )
        self._colour_submitted()

    def _colour_submitted(self) -> None:
        # Green only once it is true: "Not submitted yet" is the banner's plain text.
        done = self.submitted.property("submitted") is True
        self.submitted.setStyleSheet(f"color: {colour_of('saved')};" if done else "")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        palette = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in palette and getattr(self, "_theme", None) != current_theme():
            self._recolour()  # the theme was switched

    def show_work(self, work: StudentWork) -> None:
        who = work.student_name + (f" ({work.student_id})" if work.student_id else "")
        self.title.setText(f"Exercise: {work.title}")
        self.title.setToolTip(plain_tooltip(f"{work.title}\nStudent: {who}"))
        self.progress.setText(work.progress_text)
        if work.submitted_at is not None:
            local = work.submitted_at.astimezone()
            self.submitted.setText(f"Submitted {local:%d %b %H:%M}")
        else:
            self.submitted.setText("Not submitted yet")
        self.submitted.setProperty("submitted", work.submitted_at is not None)
        self._colour_submitted()


class _Remembered:
    """Who worked on which exercise on this computer, so the name is asked only once."""

    def __init__(self) -> None:
        path = user_config_dir() / "exercises.ini"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def get(self, exercise_id: str) -> tuple[str, str] | None:
        name = str(self._qs.value(f"{exercise_id}/name", "") or "")
        student_id = str(self._qs.value(f"{exercise_id}/student_id", "") or "")
        return (name, student_id) if name else None

    def set(self, exercise_id: str, name: str, student_id: str) -> None:
        self._qs.setValue(f"{exercise_id}/name", name)
        self._qs.setValue(f"{exercise_id}/student_id", student_id)
        self._qs.sync()


class StudentMode(QObject):
    """Turns an ordinary main window into the student's exercise window, and back.

    Made by ``MainWindow.start_student_mode``; ``ended`` (with this object) once detached.
    """

    ended = Signal(object)

    def __init__(self, window: MainWindow, work: StudentWork) -> None:
        super().__init__(window)
        self.window = window
        self.work = work
        self.workspace = window.project.path
        self.submit_action = QAction("&Submit…", window)
        self.submit_action.setStatusTip("Write your submission file to hand in to your teacher")
        self.submit_action.setToolTip("Write your submission file to hand in to your teacher")
        self.submit_action.triggered.connect(self.submit)
        self.guidelines_action = QAction("&Guidelines…", window)
        self.guidelines_action.triggered.connect(self.show_guidelines)
        self.switch_action = QAction("Work as &another student…", window)
        self.switch_action.setStatusTip("On a shared computer: start or resume someone else's work")
        self.switch_action.triggered.connect(self.switch_student)
        self.banner = ExerciseBanner(self.submit_action)
        self.banner.guidelines_button.clicked.connect(self.show_guidelines)
        self.toolbar = QToolBar("Exercise")
        self.toolbar.setObjectName("exercise_banner")
        self.toolbar.setMovable(False)
        self.toolbar.setFloatable(False)
        self.toolbar.setContentsMargins(0, 0, 0, 0)
        self.toolbar.setStyleSheet("QToolBar { border: 0; padding: 0; spacing: 0; }")
        self.toolbar.addWidget(self.banner)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        window.insertToolBarBreak(self.toolbar)  # a row of its own, under the main toolbar
        self.menu = QMenu("E&xercise", window)
        self.menu.addAction(self.submit_action)
        self.menu.addAction(self.guidelines_action)
        self.menu.addSeparator()
        self.menu.addAction(self.switch_action)
        self.menu_action = window.menuBar().insertMenu(window.menuBar().actions()[1], self.menu)
        self._frozen: list[tuple[QObject, str]] = []
        self._freeze()
        self._last_flush = time.monotonic()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.flush_time)
        self.timer.start(TIME_FLUSH_MS)
        model = window.documents.model
        model.dataChanged.connect(self.refresh)
        model.modelReset.connect(self._project_maybe_changed)
        window.installEventFilter(self)
        self.banner.show_work(work)

    # -- the codebook and the documents are the exercise's -------------------------------------

    def _freeze(self) -> None:
        window = self.window
        actions = window.menu_actions
        for action in [actions.add_label, *actions.labels_menu.actions()]:
            self._disable(action, FROZEN_TIP)
        for button in window.tags.findChildren(QToolButton):
            self._disable(button, FROZEN_TIP)
        for action in (actions.import_articles, actions.import_folder):
            self._disable(action, FIXED_DOCUMENTS_TIP)
        actions.classroom_menu.menuAction().setVisible(False)

    def _disable(self, item: QAction | QToolButton, tip: str) -> None:
        self._frozen.append((item, item.toolTip()))
        item.setEnabled(False)
        item.setToolTip(tip)
        if isinstance(item, QAction):
            item.setStatusTip(tip)

    def detach(self) -> None:
        """Back to an ordinary window (another project was opened)."""
        self.flush_time_to(self._workspace_project())
        self.timer.stop()
        for item, tip in self._frozen:
            assert isinstance(item, QAction | QToolButton)
            item.setEnabled(True)
            item.setToolTip(tip)
            if isinstance(item, QAction):
                item.setStatusTip(tip)
        self.window.menu_actions.classroom_menu.menuAction().setVisible(True)
        self.window.removeToolBarBreak(self.toolbar)
        self.window.removeToolBar(self.toolbar)
        self.toolbar.deleteLater()
        self.window.menuBar().removeAction(self.menu_action)
        model = self.window.documents.model
        model.dataChanged.disconnect(self.refresh)
        model.modelReset.disconnect(self._project_maybe_changed)
        self.window.removeEventFilter(self)
        self.ended.emit(self)
        self.deleteLater()

    def _workspace_project(self) -> Project | None:
        project = self.window.current_project
        return project if project is not None and project.path == self.workspace else None

    def _project_maybe_changed(self) -> None:
        if self._workspace_project() is None:
            self.detach()
        else:
            self.refresh()

    # -- progress and time ----------------------------------------------------------------------

    def refresh(self) -> None:
        from claimdesk.core.classroom.workspace import workspace_info

        project = self._workspace_project()
        if project is None:
            return
        work = workspace_info(project)
        if work is not None:
            self.work = work
            self.banner.show_work(work)

    def flush_time(self) -> None:
        self.flush_time_to(self._workspace_project())

    def flush_time_to(self, project: Project | None) -> None:
        from claimdesk.core.classroom.workspace import record_time

        now = time.monotonic()
        seconds = now - self._last_flush
        self._last_flush = now
        if project is None or seconds > MAX_GAP_SECONDS + TIME_FLUSH_MS / 1000:
            return
        # Time spent is a courtesy figure: never interrupt the student for it.
        with contextlib.suppress(ProjectError, EditError):
            record_time(project, round(seconds))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The window closes its project in closeEvent: record the time before that.
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.flush_time()
        return False

    # -- actions --------------------------------------------------------------------------------

    def show_guidelines(self) -> GuidelinesDialog:
        dialog = GuidelinesDialog(self.work.title, self.work.guidelines, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def switch_student(self) -> bool:
        """Ask the name again and open that student's workspace for the same exercise."""
        exercise_path = self.work.exercise_path
        window = self.window
        if exercise_path is None or not exercise_path.is_file():
            window.prompts.error(
                "Exercise file not found",
                "Open the exercise file again (File › Open) to work as another student.",
            )
            return False
        return open_exercise_file(
            exercise_path, window, window.settings, window.prompts, ask_name=True
        )

    def default_submission_path(self) -> Path:
        # Next to the exercise file, as the teacher handed it out; if that folder is gone, where
        # the student last submitted, else Documents (the workspace itself is in a hidden folder).
        exercise_path = self.work.exercise_path
        if exercise_path is not None and exercise_path.parent.is_dir():
            folder = exercise_path.parent
        else:
            folder = self.window.places.folder(SUBMIT)
        who = self.work.student_name + (f" {self.work.student_id}" if self.work.student_id else "")
        name = f"{safe_file_stem(self.work.title)} - {safe_file_stem(who)}{SUBMISSION_SUFFIX}"
        return folder / name

    def submit(self) -> Path | None:
        from claimdesk.core.classroom.workspace import submit

        project = self._workspace_project()
        if project is None:
            return None
        out = self.window.prompts.submission_path(self.default_submission_path())
        if out is None:
            return None
        if not out.name.endswith(SUBMISSION_SUFFIX):
            out = out.with_name(out.name + SUBMISSION_SUFFIX)
        self.flush_time()
        try:
            written = submit(project, out)
        except (ProjectError, EditError, OSError) as exc:
            self.window.prompts.error("Not submitted", f"Your submission was not written.\n\n{exc}")
            return None
        self.refresh()
        self.window.prompts.inform(
            "Submitted",
            f"Your work is saved in:\n{written}\n\n{self.work.progress_text}.\n\n"
            "Hand this file to your teacher. You can keep working and submit again: "
            "the newest submission counts.",
        )
        return written


# -- opening files (called by gui/app.py for the command line and by File › Open) -------------


def _install(window: MainWindow, project: Project, work: StudentWork) -> StudentMode:
    if window.student_mode is not None:
        window.student_mode.detach()
    if window.current_project is not None:
        window.current_project.close()
    window.set_project(project, work.annotator)
    return window.start_student_mode(work)


def attach_if_workspace(window: MainWindow) -> StudentMode | None:
    """A project opened by path that turns out to be a student's workspace gets its banner."""
    from claimdesk.core.classroom.workspace import workspace_info

    work = workspace_info(window.project)
    if work is None or window.student_mode is not None:
        return None
    if window.annotator.id != work.annotator.id:
        window.set_project(window.project, work.annotator)  # the student's own annotations
    return window.start_student_mode(work)


def open_exercise_file(
    path: Path, window: MainWindow, settings: Settings, prompts: Prompts, *, ask_name: bool = False
) -> bool:
    """Open an exercise for a student: ask who they are once (with the annotator name known on
    this computer filled in), then resume their workspace."""
    from claimdesk.core.classroom.exercise import read_exercise
    from claimdesk.core.classroom.workspace import (
        identity_problem,
        open_workspace,
        workspace_info,
        workspace_path,
    )
    from claimdesk.core.store.project import Project

    path = Path(path).expanduser().resolve()
    try:
        exercise = read_exercise(path)
    except ProjectError as exc:
        prompts.error("Exercise not opened", f"The exercise could not be opened.\n\n{exc}")
        return False
    remembered = _Remembered()
    identity = None if ask_name else remembered.get(exercise.id)
    if identity is not None and (
        identity_problem(*identity) is not None or not workspace_path(path, *identity).exists()
    ):
        identity = None  # the workspace was removed (or the name is no longer allowed): ask
    asked_name, asked_id = settings.annotator_name, ""
    while identity is None:
        identity = prompts.student_identity(exercise.title, asked_name, asked_id)
        if identity is None:
            return False
        asked_name, asked_id = identity
        problem = identity_problem(" ".join(asked_name.split()), " ".join(asked_id.split()))
        if problem is not None:
            # Asked again with what was typed: a control character or a bidi override cannot
            # be part of a student's name.
            prompts.error("Name not accepted", printable(f"{problem[0].upper()}{problem[1:]}."))
            identity = None
    name, student_id = identity
    try:
        project = Project.open(open_workspace(path, name, student_id or None))
        work = workspace_info(project)
    except (ProjectError, EditError) as exc:
        prompts.error("Exercise not opened", f"Your workspace could not be opened.\n\n{exc}")
        return False
    if work is None:
        project.close()
        prompts.error("Exercise not opened", f"{path.name}: the workspace is damaged.")
        return False
    remembered.set(exercise.id, name, student_id)
    if not settings.annotator_name:
        # A first launch with an exercise asks only this question: it names the annotator too.
        settings.annotator_name = name
    settings.last_project = str(project.path)
    _install(window, project, work)
    return True


def open_submission_file(
    path: Path, window: MainWindow, settings: Settings, prompts: Prompts
) -> bool:
    """A teacher opening a submission: collect it into the open (or last) class project."""
    from claimdesk.gui.teacher_actions import collect_now

    project = window.current_project
    if project is None:
        from claimdesk.core.store.project import Project

        last = settings.last_project
        if not last or not Path(last).is_file():
            prompts.error(
                "Submission not collected",
                f"{Path(path).name}: open the class project first, then use "
                "Classroom › Collect submissions.",
            )
            return False
        try:
            project = Project.open(last)
        except ProjectError as exc:
            prompts.error("Submission not collected", str(exc))
            return False
        annotator = project.ensure_annotator(settings.annotator_name or "Teacher")
        window.set_project(project, annotator)
    if window.student_mode is not None:
        prompts.error(
            "Submission not collected",
            f"{Path(path).name}: submissions are collected in the teacher's class project, "
            "not in a student's exercise.",
        )
        return False
    collect_now(window, [Path(path)])
    return True
