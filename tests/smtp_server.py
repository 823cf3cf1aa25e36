"""A real SMTP server on 127.0.0.1 for the mail tests, with knobs to fail or hang a delivery."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Recorder:
    """An aiosmtpd handler that keeps every accepted message.

    ``fail_next`` rejects that many messages with a permanent error. ``hang_first`` holds the
    first message's DATA until ``release`` is set (``entered`` tells the test it is held),
    then refuses it, as a server does when the client went away before it answered.
    """

    def __init__(self, *, hang_first: bool = False) -> None:
        self.messages: list[EmailMessage] = []
        self.fail_next = 0
        self.hang_first = hang_first
        self.entered = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.hang_first and not self.entered.is_set():
            self.entered.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Not accepted: the client went away"
        if self.fail_next:
            self.fail_next -= 1
            return "554 5.0.0 Rejected by the test server"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 2.0.0 OK"


@contextmanager
def smtp_server(recorder: Recorder) -> Iterator[int]:
    """Run ``recorder`` on a free port of 127.0.0.1 and yield the port."""
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        recorder.release.set()
        controller.stop()


def text_and_html(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    return str(plain.get_content()), str(html.get_content())
