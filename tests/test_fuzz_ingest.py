"""Ingest of malformed and awkward files (tests/fuzz.py, fixed seed) into a real
store with the real model: nothing crashes, every file yields records or is
reported with a reason, valid files' records all arrive, and a second ingest
changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.assistant import Assistant
from app.config import Settings
from ingest.parsers import MAX_FIELD
from ingest.pipeline import discover, parse_file, source_key
from tests.fuzz import generate

pytestmark = pytest.mark.slow


def test_every_file_yields_records_or_a_reason_and_a_second_ingest_changes_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    files = generate(corpus)
    assert sum(len(group) for group in files.values()) >= 200
    assistant = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=corpus))

    report = assistant.ingest([corpus])

    by_source = {f.source: f for f in report.files}
    assert set(by_source) == {source_key(f, corpus) for f in discover([corpus])}
    silent = [f.source for f in report.files if not f.records and not f.error and not f.notes]
    assert not silent
    # Exactly the unreadable files (empty, random bytes, truncated PDFs), each with its reason.
    assert {f.source for f in report.failed} == {source_key(f, corpus) for f in files["failing"]}
    assert all(f.error and str(corpus) not in f.error for f in report.failed)  # the path is printed once
    stored = {rid for ids in assistant.store.fingerprints_by_source().values() for rid in ids}
    for path in files["valid"]:
        _, records, _ = parse_file(path, source_key(path, corpus))
        assert records and {r.id for r in records} <= stored, path
    # The one-line 20 MB file: a record per window of sentences, each with a title of one short line.
    assert by_source["big/one-line.txt"].records > 10_000
    titles = {r.source_title for r in assistant.indexes.catalogue.records}
    assert max(map(len, titles)) <= MAX_FIELD + 1
    for name in ("utf16/text-00.txt", "utf16/text-01.txt", "utf16/text-02.txt", "html/deep-1.html"):
        assert by_source[name].records, by_source[name]

    again = assistant.ingest([corpus])
    assert (again.added, again.removed) == (0, 0)
