"""Limits shared by the HTTP API and the web chat: questions per client, answers at once."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar, cast

from limits import parse, storage, strategies

from app.errors import BusyError, ConfigError, LimitError

T = TypeVar("T")
BUSY_WAIT = 5.0  # seconds a question may wait for a free slot before "busy"


class Guard:
    def __init__(self, rate: str, concurrent: int, busy_wait: float = BUSY_WAIT) -> None:
        self.busy_wait = busy_wait
        try:
            self.rate = parse(rate)
        except ValueError as exc:
            raise ConfigError(f"TREATYQA_RATE_LIMIT {rate!r} is not a rate such as 30/minute.") from exc
        self.limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self.slots = threading.BoundedSemaphore(concurrent)
        # Answers are computed on these few long-lived threads, not on whichever request
        # thread came in: the memory the allocator keeps per thread then stays bounded.
        self.workers = ThreadPoolExecutor(concurrent, thread_name_prefix="treatyqa-answer")

    @contextmanager
    def admit(self, client: str) -> Iterator[None]:
        """Hold a slot for one answer by `client`, or raise LimitError."""
        if not self.limiter.hit(self.rate, client):
            reset = self.limiter.get_window_stats(self.rate, client).reset_time
            wait = max(1, math.ceil(reset - time.time()))
            raise LimitError(f"Too many questions: the limit is {self.rate}. Try again in {wait} s.", wait)
        if not self.slots.acquire(timeout=self.busy_wait):
            raise BusyError("TreatyQA is answering as many questions as it can; try again in a moment.", 5)
        try:
            yield
        finally:
            self.slots.release()

    def run(self, client: str, work: Callable[[], T]) -> T:
        """`work()` on an answer thread, once `client` is admitted (see `admit`)."""
        with self.admit(client):
            return self.workers.submit(work).result()

    def stream(self, client: str, events: Iterator[T]) -> Iterator[T]:
        """The items of `events` (a generator: no work until asked), each computed on an
        answer thread, once `client` is admitted."""
        with self.admit(client):
            while (item := self.workers.submit(next, events, _END).result()) is not _END:
                yield cast(T, item)


_END = object()  # what `next` gives for an exhausted stream
