"""`treatyqa doctor`: whether the store and what is derived from it agree — records,
segment vectors, the saved catalogue, BM25 index and vectors — and repairs on request.

Drift comes from runs cut short (a killed ingest leaves the segments of records it
never stored), from deletions done outside TreatyQA, and from index files edited or
lost. The store is the truth; everything else is rebuilt from it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from app.assistant import Assistant
from app.indexes import Indexes
from ingest.embedding import RecordVectors, Segments, segment_spans
from ingest.records import Record


@dataclass
class Finding:
    problem: str
    repaired: bool = False


@dataclass
class Checkup:
    records: int
    segment_vectors: int
    findings: list[Finding]

    @property
    def healthy(self) -> bool:
        return all(f.repaired for f in self.findings)


def check(assistant: Assistant, repair: bool = False) -> Checkup:
    store = assistant.store  # a store of another model or backend is refused here, with what to do
    records = store.records()
    vectors, segment_vectors = store.vectors()
    findings: list[Finding] = []
    stored = {r.id for r in records}
    if missing := stored - set(vectors):
        findings.append(Finding(f"{len(missing)} records have no vector"))
    if orphans := set(segment_vectors) - stored:
        findings.append(Finding(f"segment vectors of {len(orphans)} records that are not in the store"))
        if repair:
            store.delete_segments(sorted(orphans))
            findings[-1].repaired = True
    unsegmented = [r for r in records if r.id in missing or not _segmented(r, segment_vectors.get(r.id))]
    if unsegmented:
        findings.append(Finding(f"{len(unsegmented)} records lack the vectors of their segments"))
        if repair:
            embedded: RecordVectors = store.embedder.embed_records(unsegmented)
            store.add(unsegmented, embedded)
            findings[-1].repaired = True
    if repair and any(f.repaired for f in findings):
        store.touch()  # the derived indexes are rebuilt from the repaired store
    findings += _check_indexes(assistant, stored, repair)
    total_segments = len(records) + sum(
        len(found.spans) - 1 for rid, found in segment_vectors.items() if rid in stored
    )
    return Checkup(len(records), total_segments, findings)


def _segmented(record: Record, found: Segments | None) -> bool:
    """Whether the store holds the segments the record reads into (none for one segment)."""
    spans = segment_spans(record)
    return found is None if len(spans) == 1 else found is not None and found.spans == spans


def _check_indexes(assistant: Assistant, stored: set[str], repair: bool) -> list[Finding]:
    """The saved indexes of the store's current revision hold exactly its records."""
    revision = assistant.store.revision()
    target = Indexes.location(assistant.index_dir, revision)
    if not Indexes.saved(target):
        return []  # built on the first question (or below, when repairing)
    try:
        saved = Indexes.load(target, revision, assistant.names)
        ids = {r.id for r in saved.catalogue.records}
        rows = len(saved.vectors)
    except (OSError, ValueError) as exc:
        problem = f"the saved indexes of revision {revision} cannot be read ({exc})"
    else:
        if ids == stored and rows == len(ids):
            return []
        problem = (
            f"the saved indexes of revision {revision} hold {len(ids)} records "
            f"({len(ids - stored)} not in the store, {len(stored - ids)} missing)"
        )
    finding = Finding(problem)
    if repair:
        shutil.rmtree(target)
        assistant.reload()
        finding.repaired = True
    return [finding]
