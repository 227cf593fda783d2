"""One window per data folder: a second launch hands its arguments to the running window
(which comes to the front and opens any ``--content`` folders) instead of opening a second
writer of the same study database.

The authority is an inter-process lock on ``<data>/instance.lock``, held for the life of the
app (the OS releases it if the app dies, so a crash never blocks the next start). The running
app also listens on a local socket named after the data folder; a later launch that cannot
take the lock connects there, sends its arguments as one line of JSON and exits.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path

from nexus_desktop.core.filelock import FileLock, LockUnavailableError

log = logging.getLogger(__name__)
CONNECT_TRIES = 25  # x 200 ms: the running app may still be starting its listener


def server_name(data_root: Path) -> str:
    digest = hashlib.sha1(str(data_root.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return f"nexus-desktop-{digest[:16]}"


class InstanceLock:
    """Held by the one app that writes a data folder."""

    def __init__(self, data_root: Path) -> None:
        self.data_root = data_root
        self._lock = FileLock(data_root / "instance.lock")

    def acquire(self) -> bool:
        """True when this process is the one app for the folder (or cannot tell: a read-only
        folder has nothing to protect); False when another app holds it."""
        try:
            self._lock.acquire()
        except LockUnavailableError:
            return False
        except OSError:
            return True
        return True


def forward(data_root: Path, content: list[str]) -> bool:
    """Send ``content`` to the app running on ``data_root``; True when it took them."""
    from PySide6.QtNetwork import QLocalSocket

    message = json.dumps({"content": content, "activate": True}).encode("utf-8") + b"\n"
    for _attempt in range(CONNECT_TRIES):
        socket = QLocalSocket()
        socket.connectToServer(server_name(data_root))
        if socket.waitForConnected(200):
            socket.write(message)
            socket.waitForBytesWritten(2000)  # False when it is all written already
            answer = b""
            while b"\n" not in answer and socket.waitForReadyRead(3000):
                answer += bytes(socket.readAll().data())
            socket.disconnectFromServer()
            return answer.strip() == b"ok"
        socket.abort()
    return False


def listen(data_root: Path, on_message: Callable[[list[str]], None], parent: object) -> object:
    """Start listening for later launches (call once, in the app holding the lock); each
    message's content folders go to ``on_message`` on the UI thread."""
    from PySide6.QtCore import QTimer
    from PySide6.QtNetwork import QLocalServer

    name = server_name(data_root)
    server = QLocalServer(parent)  # type: ignore[arg-type]
    QLocalServer.removeServer(name)  # a socket file left by a crashed app (we hold the lock)
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    if not server.listen(name):
        log.warning("cannot listen for other launches: %s", server.errorString())
        return server

    def on_new_connection() -> None:
        while server.hasPendingConnections():
            connection = server.nextPendingConnection()

            def read(connection=connection) -> None:  # type: ignore[no-untyped-def]
                if not connection.canReadLine():
                    return
                line = bytes(connection.readLine().data())
                try:
                    data = json.loads(line.decode("utf-8"))
                    content = [str(c) for c in data.get("content", [])]
                except (ValueError, AttributeError, TypeError):
                    connection.write(b"bad\n")
                    return
                connection.write(b"ok\n")
                connection.flush()  # the launcher reads it and disconnects
                QTimer.singleShot(0, lambda: on_message(content))

            connection.readyRead.connect(read)
            connection.disconnected.connect(connection.deleteLater)
            read()  # the line may have arrived before the connection was made

    server.newConnection.connect(on_new_connection)
    return server
