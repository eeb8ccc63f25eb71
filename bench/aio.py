"""A small HTTP/1.1 client over raw asyncio streams, for the live benchmarks (bench/fanout.py,
bench/rush.py): keep-alive connection pools, Content-Length and chunked bodies, and
server-sent event streams. Nothing to install (wrk cannot hold streams open or send at a set
rate whatever the answers' speed; this can).

Loopback only: the benchmarks send to the servers they started on 127.0.0.1.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IDLE_REUSE_SECONDS = 4.0  # under gunicorn's keep-alive (5 s): never reuse what it may be closing


class HttpError(Exception):
    """The connection broke or the answer could not be read (counted as an error, status 0)."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-cased names; a repeated header keeps its last value
    body: bytes

    def json(self):
        return json.loads(self.body)


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    line = await reader.readline()
    if not line:
        raise HttpError("the server closed the connection")
    parts = line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise HttpError(f"not an HTTP answer: {line[:80]!r}")
    status = int(parts[1])
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


async def _read_body(reader: asyncio.StreamReader, status: int, headers: dict[str, str], method: str) -> bytes:
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size_line = await reader.readline()
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    if "content-length" in headers:
        return await reader.readexactly(int(headers["content-length"]))
    return await reader.read()  # until the server closes


def _request_bytes(method: str, path: str, host: str, headers: dict[str, str], body: bytes | None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


@dataclass
class Pool:
    """Keep-alive connections to one server, opened as needed (up to `limit`) and reused.

    An open-loop driver must not wait for a free connection while the server is slow (that
    would be the load generator slowing down with the server): `limit` is high, and the time a
    request waited for a connection counts in its latency anyway (the caller measures from when
    it meant to send)."""

    base_url: str
    host_header: str = "127.0.0.1"
    limit: int = 1000
    timeout: float = 30.0
    _idle: list = field(default_factory=list)
    _open: int = 0
    _freed: asyncio.Condition | None = None

    def __post_init__(self) -> None:
        split = urlsplit(self.base_url)
        self.host, self.port = split.hostname, split.port or 80

    async def _acquire(self):
        """A kept-alive connection idle for less than IDLE_REUSE_SECONDS (the server closes them
        after its keep-alive time: gunicorn's 5 s), else a new one. Returns (connection, reused)."""
        now = time.monotonic()
        while self._idle:
            reader, writer, since = self._idle.pop()
            if now - since < IDLE_REUSE_SECONDS and not reader.at_eof() and not writer.is_closing():
                return (reader, writer), True
            writer.close()
            self._open -= 1
        if self._freed is None:
            self._freed = asyncio.Condition()
        async with self._freed:
            while self._open >= self.limit and not self._idle:
                await self._freed.wait()
        if self._idle:
            reader, writer, _ = self._idle.pop()
            return (reader, writer), True
        self._open += 1
        try:
            return await asyncio.open_connection(self.host, self.port), False
        except OSError:
            self._open -= 1
            raise

    async def _release(self, connection, reusable: bool) -> None:
        if reusable:
            self._idle.append((*connection, time.monotonic()))
        else:
            connection[1].close()
            self._open -= 1
        if self._freed is not None:
            async with self._freed:
                self._freed.notify()

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> Response:
        for attempt in range(2):
            connection, reused = await self._acquire()
            reader, writer = connection
            reusable = False
            try:
                writer.write(_request_bytes(method, path, self.host_header, headers or {}, body))
                async with asyncio.timeout(self.timeout):
                    status, answered = await _read_head(reader)
                    content = await _read_body(reader, status, answered, method)
                reusable = answered.get("connection", "").lower() != "close"
                return Response(status, answered, content)
            except HttpError as error:
                # A kept-alive connection the server closed as we reused it (nothing was read):
                # sent again once on a new connection, as browsers do.
                if reused and attempt == 0 and "closed the connection" in str(error):
                    continue
                raise HttpError(f"{method} {path}: {error}") from error
            except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as error:
                if reused and attempt == 0 and isinstance(error, ConnectionError):
                    continue
                raise HttpError(f"{method} {path}: {error!r}") from error
            finally:
                await self._release(connection, reusable)
        raise AssertionError("unreachable")

    async def close(self) -> None:
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()
        self._open = 0


@dataclass
class Event:
    name: str
    id: str
    data: str
    received: float  # time.monotonic() when its last line arrived


class Stream:
    """One server-sent event stream on a connection of its own (as a browser's EventSource)."""

    def __init__(self, base_url: str, path: str, headers: dict[str, str], host_header: str = "127.0.0.1"):
        split = urlsplit(base_url)
        self.host, self.port = split.hostname, split.port or 80
        self.path, self.headers, self.host_header = path, headers, host_header
        self.status = 0
        self.response_headers: dict[str, str] = {}
        self.answered = asyncio.Event()  # set once the answer's head is read (or the connection failed)
        self._writer = None

    async def open(self) -> AsyncIterator[Event]:
        """Connect, check the answer (200, text/event-stream) and yield its events as they come.
        Comments (keep-alives) are skipped. Ends when the server closes the stream."""
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port, limit=2**20)
        except BaseException:
            self.answered.set()
            raise
        self._writer = writer
        try:
            writer.write(
                _request_bytes(
                    "GET", self.path, self.host_header, {"Accept": "text/event-stream", **self.headers}, None
                )
            )
            try:
                self.status, self.response_headers = await _read_head(reader)
            finally:
                self.answered.set()
            if self.status != 200:
                await _read_body(reader, self.status, self.response_headers, "GET")
                return
            chunked = self.response_headers.get("transfer-encoding", "").lower() == "chunked"
            async for event in _events(_lines(reader, chunked)):
                yield event
        finally:
            writer.close()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


async def _lines(reader: asyncio.StreamReader, chunked: bool) -> AsyncIterator[bytes]:
    """The body's lines (without their ends), chunked or not."""
    if not chunked:
        while line := await reader.readline():
            yield line.rstrip(b"\r\n")
        return
    pending = b""
    while True:
        size_line = await reader.readline()
        if not size_line:
            return
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return
        pending += await reader.readexactly(size)
        await reader.readexactly(2)
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield line.rstrip(b"\r")


async def _events(lines: AsyncIterator[bytes]) -> AsyncIterator[Event]:
    name, event_id, data = "message", "", []
    async for raw in lines:
        line = raw.decode("utf-8")
        if not line:
            if data or name != "message":
                yield Event(name, event_id, "\n".join(data), time.monotonic())
            name, data = "message", []
            continue
        if line.startswith(":"):
            continue  # a comment: a keep-alive
        key, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if key == "event":
            name = value
        elif key == "data":
            data.append(value)
        elif key == "id":
            event_id = value


def percentiles(values: list[float], points=(50, 95, 99)) -> dict[str, float]:
    """Nearest-rank percentiles (ms in, ms out), rounded; empty -> zeros."""
    ordered = sorted(values)
    result = {}
    for point in points:
        if not ordered:
            result[f"p{point}_ms"] = 0.0
            continue
        rank = max(1, -(-point * len(ordered) // 100))  # ceil
        result[f"p{point}_ms"] = round(ordered[rank - 1], 1)
    return result
