"""The naive pipeline most tutorials build, for comparison: files split into
~1,000-character chunks with LangChain's RecursiveCharacterTextSplitter, the
same embedding model, Chroma top-k, the first chunk as the answer and its
source as the citation. It never declines to answer."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.encoders import BUNDLED_MODEL, model_location
from ingest.pipeline import discover
from ingest.sources import is_treaty_index

CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200


@dataclass(frozen=True)
class Chunk:
    source: str
    text: str


@dataclass(frozen=True)
class BaselineResult:
    answer: str
    citations: list[Chunk]
    retrieved: list[Chunk]
    seconds: float


def _fingerprint(files: list[Path], model: str) -> str:
    """Changes with the files, the model and the chunking: then the index is built anew."""
    digest = hashlib.sha256(f"{model}:{CHUNK_SIZE}:{CHUNK_OVERLAP}".encode())
    for f in files:
        digest.update(f"{f}:{f.stat().st_size}:{f.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


class Baseline:
    name = "baseline"

    def __init__(self, corpus_dir: Path, data_dir: Path, model: str = BUNDLED_MODEL, k: int = 10) -> None:
        from chromadb.config import Settings
        from langchain_chroma import Chroma
        from langchain_huggingface import HuggingFaceEmbeddings

        files = [f for f in discover([corpus_dir]) if f.suffix in (".txt", ".csv", ".html", ".htm", ".md")]
        directory = data_dir / "baseline" / _fingerprint(files, model)
        embeddings = HuggingFaceEmbeddings(model_name=model_location(model), model_kwargs={"device": "cpu"})
        settings = Settings(anonymized_telemetry=False, is_persistent=True, persist_directory=str(directory))
        self.k = k
        self.store = Chroma(
            collection_name="baseline",
            embedding_function=embeddings,
            persist_directory=str(directory),
            client_settings=settings,
        )
        done = directory / "complete"  # an interrupted build is started again, not reused
        if not done.exists():
            self.store.reset_collection()
            self.store.add_documents(self._chunks(files, corpus_dir))
            done.touch()

    @staticmethod
    def _chunks(files: list[Path], corpus_dir: Path) -> list:
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        docs = []
        for f in files:
            text = f.read_text(encoding="utf-8", errors="replace")
            if not is_treaty_index(text):
                docs.append(
                    Document(page_content=text, metadata={"source": f.relative_to(corpus_dir).as_posix()})
                )
        return splitter.split_documents(docs)

    def ask(self, question: str) -> BaselineResult:
        started = time.perf_counter()
        found = [
            Chunk(d.metadata["source"], d.page_content)
            for d in self.store.similarity_search(question, k=self.k)
        ]
        return BaselineResult(
            answer=found[0].text if found else "",
            citations=found[:1],
            retrieved=found,
            seconds=time.perf_counter() - started,
        )
