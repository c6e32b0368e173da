"""The record store: one Chroma collection, embedded on disk or on a Chroma server."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np

from ingest.embedding import Embedder, RecordVectors, Segments, TreatyEmbeddingFunction
from ingest.errors import StoreError
from ingest.records import Record

PAGE = 2000
# Chroma indexes every vector as it is written (in threads of its own, beside the
# encoder): the records' index is searched for broad scopes, so it is built well; the
# segments' is never searched (segments are read by record), so it is built cheaply.
RECORDS_HNSW = {"ef_search": 200, "ef_construction": 100}
SEGMENTS_HNSW = {"ef_construction": 10, "max_neighbors": 4}
# How records are laid out in the collections: a store of another layout is re-ingested.
LAYOUT = 2
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


def segments_collection(name: str) -> str:
    return f"{name}-segments"


class RecordStore:
    """Records with their embeddings; each record is kept as JSON in its metadata. The
    segments of records of more than one (their sentences, which answers quote) have
    their own vectors, in a second collection: a record of one segment is its own."""

    def __init__(self, client: Any, embedder: Embedder, name: str) -> None:
        self.client, self.embedder, self.name = client, embedder, name
        self.function = TreatyEmbeddingFunction(embedder)
        self.collection, self.segments = (
            client.get_or_create_collection(
                collection,
                embedding_function=self.function,
                configuration={"hnsw": {"space": "cosine", **hnsw}},
                metadata={"embedding": embedder.signature, "layout": LAYOUT, "revision": "empty"},
            )
            for collection, hnsw in ((name, RECORDS_HNSW), (segments_collection(name), SEGMENTS_HNSW))
        )
        # Vectors of another model, backend or way of embedding are never mixed in.
        stored = self.collection.metadata or {}
        if stored.get("layout") != LAYOUT:
            raise StoreError(
                f"The store {name!r} was written by an earlier version of TreatyQA; re-ingest "
                "with `treatyqa ingest --rebuild`."
            )
        built_with = stored["embedding"]
        if built_with != embedder.signature:
            raise StoreError(
                f"The store {name!r} was embedded with {built_with}, but {embedder.signature} is "
                "configured. Configure the same, or re-embed with `treatyqa ingest --rebuild`."
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
        if reset:
            existing = {c if isinstance(c, str) else c.name for c in client.list_collections()}
            for collection in {name, segments_collection(name)} & existing:
                client.delete_collection(collection)
        return cls(client, embedder, name)

    # --- reading ---------------------------------------------------------------------

    @_reachable
    def count(self) -> int:
        return self.collection.count()

    def _pages(self, collection: Any = None, **kwargs: Any) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = (collection or self.collection).get(limit=PAGE, offset=offset, **kwargs)
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
            Record.from_metadata(meta)
            for page in self._pages(include=["metadatas"])
            for meta in page["metadatas"]
        ]

    @_reachable
    def vectors(self) -> tuple[dict[str, np.ndarray], dict[str, Segments]]:
        """Every record's vector, and the segments of records of more than one, by record ID."""
        records = {
            rid: np.asarray(vector, dtype=np.float32)
            for page in self._pages(include=["embeddings"])
            for rid, vector in zip(page["ids"], page["embeddings"], strict=True)
        }
        rows: dict[str, dict[int, tuple[tuple[int, int], np.ndarray]]] = {}
        for page in self._pages(self.segments, include=["embeddings", "metadatas"]):
            for sid, vector, meta in zip(page["ids"], page["embeddings"], page["metadatas"], strict=True):
                span = (int(meta["start"]), int(meta["end"]))
                rows.setdefault(meta["record"], {})[int(sid.rpartition("#")[2])] = (span, vector)
        segments = {
            rid: Segments(
                [found[i][0] for i in sorted(found)],
                np.array([found[i][1] for i in sorted(found)], dtype=np.float32),
            )
            for rid, found in rows.items()
        }
        return records, segments

    @_reachable
    def nearest(self, embedding: np.ndarray | Sequence[float], k: int) -> list[tuple[str, float]]:
        """IDs of the k nearest records by Chroma's index, with their cosine similarity."""
        if k <= 0:
            return []
        result = self.collection.query(
            query_embeddings=[np.asarray(embedding, dtype=np.float32)], n_results=k, include=["distances"]
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
    def add(self, records: Sequence[Record], vectors: RecordVectors) -> None:
        """Segments first: a record is only found once its segments are stored too (and
        none are left over from a version of it that was read into more)."""
        step = max(1, self.client.get_max_batch_size())
        self.delete_segments([r.id for r in records])
        parts = [
            (f"{r.id}#{i}", vector, {"record": r.id, "start": start, "end": end})
            for r, found in zip(records, vectors.segments, strict=True)
            if len(found.spans) > 1
            for i, (vector, (start, end)) in enumerate(zip(found.vectors, found.spans, strict=True))
        ]
        for start in range(0, len(parts), step):
            ids, embeddings, metadatas = zip(*parts[start : start + step], strict=True)
            self.segments.upsert(ids=list(ids), embeddings=np.array(embeddings), metadatas=list(metadatas))
        for start in range(0, len(records), step):
            batch = records[start : start + step]
            self.collection.upsert(
                ids=[r.id for r in batch],
                metadatas=[r.to_metadata() for r in batch],
                embeddings=vectors.records[start : start + step],
            )

    @_reachable
    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), PAGE):
            self.collection.delete(ids=ids[start : start + PAGE])
        self.delete_segments(ids)

    def delete_segments(self, ids: list[str]) -> None:
        for start in range(0, len(ids), PAGE):
            self.segments.delete(where={"record": {"$in": ids[start : start + PAGE]}})

    @_reachable
    def touch(self) -> None:
        """Record that the contents changed, for indexes derived from the store."""
        metadata = dict(self.collection.metadata or {})
        metadata["revision"] = uuid.uuid4().hex
        self.collection.modify(metadata=metadata)
