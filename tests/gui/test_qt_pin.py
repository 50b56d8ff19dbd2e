"""Regression guard for the Qt pin: PySide6-Essentials 6.12.0 on CPython 3.11 drops a reference
to None on every Qt call that returns nothing and aborts after a few thousand calls
("Fatal Python error: none_dealloc"). The installed Qt must survive 20,000 such calls."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtGui import (
    QColor, QGuiApplication, QImage, QPainter, QTextCharFormat, QTextCursor, QTextDocument,
)
app = QGuiApplication(sys.argv)
document = QTextDocument("x" * 100)
cursor = QTextCursor(document)
fmt = QTextCharFormat()
fmt.setForeground(QColor("red"))
image = QImage(32, 32, QImage.Format.Format_ARGB32)
painter = QPainter(image)
for i in range(20_000):
    cursor.setPosition(i % 100)
    cursor.mergeCharFormat(fmt)
    painter.fillRect(0, 0, 4, 4, QColor("blue"))
painter.end()
print("survived", sys.getrefcount(None) > 0)
"""


def test_installed_qt_survives_20000_calls_returning_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "survived True" in result.stdout
