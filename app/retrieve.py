"""Finding the records that may answer a question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ingest.records import Kind, Record
from ingest.store import RecordStore


@dataclass(frozen=True)
class Filters:
    """Restrictions a user sets explicitly (web chat, API)."""

    treaty: str | None = None
    party: str | None = None
    kind: str | None = None

    def where(self) -> dict[str, Any]:
        clauses: list[dict[str, Any]] = [{"kind": {"$ne": Kind.CROSS_REFERENCE.value}}]
        clauses += [{key: value} for key, value in vars(self).items() if value]
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class Hit:
    record: Record
    score: float  # cosine similarity of question and record, 0..1


class Retriever(Protocol):
    def retrieve(self, question: str, k: int, filters: Filters | None = None) -> list[Hit]: ...


class DenseRetriever:
    """Nearest records by embedding, in the Chroma store."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store

    def retrieve(self, question: str, k: int, filters: Filters | None = None) -> list[Hit]:
        embedding = self.store.embedder.embed_query(question)
        where = (filters or Filters()).where()
        return [Hit(record, score) for record, score in self.store.query(embedding, k, where)]
