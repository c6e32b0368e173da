"""Finding the records that may answer a question: dense (Chroma) and lexical
(BM25) rankings within the question's scope, fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.catalogue import Scope, article_matches_any
from app.indexes import Indexes
from ingest.records import Record
from ingest.store import RecordStore

RRF_K = 60  # the usual constant of reciprocal rank fusion

# One search of a question: its scope and the records found, best first.
Plan = tuple[Scope, list[Record]]


class HybridRetriever:
    def __init__(self, store: RecordStore, indexes: Indexes, depth: int = 50) -> None:
        self.store, self.indexes, self.depth = store, indexes, depth

    def retrieve(
        self, question: str, vector: list[float], k: int, scope: Scope = Scope(), boost: Scope = Scope()
    ) -> list[Record]:
        """The k best records in `scope` for the question (and its embedding `vector`);
        records that match `boost` (an asked article or kind) rank higher. When nothing
        is in scope, the kinds are dropped first, then the whole scope (the answerer
        checks what came back)."""
        for attempt in (scope, replace(scope, kinds=()), Scope(exclude=scope.exclude)):
            mask = self.indexes.catalogue.mask(attempt)
            if mask.any():
                return self._ranked(question, vector, k, attempt, mask, boost)
        return []

    def _ranked(
        self, question: str, vector: list[float], k: int, scope: Scope, mask: np.ndarray, boost: Scope
    ) -> list[Record]:
        catalogue = self.indexes.catalogue
        depth = min(self.depth, int(mask.sum()))
        # Articles are not Chroma metadata: an article scope searches the matching records by ID.
        ids = [catalogue.records[i].id for i in np.flatnonzero(mask)] if scope.articles else None
        dense = self.store.nearest(vector, depth, scope.where(), ids=ids)
        lexical = self.indexes.lexical.search(question, depth, mask)
        fused: dict[str, float] = {}
        # Records written by another process since the indexes were loaded are skipped
        # until the next reload.
        dense_ids = [rid for rid, _ in dense if rid in catalogue.position]
        for ranking in (dense_ids, [catalogue.records[i].id for i, _ in lexical]):
            for rank, rid in enumerate(ranking):
                fused[rid] = fused.get(rid, 0.0) + 1.0 / (RRF_K + rank)
        for rid in fused:
            # Each match with the boost counts as if ranked first in one more list.
            record = catalogue.records[catalogue.position[rid]]
            if article_matches_any(boost.articles, record):
                fused[rid] += 1.0 / RRF_K
            if record.kind in boost.kinds:
                fused[rid] += 1.0 / RRF_K
        best = sorted(fused, key=fused.__getitem__, reverse=True)[:k]
        return [catalogue.records[catalogue.position[rid]] for rid in best]
