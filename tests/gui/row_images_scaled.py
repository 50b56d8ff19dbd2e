"""Run by test_row_images in its own process, under a screen scale (QT_SCALE_FACTOR): the list's
rows kept as images and drawn again, against Qt's own painting of them.

Prints "SCALE <ratio> KEPT <images made> QT <rows Qt painted> SAME <True|False>", then
"BAR MADE <images of the bar made> SAME <True|False>": a list's scroll bar (which keeps images
of itself) against Qt's own bar in the same state.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPaintEvent
from PySide6.QtWidgets import QScrollBar, QWidget

from claimdesk.gui.app import make_application
from claimdesk.gui.scrolling import StillScrollBar
from tests.gui.test_annotation_list import claims_list
from tests.gui.test_row_images import record


def main() -> None:
    app = make_application(["claimdesk"])
    view = claims_list(record, 200)
    model = view.model_
    view.resize(460, 330)
    view.show()
    for _ in range(3):
        app.processEvents()
    view.select_annotation(model.id_at(view.rowAt(0) + 2))
    app.processEvents()
    images = view.row_images
    images.keep_shown()
    images.enabled = False
    theirs = view.viewport().grab().toImage()
    images.enabled = True
    painted: list[int] = []
    by_qt = images.paint_rows

    def counted(event: QPaintEvent) -> None:
        painted.append(event.region().boundingRect().height())
        by_qt(event)

    images.paint_rows = counted
    mine = view.viewport().grab().toImage()
    ratio = view.viewport().devicePixelRatio()
    print(f"SCALE {ratio} KEPT {images.made} QT {len(painted)} SAME {mine == theirs}", flush=True)

    holder = QWidget()
    holder.resize(90, 300)
    still, plain = StillScrollBar(Qt.Orientation.Vertical, holder), QScrollBar(holder)
    plain.setAutoFillBackground(True)  # as the still bar fills its own
    for x, bar in ((30, still), (60, plain)):  # away from the pointer in the window's corner
        bar.setGeometry(x, 0, 14, 242)
        bar.setRange(0, 1_000)
        bar.setPageStep(8)
        bar.setValue(300)
    holder.show()
    for _ in range(3):
        app.processEvents()
    rgb = QImage.Format.Format_RGB32
    ours, theirs = (bar.grab().toImage().convertToFormat(rgb) for bar in (still, plain))
    same = ours == theirs
    print(f"BAR MADE {still.made} SAME {same}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
