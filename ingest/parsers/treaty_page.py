"""Treaty-database pages (WIPO Lex "Contracting Parties" and the like): one
party's dates, then numbered declarations and reservations under headings such
as "Declarations made upon signature and confirmed upon ratification:"."""

from __future__ import annotations

import re
from typing import Any

from ingest.parsers import ParseContext, Parser
from ingest.records import Kind
from ingest.states import split_trailing_state
from ingest.text import extract_articles, parse_date, unquote
from ingest.vocabulary import kind_from_label

_SECTION = re.compile(
    r"^[ \t]*(?P<label>(?:Interpretative\s+)?(?:Declarations?|Reservations?|Understandings?|Objections?"
    r"|Communications?|Notifications?)\b[^\n:]{0,160}):[ \t]*$",
    re.M | re.I,
)
_ITEM = re.compile(r"^[ \t]*(?:[-*•][ \t]*)?(?P<n>\d{1,3})[.)][ \t]+", re.M)
_DATE = r"(?:[A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+\.? \d{4}|\d{4}-\d{2}-\d{2})"
_FACT = re.compile(
    rf"\b(?P<label>Signature|Ratification|Accession|Acceptance|Approval|Succession|Entry into force)"
    rf"\s*:\s*(?P<date>{_DATE})"
)
_HEADER = re.compile(r"^[ \t]*Contracting Parties[ \t]+(?P<rest>\S[^\n]*)$", re.M)
_UPON = re.compile(r"\bupon\b.*", re.I)


def _matches(text: str) -> bool:
    has_items = any(_ITEM.search(text, m.end()) for m in _SECTION.finditer(text))
    return has_items or len(_FACT.findall(text)) >= 2


def _status(ctx: ParseContext, meta: dict[str, Any]) -> None:
    facts = list(_FACT.finditer(ctx.text))
    if not facts:
        return
    by_label = {m.group("label").lower(): parse_date(m.group("date")) for m in facts}
    consent = next((k for k in by_label if k not in ("signature", "entry into force")), None)
    ctx.add(
        "status",
        ctx.text[facts[0].start() : facts[-1].end()],
        Kind.STATUS,
        signature_date=by_label.get("signature"),
        consent_date=by_label.get(consent) if consent else None,
        consent_act=consent,
        entry_into_force_date=by_label.get("entry into force"),
        **meta,
    )


def _items(block: str) -> list[tuple[str, str]]:
    """(number, text) of each numbered item; an item runs on until a blank line."""
    marks = list(_ITEM.finditer(block))
    items = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(block)
        text = re.split(r"\n[ \t]*\n", block[m.end() : end], maxsplit=1)[0]
        items.append((m.group("n"), unquote(" ".join(text.split()))))
    return items


def _parse(ctx: ParseContext) -> None:
    header = _HEADER.search(ctx.text)
    treaty, party = split_trailing_state(header.group("rest").strip()) if header else (None, None)
    meta: dict[str, Any] = {
        "treaty": treaty,
        "party": party,
        "title": header.group(0).strip() if header else None,
    }
    _status(ctx, meta)
    sections = list(_SECTION.finditer(ctx.text))
    for i, section in enumerate(sections):
        end = sections[i + 1].start() if i + 1 < len(sections) else len(ctx.text)
        label = section.group("label")
        kind = kind_from_label(label) or Kind.DECLARATION
        upon = _UPON.search(label)
        for number, text in _items(ctx.text[section.end() : end]):
            ctx.add(
                f"{kind.value}/{number}",
                text,
                kind,
                number=number,
                made_upon=upon.group(0).lower() if upon else None,
                articles=extract_articles(text),
                **meta,
            )


PARSER = Parser("treaty-page", _matches, _parse)
