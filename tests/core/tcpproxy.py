"""A loopback TCP proxy the tests can cut and restore: the register server "goes away"."""

from __future__ import annotations

import selectors
import socket
import struct
import threading


class Proxy:
    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = 0
        self._lsock: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._forgotten: set[socket.socket] = set()
        self.up()

    def up(self) -> None:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(16)
        self.port = s.getsockname()[1]
        self._lsock = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def down(self) -> None:
        """Close the listener and every open connection (like the server PC switching off)."""
        with self._lock:
            if self._lsock:
                try:  # wakes the thread blocked in accept() (close alone does not, on Linux)
                    self._lsock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self._lsock.close()
                self._lsock = None
            for c in self._conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
            self._conns.clear()

    def power_cut(self) -> None:
        """The server PC lost its power and came back at once: its open connections get no
        goodbye (nothing reaches the PCs), and the next packet a PC sends on one is answered
        with a reset (the server no longer knows that connection). New connections work."""
        with self._lock:
            self._forgotten.update(self._conns)

    def _accept(self, lsock: socket.socket) -> None:
        while True:
            try:
                client, _ = lsock.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._conns += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        sel = selectors.DefaultSelector()
        sel.register(a, selectors.EVENT_READ, b)
        sel.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in sel.select(1.0):
                    if a in self._forgotten:
                        if key.fileobj is a:     # the PC sent something: reset, not a goodbye
                            a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                         struct.pack("ii", 1, 0))
                            return
                        if not b.recv(65536):    # nothing from the server reaches the PC
                            sel.unregister(b)
                        continue
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass
