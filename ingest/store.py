"""The record store: one Chroma collection, embedded on disk or on a Chroma server."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np

from ingest.embedding import Embedder, TreatyEmbeddingFunction
from ingest.errors import StoreError
from ingest.records import Record

PAGE = 2000
P = ParamSpec("P")
T = TypeVar("T")


def _client(path: Path | None, host: str | None, port: int) -> Any:
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if host:
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=settings)
            client.heartbeat()
        except Exception as exc:  # chromadb raises bare ValueError/ConnectionError variants
            raise StoreError(
                f"Cannot reach the Chroma server at {host}:{port} ({exc}). Start it with "
                f"`chroma run --path DIR --host {host} --port {port}`, or unset "
                "TREATYQA_CHROMA_HOST to use the embedded store."
            ) from exc
        return client
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def _reachable(method: Callable[P, T]) -> Callable[P, T]:
    """Store failures after connecting (a Chroma server gone, a broken file) as a StoreError."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        from chromadb.errors import ChromaError
        from httpx import HTTPError

        try:
            return method(*args, **kwargs)
        except (ChromaError, HTTPError, ConnectionError) as exc:
            raise StoreError(
                f"The record store failed ({exc}); check that it is reachable and retry."
            ) from exc

    return wrapper


class RecordStore:
    """Records with their embeddings; the verbatim text is the Chroma document."""

    def __init__(self, client: Any, embedder: Embedder, name: str) -> None:
        self.client, self.embedder, self.name = client, embedder, name
        self.function = TreatyEmbeddingFunction(embedder)
        self.collection = client.get_or_create_collection(
            name,
            embedding_function=self.function,
            configuration={"hnsw": {"space": "cosine", "ef_search": 200, "ef_construction": 200}},
            metadata={"embedding_model": embedder.model_id, "revision": "empty"},
        )
        built_with = (self.collection.metadata or {}).get("embedding_model")
        if built_with != embedder.model_id:
            raise StoreError(
                f"The store {name!r} was built with the embedding model {built_with!r}, but "
                f"{embedder.model_id!r} is configured. Use the same model, or rebuild the store "
                "with `treatyqa ingest --rebuild`."
            )

    @classmethod
    def connect(
        cls,
        embedder: Embedder,
        *,
        path: Path | None = None,
        host: str | None = None,
        port: int = 8000,
        name: str = "treatyqa",
        reset: bool = False,
    ) -> RecordStore:
        """Open the store; `reset` deletes every record first (also those of another model)."""
        client = _client(path, host, port)
        if reset and name in {c if isinstance(c, str) else c.name for c in client.list_collections()}:
            client.delete_collection(name)
        return cls(client, embedder, name)

    # --- reading ---------------------------------------------------------------------

    @_reachable
    def count(self) -> int:
        return self.collection.count()

    def _pages(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = self.collection.get(limit=PAGE, offset=offset, **kwargs)
            if not page["ids"]:
                return
            yield page
            offset += len(page["ids"])

    @_reachable
    def fingerprints_by_source(self) -> dict[str, dict[str, str]]:
        """source -> {record id: fingerprint} of everything stored."""
        out: dict[str, dict[str, str]] = {}
        for page in self._pages(include=["metadatas"]):
            for rid, meta in zip(page["ids"], page["metadatas"], strict=True):
                out.setdefault(meta["source"], {})[rid] = meta.get("fingerprint", "")
        return out

    @_reachable
    def records(self) -> list[Record]:
        return [
            Record.from_stored(rid, doc, meta)
            for page in self._pages(include=["documents", "metadatas"])
            for rid, doc, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True)
        ]

    @_reachable
    def nearest(
        self,
        embedding: Sequence[float],
        k: int,
        where: dict[str, Any] | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]:
        """IDs of the k nearest records (among `ids`, if given) with their cosine similarity."""
        if ids is not None:
            k = min(k, len(ids))
        if k <= 0:
            return []
        result = self.collection.query(
            query_embeddings=[list(embedding)],
            n_results=k,
            where=where or None,
            ids=list(ids) if ids is not None else None,
            include=["distances"],
        )
        return [
            (rid, 1.0 - float(d)) for rid, d in zip(result["ids"][0], result["distances"][0], strict=True)
        ]

    @_reachable
    def revision(self) -> str:
        """Changes whenever records are added or removed (read fresh, not cached)."""
        fresh = self.client.get_collection(self.name, embedding_function=self.function)
        return str((fresh.metadata or {}).get("revision", "empty"))

    # --- writing ---------------------------------------------------------------------

    @_reachable
    def add(self, records: Sequence[Record], embeddings: np.ndarray) -> None:
        step = max(1, min(PAGE, self.client.get_max_batch_size()))
        for start in range(0, len(records), step):
            batch = records[start : start + step]
            self.collection.upsert(
                ids=[r.id for r in batch],
                documents=[r.text for r in batch],
                metadatas=[r.to_metadata() for r in batch],
                embeddings=embeddings[start : start + step],
            )

    @_reachable
    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), PAGE):
            self.collection.delete(ids=ids[start : start + PAGE])

    @_reachable
    def touch(self) -> None:
        """Record that the contents changed, for indexes derived from the store."""
        metadata = dict(self.collection.metadata or {})
        metadata["revision"] = uuid.uuid4().hex
        self.collection.modify(metadata=metadata)
