"""Real receivers on loopback for what the worker sends: an SMTP server (aiosmtpd) and an HTTP
server for webhooks. Each keeps what arrived, in order, for the test to read."""

import email
import email.policy
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SmtpSink:
    host: str
    port: int
    delay: float = 0.0  # seconds before answering each message: a slow server, to kill a worker mid-send
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            time.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 OK"

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


@contextmanager
def smtp_sink(delay: float = 0.0) -> Iterator[SmtpSink]:
    sink = SmtpSink("127.0.0.1", free_port(), delay)
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpReceiver:
    """`status` answers every request, unless `statuses` still holds answers (used in order);
    `delay`: seconds before answering (a slow receiver)."""

    port: int
    status: int = 200
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def https_url(self, host: str) -> str:
        """For a receiver started with `tls`: its URL under the name its certificate holds."""
        return f"https://{host}:{self.port}/hooks"


@contextmanager
def http_receiver(status: int = 200, delay: float = 0.0, tls: ssl.SSLContext | None = None) -> Iterator[HttpReceiver]:
    """An HTTP receiver on 127.0.0.1 (https with `tls`, a server-side SSLContext). A 3xx answer
    carries a Location elsewhere, to show that it is not followed."""
    receiver = HttpReceiver(free_port(), status, delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if receiver.delay:
                time.sleep(receiver.delay)
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            status = receiver.statuses.pop(0) if receiver.statuses else receiver.status
            try:
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:  # the sender stopped waiting (a timeout test)
                return

        def log_message(self, format, *args) -> None:  # quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
