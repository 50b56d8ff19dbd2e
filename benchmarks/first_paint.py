"""Helper for bench_startup: start a window and print wall-clock times of its first paint.

    python benchmarks/first_paint.py bare          # a bare PySide6 window (the baseline)
    python benchmarks/first_paint.py app PROJECT   # Claimdesk's start-up: check, gui.app.main

Prints "painted" (first paint of anything: the bare window, or Claimdesk's splash), and for the
app "window" (first paint of the main window: menus, toolbar, the panels' headings), "panels"
(first paint of the article view, the last of the panels built) and "article" (the project open
and drawn).
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
                if mode == "bare":
                    QTimer.singleShot(0, QApplication.quit)
            return False

    watcher = FirstPaint()
    if mode == "bare":
        app = QApplication(sys.argv[:1])
        app.installEventFilter(watcher)
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

    application = claimdesk.make_application(["claimdesk"])  # main() reuses it
    application.installEventFilter(watcher)

    def loaded(window: QMainWindow) -> None:
        window.repaint()
        print(f"article {time.time():.6f}", flush=True)
        QTimer.singleShot(0, QApplication.quit)

    claimdesk.main(["claimdesk", "--new-instance", sys.argv[2]], loaded=loaded)


if __name__ == "__main__":
    main()
