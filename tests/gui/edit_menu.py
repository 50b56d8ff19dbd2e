"""Undo and Redo as a user reads them: in the Edit menu as it opens, and in a toolbar button's
tip as the pointer rests on it (the window names them there, not after every edit)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QMenu, QToolTip, QWidget

from claimdesk.gui.main_window import MainWindow


def edit_menu(window: MainWindow) -> QMenu:
    for action in window.menuBar().actions():
        if action.text() == "&Edit" and action.menu() is not None:
            return action.menu()  # type: ignore[return-value]
    raise AssertionError("no Edit menu")


def edit_menu_items(window: MainWindow) -> list[str]:
    """The Edit menu's items as it shows them when opened (separators left out)."""
    menu = edit_menu(window)
    menu.popup(window.mapToGlobal(QPoint(10, 10)))
    QApplication.processEvents()
    try:
        return [a.text() for a in menu.actions() if not a.isSeparator()]
    finally:
        menu.hide()
        QApplication.processEvents()


def tip(widget: QWidget) -> str:
    """The tooltip shown as the pointer rests on a widget."""
    inside = QPoint(widget.width() // 2, widget.height() // 2)
    event = QHelpEvent(QEvent.Type.ToolTip, inside, widget.mapToGlobal(inside))
    QApplication.sendEvent(widget, event)
    try:
        return QToolTip.text() if QToolTip.isVisible() else ""
    finally:
        QToolTip.hideText()
