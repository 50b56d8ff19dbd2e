"""The ``claimdesk`` program: pick the project to open, ask the annotator's name once, show."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QSplashScreen, QWidget

from claimdesk.core import PrintVersion
from claimdesk.core.errors import ProjectError
from claimdesk.core.paths import resources_dir
from claimdesk.core.suffixes import EXERCISE_SUFFIX, PROJECT_SUFFIX, SUBMISSION_SUFFIX
from claimdesk.gui.excepthook import PROGRAM, CrashReporter, log_start
from claimdesk.gui.excepthook import install as install_excepthooks
from claimdesk.gui.settings import Settings

if TYPE_CHECKING:
    from claimdesk.gui.dialogs import Prompts
    from claimdesk.gui.main_window import MainWindow

START_LINE_DELAY_MS = 1000

# Start-up shows a splash as soon as Qt is up, then imports the window's widgets and paints the
# window, and only then imports the database layer (SQLAlchemy takes about as long to import as
# Qt takes to show a window) and opens the project: see benchmarks/bench_startup.py.
# PySide makes a class's Python enums the first time the class is used: before the first paint,
# only the classes the frame needs are named. Qt's namespace (`Qt.…`, 93 enums, ~15 ms) is not:
# the splash is a QSplashScreen (which sets its own window flags), a few enum values are set by
# number (gui/toolbar.py, MainWindow), and with the "system" theme the desktop's colour scheme
# (one of Qt's enums) is the one the last launch saw, asked again once the window has painted.
# The application's style is Fusion from the start (QApplication's -style option), so that no
# Python wrapper of a style (and its enums) is made to ask which style Qt chose.
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)  # resources/icons/png/claimdesk-<size>.png


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="claimdesk", description="Annotate claims in news articles."
    )
    parser.add_argument(
        "project",
        nargs="?",
        help=f"file to open: a project ({PROJECT_SUFFIX}), exercise ({EXERCISE_SUFFIX}) or "
        f"submission ({SUBMISSION_SUFFIX}), or a shared project's postgresql://user@server/"
        "database address; default: the last project, or the sample project",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="check this installation: open the sample project (or a copy of the file given) in "
        "a throw-away folder, annotate one span through the window, reopen it, exit 0 if all "
        "went well; offscreen when there is no display",
    )
    parser.add_argument(
        "--screenshot", metavar="PNG", help="with --smoke-test: save a picture of the window"
    )
    parser.add_argument("--version", action=PrintVersion)
    parser.add_argument(
        "--new-instance",
        action="store_true",
        help="start a separate Claimdesk even if one is running (normally the file goes to it)",
    )
    return parser.parse_args(argv)


def choose_project(requested: str | None, settings: Settings) -> Path:
    """The file named on the command line, else the last project, else the sample project."""
    from claimdesk.core.sample import ensure_sample_project

    if requested:
        return Path(requested).expanduser().resolve()
    last = settings.last_project
    if last and Path(last).is_file():
        return Path(last)
    return ensure_sample_project()


def annotator_name(settings: Settings, prompts: Prompts) -> str:
    """Asked once, on first launch; kept in the user's settings."""
    name = settings.annotator_name
    if not name:
        from claimdesk.gui.preferences import annotator_name_problem

        typed = prompts.annotator_name()
        # Control characters or an endless name: say why and ask again.
        while typed and (problem := annotator_name_problem(typed)) is not None:
            prompts.error("Choose another name", problem)
            typed = prompts.annotator_name(typed)
        name = typed or _login_name() or "Annotator"
        if annotator_name_problem(name) is not None:
            name = "Annotator"
        settings.annotator_name = name
    return name


def _login_name() -> str:
    import getpass  # only on a first launch

    return getpass.getuser()


def open_into(
    window: MainWindow, requested: str | None, settings: Settings, prompts: Prompts
) -> bool:
    """Open the project for this launch in the window; False if the named file cannot be.

    An exercise (or a submission) named on the command line opens by itself: neither the last
    project nor the sample project is opened behind it, and a student on a fresh computer is
    asked only the exercise's own question (whose answer becomes the annotator name).
    """
    from claimdesk.core.sample import ensure_sample_project
    from claimdesk.core.store.project import Project
    from claimdesk.gui.exercise_window import attach_if_workspace
    from claimdesk.gui.launch import is_project, is_server_address, open_path

    # A server project (named, or the last one): the sample holds the window meanwhile, and
    # stays if the server cannot be reached or the password is not given.
    server = requested if is_server_address(requested) else None
    if not requested and is_server_address(settings.last_project):
        server = settings.last_project
    if server:
        requested = None
    if requested and not is_project(requested):  # a student's exercise, a submission
        return open_path(window, requested)
    try:
        project = Project.open(choose_project(requested, settings))
    except ProjectError as exc:
        prompts.error("Claimdesk", f"The project could not be opened.\n\n{exc}")
        if requested:
            return False
        project = Project.open(ensure_sample_project())
    annotator = project.ensure_annotator(annotator_name(settings, prompts))
    settings.last_project = str(project.path)
    window.set_project(project, annotator)
    attach_if_workspace(window)  # the last project was a student's exercise: resume it
    if server:
        window.open_recent_server(server)
    return True


