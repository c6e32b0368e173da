"""Indexes derived from the store — the in-memory catalogue and the BM25 index —
persisted beside it and rebuilt only when the store's revision changes."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from app.catalogue import Catalogue
from app.lexical import LexicalIndex
from app.names import NameData, load_names
from app.understand import QuestionReader
from ingest.records import Record
from ingest.store import RecordStore

RECORDS_FILE = "records.jsonl"
BM25_DIR = "bm25"


_RECORD_SCHEMA = hashlib.sha256(json.dumps(Record.model_json_schema(), sort_keys=True).encode()).hexdigest()[
    :8
]


@dataclass
class Indexes:
    revision: str
    catalogue: Catalogue
    lexical: LexicalIndex
    names: NameData = field(default_factory=load_names)

    @cached_property
    def reader(self) -> QuestionReader:
        return QuestionReader(self.catalogue, self.names)

    @classmethod
    def build(cls, records: list[Record], revision: str, names: NameData | None = None) -> Indexes:
        return cls(revision, Catalogue(records), LexicalIndex.build(records), names or load_names())

    @classmethod
    def load_or_build(cls, store: RecordStore, directory: Path, names: NameData | None = None) -> Indexes:
        """Load the indexes of the store's current revision, building them if needed.

        Written to a temporary folder and renamed into place, so a concurrent
        reader never sees half an index."""
        revision = store.revision()
        # Keyed by the record model too: records saved by an older version lack its newer fields.
        target = directory / f"{revision}-{_RECORD_SCHEMA}"
        if (target / RECORDS_FILE).is_file() and (target / BM25_DIR).is_dir():
            return cls._load(target, revision, names or load_names())
        indexes = cls.build(store.records(), revision, names)
        directory.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=directory, prefix=".building-"))
        with (staging / RECORDS_FILE).open("w", encoding="utf-8") as fh:
            fh.writelines(r.model_dump_json() + "\n" for r in indexes.catalogue.records)
        indexes.lexical.save(staging / BM25_DIR)
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

    @classmethod
    def _load(cls, target: Path, revision: str, names: NameData) -> Indexes:
        with (target / RECORDS_FILE).open(encoding="utf-8") as fh:
            records = [Record.model_validate_json(line) for line in fh]
        return cls(revision, Catalogue(records), LexicalIndex.load(target / BM25_DIR), names)
