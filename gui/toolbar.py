"""The main toolbar: the window's most used menu actions as buttons (the same QActions).

Because the buttons are the menus' own actions, a disabled action (Undo with nothing to undo)
is disabled on the toolbar too, and its shortcut works whether or not the toolbar is shown.
The toolbar is hidden from View › Toolbar or its context menu; the window remembers that
and where it was docked (MainWindow.closeEvent saves the window state).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QActionEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar, QWidget

from claimdesk.gui.icons import themed_icon
from claimdesk.gui.menus import WindowActions

TOOLBAR_NAME = "main_toolbar"  # objectName: the key of its place in the saved window state
_TIP_TEXT = "claimdesk_tip_text"  # the action text its tooltip was made from
# Qt.ToolButtonStyle.ToolButtonTextBesideIcon, set by its value: the toolbar is built before
# the window's first paint, which naming Qt's namespace would delay (gui/app.py).
TEXT_BESIDE_ICON = 2


def toolbar_entries(actions: WindowActions) -> list[tuple[QAction, str, str] | None]:
    """(action, icon file, short caption) in toolbar order; None is a separator."""
    return [
        (actions.open_project, "open", "Open"),
        (actions.import_articles, "import", "Import"),
        (actions.export_dataset, "export", "Export"),
        None,
        (actions.undo, "undo", "Undo"),
        (actions.redo, "redo", "Redo"),
        None,
        (actions.mark_done, "done", "Done"),
        None,
        (actions.curate, "curate", "Curate"),
        (actions.dashboard, "dashboard", "Dashboard"),
    ]


def tooltip_of(action: QAction) -> str:
    """The action's name as the menu shows it, with its shortcut: "Undo Add claim (Ctrl+Z)"."""
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")
    key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{text} ({key})" if key else text


def show_shortcuts(actions: WindowActions) -> None:
    """The tooltips again, now with their keys (set after the window's first paint)."""
    for entry in toolbar_entries(actions):
        if entry is not None:
            entry[0].setToolTip(tooltip_of(entry[0]))


def _follow_text(action: QAction) -> None:
    # Undo/Redo are renamed after edits ("Undo Delete annotation", see _RenameQuietly): keep
    # the tip true.
    # Only a new text makes a new tip: a tip set on purpose (student mode says why Import is
    # disabled) stays until the text changes.
    if action.property(_TIP_TEXT) == action.text():
        return
    action.setProperty(_TIP_TEXT, action.text())
    action.setToolTip(tooltip_of(action))


def _looks(action: QAction) -> tuple[object, ...]:
    """What of an action a toolbar button shows (its tooltip and status tip aside)."""
    return (
        action.iconText(),
        action.isEnabled(),
        action.isVisible(),
        action.isChecked(),
        action.icon().cacheKey(),
        action.font(),
    )


class _RenameQuietly(QObject):
    """Undo and Redo are renamed after edits ("Undo Delete annotation"), when their names are
    read (``name``: called as one of their buttons is about to show its tip). On the toolbar
    that changes only the tooltip, yet Qt lays the toolbar out and draws the button again (a
    few tenths of a millisecond). Such a change reaches the bar and the button as their new
    tips alone; any other change (enabled, icon, …) goes through as before."""

    def __init__(
        self, bar: QToolBar, watched: list[QAction], name: Callable[[], None] = lambda: None
    ) -> None:
        super().__init__(bar)
        self._actions = watched
        self._name = name
        self._shown: dict[tuple[int, int], tuple[object, ...]] = {}  # (widget, action) -> looks
        for widget in (bar, *(bar.widgetForAction(action) for action in watched)):
            if widget is not None:
                for action in watched:
                    self._shown[(id(widget), id(action))] = _looks(action)
                widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and watched is not self.parent():
            self._name()  # the button's tip then names the edit (through ActionChanged)
            return False
        if event.type() != QEvent.Type.ActionChanged:
            return False
        action = event.action() if isinstance(event, QActionEvent) else None
        if action is None or action not in self._actions:
            return False
        key, looks = (id(watched), id(action)), _looks(action)
        if self._shown.get(key) != looks:
            self._shown[key] = looks
            return False
        if isinstance(watched, QWidget) and watched is not self.parent():
            watched.setToolTip(action.toolTip())
            watched.setStatusTip(action.statusTip())
        return True


def build(
    window: QMainWindow, actions: WindowActions, name_undo: Callable[[], None] = lambda: None
) -> QToolBar:
    """Add the main toolbar to the window (top, text beside icons) and return it; ``name_undo``
    names Undo and Redo after their edits, called as one of their tips is about to show."""
    bar = QToolBar("Toolbar", window)
    bar.setObjectName(TOOLBAR_NAME)
    bar.setProperty("toolButtonStyle", TEXT_BESIDE_ICON)
    toggle = bar.toggleViewAction()  # View › Toolbar, and the toolbar's context menu
    toggle.setText("&Toolbar")
    toggle.setStatusTip("Show or hide the toolbar")
    for entry in toolbar_entries(actions):
        if entry is None:
            bar.addSeparator()
            continue
        action, icon, caption = entry
        action.setIcon(themed_icon(icon))
        action.setIconText(caption)
        _follow_text(action)
        action.changed.connect(lambda a=action: _follow_text(a))
        bar.addAction(action)
    window.addToolBar(bar)  # at the top
    _RenameQuietly(bar, [actions.undo, actions.redo], name_undo)
    return bar