def build_window(
    requested: str | None, settings: Settings, prompts: Prompts | None = None
) -> MainWindow | None:
    """The window with its project open (used by tests and tools; main() paints first)."""
    from claimdesk.gui.dialogs import Prompts
    from claimdesk.gui.main_window import MainWindow

    prompts = prompts or Prompts()
    window = MainWindow(None, None, settings, prompts)
    prompts.parent = window
    if not open_into(window, requested, settings, prompts):
        window.deleteLater()
        return None
    return window


def make_application(
    argv: Sequence[str], theme: str | None = None, *, focus_frames: bool = True
) -> QApplication:
    """The application, drawn with Fusion; with a ``theme``, its colours and (unless
    ``focus_frames`` is False: see gui/focus_frames.py) the focus frames."""
    app = QApplication.instance()
    if app is None:
        from claimdesk.gui.theme import FUSION

        # Fusion, which the themes are drawn on (gui/theme.py), is made as the first style.
        app = QApplication([*(list(argv[:1]) or ["claimdesk"]), "-style", "Fusion"])
        app.setProperty(FUSION, True)
    assert isinstance(app, QApplication)
    app.setApplicationName("Claimdesk")
    app.setOrganizationName("Claimdesk")
    app.setDesktopFileName("claimdesk")  # matches packaging/linux/claimdesk.desktop
    # Each size named, so that none is read before the window system asks for it (a file
    # added without its size is decoded at once).
    icon = QIcon()
    folder = resources_dir() / "icons" / "png"
    for size in APP_ICON_SIZES:
        icon.addFile(str(folder / f"claimdesk-{size}.png"), QSize(size, size))
    app.setWindowIcon(icon)
    if theme is not None:
        from claimdesk.gui.theme import apply_theme, follow_system

        apply_theme(app, theme, focus_frames=focus_frames)
        follow_system(app)
    return app


def show_splash(app: QApplication) -> QWidget:
    """The first thing painted on a double-click: the icon and "Opening Claimdesk…".

    A QSplashScreen (frameless, a splash screen to the window system: its own flags) holding a
    framed label with the icon. Its Show event is taken from it: QSplashScreen waits there up
    to a second for the window system to report the window exposed (a QWidget does nothing
    else with that event), and it is painted at once with QWidget.repaint instead.
    """
    splash = QSplashScreen()
    label = QLabel(splash)
    label.setPixmap(QPixmap(str(resources_dir() / "icons" / "png" / "claimdesk-256.png")))
    label.setMargin(24)
    label.setFrameShape(QLabel.Shape.Box)
    label.adjustSize()
    splash.setAccessibleName("Opening Claimdesk…")
    splash.setToolTip("Opening Claimdesk…")
    splash.setFixedSize(label.size())
    screen = app.primaryScreen().availableGeometry()
    splash.move(screen.center() - splash.rect().center())
    no_wait = _WithoutShowEvent()
    no_wait.setParent(splash)
    splash.installEventFilter(no_wait)
    splash.show()
    QWidget.repaint(splash)  # paint it now, before the window's modules are imported
    return splash


