"""Lexical (BM25) search over the records, with bm25s."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ingest.records import Record


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False)


@lru_cache(maxsize=4096)
def terms(text: str) -> tuple[str, ...]:
    """One text's stemmed terms, as the index reads them. Kept: a question's text is
    searched and scored several times, and a call of bm25s's tokenizer costs about
    0.08 ms here however short the text (its progress bars are made even when hidden);
    splitting and stemming a question is about 0.01 ms of it."""
    return tuple(tokenize([text])[0])


class LexicalIndex:
    def __init__(self, bm25: Any | None) -> None:
        self.bm25 = bm25  # None for an empty store

    @classmethod
    def build(cls, records: list[Record]) -> LexicalIndex:
        import bm25s

        if not records:
            return cls(None)
        bm25 = bm25s.BM25()
        bm25.index(tokenize([r.search_text() for r in records]), show_progress=False)
        return cls(bm25)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self.bm25 is not None:
            self.bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(directory)) if any(directory.iterdir()) else None)

    def search(self, text: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(record position, BM25 score) of the best k records with a positive score."""
        tokens = list(terms(text))
        if self.bm25 is None or not tokens or not (ids := self.bm25.get_tokens_ids(tokens)):
            return []
        weights = None if mask is None else mask.astype(np.float32)
        scores = self.bm25.get_scores_from_ids(ids, weight_mask=weights)
        # The top k of the records that score at all: most score 0, and numpy's selection over
        # an array of mostly equal values took 3 ms a question (0.1 ms over the others).
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        hits = hits[np.argsort(-scores[hits], kind="stable")]
        return [(int(i), float(scores[i])) for i in hits]


def stem(words: list[str]) -> list[str]:
    """English stems of lower-case words ("psychotropics" -> "psychotrop")."""
    return list(_stemmer().stemWords(words))
