"""Any other document (news, reports, unknown pages): boilerplate dropped, one
record per paragraph, long paragraphs cut at sentence boundaries."""

from __future__ import annotations

import re

from ingest.parsers import ParseContext, Parser
from ingest.records import Authority, Kind
from ingest.text import MARKDOWN_HEADING, extract_articles, parse_date, sentence_spans

MAX_WORDS = 160
MAX_CHARS = 2000


def _is_content(paragraph: str) -> bool:
    """Navigation, bylines, tags and share prompts are short and unpunctuated."""
    n = len(paragraph.split())
    return n >= 14 or (n >= 6 and paragraph.rstrip()[-1:] in '.!?"”')


def _paragraphs(text: str) -> list[str]:
    """Lines joined where a sentence runs on, split elsewhere, so that a byline
    is not glued to the first paragraph. A line runs on when the next starts in
    lower case, or when it fills most of the width (wrapped text, as in PDFs)
    without ending a sentence."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    # A Markdown heading is a paragraph of its own (the document's title, or a section's).
    headings = {i for i, line in enumerate(lines) if MARKDOWN_HEADING.match(line)}
    lines = [MARKDOWN_HEADING.sub(r"\g<text>", line) for line in lines]
    width = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    for i, line in enumerate([*lines, ""]):
        if i in headings or i - 1 in headings:
            paragraphs += [" ".join(current)] if current else []
            current = []
        wrapped = bool(current) and len(current[-1]) >= 0.6 * width and current[-1][-1] not in ".!?:;"
        if current and (not line or not (wrapped or line[0].islower())):
            paragraphs.append(" ".join(current))
            current = []
        if line:
            current.append(line)
    return paragraphs


def _too_long(text: str) -> bool:
    return len(text) > MAX_CHARS or len(text.split()) > MAX_WORDS


def windows(paragraph: str) -> list[str]:
    """Cut a long paragraph into runs of whole sentences of at most MAX_WORDS words
    (and MAX_CHARS characters: text without spaces, a bad export, is cut where it must)."""
    if not _too_long(paragraph):
        return [paragraph]
    # Slices of the paragraph itself, so that each window stays verbatim.
    found, start, end = [], None, 0
    for s, e in sentence_spans(paragraph):
        if start is not None and _too_long(paragraph[start:e]):
            found.append(paragraph[start:end])
            start = None
        start = s if start is None else start
        end = e
    if start is not None:
        found.append(paragraph[start:end])
    return [piece for window in found for piece in _cut(window)]


def _cut(window: str) -> list[str]:
    """A window still too long (one endless sentence) in pieces of MAX_CHARS at most."""
    pieces = []
    while len(window) > MAX_CHARS:
        cut = window.rfind(" ", 0, MAX_CHARS) + 1 or MAX_CHARS
        pieces.append(window[:cut].strip())
        window = window[cut:]
    return [p for p in [*pieces, window.strip()] if p]


def _title(paragraphs: list[str]) -> str | None:
    return next((p for p in paragraphs if len(p.split()) >= 3 and re.search(r"[A-Za-z]{3}", p)), None)


def _parse(ctx: ParseContext) -> None:
    paragraphs = _paragraphs(ctx.text)
    heading = MARKDOWN_HEADING.match(ctx.text.lstrip())
    title = heading.group("text").strip() if heading else _title(paragraphs)
    dated = parse_date("\n".join(paragraphs[:8]))
    # The headline is not a passage, unless it is all the document has to say, or a sentence.
    headline = title and title.rstrip()[-1:] not in ".!?" and sum(map(_is_content, paragraphs)) > 1
    seen: set[str] = {title} if headline and title else set()
    for paragraph in paragraphs:
        if paragraph in seen or not _is_content(paragraph):
            continue
        seen.add(paragraph)
        for window in windows(paragraph):
            ctx.add(
                f"passage/{len(ctx.records)}",
                window,
                Kind.PASSAGE,
                title=title,
                snapshot_date=dated,
                authority=Authority.SECONDARY,
                articles=extract_articles(window),
            )


PARSER = Parser("passages", lambda text: True, _parse)
