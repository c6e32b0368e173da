"""Sentence-transformers embeddings, from a model on disk: never from a model hub."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from ingest import encoders
from ingest.encoders import BACKENDS, BUNDLED_MODEL, DEFAULT_BACKEND, Backend, Encoder
from ingest.errors import ConfigError
from ingest.records import Kind, Record
from ingest.text import sentence_spans, without_dates

# all-MiniLM-L6-v2 reads 256 word pieces; ~150 words stay safely inside.
WINDOW_WORDS = 150
# Called with (texts encoded so far, texts to encode) as encoding goes on.
Progress = Callable[[int, int], None]


class Embedder:
    """Loads the model once, on first use; encodes in batches; vectors are unit length.
    ONNX backends keep the model's export under `exports`."""

    def __init__(
        self,
        model: str = BUNDLED_MODEL,
        *,
        exports: Path,
        backend: Backend = DEFAULT_BACKEND,
    ) -> None:
        if backend not in BACKENDS:
            raise ConfigError(f"Unknown embedding backend {backend!r}; use one of {', '.join(BACKENDS)}.")
        self.model_id, self.backend = model, backend
        self.exports = exports

    @property
    def signature(self) -> str:
        """What the vectors depend on: stores keep it, and refuse vectors of another."""
        return f"{self.model_id} ({self.backend}, sentence vectors)"

    @cached_property
    def model(self) -> Encoder:
        return encoders.load(self.model_id, self.backend, self.exports)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Unit vectors in the order of `texts`. Each distinct text is encoded once, in
        batches of texts of similar length (longest first), so that few are padded to a
        much longer neighbour."""
        distinct = list(dict.fromkeys(texts))
        order = sorted(range(len(distinct)), key=lambda i: -len(distinct[i]))
        found = np.zeros((len(distinct), self.model.dimension), dtype=np.float32)
        size = self.model.batch_size
        for start in range(0, len(order), size):
            batch = order[start : start + size]
            found[batch] = _unit(self.model.encode([distinct[i] for i in batch]))
            if progress:
                progress(min(start + size, len(order)), len(order))
        where = {text: i for i, text in enumerate(distinct)}
        return found[[where[t] for t in texts]]

    def embed_records(self, records: Sequence[Record], progress: Progress | None = None) -> RecordVectors:
        """A vector for each segment of each record (the sentences the answerer quotes
        from) and for each record, the mean of its segments'. A segment longer than the
        model reads is encoded window by window and averaged, so nothing is cut off."""
        spans = [segment_spans(r) for r in records]
        parts = [_readings(r, found) for r, found in zip(records, spans, strict=True)]
        texts: list[str] = []
        owners: list[int] = []  # where each segment's windows start
        for record_segments in parts:
            for segment in record_segments:
                owners.append(len(texts))
                texts += segment_windows(segment)
        encoded = self.encode(texts, progress)
        segment_vectors = _unit(np.add.reduceat(encoded, owners, axis=0)) if owners else encoded
        ends = np.cumsum([len(p) for p in parts])
        per_record = [segment_vectors[end - len(p) : end] for p, end in zip(parts, ends, strict=True)]
        vectors = np.array([_unit(v.sum(axis=0)) for v in per_record], dtype=np.float32)
        return RecordVectors(
            vectors.reshape(len(records), encoded.shape[1]),
            [Segments(found, rows) for found, rows in zip(spans, per_record, strict=True)],
        )


@dataclass(frozen=True)
class RecordVectors:
    records: np.ndarray  # (records, dimensions)
    segments: list[Segments]  # per record


@dataclass(frozen=True)
class Segments:
    """The parts of a record that are quoted and scored one by one (its sentences):
    where each is in the record's text, and its vector."""

    spans: list[tuple[int, int]]
    vectors: np.ndarray  # (segments, dimensions)


def segment_spans(record: Record) -> list[tuple[int, int]]:
    """A record's sentences. A status record is one segment: its dated facts come from
    one row or block of a status table and are quoted together (the sentence splitter
    would take 94% of ingest's splitting time on them, and break "Formal confirmation(c)")."""
    if record.kind is Kind.STATUS:
        return [(0, len(record.text))]
    return sentence_spans(record.text)


def segments(record: Record) -> list[str]:
    """What is encoded of each of the record's segments."""
    return _readings(record, segment_spans(record))


def _readings(record: Record, spans: list[tuple[int, int]]) -> list[str]:
    """A status row is encoded without its dates: the encoder reads a date as a few
    word pieces of noise, and without them the rows of one state with the same acts
    read alike and are encoded once (status rows were a quarter of the bundled corpus's
    word pieces; it has 13% fewer to encode this way)."""
    if record.kind is Kind.STATUS:
        return [without_dates(record.text)]
    return [record.text[s:e] for s, e in spans]


def segment_windows(segment: str) -> list[str]:
    words = segment.split() or [segment]
    return [" ".join(words[i : i + WINDOW_WORDS]) for i in range(0, len(words), WINDOW_WORDS)]


def windows(records: Sequence[Record]) -> list[str]:
    """The texts encoded for the records, as ingest encodes them."""
    return [w for r in records for segment in segments(r) for w in segment_windows(segment)]


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True).clip(min=1e-12)


@register_embedding_function
class TreatyEmbeddingFunction(EmbeddingFunction[Documents]):
    """Our embedder as Chroma's embedding function, so that Chroma never falls
    back to its default one (which downloads a model)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.encode(list(input)))

    @staticmethod
    def name() -> str:
        return "treatyqa-sentence-transformer"

    def default_space(self) -> Space:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        e = self.embedder
        return {"model": e.model_id, "backend": e.backend, "exports": str(e.exports)}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> TreatyEmbeddingFunction:
        return TreatyEmbeddingFunction(
            Embedder(config["model"], exports=Path(config["exports"]), backend=config["backend"])
        )
