"""An ingest killed (`kill -9`) at any moment loses nothing: the next one completes
with exactly the records of a clean run, and the store and its indexes agree."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.assistant import Assistant
from app.config import Settings
from app.doctor import check
from tests.conftest import copy_corpus_subset

pytestmark = pytest.mark.slow
TREATYQA = Path(sys.executable).with_name("treatyqa")
KILLS = 10


def _ingest(corpus: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TREATYQA_DATA_DIR": str(data_dir), "TREATYQA_CORPUS_DIR": str(corpus)}
    return subprocess.Popen(
        [TREATYQA, "ingest", "--quiet"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _ids(corpus: Path, data_dir: Path) -> set[str]:
    return {r.id for r in Assistant(Settings(data_dir=data_dir, corpus_dir=corpus)).store.records()}


def test_ingest_killed_at_random_moments_then_run_again_equals_a_clean_run(tmp_path: Path) -> None:
    corpus = copy_corpus_subset(tmp_path / "corpus", ["4-9", "4-11"])
    started = time.monotonic()
    assert _ingest(corpus, tmp_path / "clean").wait(300) == 0
    duration = time.monotonic() - started
    clean = _ids(corpus, tmp_path / "clean")

    crashed = tmp_path / "crashed"
    rng = random.Random(20261125)
    for _ in range(KILLS):
        # Past the imports, into parsing, encoding, the writes and the index build.
        child = _ingest(corpus, crashed)
        time.sleep(rng.uniform(0.35, 1.0) * duration)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert _ingest(corpus, crashed).wait(300) == 0

    assert _ids(corpus, crashed) == clean
    assistant = Assistant(Settings(data_dir=crashed, corpus_dir=corpus))
    assert check(assistant).findings == []
    assert assistant.ask("What did Singapore say about article 19 of the CRC?").citations
