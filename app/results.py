"""The core result type, shared by the CLI (--json), the HTTP API and the web chat."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import IO

from pydantic import BaseModel, Field

from ingest.records import Kind, Record, label


class Citation(BaseModel):
    marker: int = Field(description="The n of [n] in the answer text")
    record_id: str
    treaty: str | None
    party: str | None
    kind: str
    number: str | None
    articles: list[str]
    source: str
    quote: str = Field(description="Verbatim sentence(s) of the record that support the answer")
    snapshot_date: str | None
    made_upon: str | None = None
    source_title: str | None = None
    source_url: str | None = None
    authority: str | None = None
    text: str = Field("", description="The record's full verbatim text")
    articles_text: str | None = Field(
        None, description="What the articles the record concerns provide, from the treaty's own text"
    )

    @property
    def label(self) -> str:
        return label(Kind(self.kind), self.number)

    @property
    def heading(self) -> str:
        """'[3] Reservation 1 — France — Convention on ... — Article 9'."""
        return f"[{self.marker}] " + " — ".join([self.label, *self.facts])

    @property
    def facts(self) -> list[str]:
        """Party, treaty, articles and 'made upon', those the record has."""
        articles = ("Article " + ", ".join(self.articles)) if self.articles else None
        made_upon = f"made {self.made_upon}" if self.made_upon else None
        return [f for f in (self.party, self.treaty, articles, made_upon) if f]

    @classmethod
    def of(cls, marker: int, record: Record, quote: str) -> Citation:
        return cls(
            marker=marker,
            record_id=record.id,
            treaty=record.treaty,
            party=record.party,
            kind=record.kind.value,
            number=record.number,
            articles=list(record.articles),
            source=record.source,
            quote=quote,
            snapshot_date=record.snapshot_date,
            made_upon=record.made_upon,
            source_title=record.source_title,
            source_url=record.source_url,
            authority=record.authority.value,
            text=record.text,
        )


class Row(BaseModel):
    """One record of a list answer, as a table row (and a CSV line): one per state and record."""

    state: str | None
    record: str = Field(description="Kind and number: 'Reservation 2', 'Status'")
    kind: str
    articles: str = Field(description="Articles the record concerns, comma-separated")
    made_upon: str | None
    signature: str | None = Field(description="ISO date (status records)")
    consent: str | None = Field(description="ISO date of ratification, accession... (status records)")
    consent_kind: str | None = Field(description="ratification, accession, succession... (status records)")
    entry_into_force: str | None = Field(description="ISO date (status records)")
    quote: str
    citation: str = Field(description="'[3] Reservation 1 — France — Convention on ... — Article 9'")
    marker: int = Field(description="The citation's n, as in [n]")
    record_id: str

    @classmethod
    def of(cls, citation: Citation, record: Record) -> Row:
        return cls(
            marker=citation.marker,
            record_id=record.id,
            state=record.party,
            record=record.label,
            kind=record.kind.value,
            articles=", ".join(record.articles),
            made_upon=record.made_upon,
            signature=record.signature_date,
            consent=record.consent_date,
            consent_kind=record.consent_act,
            entry_into_force=record.entry_into_force_date,
            quote=citation.quote,
            citation=citation.heading,
        )


class Answer(BaseModel):
    answer_id: str | None = Field(None, description="Identifies the answer for feedback (POST /api/feedback)")
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    table: list[Row] = Field(
        default_factory=list,
        description="For a list answer, every record listed (the text may name only some), one row each",
    )
    resolved_question: str | None = Field(
        default=None,
        description="The standalone question answered, when a follow-up was completed from the conversation",
    )
    choices: list[str] = Field(
        default_factory=list,
        description="Treaties the question could mean, to choose from (ask again naming one)",
    )
    articles: list[str] = Field(
        default_factory=list,
        description="The articles the question was read as concerning, named or found by its subject "
        "(what a follow-up's 'that article' means)",
    )
    # IDs of the records retrieved for the question, best first: for evaluation, not part of the output.
    retrieved: list[str] = Field(default_factory=list, exclude=True)
    # How the question was read (Understanding.read_as): for the audit log.
    read_as: str | None = Field(None, exclude=True)


def write_csv(out: IO[str], columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> None:
    """CSV as spreadsheets read it: a header row, then one line per row (written as they come)."""
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)


def table_csv(rows: Sequence[Row]) -> str:
    """A list answer's table as CSV: one line per record, dates as ISO."""
    out = io.StringIO()
    write_csv(out, list(Row.model_fields), (row.model_dump() for row in rows))
    return out.getvalue()
