"""`treatyqa doctor`: drift between the store and what is derived from it is found and repaired."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from app.assistant import Assistant
from app.config import Settings
from app.doctor import check
from app.indexes import RECORDS_FILE, Indexes
from ingest.embedding import segment_spans

TREATYQA = Path(sys.executable).with_name("treatyqa")


def test_a_healthy_store_has_no_findings(fresh_settings: Settings) -> None:
    assistant = Assistant(fresh_settings)
    assistant.ingest()
    checkup = check(assistant)
    assert checkup.records == 19 and checkup.segment_vectors > 19
    assert checkup.findings == [] and checkup.healthy


def test_drift_is_reported_then_repaired_from_the_store(fresh_settings: Settings) -> None:
    assistant = Assistant(fresh_settings)
    assistant.ingest()
    store = assistant.store
    long = next(r for r in store.records() if len(segment_spans(r)) > 2)
    store.delete_segments([long.id])  # as if cut off between writes
    store.segments.add(
        ids=["gone#0"], embeddings=np.ones((1, 384)), metadatas=[{"record": "gone", "start": 0, "end": 5}]
    )
    saved = Indexes.location(assistant.index_dir, store.revision()) / RECORDS_FILE
    saved.write_text("".join(saved.read_text().splitlines(keepends=True)[1:]))  # one record lost

    problems = [f.problem for f in check(assistant).findings]
    assert len(problems) == 3
    assert "segment vectors of 1 records that are not in the store" in problems
    assert "1 records lack the vectors of their segments" in problems
    assert "hold 18 records (0 not in the store, 1 missing)" in problems[2]

    repaired = check(assistant, repair=True)
    assert repaired.healthy and all(f.repaired for f in repaired.findings)
    assert check(assistant).findings == []
    indexes = assistant.indexes
    assert len(indexes.catalogue) == 19
    stored = indexes.segments_of(long)
    assert stored is not None and stored.spans == segment_spans(long)


def test_the_command_exits_1_on_drift_and_0_once_repaired(fresh_settings: Settings) -> None:
    assistant = Assistant(fresh_settings)
    assistant.ingest()
    assistant.store.segments.add(
        ids=["gone#0"], embeddings=np.ones((1, 384)), metadatas=[{"record": "gone", "start": 0, "end": 5}]
    )
    env = {
        "TREATYQA_DATA_DIR": str(fresh_settings.data_dir),
        "TREATYQA_CORPUS_DIR": str(fresh_settings.corpus_dir),
    }

    def doctor(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TREATYQA, "doctor", *args], env={**os.environ, **env}, capture_output=True, text=True
        )

    found = doctor()
    assert found.returncode == 1 and "drift" in found.stdout and "--repair" in found.stderr
    assert doctor("--repair").returncode == 0
    healthy = doctor()
    assert healthy.returncode == 0 and "agree" in healthy.stdout