class _WithoutShowEvent(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            watched.removeEventFilter(self)
            return True
        return False


def first_theme(settings: Settings) -> str:
    """The theme the window first paints in: with "system", the desktop's colour scheme as
    the last launch saw it (``check_system_scheme`` asks again once the window has painted)."""
    choice = settings.theme
    if choice == "system" and settings.system_scheme:
        return settings.system_scheme
    return choice


def check_system_scheme(app: QApplication, settings: Settings) -> None:
    """With the "system" theme, the desktop's colour scheme now: kept for the next launch, and
    the window recoloured if it changed since the last one."""
    if settings.theme != "system":
        return
    from claimdesk.gui.theme import apply_theme, current_theme, system_scheme

    scheme = system_scheme()
    settings.system_scheme = scheme
    if scheme != current_theme():
        apply_theme(app, "system", focus_frames=False)


def main(
    argv: Sequence[str] | None = None, loaded: Callable[[MainWindow], None] | None = None
) -> int:
    """Run Claimdesk; ``loaded`` (for benchmarks) is called once the project is shown."""
    argv = list(sys.argv if argv is None else argv)
    args = parse_args(argv[1:])
    if args.smoke_test:
        from claimdesk.gui.smoke import run_smoke_test

        return run_smoke_test(argv, args.project, args.screenshot)
    settings = Settings()
    # The focus frames come after the first paint: see build().
    app = make_application(argv, first_theme(settings), focus_frames=False)
    # From here on an unexpected error is logged and shown in a dialog, not lost.
    reporter = CrashReporter(PROGRAM)
    restore_excepthooks = install_excepthooks(reporter)
    try:
        return _run(app, args, settings, reporter, loaded)
    finally:
        restore_excepthooks()


def _run(
    app: QApplication,
    args: argparse.Namespace,
    settings: Settings,
    reporter: CrashReporter,
    loaded: Callable[[MainWindow], None] | None,
) -> int:
    from claimdesk.gui.launch import is_server_address

    requested: str | None = args.project
    if requested and not is_server_address(requested):
        requested = str(Path(requested).expanduser().resolve())  # a file; an address stays

    from claimdesk.gui.single_instance import InstanceServer, send_to_running

    if not args.new_instance and send_to_running([requested] if requested else []):
        return 0  # the running Claimdesk opens it (and comes to the front)
    splash = show_splash(app)
    from claimdesk.gui.main_window import MainWindow

    # The frame first (menus, toolbar, the panels' headings): it paints before the modules of
    # the panels are imported, the panels once it has painted, the project once they have.
    window = MainWindow(None, None, settings, panels_later=True)
    # A read of a server project that is away, in a step not guarded for it: the status bar.
    reporter.server_away = window.server_away  # type: ignore[assignment]
    window.show()
    pending: list[str] = []

    def build() -> None:
        from claimdesk.gui.dialogs import Prompts
        from claimdesk.gui.focus_frames import use_framed_fusion

        splash.close()  # the window has painted (QSplashScreen.finish may wait a second)
        check_system_scheme(app, settings)
        prompts = Prompts()
        reporter.prompts = prompts
        prompts.parent = window
        use_framed_fusion(app)  # before the panels: they are polished once, by it
        window.build_panels(prompts)
        after_first_paint(window, load)

    def load() -> None:
        prompts = window.prompts
        # Listen for later launches once the window is up (QtNetwork loads after the paint).
        server = InstanceServer(window)
        server.listen()
        server.openRequested.connect(lambda path: deliver(window, path, pending))
        # An exercise opens alone: its own question is the only one (no sample project behind).
        if not open_into(window, requested, settings, prompts):
            app.exit(1)
            return
        for path in pending:
            deliver(window, path, None)
        if loaded is not None:
            loaded(window)
        # The log's start line (the version and platform lookups cost ~50 ms) once the article
        # is on screen; an error before then writes it first (CrashReporter).
        QTimer.singleShot(START_LINE_DELAY_MS, lambda: log_start(PROGRAM))

    after_first_paint(window, build)
    return app.exec()


def deliver(window: MainWindow, path: str, pending: list[str] | None) -> None:
    """A file handed over by a later launch: open it now, or once the first project is open."""
    from claimdesk.gui.launch import open_path

    if window.current_project is None:
        if pending is not None:
            pending.append(path)
        return
    if path:
        open_path(window, path)
    else:
        window.show()
        window.raise_()
        window.activateWindow()


class _FirstPaint(QObject):
    def __init__(self, then: Callable[[], None]) -> None:
        super().__init__()
        self.then = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.then)
        return False


def after_first_paint(window: QWidget, then: Callable[[], None]) -> None:
    """Run ``then`` once the window has painted, so the user sees it before the slow part.

    The window's own paint event says so: a window paints itself first whenever anything in it
    is painted (its children draw over it). The filter is the window's alone: one on the whole
    application would make PySide wrap every object that receives an event as the window first
    shows, finding the Python class of Qt's private ones (an animation timer) by loading every
    class of QtCore, QtGui and QtWidgets, ~50 ms before the first paint.
    """
    watcher = _FirstPaint(then)
    watcher.setParent(window)
    window.installEventFilter(watcher)


if __name__ == "__main__":
    sys.exit(main())
