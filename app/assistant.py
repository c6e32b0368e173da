"""The core every interface calls: configuration in, answers with citations out."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from app.answer import ExtractiveAnswerer
from app.config import Settings
from app.results import Answer
from app.retrieve import DenseRetriever, Filters, Retriever
from ingest.embedding import Embedder
from ingest.errors import QuestionError
from ingest.pipeline import IngestReport, ingest
from ingest.store import RecordStore

MAX_QUESTION_CHARS = 2000


class Assistant:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    @cached_property
    def embedder(self) -> Embedder:
        return Embedder(self.settings.embedding_model)

    @cached_property
    def store(self) -> RecordStore:
        s = self.settings
        return RecordStore.connect(
            self.embedder, path=s.chroma_path, host=s.chroma_host, port=s.chroma_port, name=s.collection
        )

    @cached_property
    def retriever(self) -> Retriever:
        return DenseRetriever(self.store)

    @cached_property
    def answerer(self) -> ExtractiveAnswerer:
        return ExtractiveAnswerer(self.embedder, self.settings.min_score)

    def ask(self, question: str, filters: Filters | None = None) -> Answer:
        question = question.strip()
        if not question:
            raise QuestionError("The question is empty; type a question about a treaty.")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(f"The question is longer than {MAX_QUESTION_CHARS} characters; shorten it.")
        hits = self.retriever.retrieve(question, self.settings.top_k, filters)
        return self.answerer.answer(question, hits)

    def ingest(
        self, paths: list[Path] | None = None, *, rebuild: bool = False, show_progress: bool = False
    ) -> IngestReport:
        if rebuild:
            self.__dict__["store"] = self.store.drop()
            self.__dict__.pop("retriever", None)
        return ingest(
            paths or [self.settings.corpus_dir],
            self.store,
            self.settings.corpus_dir,
            show_progress=show_progress,
        )

    def ensure_ingested(self, show_progress: bool = False) -> IngestReport | None:
        """Ingest the configured corpus when the store is empty (first start)."""
        return None if self.store.count() else self.ingest(show_progress=show_progress)
