"""An S3 endpoint that dies mid-upload: a TCP proxy in front of the loopback moto server that resets every
connection, and refuses new ones, once a client sends a chosen request (e.g. the PUT of model.keras)."""

from __future__ import annotations

import socket
import struct
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit


class DyingProxy:
    """Forwards 127.0.0.1:<port> to ``target`` until a client's bytes hold ``trigger``; then resets everything."""

    def __init__(self, target: tuple[str, int], trigger: bytes) -> None:
        self.target, self.trigger, self.dead = target, trigger, threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.dead.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.dead.is_set():
                client.close()
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        try:
            while data := source.recv(1 << 16):
                if from_client and self.trigger in data:
                    self.kill()  # the request dies on the way: its body meets a reset connection
                    return
                sink.sendall(data)
        except OSError:
            pass

    def kill(self) -> None:
        """Reset every connection (RST, not a polite close) and stop accepting new ones."""
        self.dead.set()
        self.listener.close()
        for each in self.sockets:
            try:
                each.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                each.close()
            except OSError:
                pass


@contextmanager
def endpoint_that_dies(monkeypatch, endpoint: str, trigger: bytes):
    """Inside: s3:// goes through a ``DyingProxy`` to ``endpoint``; after: straight to ``endpoint`` again."""
    from s3fs import S3FileSystem

    address = urlsplit(endpoint)
    proxy = DyingProxy((address.hostname, address.port), trigger)
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")  # botocore's retries of a refused connection: seconds, not a minute
    S3FileSystem.clear_instance_cache()  # the next s3:// call makes a filesystem that reads the variables above
    try:
        yield proxy
    finally:
        proxy.kill()
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        monkeypatch.delenv("AWS_MAX_ATTEMPTS")
        S3FileSystem.clear_instance_cache()
