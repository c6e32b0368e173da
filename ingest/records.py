"""The record: the unit that is embedded, retrieved and cited."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Kind(StrEnum):
    DECLARATION = "declaration"
    RESERVATION = "reservation"
    UNDERSTANDING = "understanding"
    OBJECTION = "objection"
    COMMUNICATION = "communication"
    STATUS = "status"
    # An entry that only points elsewhere ("See chapter IV.3."): kept, but never content.
    CROSS_REFERENCE = "cross-reference"
    # A paragraph of a document without treaty-record structure (news, reports).
    PASSAGE = "passage"
    # An article (or numbered paragraph of one) of a treaty's own text.
    TREATY_TEXT = "treaty text"


class Authority(StrEnum):
    OFFICIAL = "official"
    SECONDARY = "secondary"


def label(kind: Kind, number: str | None) -> str:
    """How a lawyer names a record: "Declaration 1", "Reservation", "Status", "Article 9(2)"
    (a treaty text's number is its provision)."""
    if kind is Kind.TREATY_TEXT:
        return number or "Treaty text"
    return f"{kind.value.capitalize()} {number}" if number else kind.value.capitalize()


class Record(BaseModel):
    """One declaration, reservation, objection, communication, status fact or passage."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str  # verbatim, as the source prints it
    kind: Kind
    treaty: str | None = None
    treaty_adopted: str | None = None  # place and date of adoption, when the source gives them
    party: str | None = None
    number: str | None = None
    made_upon: str | None = None
    articles: tuple[str, ...] = ()
    caption: str | None = None  # a treaty text's article caption ("Freedom of communication")
    refers_to: str | None = None  # the treaty a cross-reference points to ("See chapter IV.3.")
    source: str
    source_title: str
    source_url: str | None = None
    snapshot_date: str | None = None
    authority: Authority = Authority.OFFICIAL
    position: int = 0
    # Status facts (ISO dates); only status records carry them.
    signature_date: str | None = None
    consent_date: str | None = None
    consent_act: str | None = None
    entry_into_force_date: str | None = None

    @property
    def label(self) -> str:
        return label(self.kind, self.number)

    def search_text(self) -> str:
        """The record with its context prepended, so a question naming the treaty,
        party or article finds it even when the verbatim text does not say them."""
        head = [self.treaty, self.party, self.label, self.caption]
        if self.articles:
            head.append("articles " + ", ".join(self.articles))
        if self.made_upon:
            head.append("made " + self.made_upon)
        return " | ".join(h for h in head if h) + "\n" + self.text

    @property
    def fingerprint(self) -> str:
        """Changes when anything about the record changes, metadata included (a better
        parser re-reads an unchanged file): the stored copy is then replaced."""
        return _digest(self.model_dump_json())

    def to_metadata(self) -> dict[str, str]:
        """What the store keeps beside the vector: the record as JSON, and the two fields
        ingest reads without it. One field, and no Chroma document: Chroma indexes every
        metadata key and every document's words, which TreatyQA never searches (its own
        indexes do), and that indexing made ingest's writes twice as slow."""
        dumped = self.model_dump_json()
        return {"source": self.source, "fingerprint": _digest(dumped), "record": dumped}

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> Record:
        return cls.model_validate_json(metadata["record"])


def _digest(dumped: str) -> str:
    return hashlib.sha256(dumped.encode()).hexdigest()[:16]


def record_id(source: str, locator: str, text: str) -> str:
    """Stable ID from where the record sits and what it says: re-ingesting an
    unchanged file reproduces it; editing a record changes only its own ID."""
    digest = hashlib.sha256(f"{source}\x1f{locator}\x1f{text}".encode()).hexdigest()
    return digest[:24]
