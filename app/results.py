"""The core result type, shared by the CLI (--json), the HTTP API and the web chat."""

from __future__ import annotations

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


class Answer(BaseModel):
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    resolved_question: str | None = Field(
        default=None,
        description="The standalone question answered, when a follow-up was completed from the conversation",
    )
    choices: list[str] = Field(
        default_factory=list,
        description="Treaties the question could mean, to choose from (ask again naming one)",
    )
    # IDs of the records retrieved for the question, best first: for evaluation, not part of the output.
    retrieved: list[str] = Field(default_factory=list, exclude=True)
