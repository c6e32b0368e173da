"""The same product against a real `chroma run` server on 127.0.0.1, by configuration only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.assistant import REVISION_CHECK_SECONDS, Assistant
from app.config import Settings
from app.server import create_app
from ingest.errors import StoreError
from ingest.sources import BUNDLED_CORPUS
from tests.conftest import copy_corpus_subset
from tests.helpers import free_port, wait_for

CHROMA = Path(sys.executable).with_name("chroma")
TREATYQA = Path(sys.executable).with_name("treatyqa")
QUESTION = "What reservation did Singapore make to article 32 of the Convention on the Rights of the Child?"


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def seeds_only(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS / "seeds", corpus / "seeds")
    shutil.copy(BUNDLED_CORPUS / "manifest.toml", corpus)
    return corpus


def test_ingest_and_answers_work_against_a_chroma_server(chroma_port: int, tmp_path: Path) -> None:
    corpus = seeds_only(tmp_path)
    settings = Settings(
        data_dir=tmp_path / "a", corpus_dir=corpus, chroma_host="127.0.0.1", chroma_port=chroma_port
    )
    writer = Assistant(settings)
    assert writer.ingest().added == 19
    assert not (tmp_path / "a" / "chroma").exists()  # nothing stored locally but derived indexes

    # A second instance (another machine, say) reads the same records and builds its own indexes.
    reader = Assistant(settings.model_copy(update={"data_dir": tmp_path / "b"}))
    answer = reader.ask("What is Azerbaijan's 24/7 point of contact under the Convention on Cybercrime?")
    (citation,) = answer.citations
    assert (citation.kind, citation.number) == ("declaration", "4")
    assert writer.ingest().added == 0  # idempotent on the server too


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(StoreError, match=r"Cannot reach the Chroma server.*chroma run"):
        Assistant(settings).store.count()


def _start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", server)
    return server


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


def test_a_server_that_goes_away_gives_503s_then_answers_and_ingest_resume(tmp_path: Path) -> None:
    port, path = free_port(), tmp_path / "chroma"
    server = _start_chroma(path, port)
    corpus = copy_corpus_subset(tmp_path / "corpus", ["4-9", "4-11"])
    settings = Settings(
        data_dir=tmp_path / "data",
        corpus_dir=corpus,
        chroma_host="127.0.0.1",
        chroma_port=port,
        rate_limit="100000/minute",
    )
    try:
        # An ingest cut off by the server going away while it writes.
        env = {**os.environ, "TREATYQA_DATA_DIR": str(settings.data_dir), "TREATYQA_CORPUS_DIR": str(corpus)}
        env |= {"TREATYQA_CHROMA_HOST": "127.0.0.1", "TREATYQA_CHROMA_PORT": str(port)}
        ingest = subprocess.Popen([TREATYQA, "ingest", "--quiet"], env=env, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not _writing(port) and ingest.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        _stop(server)
        _, errors = ingest.communicate(timeout=120)
        assert ingest.returncode != 0 and "store" in errors.lower()
        server = _start_chroma(path, port)
        assistant = Assistant(settings)
        assistant.ingest()  # resumes: what the cut-off run wrote is kept, the rest added
        clean = Assistant(Settings(data_dir=tmp_path / "clean", corpus_dir=corpus))
        clean.ingest()
        assert {r.id for r in assistant.store.records()} == {r.id for r in clean.store.records()}

        client = TestClient(create_app(assistant))
        assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
        _stop(server)
        time.sleep(REVISION_CHECK_SECONDS)  # until then, answers come from the indexes in memory
        down = client.post("/api/ask", json={"question": QUESTION})
        assert down.status_code == 503 and "store" in down.json()["detail"]
        server = _start_chroma(path, port)
        deadline = time.monotonic() + 30
        while (status := client.post("/api/ask", json={"question": QUESTION}).status_code) != 200:
            assert time.monotonic() < deadline, f"still {status} 30 s after the server came back"
            time.sleep(0.5)
    finally:
        _stop(server)


def _writing(port: int) -> bool:
    """Whether an ingest has begun writing: segment vectors go to the server first."""
    import chromadb

    try:
        client = chromadb.HttpClient(host="127.0.0.1", port=port)
        return client.get_collection("treatyqa-segments").count() > 0
    except Exception:  # not created yet
        return False
