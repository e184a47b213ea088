"""A local SMTP sink (aiosmtpd) that counts what it accepts, by Message-ID.

Used by `bench/fanout.py` and by the notification tests that drive a real Celery
worker: every accepted message is recorded with its Message-ID, recipients and
whether it had a text and an HTML part, so a run can check "exactly N delivered,
none twice".

    sink = SmtpSink().start()       # listens on 127.0.0.1:<free port>
    ... EMAIL_HOST=127.0.0.1 EMAIL_PORT=sink.port ...
    sink.count, sink.distinct, sink.duplicates
    sink.stop()
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.parser import BytesHeaderParser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    message_id: str
    recipients: tuple[str, ...]
    subject: str
    kind: str
    has_text: bool | None = None
    has_html: bool | None = None
    body_text: str = ""


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.sink.record(envelope.content, tuple(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, *, port: int | None = None, parse_bodies: bool = False):
        self.port = port or free_port()
        self.parse_bodies = parse_bodies
        self.received: list[Received] = []
        self._ids: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._controller = None

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, data_size_limit=0
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def record(self, content: bytes, recipients: tuple[str, ...]) -> None:
        if self.parse_bodies:
            message = message_from_bytes(content, policy=policy.default)
            text = message.get_body(preferencelist=("plain",))
            html = message.get_body(preferencelist=("html",))
            extra = {
                "has_text": text is not None,
                "has_html": html is not None,
                "body_text": text.get_content() if text is not None else "",
            }
        else:
            message = BytesHeaderParser(policy=policy.default).parsebytes(content)
            extra = {}
        item = Received(
            message_id=str(message.get("Message-ID", "")),
            recipients=recipients,
            subject=str(message.get("Subject", "")),
            kind=str(message.get("X-TREC-Notification", "")),
            **extra,
        )
        with self._lock:
            self.received.append(item)
            self._ids[item.message_id] += 1

    def wait_for(self, count: int, timeout: float = 5.0) -> int:
        """Wait until the sink has recorded `count` messages (the server handles a
        message's final "." on its own thread, a moment after the client wrote it)."""
        import time

        deadline = time.monotonic() + timeout
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.count

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self._ids.clear()

    @property
    def count(self) -> int:
        return len(self.received)

    @property
    def distinct(self) -> int:
        return len(self._ids)

    @property
    def duplicates(self) -> int:
        """Deliveries beyond the first of each Message-ID."""
        with self._lock:
            return sum(n - 1 for n in self._ids.values() if n > 1)

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
