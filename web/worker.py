"""gunicorn's threaded worker, with the timeouts a slow client meets and no Server header.

The sync worker gives a connection its whole process until the request is read: two
clients that send ``Content-Length: 1000`` and one byte held both default workers for the
30 s worker timeout. The threaded worker (gthread) waits for a connection's first bytes
without a thread, but once a request has started it reads headers and body with blocking
sockets and no timeout. This subclass gives every connection a socket timeout
(``IO_TIMEOUT_SECONDS``) for each read and write of the headers and the body, so a stalled
client loses its connection instead of holding a thread; the application also bounds the
whole body (web.app.BODY_SECONDS). In production the endpoint runs behind a buffering
reverse proxy as well (docs/security.md), which absorbs slow clients before they get here.

gunicorn writes ``Server: gunicorn`` on every response and has no setting to drop it;
``QuietResponse`` leaves that line out.
"""

from __future__ import annotations

from typing import Any

from gunicorn.http import wsgi
from gunicorn.workers.gthread import TConn, ThreadWorker

IO_TIMEOUT_SECONDS = 5.0


class TimedConnection(TConn):
    """A connection whose socket reads and writes time out; set each time a thread takes it
    up, since gunicorn makes the socket blocking (no timeout) again at that point."""

    def init(self) -> None:
        super().init()
        self.sock.settimeout(IO_TIMEOUT_SECONDS)


class TimedThreadWorker(ThreadWorker):
    def accept(self, listener: Any) -> None:
        """gunicorn's accept, with a TimedConnection."""
        try:
            client, address = listener.accept()
        except BlockingIOError:
            return
        self.nr_conns += 1
        client.setblocking(True)
        self.enqueue_req(TimedConnection(self.cfg, client, address, listener.getsockname()))


class QuietResponse(wsgi.Response):
    """No ``Server`` line, and the connection closed after a refusal whose body was not read
    (408, 413): draining it would give a stalled client its thread back for another timeout."""

    def default_headers(self) -> list[str]:
        return [line for line in super().default_headers() if not line.startswith("Server:")]

    def start_response(self, status: str, headers: Any, exc_info: Any = None) -> Any:
        if status[:3] in {"408", "413"}:
            self.force_close()
        return super().start_response(status, headers, exc_info)


# gunicorn builds each response with its module's ``Response`` and offers no setting for either.
wsgi.Response = QuietResponse
