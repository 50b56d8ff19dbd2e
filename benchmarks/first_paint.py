"""Helper for bench_startup: start a window and print wall-clock times of its first paint.

    python benchmarks/first_paint.py bare          # a bare PySide6 window (the baseline)
    python benchmarks/first_paint.py app PROJECT   # Claimdesk's own start-up (as gui.app.main)

Prints the time of the first paint and, for the app, the time the article is shown.
"""

from __future__ import annotations

import sys
import time


def main() -> None:
    mode = sys.argv[1]
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched.isWidgetType():
                print(f"painted {time.time():.6f}", flush=True)
                QApplication.instance().removeEventFilter(self)  # type: ignore[union-attr]
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

    from gui.app import after_first_paint, make_application, open_into
    from gui.dialogs import Prompts
    from gui.main_window import MainWindow
    from gui.settings import Settings

    app = make_application(sys.argv[:1])
    app.installEventFilter(watcher)
    settings = Settings()
    main_window = MainWindow(None, None, settings, Prompts())
    main_window.show()

    def load() -> None:
        open_into(main_window, sys.argv[2], settings, Prompts(main_window))
        main_window.view.viewport().repaint()
        print(f"article {time.time():.6f}", flush=True)
        QTimer.singleShot(0, QApplication.quit)

    after_first_paint(main_window, load)
    app.exec()


if __name__ == "__main__":
    main()
