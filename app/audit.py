"""The audit log: every answer, who asked, how it was read and what it cited, with the
feedback it got, in SQLite in the data directory, so whoever runs the service can
review poor answers (`treatyqa log`).

Logging never stands in an answer's way: a log that cannot be written (full disk,
read-only directory, locked file) is reported once as a warning and answers go on."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from app.errors import QuestionError, StoreError

log = logging.getLogger(__name__)

AuditMode = Literal["on", "off", "no-text"]
Rating = Literal["up", "down"]
PURGE_EVERY = 3600.0  # seconds between removals of entries older than the retention

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    answer_id TEXT PRIMARY KEY,
    time TEXT NOT NULL,
    user TEXT,
    question TEXT,
    read_as TEXT,
    answer TEXT,
    abstained INTEGER NOT NULL,
    cited TEXT NOT NULL,
    answerer TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    rating TEXT,
    comment TEXT,
    feedback_time TEXT
);
CREATE INDEX IF NOT EXISTS answers_time ON answers(time);
"""


@dataclass(frozen=True)
class Entry:
    """One answer as logged. `read_as` is how the question was read (the standalone
    question and the treaties, states, articles and kinds it was taken to be about)."""

    answer_id: str
    time: str  # ISO 8601, UTC
    user: str | None
    question: str | None
    read_as: str | None
    answer: str | None
    abstained: bool
    cited: tuple[str, ...]
    answerer: str
    latency_ms: float
    rating: str | None = None
    comment: str | None = None
    feedback_time: str | None = None

    def row(self) -> dict[str, object]:
        """The entry as a flat row, as the log stores it and CSV shows it: the cited record
        IDs joined by spaces (IDs are hex)."""
        return {**asdict(self), "cited": " ".join(self.cited)}


COLUMNS = tuple(f.name for f in fields(Entry))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class AuditLog:
    """One SQLite file in WAL mode: readers never wait for the writer, concurrent
    clients (threads here, other processes on the same data directory) each commit whole
    entries, and a process killed mid-answer leaves every committed entry readable."""

    def __init__(self, path: Path, mode: AuditMode = "on", retention_days: int = 0) -> None:
        self.path, self.mode, self.retention_days = path, mode, retention_days
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._failed = False  # warned once; every write is still tried
        self._purged = 0.0

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, check_same_thread=False, timeout=5.0)
            connection.execute("PRAGMA journal_mode=WAL")
            # Durable across a killed process (WAL); only a power cut may lose the last entries.
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(_SCHEMA)
            self._connection = connection
        return self._connection

    # --- writing ------------------------------------------------------------------------

    def record(self, entry: Entry) -> None:
        """Log one answer; never raises (see the module's note)."""
        if not self.enabled:
            return
        if self.mode == "no-text":
            entry = replace(entry, question=None, answer=None, read_as=None)
        values = entry.row()
        self._write(
            f"INSERT OR REPLACE INTO answers ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            tuple(values[c] for c in COLUMNS),
        )

    def feedback(self, answer_id: str, rating: Rating, comment: str | None = None) -> None:
        """Attach a rating (and an optional comment) to a logged answer; a later rating
        replaces an earlier one, and a comment given without one keeps the rating."""
        if not self.enabled:
            raise QuestionError("The audit log is off (TREATYQA_AUDIT_LOG=off); feedback is not kept.")
        comment = (comment or "").strip() or None
        updated = self._write(
            "UPDATE answers SET rating = ?, comment = COALESCE(?, comment), feedback_time = ? "
            "WHERE answer_id = ?",
            (rating, comment, now(), answer_id),
        )
        if updated is None:
            raise StoreError(f"The feedback could not be saved: the audit log {self.path} cannot be written.")
        if updated == 0:
            raise QuestionError(
                f"No answer {answer_id!r} in the log: give the answer_id an answer came with "
                "(answers older than the retention period are removed)."
            )

    def _write(self, sql: str, parameters: tuple[object, ...]) -> int | None:
        """Rows changed, or None when the log could not be written."""
        try:
            with self._lock:
                connection = self._connect()
                with connection:
                    changed = connection.execute(sql, parameters).rowcount
                    self._purge(connection)
            self._failed = False
            return changed
        except (sqlite3.Error, OSError) as exc:
            if not self._failed:
                log.warning("Cannot write the audit log %s (%s); answers go on without it.", self.path, exc)
            self._failed = True
            return None

    def _purge(self, connection: sqlite3.Connection) -> None:
        """Remove the entries older than the retention (0 days: none), at most once in PURGE_EVERY."""
        due = not self._purged or time.monotonic() - self._purged >= PURGE_EVERY
        if not (self.retention_days and due):
            return
        cutoff = datetime.now(UTC) - timedelta(days=self.retention_days)
        connection.execute("DELETE FROM answers WHERE time < ?", (cutoff.isoformat(),))
        self._purged = time.monotonic()

    # --- reading ------------------------------------------------------------------------

    def entries(self, since: datetime | None = None, rating: Rating | None = None) -> Iterator[Entry]:
        """Logged answers, oldest first: those since a time, those rated so."""
        if not self.path.exists():
            return
        where, parameters = [], []
        if since is not None:
            where.append("time >= ?")
            parameters.append(since.astimezone(UTC).isoformat())
        if rating is not None:
            where.append("rating = ?")
            parameters.append(rating)
        sql = f"SELECT {', '.join(COLUMNS)} FROM answers"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock:
            rows: Sequence[tuple[object, ...]] = (
                self._connect().execute(sql + " ORDER BY time", parameters).fetchall()
            )
        for row in rows:
            values = dict(zip(COLUMNS, row, strict=True))
            values["cited"] = tuple(str(values["cited"]).split())
            values["abstained"] = bool(values["abstained"])
            yield Entry(**values)  # type: ignore[arg-type]
