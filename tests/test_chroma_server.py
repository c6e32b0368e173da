"""The same product against a real `chroma run` server on 127.0.0.1, by configuration only."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.assistant import Assistant
from app.config import Settings
from ingest.errors import StoreError
from ingest.sources import BUNDLED_CORPUS
from tests.helpers import free_port, wait_for

CHROMA = Path(sys.executable).with_name("chroma")


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
