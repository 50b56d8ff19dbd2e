"""While a server project cannot be reached: try again in the background and say when it is back.

The probe runs on a worker thread (a dropped network can take the connect timeout to answer), so
the window never freezes; the result comes back to the GUI thread through a queued signal. Once the
server answers, the edit whose commit was cut off (if any) is settled: saved after all, or not.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project

RETRY_INTERVAL_MS = 2000


class Reconnector(QObject):
    """Probes one project's server every ``interval_ms`` until it answers."""

    # The changes of the edit in doubt when it turned out saved after all, else None.
    reconnected = Signal(object)
    _probed = Signal(bool)

    def __init__(self, parent: QObject | None = None, interval_ms: int = RETRY_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._project: Project | None = None
        self._busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._probe)
        self._probed.connect(self._finish)

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def watch(self, project: Project) -> None:
        """Start trying (again) for this project; a second call while trying changes nothing."""
        self._project = project
        if not self.timer.isActive():
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._project = None

    def _probe(self) -> None:
        project = self._project
        if self._busy or project is None:
            return
        self._busy = True

        def probe() -> None:
            ok = project.check_connection()
            if shiboken6.isValid(self):
                self._probed.emit(ok)

        threading.Thread(target=probe, name="claimdesk-reconnect", daemon=True).start()

    def _finish(self, ok: bool) -> None:
        self._busy = False
        project = self._project
        if not ok or project is None:
            return
        changes, known = project.settle()
        if not known:
            return
        self.stop()
        self.reconnected.emit(changes)
