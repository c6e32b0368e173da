"""The `treatyqa` command as a user runs it (a real process, the real store)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from app.assistant import Assistant
from app.audit import AuditLog
from app.config import Settings

TREATYQA = Path(sys.executable).with_name("treatyqa")
# The core result as every interface gives it, with the question asked.
RESULT_FIELDS = {
    "question",
    "answer_id",
    "answer",
    "abstained",
    "citations",
    "table",
    "choices",
    "resolved_question",
    "articles",
}
CITATION_FIELDS = {
    "marker",
    "record_id",
    "treaty",
    "party",
    "kind",
    "number",
    "articles",
    "source",
    "quote",
    "snapshot_date",
    "made_upon",
    "source_title",
    "source_url",
    "authority",
    "text",
    "articles_text",
}


def run(settings: Settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TREATYQA_DATA_DIR": str(settings.data_dir),
        "TREATYQA_CORPUS_DIR": str(settings.corpus_dir),
    }
    return subprocess.run(
        [str(TREATYQA), *args], env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


def test_ask_json_prints_exactly_the_core_result_plus_id_and_question(assistant: Assistant) -> None:
    question = "What is Azerbaijan's 24/7 point of contact under the Convention on Cybercrime?"
    result = run(assistant.settings, "ask", "--json", question)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"id", *RESULT_FIELDS}
    assert data["question"] == question and data["abstained"] is False
    (citation,) = data["citations"]
    assert set(citation) == CITATION_FIELDS
    assert (citation["kind"], citation["number"], citation["articles"]) == ("declaration", "4", ["35(1)"])
    assert citation["quote"] in citation["text"]


def test_ask_file_answers_each_line_in_order_and_reports_bad_lines(assistant: Assistant) -> None:
    lines = [
        json.dumps({"id": "q1", "question": "When did Azerbaijan ratify the Convention on Cybercrime?"}),
        "not json",
        json.dumps({"id": "q3", "question": "   "}),
        json.dumps({"id": "q4", "question": "What is the capital of Azerbaijan?"}),
    ]
    result = run(assistant.settings, "ask", "--file", "-", "--json", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1  # some lines could not be answered
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["q1", None, "q3", "q4"]
    assert "15 March 2010" in out[0]["answer"] and out[0]["citations"]
    assert out[1]["abstained"] and out[1]["answer"].startswith("Error:")
    assert out[2]["abstained"] and "empty" in out[2]["answer"]
    assert out[3]["abstained"] and not out[3]["citations"]
    assert "line 2" in result.stderr and "line 3" in result.stderr


def test_ingest_lists_each_file_and_the_ones_that_failed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text(
        "Report on treaty practice\n\nThe Secretary-General received several declarations under article 24 "
        "of the Convention on Cybercrime during the period under review.\n"
    )
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus)
    result = run(settings, "ingest", "--quiet")
    assert result.returncode == 2
    assert "FAILED  broken.pdf" in result.stdout and "not a readable PDF" in result.stdout
    assert "2 files, 1 failed; 1 records added" in result.stdout


def test_a_missing_path_is_a_one_line_error_not_a_traceback(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path)
    result = run(settings, "ingest", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "no such file or directory" in result.stderr and "Traceback" not in result.stderr


def test_log_shows_and_exports_answers_with_their_feedback(assistant: Assistant) -> None:
    question = "What is Azerbaijan's 24/7 point of contact under the Convention on Cybercrime?"
    answer = assistant.ask(question, user="analyst@example.org")
    assert answer.answer_id
    assistant.feedback(answer.answer_id, "down", "Not the contact I meant.")
    shown = run(assistant.settings, "log", "--rating", "down")
    assert shown.returncode == 0, shown.stderr
    assert answer.answer_id in shown.stdout and "rated down: Not the contact I meant." in shown.stdout
    exported = run(assistant.settings, "log", "--csv", "--since", answer_time(assistant, answer.answer_id))
    rows = {row["answer_id"]: row for row in csv.DictReader(io.StringIO(exported.stdout))}
    row = rows[answer.answer_id]
    assert (row["user"], row["question"], row["rating"]) == ("analyst@example.org", question, "down")
    assert row["cited"] == " ".join(c.record_id for c in answer.citations)
    nothing = run(assistant.settings, "log", "--since", "2999-01-01")
    assert nothing.returncode == 0 and not nothing.stdout and "No answers in the log match" in nothing.stderr
    bad = run(assistant.settings, "log", "--since", "last week")
    assert bad.returncode == 2 and "--since" in bad.stderr


def answer_time(assistant: Assistant, answer_id: str) -> str:
    """The minute an answer was logged, as `--since` takes it."""
    [entry] = [e for e in AuditLog(assistant.settings.audit_path).entries() if e.answer_id == answer_id]
    return entry.time[:16]
