"""The question-set format: one JSON object per line (see evals/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from app.conversation import Turn
from app.errors import ConfigError
from ingest.records import Record

DEFAULT_SET = Path(__file__).with_name("qa.jsonl")
# Written blind (see evals/README.md): kept in a file of its own, so that whoever writes
# it never needs to open the dev and test questions.
BLIND_SET = Path(__file__).with_name("blind.jsonl")
DEFAULT_SETS = (DEFAULT_SET, BLIND_SET)


def normalise(text: str) -> str:
    """For comparing texts: case and spacing ignored."""
    return " ".join(text.casefold().split())


class Gold(BaseModel):
    """A record that must be cited, named by stable attributes (never by internal ID).
    Every attribute given must match; `source` matches the end of the record's source path."""

    source: str | None = None
    treaty: str | None = None
    party: str | None = None
    kind: str | None = None
    number: str | None = None
    text_contains: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Gold:
        if not any(vars(self).values()):
            raise ValueError("a gold record needs at least one attribute")
        return self

    def matches(self, record: Record) -> bool:
        return (
            (self.source is None or record.source.endswith(self.source))
            and (self.treaty is None or record.treaty == self.treaty)
            and (self.party is None or record.party == self.party)
            and (self.kind is None or record.kind.value == self.kind)
            and (self.number is None or record.number == self.number)
            and (self.text_contains is None or normalise(self.text_contains) in normalise(record.text))
        )


class QAItem(BaseModel):
    id: str
    question: str
    answerable: bool
    # Each inner list is one fact; any of its alternatives counts ("1 July 2010" or "July 1, 2010").
    expected: list[list[str]] = Field(default_factory=list)
    gold: list[Gold] = Field(default_factory=list)
    category: str = "general"
    # `dev` questions are what thresholds and code are tuned on; `test` and `blind` are only
    # reported (`blind`: written from random records by someone who never saw the code).
    split: Literal["dev", "test", "blind"] = "dev"
    # Earlier turns of a conversation, oldest first, for a follow-up question.
    history: list[Turn] = Field(default_factory=list)
    notes: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> QAItem:
        if self.answerable and not self.gold:
            raise ValueError("an answerable question needs gold records")
        if not self.answerable and (self.gold or self.expected):
            raise ValueError("an unanswerable question has no gold records or expected facts")
        return self

    def facts_found(self, answer: str) -> bool:
        text = normalise(answer)
        return all(any(normalise(alt) in text for alt in group) for group in self.expected)


def load(*paths: Path) -> list[QAItem]:
    """The questions of the given files (by default the bundled sets), in order."""
    items = [item for path in paths or DEFAULT_SETS for item in _read(path)]
    ids = [i.id for i in items]
    if len(ids) != len(set(ids)):
        raise ConfigError(f"{', '.join(map(str, paths or DEFAULT_SETS))}: question ids must be unique.")
    return items


def _read(path: Path) -> list[QAItem]:
    items: list[QAItem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"Cannot read the question set {path}: {exc.strerror}.") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            items.append(QAItem.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}, line {n}: not valid JSON ({exc.msg}).") from exc
        except ValidationError as exc:
            where = [".".join(map(str, e["loc"])) or "item" for e in exc.errors()]
            problems = "; ".join(f"{w}: {e['msg']}" for w, e in zip(where, exc.errors(), strict=True))
            raise ConfigError(f"{path}, line {n}: {problems}.") from exc
    return items
