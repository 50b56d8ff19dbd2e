"""A double-click paints the window's frame first, then its panels, then the project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtWidgets import QApplication

from claimdesk.core.store.project import Project
from claimdesk.gui.focus_frames import WIDTH

# What the frame must paint without: the panels' modules, the dialogs, the records and the
# database layer (each costs milliseconds of the launch; see benchmarks/bench_startup.py).
LATE = (
    "claimdesk.core.records",
    "claimdesk.gui.dialogs",
    "claimdesk.gui.document_view",
    "claimdesk.gui.document_list",
    "claimdesk.gui.tag_panel",
    "claimdesk.gui.annotation_list",
    "claimdesk.gui.window_suggestions",
    "claimdesk.gui.window_relations",
    "sqlalchemy",
)
# Qt classes the frame has no use for. PySide makes a class's Python type (and its enums) when
# it is first used; an application-wide event filter made it wrap a private animation timer as
# the window first showed, for which it loaded every class of QtCore, QtGui and QtWidgets.
UNUSED = ("QCalendarWidget", "QDial", "QLCDNumber", "QSharedMemory")

LAUNCH = textwrap.dedent(
    """
    import json, sys
    import PySide6.QtCore, PySide6.QtWidgets
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit, QToolBar, QWidget
    from claimdesk.gui import app as claimdesk

    LATE = {late!r}
    UNUSED = {unused!r}
    application = claimdesk.make_application(["claimdesk"])
    seen = {{}}

    class Watch(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
                window = watched
                if "frame" not in seen:
                    seen["frame"] = [name for name in LATE if name in sys.modules]
                    loaded = {{**vars(PySide6.QtCore), **vars(PySide6.QtWidgets)}}
                    seen["unused"] = [name for name in UNUSED if name in loaded]
                    seen["qt_namespace"] = "Qt" in vars(PySide6.QtCore)
                    seen["menus"] = [a.text() for a in window.menuBar().actions()]
                    bar = window.findChild(QToolBar)
                    seen["toolbar"] = [a.iconText() for a in bar.actions() if a.iconText()]
                    seen["views"] = len(window.findChildren(QPlainTextEdit))
                    seen["first_style"] = type(QApplication.instance().style()).__name__
            return False

    # On each window shown, not on the whole application (which would wrap every object).
    watch = Watch()
    show = QWidget.show

    def show_watched(widget):
        if widget.isWindow():
            widget.installEventFilter(watch)
        show(widget)

    QWidget.show = show_watched

    def before_open(window, *args, **kwargs):
        # The panels have painted: the article's place shows the view's own base colour.
        viewport = window.view.viewport()
        shot = window.screen().grabWindow(window.winId()).toImage()
        centre = viewport.mapTo(window, viewport.rect().center())
        base = viewport.palette().color(viewport.backgroundRole())
        seen["article_place"] = [shot.pixelColor(centre).name(), base.name()]
        return open_into(window, *args, **kwargs)

    open_into = claimdesk.open_into
    claimdesk.open_into = before_open

    def loaded(window):
        seen["article"] = len(window.view.document_text())
        seen["title"] = window.windowTitle()
        seen["style"] = type(application.style()).__name__
        seen["frames"] = [window.view.frameWidth(), window.annotations.frameWidth()]
        window.close()
        QTimer.singleShot(0, application.quit)

    code = claimdesk.main(["claimdesk", "--new-instance", sys.argv[1]], loaded=loaded)
    print(json.dumps(seen))
    sys.exit(code)
    """
)


def test_the_frame_paints_before_the_panels_and_the_project_opens_after(seeded: Project) -> None:
    path = seeded.path
    seeded.close()
    config = Path(os.environ["CLAIMDESK_CONFIG_DIR"])  # a name already given: no question
    config.mkdir(parents=True, exist_ok=True)
    # A later launch: the desktop's colour scheme as the last one saw it.
    (config / "claimdesk.ini").write_text(
        "[annotator]\nname=Ana\n[view]\nsystem_scheme=light\n", encoding="utf-8"
    )
    script = LAUNCH.format(late=LATE, unused=UNUSED)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    # The first paint: the frame the user will work in (menus, toolbar), nothing slow behind it.
    assert seen["frame"] == []
    assert seen["unused"] == []  # nor every class of Qt
    assert not seen["qt_namespace"]  # nor Qt's namespace (93 enums)
    assert seen["menus"][:3] == ["&File", "&Edit", "&Labels"]
    assert seen["toolbar"][:3] == ["Open", "Import", "Export"]
    assert seen["views"] == 0  # the article view comes with the panels, once this has painted
    # Fusion alone: the focus frames' style is made once the frame has painted (its Python
    # polish would build every widget class's type first), and it frames the panels' views.
    assert seen["first_style"] != "FramedStyle"
    assert seen["style"] == "FramedStyle" and seen["frames"] == [WIDTH, WIDTH]
    painted, base = seen["article_place"]
    assert painted == base  # the empty article painted with the panels, before the project
    # Then the panels and the project: its first document shown.
    assert seen["article"] > 0
    assert seen["title"].endswith("— Claimdesk")


ICONS = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication
    from claimdesk.gui.icons import themed_icon
    from claimdesk.gui.theme import apply_theme

    app = QApplication([])
    apply_theme(app, "dark")
    image = themed_icon("undo").pixmap(QSize(24, 24), QIcon.Mode.Disabled).toImage()
    ink = {{image.pixelColor(x, y).name() for x in range(24) for y in range(24)
           if image.pixelColor(x, y).alpha() == 255}}
    print(sorted(ink), "PySide6.QtSvg" in sys.modules)
    """
)


