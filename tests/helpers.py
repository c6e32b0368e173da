"""Helpers for tests that start real servers on 127.0.0.1, or `treatyqa chat` in a terminal."""

from __future__ import annotations

import os
import pty
import select
import socket
import subprocess
import time
import urllib.request

import pytest

from app.assistant import Assistant
from tests.test_cli import TREATYQA


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    """Poll `url` until it answers; fail if the process dies or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"the server for {url} exited with code {process.returncode}")
            if time.monotonic() > deadline:
                pytest.fail(f"{url} did not answer within {seconds} s")
            time.sleep(0.3)


class Terminal:
    """`treatyqa chat` in a pseudo-terminal, as a person at a keyboard uses it."""

    def __init__(self, assistant: Assistant) -> None:
        self.fd, child = pty.openpty()
        env = {
            **os.environ,
            "TREATYQA_DATA_DIR": str(assistant.settings.data_dir),
            "TREATYQA_CORPUS_DIR": str(assistant.settings.corpus_dir),
            "NO_COLOR": "1",
        }
        self.process = subprocess.Popen(
            [str(TREATYQA), "chat"], stdin=child, stdout=child, stderr=child, env=env, close_fds=True
        )
        os.close(child)

    def read_until(self, marker: str, seconds: float = 120) -> str:
        out, deadline = "", time.monotonic() + seconds
        while marker not in out:
            assert time.monotonic() < deadline, f"no {marker!r} in: {out!r}"
            ready, _, _ = select.select([self.fd], [], [], 1)
            if ready:
                try:
                    out += os.read(self.fd, 4096).decode(errors="replace")
                except OSError:  # the child closed the terminal
                    break
        return out

    def say(self, line: str) -> str:
        os.write(self.fd, line.encode() + b"\n")
        return self.read_until("\n> ")
