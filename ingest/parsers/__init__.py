"""Structure-aware parsers: each recognises a document shape by its content and
turns the document into records. The first parser whose `matches` accepts the
text wins; plain passages are the fallback for anything else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.loaders import LoadedText
from ingest.records import Authority, Kind, Record, record_id
from ingest.sources import SourceInfo

# A title, party or treaty is a line: text pulled from a PDF may have no line breaks at all,
# and a 20 MB "title" would be stored with every record of the document.
MAX_FIELD = 500  # the longest treaty title of the UN catalogue has 358 characters


def bounded(value: str | None) -> str | None:
    """The first line of `value`, cut at a word before MAX_FIELD characters."""
    if not value:
        return value
    line = value[: 4 * MAX_FIELD].strip().split("\n", 1)[0].strip()
    if len(line) <= MAX_FIELD:
        return line
    cut = line.rfind(" ", 0, MAX_FIELD - 1)
    return line[: cut if cut > 0 else MAX_FIELD - 1].rstrip() + "…"


@dataclass
class ParseContext:
    """One document being parsed; collects its records."""

    file: Path
    source: str  # the key that identifies the file in the store
    info: SourceInfo
    loaded: LoadedText
    records: list[Record] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.loaded.text

    def add(
        self,
        locator: str,
        text: str,
        kind: Kind,
        *,
        title: str | None = None,
        snapshot_date: str | None = None,
        authority: Authority = Authority.OFFICIAL,
        **fields: object,
    ) -> Record:
        """Add a record; manifest values win over what the parser found in the text."""
        text = text.strip()
        fields["treaty"] = self.info.treaty or bounded(fields.get("treaty"))  # type: ignore[arg-type]
        fields["party"] = self.info.party or bounded(fields.get("party"))  # type: ignore[arg-type]
        record = Record(
            id=record_id(self.source, locator, text),
            text=text,
            kind=kind,
            source=self.source,
            source_title=self.info.title or bounded(title or self.loaded.title) or self.file.name,
            snapshot_date=self.info.snapshot_date or snapshot_date or self.loaded.date,
            authority=self.info.authority or authority,
            position=len(self.records),
            **fields,
        )
        self.records.append(record)
        return record


@dataclass(frozen=True)
class Parser:
    name: str
    matches: Callable[[str], bool]
    parse: Callable[[ParseContext], None]


def parsers() -> list[Parser]:
    from ingest.parsers import passages, treaty_page, treaty_text, untc

    return [untc.STATUS_TABLE, untc.DECLARATIONS, treaty_text.PARSER, treaty_page.PARSER, passages.PARSER]


def parse_document(ctx: ParseContext) -> str:
    """Fill ctx.records with the first matching parser; return that parser's name."""
    for parser in parsers():
        if parser.matches(ctx.text):
            parser.parse(ctx)
            return parser.name
    raise AssertionError("the passages parser matches every text")
