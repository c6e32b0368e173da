"""Scopes: which records a search may return."""

from __future__ import annotations

from app.catalogue import Catalogue, Scope
from ingest.records import Kind, Record


def test_objections_to_a_states_statements_are_those_naming_it_among_others() -> None:
    def objection(n: int, party: str, text: str) -> Record:
        return Record(
            id=str(n), source="t", source_title="T", kind=Kind.OBJECTION, party=party, treaty="T", text=text
        )

    records = [
        objection(1, "Sweden", "Sweden objects to the reservations made by Pakistan, Jordan and Oman."),
        objection(2, "Norway", "Norway objects to the reservation made by Pakistan."),
        objection(3, "Oman", "Oman declares that article 21 does not apply."),
    ]
    found = Catalogue(records).select(Scope(treaties=("T",), objecting_to=("Oman",)))
    assert [r.id for r in found] == ["1"]
