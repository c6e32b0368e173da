"""The store's records in memory, and search over them: the catalogue (who has what),
the BM25 index, every record's vector and its segments' vectors. Derived from the
store, persisted beside it, and rebuilt only when the store's revision changes."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from app.catalogue import Catalogue, Scope, article_matches_any
from app.lexical import LexicalIndex
from app.names import NameData, load_names
from app.understand import QuestionReader
from ingest.embedding import Segments
from ingest.records import Record
from ingest.store import RecordStore

RECORDS_FILE = "records.jsonl"
BM25_DIR = "bm25"
VECTORS_FILE = "vectors.npy"
SEGMENTS_FILE = "segments.npy"
SEGMENT_ROWS_FILE = "segments.json"
RRF_K = 60  # the usual constant of reciprocal rank fusion
# A scope up to this many records is scored exactly, vector by vector; a broader one
# is searched by Chroma's approximate index, which is faster there and exact enough.
EXACT_LIMIT = 20_000

# One search of a question: its scope and the records found, best first.
Retrieval = tuple[Scope, list[Record]]

_RECORD_SCHEMA = hashlib.sha256(json.dumps(Record.model_json_schema(), sort_keys=True).encode()).hexdigest()[
    :8
]


@dataclass
class Indexes:
    revision: str
    catalogue: Catalogue
    lexical: LexicalIndex
    vectors: np.ndarray  # one row per record of the catalogue, in its order
    # For records of more than one segment: their rows of `segment_vectors`, and spans.
    segment_rows: dict[str, tuple[int, int, list[tuple[int, int]]]]
    segment_vectors: np.ndarray
    names: NameData = field(default_factory=load_names)
    store: RecordStore | None = None  # for broad scopes; without it every search is exact

    @cached_property
    def reader(self) -> QuestionReader:
        return QuestionReader(self.catalogue, self.names)

    def segments_of(self, record: Record) -> Segments | None:
        """The record's segments as ingest read them; None for a record not indexed."""
        if record.id in self.segment_rows:
            start, end, spans = self.segment_rows[record.id]
            return Segments(spans, self.segment_vectors[start:end])
        position = self.catalogue.position.get(record.id)
        if position is None:
            return None
        # One segment: the record's text without the spaces around it, and the record's vector.
        text = record.text
        return Segments(
            [(len(text) - len(text.lstrip()), len(text.rstrip()))], self.vectors[position : position + 1]
        )

    # --- search -------------------------------------------------------------------------

    def search(
        self, question: str, vector: np.ndarray, k: int, scope: Scope = Scope(), boost: Scope = Scope()
    ) -> list[Record]:
        """The k best records in `scope` for the question (and its embedding `vector`):
        dense and lexical rankings fused by reciprocal rank; records that match `boost`
        (an asked article or kind) rank higher. When nothing is in scope, the kinds are
        dropped; the parties and treaties never are: a record of another state or treaty
        answers no question about these."""
        for attempt in (scope, replace(scope, kinds=())):
            mask = self.catalogue.mask(attempt)
            if mask.any():
                return self._ranked(question, vector, k, mask, boost)
        return []

    def _ranked(
        self, question: str, vector: np.ndarray, k: int, mask: np.ndarray, boost: Scope, depth: int = 50
    ) -> list[Record]:
        records = self.catalogue.records
        depth = min(depth, int(mask.sum()))
        dense = self._dense(vector, depth, mask)
        lexical = [i for i, _ in self.lexical.search(question, depth, mask)]
        fused: dict[int, float] = {}
        for ranking in (dense, lexical):
            for rank, i in enumerate(ranking):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank)
        for i in fused:
            # Each match with the boost counts as if ranked first in one more list.
            if article_matches_any(boost.articles, records[i]):
                fused[i] += 1.0 / RRF_K
            if records[i].kind in boost.kinds:
                fused[i] += 1.0 / RRF_K
        return [records[i] for i in sorted(fused, key=fused.__getitem__, reverse=True)[:k]]

    def _dense(self, vector: np.ndarray, depth: int, mask: np.ndarray) -> list[int]:
        """Positions of the `depth` records in the mask nearest to the vector."""
        rows = np.flatnonzero(mask)
        if len(rows) > EXACT_LIMIT and self.store is not None:
            # Chroma's approximate search without a filter (filters leave its fast path),
            # then the scope; exact scoring when too few of the nearest are in it.
            position = self.catalogue.position
            found = [position[rid] for rid, _ in self.store.nearest(vector, 4 * depth) if rid in position]
            inside = [i for i in found if mask[i]]
            if len(inside) >= depth:
                return inside[:depth]
        scores = self.vectors[rows] @ vector if len(rows) < len(mask) // 4 else (self.vectors @ vector)[rows]
        best = np.argpartition(-scores, depth - 1)[:depth] if depth < len(rows) else np.arange(len(rows))
        return [int(rows[i]) for i in best[np.argsort(-scores[best])]]

    # --- building, saving, loading --------------------------------------------------------

    @classmethod
    def build(
        cls,
        records: list[Record],
        vectors: dict[str, np.ndarray],
        segments: dict[str, Segments],
        revision: str,
        names: NameData | None = None,
    ) -> Indexes:
        dimensions = next(iter(vectors.values())).shape[-1] if vectors else 0
        missing = np.zeros(dimensions, dtype=np.float32)  # a record written after its vectors were read
        matrix = np.array([vectors.get(r.id, missing) for r in records], dtype=np.float32)
        rows, start = {}, 0
        for r in records:
            if found := segments.get(r.id):
                rows[r.id] = (start, start + len(found.spans), found.spans)
                start += len(found.spans)
        stacked = [segments[r.id].vectors for r in records if r.id in rows]
        segment_vectors = np.concatenate(stacked) if stacked else np.zeros((0, dimensions), np.float32)
        return cls(
            revision,
            Catalogue(records),
            LexicalIndex.build(records),
            matrix.reshape(len(records), dimensions),
            rows,
            segment_vectors,
            names or load_names(),
        )

    @classmethod
    def load_or_build(cls, store: RecordStore, directory: Path, names: NameData | None = None) -> Indexes:
        """Load the indexes of the store's current revision, building them if needed.

        Written to a temporary folder and renamed into place, so a concurrent
        reader never sees half an index."""
        revision = store.revision()
        target = cls.location(directory, revision)
        if cls.saved(target):
            return replace(cls.load(target, revision, names or load_names()), store=store)
        records = store.records()
        indexes = replace(cls.build(records, *store.vectors(), revision, names), store=store)
        directory.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=directory, prefix=".building-"))
        indexes._save(staging)
        try:
            staging.rename(target)
        except OSError:  # another process got there first; its copy is identical
            shutil.rmtree(staging, ignore_errors=True)
        # Older revisions go, but the one before stays: another process may still be loading it.
        finished = sorted(
            (d for d in directory.iterdir() if not d.name.startswith(".")),
            key=lambda d: d.stat().st_mtime,
            reverse=True,
        )
        for old in finished[2:]:
            shutil.rmtree(old, ignore_errors=True)
        return indexes

    @staticmethod
    def location(directory: Path, revision: str) -> Path:
        """Where the indexes of a revision are kept. Keyed by the record model too: records
        saved by an older version lack its newer fields."""
        return directory / f"{revision}-{_RECORD_SCHEMA}"

    @staticmethod
    def saved(target: Path) -> bool:
        return all((target / name).exists() for name in (RECORDS_FILE, BM25_DIR, VECTORS_FILE, SEGMENTS_FILE))

    def _save(self, directory: Path) -> None:
        with (directory / RECORDS_FILE).open("w", encoding="utf-8") as fh:
            fh.writelines(r.model_dump_json() + "\n" for r in self.catalogue.records)
        self.lexical.save(directory / BM25_DIR)
        np.save(directory / VECTORS_FILE, self.vectors)
        np.save(directory / SEGMENTS_FILE, self.segment_vectors)
        (directory / SEGMENT_ROWS_FILE).write_text(json.dumps(self.segment_rows), encoding="utf-8")

    @classmethod
    def load(cls, target: Path, revision: str, names: NameData) -> Indexes:
        with (target / RECORDS_FILE).open(encoding="utf-8") as fh:
            records = [Record.model_validate_json(line) for line in fh]
        rows = json.loads((target / SEGMENT_ROWS_FILE).read_text(encoding="utf-8"))
        return cls(
            revision,
            Catalogue(records),
            LexicalIndex.load(target / BM25_DIR),
            np.load(target / VECTORS_FILE),
            {rid: (start, end, [(s, e) for s, e in spans]) for rid, (start, end, spans) in rows.items()},
            np.load(target / SEGMENTS_FILE),
            names,
        )
