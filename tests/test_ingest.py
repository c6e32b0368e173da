"""Ingest into a real Chroma store with the real model: idempotent, incremental, robust."""

from pathlib import Path

import pytest

from app.assistant import Assistant
from app.config import Settings
from ingest.embedding import Embedder, segments
from ingest.errors import StoreError
from ingest.records import Kind, Record
from ingest.store import RecordStore

SEED_NAME = "seeds/000_2962096e9e713ff3.txt"


def test_a_status_row_is_one_segment_read_without_dates_and_a_declaration_its_sentences() -> None:
    def record(kind: Kind, text: str) -> Record:
        return Record(id="r", text=text, kind=kind, source="s.txt", source_title="S")

    row = "Albania — Formal confirmation(c), Accession(a), Succession(d), Ratification: 23 Jun 2003 a"
    assert segments(record(Kind.STATUS, row)) == [
        "Albania — Formal confirmation(c), Accession(a), Succession(d), Ratification: a"
    ]
    later = "Albania — Signature: 1 May 2001; Ratification: 2 Feb 2004"
    assert segments(record(Kind.STATUS, later)) == segments(
        record(Kind.STATUS, "Albania — Signature: 9 Dec 1999; Ratification: 30 Jan 2002")
    )
    declaration = "Albania declares that article 5 applies. It reserves the right to extend it."
    assert segments(record(Kind.DECLARATION, declaration)) == [
        "Albania declares that article 5 applies.",
        "It reserves the right to extend it.",
    ]


def test_reingesting_unchanged_files_changes_nothing(fresh_settings: Settings) -> None:
    assistant = Assistant(fresh_settings)
    first = assistant.ingest()
    revision = assistant.store.revision()
    ids = sorted(r.id for r in assistant.store.records())
    second = assistant.ingest()
    assert first.added == len(ids) == 19 and first.removed == 0
    assert (second.added, second.removed) == (0, 0)
    assert assistant.store.revision() == revision
    assert sorted(r.id for r in assistant.store.records()) == ids


def test_a_changed_file_replaces_only_its_own_changed_records(fresh_settings: Settings) -> None:
    assistant = Assistant(fresh_settings)
    assistant.ingest()
    before = {r.id: r for r in assistant.store.records()}
    seed = fresh_settings.corpus_dir / SEED_NAME
    seed.write_text(seed.read_text().replace("temporary arrest", "provisional arrest"))
    report = assistant.ingest()
    after = {r.id: r for r in assistant.store.records()}
    changed = {f.source: (f.added, f.removed) for f in report.files}
    assert changed == {SEED_NAME: (1, 1), "seeds/001_6352ffd1b309921d.txt": (0, 0)}
    (new_id,) = set(after) - set(before)
    assert "provisional arrest" in after[new_id].text and after[new_id].label == "Declaration 1"
    assert len(after) == len(before)


def test_records_of_a_deleted_file_are_removed(fresh_settings: Settings) -> None:
    assistant = Assistant(fresh_settings)
    assistant.ingest()
    (fresh_settings.corpus_dir / SEED_NAME).unlink()
    report = assistant.ingest()
    assert report.removed_sources == [SEED_NAME]
    assert {r.source for r in assistant.store.records()} == {"seeds/001_6352ffd1b309921d.txt"}


def test_bad_files_are_reported_and_the_rest_is_ingested(fresh_settings: Settings) -> None:
    bad = fresh_settings.corpus_dir / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blob.bin").write_bytes(bytes(range(256)) * 20)
    (bad / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    report = Assistant(fresh_settings).ingest()
    failed = {Path(f.source).name: f.error for f in report.failed}
    assert set(failed) == {"empty.txt", "blob.bin", "broken.pdf"}
    assert "empty" in failed["empty.txt"] and "binary" in failed["blob.bin"]
    assert report.total_records == 19


def test_stored_records_round_trip_with_their_metadata(assistant: Assistant) -> None:
    (declaration,) = [
        r for r in assistant.store.records() if r.source == SEED_NAME and r.label == "Declaration 1"
    ]
    assert declaration.articles == ("24(7)(a)",)
    assert declaration.kind is Kind.DECLARATION
    assert declaration.made_upon == "upon signature and confirmed upon ratification"
    assert declaration.snapshot_date == "2026-11-24"


@pytest.mark.parametrize(
    ("other", "said"),
    [
        (Embedder("some-other/model", exports=Path("unused")), "some-other/model"),
        (Embedder(backend="torch-int8", exports=Path("unused")), r"\S+ \(torch-int8"),
    ],
)
def test_rebuild_recovers_a_store_built_with_another_model_or_backend(
    fresh_settings: Settings, other: Embedder, said: str
) -> None:
    RecordStore.connect(other, path=fresh_settings.chroma_path)  # built elsewhere
    with pytest.raises(StoreError, match=rf"embedded with {said}.*--rebuild"):
        Assistant(fresh_settings).ingest()
    report = Assistant(fresh_settings).ingest(rebuild=True)
    assert report.added == report.total_records == 19


def test_a_store_of_an_earlier_layout_is_refused_until_rebuilt(fresh_settings: Settings) -> None:
    store = Assistant(fresh_settings).store
    store.collection.modify(metadata={"embedding": store.embedder.signature})  # as before layouts
    with pytest.raises(StoreError, match=r"earlier version of TreatyQA.*--rebuild"):
        Assistant(fresh_settings).ingest()
    assert Assistant(fresh_settings).ingest(rebuild=True).added == 19


def test_files_outside_the_corpus_are_known_by_their_folder_never_by_a_server_path(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "elsewhere" / "reports"
    (folder / "2024").mkdir(parents=True)
    note = folder / "2024" / "note.txt"
    note.write_text("Testland declares that the Convention applies to all its territory, islands included.")
    (folder / "other.txt").write_text(
        "Otherland declares that it will apply the Convention only in its capital."
    )
    assistant = Assistant(fresh_settings)
    report = assistant.ingest([folder])
    assert {f.source for f in report.files} == {"reports/2024/note.txt", "reports/other.txt"}
    answer = assistant.ask("Does Testland apply the Convention to its islands?")
    assert answer.citations and all(not c.source.startswith("/") for c in answer.citations)
    assert str(tmp_path) not in answer.model_dump_json()
    assert (assistant.ingest([folder]).added, assistant.ingest([folder]).removed) == (0, 0)
    note.unlink()
    assert assistant.ingest([folder]).removed_sources == ["reports/2024/note.txt"]
