"""Shared fixtures: a real subset of the bundled corpus, ingested once per session
into a temporary Chroma store with the real embedding model."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
# The embedding model is exported to ONNX once for the whole run, not once per test's store
# (child processes that tests start read it too).
if "TREATYQA_MODEL_CACHE" not in os.environ:
    os.environ["TREATYQA_MODEL_CACHE"] = tempfile.mkdtemp(prefix="treatyqa-models-")
    atexit.register(shutil.rmtree, os.environ["TREATYQA_MODEL_CACHE"], ignore_errors=True)

from app.assistant import Assistant
from app.config import Settings
from app.understand import QuestionReader
from ingest.sources import BUNDLED_CORPUS

# Treaties whose declarations, status tables and texts make up the test corpus:
# ICCPR, ICESCR, CEDAW, CAT, CRC.
SUBSET_TREATIES = ["4-4", "4-3", "4-8", "4-9", "4-11"]


def copy_corpus_subset(target: Path, treaties: list[str] = SUBSET_TREATIES) -> Path:
    shutil.copytree(BUNDLED_CORPUS / "seeds", target / "seeds")
    shutil.copy(BUNDLED_CORPUS / "manifest.toml", target / "manifest.toml")
    untc = target / "untc-2015"
    (untc / "declarations").mkdir(parents=True)
    (untc / "status").mkdir()
    shutil.copy(BUNDLED_CORPUS / "untc-2015" / "index.csv", untc / "index.csv")
    (target / "treaty-texts").mkdir()
    for treaty in treaties:
        shutil.copy(BUNDLED_CORPUS / f"untc-2015/declarations/{treaty}.txt", untc / "declarations")
        shutil.copy(BUNDLED_CORPUS / f"untc-2015/status/{treaty}.csv", untc / "status")
        shutil.copy(BUNDLED_CORPUS / f"treaty-texts/{treaty}.md", target / "treaty-texts")
    return target


@pytest.fixture(scope="session")
def corpus_subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_corpus_subset(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def settings(corpus_subset: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=corpus_subset)


@pytest.fixture(scope="session")
def assistant(settings: Settings) -> Assistant:
    """An assistant over the ingested subset; tests must not change its store."""
    assistant = Assistant(settings)
    report = assistant.ingest()
    assert not report.failed, report.failed
    return assistant


@pytest.fixture(scope="session")
def reader(assistant: Assistant) -> QuestionReader:
    """The question reader of the ingested subset."""
    return assistant.indexes.reader


@pytest.fixture
def fresh_settings(tmp_path: Path) -> Settings:
    """Settings with their own empty store and a small corpus (seeds only)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS / "seeds", corpus / "seeds")
    shutil.copy(BUNDLED_CORPUS / "manifest.toml", corpus / "manifest.toml")
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus)


# Fixtures that load the embedding model, ingest or start servers: a test using one is
# slow (`pytest -m "not slow"` runs the rest in seconds).
SLOW_FIXTURES = {"assistant", "fresh_settings", "unseen", "chroma_port", "llama_server", "direct", "proxied"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
