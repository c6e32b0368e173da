"""`treatyqa ingest` in another process while the server answers: no failed answer,
and the new records are answered from once the ingest has ended (the ingest builds
the new indexes; the server loads them in the background and hands over)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.assistant import Assistant
from app.config import Settings
from app.server import create_app

pytestmark = pytest.mark.slow
TREATYQA = Path(sys.executable).with_name("treatyqa")
UNSEEN = Path(__file__).parent / "fixtures" / "unseen"
SONGBIRDS = "Convention on the Conservation of Migratory Songbirds"
OLD = "What is Azerbaijan's 24/7 point of contact under the Convention on Cybercrime?"
NEW = "What did Portugal declare under the songbird convention?"


def test_answers_go_on_during_an_ingest_and_include_its_records_once_it_ends(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    settings = fresh_settings.model_copy(update={"rate_limit": "100000/minute", "max_concurrent": 8})
    serving = Assistant(settings)
    serving.ingest()
    client = TestClient(create_app(serving))
    assert not client.post("/api/ask", json={"question": NEW}).json()["citations"]
    folder = shutil.copytree(UNSEEN, tmp_path / "songbirds")

    statuses: list[int] = []
    done = threading.Event()

    def ask_until_done() -> None:
        while not done.is_set():
            statuses.append(client.post("/api/ask", json={"question": OLD}).status_code)

    askers = [threading.Thread(target=ask_until_done) for _ in range(3)]
    for asker in askers:
        asker.start()
    env = {
        **os.environ,
        "TREATYQA_DATA_DIR": str(settings.data_dir),
        "TREATYQA_CORPUS_DIR": str(settings.corpus_dir),
    }
    ingest = subprocess.run(
        [TREATYQA, "ingest", "--quiet", str(folder)], env=env, capture_output=True, text=True
    )
    assert ingest.returncode == 0, ingest.stderr
    ended = time.monotonic()
    answered_new = None
    while time.monotonic() - ended < 30:
        citations = client.post("/api/ask", json={"question": NEW}).json()["citations"]
        if any(c["treaty"] == SONGBIRDS for c in citations):
            answered_new = time.monotonic() - ended
            break
        time.sleep(0.2)
    done.set()
    for asker in askers:
        asker.join(60)

    assert statuses and set(statuses) == {200}, sorted(set(statuses))
    assert answered_new is not None, "the new records were not answered from within 30 s"
    assert answered_new < 10
