"""Other people's edits on a server project, shown without Refresh.

The core's listener (core/store/live.py) runs in a thread of its own; its batches are carried to
the GUI thread by a queued signal and gathered for `COALESCE_MS`, so a burst of edits costs one
refresh. The window then reads again only what the batch names (`MainWindow.show_remote`),
keeping the user's selection and scroll. A file project starts no listener.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel

if TYPE_CHECKING:
    from claimdesk.core.store.live import Listener, RemoteChange
    from claimdesk.core.store.project import Project

COALESCE_MS = 150
RECONNECTING = "Live updates: reconnecting…"
RECONNECTING_TIP = (
    "The connection that brings other people's edits is being made again. Your own edits are "
    "saved as usual; others' show up once it is back."
)


class LiveUpdates(QObject):
    """Listens to the window's server project; ``changed`` carries a gathered batch."""

    arrived = Signal(object, object)  # (listener, list[RemoteChange]), in the listener's thread
    changed = Signal(object)  # list[RemoteChange], on the GUI thread, at most every 150 ms
    _state = Signal(object, bool)  # (listener, listening), in the listener's thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.listener: Listener | None = None
        self.pending: list[RemoteChange] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(COALESCE_MS)
        self.timer.timeout.connect(self._flush)
        self.arrived.connect(self._arrived, Qt.ConnectionType.QueuedConnection)
        self._state.connect(self._state_changed, Qt.ConnectionType.QueuedConnection)
        # A quiet line in the window's status bar while the listener reconnects on its own
        # (the window's NOT SAVED / Server unreachable says more: this one then steps aside).
        self.note = QLabel(RECONNECTING)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setToolTip(RECONNECTING_TIP)
        self.note.setVisible(False)
        self._lost = False  # the listener lost its connection and has not got it back yet
        self._away = False  # the window says the server is unreachable

    def start(self, project: Project) -> bool:
        """Follow this project (the one followed before is left); False for a file project."""
        from claimdesk.core.store.live import listener_for

        self.stop()
        listener = listener_for(project)
        if listener is None:
            return False
        self.listener = listener
        listener.on_state = lambda listening: self._tell_state(listener, listening)
        listener.start(lambda batch: self._deliver(listener, batch))
        return True

    def stop(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.stop(wait=0.5)
        self.timer.stop()
        self.pending.clear()
        self._lost = self._away = False
        self._show_note()

    def read_everything(self) -> None:
        """Read everything shown again (the server is back after reads failed), gathered with
        whatever the listener hands over meanwhile into one refresh."""
        from claimdesk.core.store.live import EVERYTHING

        if self.listener is None:
            return
        self.pending.append(EVERYTHING)
        if not self.timer.isActive():
            self.timer.start()

    def server_away(self) -> None:
        self._away = True
        self._show_note()

    def server_back(self) -> None:
        self._away = False
        self._show_note()

    def _tell_state(self, listener: Listener, listening: bool) -> None:
        with contextlib.suppress(RuntimeError):  # the window is gone (the application quits)
            self._state.emit(listener, listening)

    @Slot(object, bool)
    def _state_changed(self, listener: Listener, listening: bool) -> None:
        if listener is not self.listener:
            return
        self._lost = not listening
        self._show_note()

    def _show_note(self) -> None:
        from claimdesk.gui.theme import colour_of

        self.note.setStyleSheet(f"color: {colour_of('placeholder_text')};")
        self.note.setVisible(self._lost and not self._away)

    @property
    def listening(self) -> bool:
        """True while the server is being listened to (a file project: never)."""
        return self.listener is not None and self.listener.listening.is_set()

    def _deliver(self, listener: Listener, batch: list[RemoteChange]) -> None:
        # In the listener's thread: hand over to the GUI thread (queued), nothing more.
        with contextlib.suppress(RuntimeError):  # the window is gone (the application quits)
            self.arrived.emit(listener, batch)

    @Slot(object, object)
    def _arrived(self, listener: Listener, batch: list[RemoteChange]) -> None:
        if listener is not self.listener:
            return  # late news of a project that has been closed meanwhile
        self.pending += batch
        if not self.timer.isActive():  # not restarted by later notices: a steady stream
            self.timer.start()  # still refreshes every COALESCE_MS

    def _flush(self) -> None:
        batch = list(dict.fromkeys(self.pending))
        self.pending.clear()
        if batch:
            self.changed.emit(batch)
