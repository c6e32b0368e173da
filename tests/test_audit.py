"""The audit log (SQLite in a temporary directory): what it keeps, what `no-text` and `off`
keep, retention, concurrent writers, a killed writer, and a log that cannot be written
(on its own, and under a real answer)."""

from __future__ import annotations

import logging
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.assistant import Assistant
from app.audit import AuditLog, Entry, now
from app.errors import QuestionError


def entry(answer_id: str, when: str | None = None, **changes: object) -> Entry:
    values: dict[str, object] = {
        "answer_id": answer_id,
        "time": when or now(),
        "user": "alice",
        "question": "Which states reserved article 9 of CEDAW?",
        "read_as": "intent: list | articles: 9",
        "answer": "17 states ... [1]",
        "abstained": False,
        "cited": ("r1", "r2"),
        "answerer": "extractive",
        "latency_ms": 12.5,
        **changes,
    }
    return Entry(**values)  # type: ignore[arg-type]


def test_an_answer_is_kept_whole_and_its_feedback_joins_it(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite3")
    log.record(entry("a1"))
    log.feedback("a1", "down", "  wrong treaty  ")
    (kept,) = log.entries()
    assert kept.question == "Which states reserved article 9 of CEDAW?" and kept.cited == ("r1", "r2")
    assert (kept.user, kept.answerer, kept.latency_ms, kept.abstained) == ("alice", "extractive", 12.5, False)
    assert (kept.rating, kept.comment) == ("down", "wrong treaty") and kept.feedback_time
    # A second rating replaces the first; a comment already given stays unless replaced.
    log.feedback("a1", "up")
    (kept,) = log.entries()
    assert (kept.rating, kept.comment) == ("up", "wrong treaty")


def test_feedback_on_an_unknown_answer_says_which_id_to_give(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite3")
    log.record(entry("a1"))
    with pytest.raises(QuestionError, match="No answer 'nope'"):
        log.feedback("nope", "up")


def test_no_text_keeps_everything_but_the_question_and_answer(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite3", mode="no-text")
    log.record(entry("a1"))
    log.feedback("a1", "down")
    (kept,) = log.entries()
    assert (kept.question, kept.answer, kept.read_as) == (None, None, None)
    assert (kept.user, kept.cited, kept.rating) == ("alice", ("r1", "r2"), "down")
    raw = (tmp_path / "audit.sqlite3").read_bytes()
    assert b"CEDAW" not in raw


def test_off_writes_nothing_and_refuses_feedback(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite3", mode="off")
    log.record(entry("a1"))
    assert not (tmp_path / "audit.sqlite3").exists()
    with pytest.raises(QuestionError, match="audit log is off"):
        log.feedback("a1", "up")


def test_entries_filter_by_time_and_rating(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite3")
    day = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(3):
        log.record(entry(f"a{n}", (day + timedelta(days=n)).isoformat()))
    log.feedback("a1", "down")
    log.feedback("a2", "up")
    assert [e.answer_id for e in log.entries(since=day + timedelta(days=1))] == ["a1", "a2"]
    assert [e.answer_id for e in log.entries(rating="down")] == ["a1"]


def test_entries_older_than_the_retention_are_removed(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite3", retention_days=30)
    old = (datetime.now(UTC) - timedelta(days=31)).isoformat()
    recent = (datetime.now(UTC) - timedelta(days=29)).isoformat()
    AuditLog(tmp_path / "audit.sqlite3").record(entry("old", old))  # kept for ever by this one
    log.record(entry("recent", recent))
    assert [e.answer_id for e in log.entries()] == ["recent"]


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite3"
    log = AuditLog(path)
    other = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), "200"], stdout=subprocess.PIPE, text=True
    )

    def write(worker: int) -> None:
        for n in range(50):
            log.record(entry(f"t{worker}-{n}"))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other.wait(timeout=60) == 0
    ids = {e.answer_id for e in log.entries()}
    assert len(ids) == 8 * 50 + 200


# Another process writing to the same log: prints each committed answer_id.
WRITER = """
import sys
from app.assistant import Assistant
from app.audit import AuditLog, Entry, now
log = AuditLog(__import__("pathlib").Path(sys.argv[1]))
for n in range(int(sys.argv[2])):
    log.record(Entry(f"p{n}", now(), None, "q", None, "a", False, (), "extractive", 1.0))
    print(f"p{n}", flush=True)
"""


def test_a_writer_killed_mid_write_leaves_every_committed_entry_readable(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), "1000000"], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    committed = [writer.stdout.readline().strip() for _ in range(300)]
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    kept = {e.answer_id for e in AuditLog(path).entries()}
    assert set(committed) <= kept
    log = AuditLog(path)
    log.record(entry("after"))
    assert "after" in {e.answer_id for e in log.entries()}


def test_a_log_that_cannot_be_written_warns_once_and_answers_go_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "not-a-directory").write_text("")
    log = AuditLog(tmp_path / "not-a-directory" / "audit.sqlite3")
    with caplog.at_level(logging.WARNING):
        for n in range(3):
            log.record(entry(f"a{n}"))
    warnings = [r for r in caplog.records if "Cannot write the audit log" in r.getMessage()]
    assert len(warnings) == 1


def test_answers_go_on_when_the_log_cannot_be_written(
    assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "full").write_text("")
    monkeypatch.setattr(assistant, "audit", AuditLog(tmp_path / "full" / "audit.sqlite3"))
    with caplog.at_level(logging.WARNING):
        answer = assistant.ask(
            "What is Azerbaijan's 24/7 point of contact under the Convention on Cybercrime?"
        )
    assert answer.citations and answer.answer_id and not answer.abstained
    assert "Cannot write the audit log" in caplog.text
