"""Helper for bench_startup: start a window and print wall-clock times of its first paint.

    python benchmarks/first_paint.py bare          # a bare PySide6 window (the baseline)
    python benchmarks/first_paint.py app PROJECT   # Claimdesk's start-up: check, gui.app.main

Prints "painted" (first paint of anything: the bare window, or Claimdesk's splash), and for the
app "window" (first paint of the main window: menus, toolbar, the panels' headings), "panels"
(first paint of the article view, the last of the panels built) and "article" (the project open
and drawn).

Until the main window has painted, the watcher sits on each top-level window as it is shown
(its first paint event comes before its children's), not on the whole application: an
application-wide Python event filter makes PySide wrap every object that receives an event, and
a window with a central widget starts a layout animation whose private timer object PySide can
only place by loading every class of QtCore, QtGui and QtWidgets (~50 ms here). That would be
the measurement's own cost, paid by the app's window and not by the bare one. After the main
window's first paint the watcher watches the whole application (to see the article view's
first paint), so that cost, if any, falls on the "panels" moment.
"""

from __future__ import annotations

import sys
import time


def main() -> None:
    mode = sys.argv[1]
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit, QWidget

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.seen: set[str] = set()

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
                moments = ["painted"]
                if isinstance(watched.window(), QMainWindow):
                    moments.append("window")
                    if isinstance(watched.parent(), QPlainTextEdit):  # its viewport
                        moments.append("panels")
                for moment in moments:
                    if moment not in self.seen:
                        self.seen.add(moment)
                        print(f"{moment} {time.time():.6f}", flush=True)
                        application = QApplication.instance()
                        if moment == "window" and mode != "bare" and application is not None:
                            application.installEventFilter(self)  # for the panels' paint
                if mode == "bare":
                    QTimer.singleShot(0, QApplication.quit)
            return False

    watcher = FirstPaint()
    show = QWidget.show

    def show_watched(widget: QWidget) -> None:
        """QWidget.show, with the watcher on the window shown (the same for both launches)."""
        if widget.isWindow():
            widget.installEventFilter(watcher)
        show(widget)

    QWidget.show = show_watched  # type: ignore[method-assign]
    if mode == "bare":
        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.resize(1280, 800)
        window.show()
        app.exec()
        return

    # The `claimdesk` command checks the display and Qt's libraries first (gui/start.py).
    from claimdesk.gui.display_check import display_problem

    problem = display_problem()
    if problem is not None:
        sys.exit(problem)
    from claimdesk.gui import app as claimdesk

    claimdesk.make_application(["claimdesk"])  # main() reuses it

    def loaded(window: QMainWindow) -> None:
        window.repaint()
        print(f"article {time.time():.6f}", flush=True)
        QTimer.singleShot(0, QApplication.quit)

    claimdesk.main(["claimdesk", "--new-instance", sys.argv[2]], loaded=loaded)


if __name__ == "__main__":
    main()
