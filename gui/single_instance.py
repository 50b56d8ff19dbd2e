"""One Claimdesk per user: a second launch hands its file to the running one and exits.

The running program listens on a local socket (a Unix socket, a named pipe on Windows) named
after the user and the settings folder, so two users, or a test with its own settings, never
meet. A second launch sends one JSON line {"open": [paths]} and waits for "ok".
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import zlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QObject, Signal

from claimdesk.core.paths import user_config_dir

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

# QtNetwork is imported only when there is a socket to talk to, or after the window has painted:
# loading it costs about as much as the rest of this start-up step (benchmarks/bench_startup.py).

CONNECT_MS = 500
REPLY_MS = 5000
MAX_MESSAGE = 64 * 1024


def server_name() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name on some containers
        user = "user"
    # A checksum, not hashlib: this runs before the first paint, and zlib is loaded already.
    key = zlib.crc32(f"{user}\0{user_config_dir()}".encode())
    return f"claimdesk-{key:08x}"


def may_be_running() -> bool:
    """False when no Claimdesk can be listening (no socket file; Unix only, cheap)."""
    if sys.platform == "win32":  # named pipes leave no file to look at
        return True
    return os.path.exists(os.path.join(QDir.tempPath(), server_name()))


def send_to_running(paths: list[str]) -> bool:
    """True if a running Claimdesk took the paths (it opens them); False if none is running."""
    if not may_be_running():
        return False
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(json.dumps({"open": paths}).encode("utf-8") + b"\n")
    socket.flush()
    socket.waitForBytesWritten(REPLY_MS)
    answered = socket.waitForReadyRead(REPLY_MS) and bytes(socket.readAll().data()).startswith(
        b"ok"
    )
    socket.disconnectFromServer()
    return answered


class InstanceServer(QObject):
    """Listens for later launches; emits ``openRequested`` with each path (or "" to just raise
    the window)."""

    openRequested = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connected)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        from PySide6.QtNetwork import QLocalServer

        name = server_name()
        if self.server.listen(name):
            return True
        # A socket file left behind by a Claimdesk that crashed: nobody answers on it.
        QLocalServer.removeServer(name)
        return self.server.listen(name)

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_MESSAGE:
                socket.abort()
            else:
                self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[socket] = b""
        try:
            message = json.loads(line.decode("utf-8"))
            paths = [str(p) for p in message.get("open", [])]
        except (ValueError, AttributeError, TypeError):
            socket.write(b"error\n")
            socket.flush()
            return
        socket.write(b"ok\n")
        socket.flush()
        for path in paths or [""]:
            self.openRequested.emit(path)
