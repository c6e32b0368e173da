"""Ingest files into the store: parse, diff against what is stored, embed only
what is new, remove what is gone. Re-running on unchanged files changes nothing."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tqdm import tqdm

from ingest.errors import DocumentError
from ingest.loaders import load_file
from ingest.parsers import ParseContext, parse_document
from ingest.records import Record
from ingest.sources import DATA_FILES, is_treaty_index, source_info
from ingest.store import RecordStore

CHUNK = 10_000  # records encoded and written together; bounds the memory an ingest takes


@dataclass
class FileReport:
    source: str
    parser: str | None = None
    records: int = 0
    added: int = 0
    removed: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # warnings; why a readable file gave no records


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    removed_sources: list[str] = field(default_factory=list)
    seconds: float = 0.0
    total_records: int = 0

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def removed(self) -> int:
        return sum(f.removed for f in self.files)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.removed_sources)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.error]


def discover(paths: list[Path]) -> list[Path]:
    """Files under the given paths, hidden files and manifests skipped, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.name not in DATA_FILES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            files.append(path)
        else:
            raise DocumentError(f"{path}: no such file or directory; check the path.")
    return list(dict.fromkeys(files))


def source_key(file: Path, corpus_dir: Path, root: Path | None = None) -> str:
    """Corpus files are known by their path inside the corpus; other files by their path
    inside the folder they were ingested from, after its name ("reports/2024/a.pdf"), or
    by their name when given alone: never by a path of the server's disk, which users see."""
    resolved = file.resolve()
    for base in (b for b in (corpus_dir, root) if b):
        try:
            relative = resolved.relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
        return relative if base == corpus_dir else f"{_prefix(base, corpus_dir)}/{relative}"
    return resolved.name


def _prefix(directory: Path, corpus_dir: Path) -> str:
    """What the sources of a folder's files start with: its path in the corpus, or its name."""
    try:
        return directory.resolve().relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return directory.resolve().name


def parse_file(file: Path, source: str) -> tuple[str, list[Record], list[str]]:
    """(parser, records, notes): the notes say what the reader warned about and, for a
    readable file that gave no records, why."""
    loaded = load_file(file)
    notes = list(loaded.notes)
    if is_treaty_index(loaded.text):
        return "treaty-index", [], notes  # metadata for the UNTC parsers, not content
    ctx = ParseContext(file=file, source=source, info=source_info(file), loaded=loaded)
    parser = parse_document(ctx)
    if not ctx.records:
        notes.append(
            f"no records: {len(loaded.text.split())} words of {loaded.format} read, none in sentences or "
            "treaty entries that could be recorded (lists, tables and fragments are skipped)"
        )
    return parser, ctx.records, notes


def ingest(
    paths: list[Path], store: RecordStore, corpus_dir: Path, *, show_progress: bool = False
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    stored = store.fingerprints_by_source()
    plans: list[tuple[FileReport, list[Record], set[str]]] = []
    found = {file: root for root in paths for file in discover([root])}  # first root wins
    for file in tqdm(found, desc="Parsing", unit="file", disable=not show_progress):
        entry = FileReport(source_key(file, corpus_dir, found[file]))
        report.files.append(entry)
        try:
            entry.parser, records, entry.notes = parse_file(file, entry.source)
        except DocumentError as exc:
            entry.error = str(exc).removeprefix(f"{file}: ")  # the report names the file once
            continue
        old = stored.get(entry.source, {})
        entry.records = len(records)
        fresh = [r for r in records if old.get(r.id) != r.fingerprint]
        plans.append((entry, fresh, set(old) - {r.id for r in records}))

    fresh = [r for _, new, _ in plans for r in new]
    with tqdm(
        total=len(fresh), desc="Embedding", unit="record", disable=not show_progress or not fresh
    ) as bar:
        # Many files' records at a time: the encoder batches texts of similar length
        # across files, and Chroma takes large writes.
        for start in range(0, len(fresh), CHUNK):
            chunk = fresh[start : start + CHUNK]
            progress = partial(_advance, bar, start, len(chunk))
            # Add before deleting: an interrupted run leaves extra records, never missing ones.
            store.add(chunk, store.embedder.embed_records(chunk, progress=progress))
    for entry, new, stale in plans:
        store.delete(stale)
        entry.added, entry.removed = len(new), len(stale)

    report.removed_sources = _remove_vanished(paths, stored, corpus_dir, store)
    if report.changed:
        store.touch()
    report.total_records = store.count()
    report.seconds = time.perf_counter() - started
    return report


def _advance(bar: tqdm, done: int, records: int, encoded: int, texts: int) -> None:
    """Show encoding progress in records: of `records` after the first `done`, the share encoded."""
    bar.n = done + records * encoded // max(texts, 1)
    bar.refresh()


def _remove_vanished(
    paths: list[Path], stored: dict[str, dict[str, str]], corpus_dir: Path, store: RecordStore
) -> list[str]:
    """Drop the records of files that were ingested from these directories before
    but no longer exist there."""
    gone = []
    for directory in (p for p in paths if p.is_dir()):
        prefix = _prefix(directory, corpus_dir)
        in_corpus = directory.resolve().is_relative_to(corpus_dir.resolve())
        old_style = directory.resolve().as_posix() + "/"  # full server paths, as stored before
        for source in stored:
            if source.startswith(old_style):
                store.delete(stored[source])  # stored again under its new name by this run
                gone.append(source)
                continue
            if in_corpus:
                inside = (prefix == "." and not Path(source).is_absolute()) or source.startswith(prefix + "/")
                where = corpus_dir / source
            else:
                inside = source.startswith(prefix + "/")
                where = directory / source[len(prefix) + 1 :]
            if inside and not where.exists():
                store.delete(stored[source])
                gone.append(source)
    return gone
