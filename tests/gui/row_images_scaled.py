"""Run by test_row_images in its own process, under a screen scale (QT_SCALE_FACTOR): the list's
rows kept as images and drawn again, against Qt's own painting of them.

Prints "SCALE <ratio> KEPT <images made> QT <rows Qt painted> SAME <True|False>".
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QPaintEvent

from claimdesk.gui.app import make_application
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


if __name__ == "__main__":
    sys.exit(main())