def test_the_toolbar_icons_drawn_once_are_loaded_by_later_launches(tmp_path: Path) -> None:
    from claimdesk.gui.theme import theme_colours

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CLAIMDESK_CACHE_DIR": str(tmp_path)}

    def launch() -> str:
        result = subprocess.run(
            [sys.executable, "-c", ICONS.format()], capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout.strip().splitlines()[-1]

    disabled = theme_colours("dark")["disabled_text"]
    assert launch() == f"['{disabled}'] True"  # the first launch draws the SVG
    assert len(list(tmp_path.rglob("undo-*.png"))) == 1
    assert launch() == f"['{disabled}'] False"  # later ones load the drawing, no QtSvg


def test_the_window_icon_is_claimdesks_own_at_each_size(qapp: QApplication) -> None:
    from PySide6.QtGui import QImage

    from claimdesk.core.paths import resources_dir
    from claimdesk.gui.app import APP_ICON_SIZES, make_application

    previous = qapp.windowIcon()
    try:
        icon = make_application(["claimdesk"]).windowIcon()
        sizes = sorted(size.width() for size in icon.availableSizes())
        # Not the exercise's, project's or submission's icon (their files share the prefix).
        assert sizes == sorted(APP_ICON_SIZES)
        for size in (16, 48, 256):
            drawn = (
                icon.pixmap(size, size)
                .toImage()
                .convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
            )
            own = QImage(str(resources_dir() / "icons" / "png" / f"claimdesk-{size}.png"))
            assert drawn == own.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    finally:
        qapp.setWindowIcon(previous)


def test_the_system_theme_paints_in_the_last_scheme_then_follows_the_desktop(
    qapp: QApplication, tmp_path: Path
) -> None:
    from claimdesk.gui.app import check_system_scheme, first_theme
    from claimdesk.gui.settings import Settings
    from claimdesk.gui.theme import apply_theme, current_theme, system_scheme

    settings = Settings(tmp_path / "claimdesk.ini")
    assert first_theme(settings) == "system"  # a first launch asks the desktop
    desktop = system_scheme()
    other = "dark" if desktop == "light" else "light"
    settings.system_scheme = other  # the desktop switched since the last launch
    try:
        assert first_theme(settings) == other
        apply_theme(qapp, first_theme(settings))
        check_system_scheme(qapp, settings)  # once the window has painted
        assert current_theme() == desktop
        assert settings.system_scheme == desktop
        settings.theme = "dark"  # chosen in Preferences: the desktop is not asked
        assert first_theme(settings) == "dark"
    finally:
        apply_theme(qapp, "light")
