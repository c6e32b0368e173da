"""Choosing the words of a record that answer a question, and how well they do.

One scorer serves every answerer (extractive and LLM): it reads a record as
segments — the sentences under each article or numbered item of a treaty record,
groups of sentences of a passage — picks the segment that answers the question's
topic and article, and quotes it verbatim. Its relevance, which decides whether
to decline, weighs meaning and shared words together with what the record is
known to concern (party, treaty, article)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.catalogue import article_matches
from app.lexical import terms, tokenize
from ingest.embedding import Embedder, Segments, segment_spans
from ingest.records import Record
from ingest.text import QUOTES, extract_articles

MAX_QUOTE_WORDS = 120  # a segment longer than this is quoted from its best sentence on
SHORT_SENTENCE = 15  # words: a sentence this short rarely says all that answers
# A sentence that goes on from the one before it.
_GOES_ON = re.compile(
    r"^\W{0,3}(?:therefore|thus|hence|accordingly|consequently|however|nevertheless|these|this|such|they|it"
    r"|in\s+(?:this|that|such)\s+(?:case|respect|regard)"
    r"|(?:concerning|regarding|as\s+regards|with\s+regard\s+to|in\s+respect\s+of)\s+(?:to\s+)?(?:this|that|these|such))\b",
    re.I,
)
# An item of a treaty record begins with its article or number: "Article 10", "2.", "(b)".
_ITEM_START = re.compile(r"^\W{0,3}(?:articles?\s+\d|\(?\d{1,2}[.)]\s*\D|\([a-z]\)\s)", re.I)


@dataclass(frozen=True)
class Quote:
    text: str  # a verbatim slice of the record
    relevance: float  # how well the record answers the question's topic (the decline threshold's scale)


@dataclass(frozen=True)
class Asked:
    """What a quote must answer: the question, its topic (the question without names)
    and the articles it names."""

    question: str
    topic: str = ""
    articles: tuple[str, ...] = ()


# A record's segments as ingest read and embedded them, or None.
StoredSegments = Callable[[Record], Segments | None]


class QuoteScorer:
    """Made for one question: texts it has embedded are kept, not embedded again. A
    record's sentences are scored with the vectors stored at ingest (`segments`); only
    the question is embedded here, or a record's sentences when none are stored."""

    def __init__(self, embedder: Embedder, segments: StoredSegments = lambda record: None) -> None:
        self.embedder, self.segments = embedder, segments
        self._vectors: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of the texts, each embedded once for this question."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            self._vectors.update(zip(missing, self.embedder.encode(missing), strict=True))
        return np.array([self._vectors[t] for t in texts])

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.encode([a, b])
        return float(va @ vb)

    def quote(self, asked: Asked, record: Record) -> Quote:
        """The segment of the record that best answers, quoted verbatim (from its best
        sentence on when it is long), and the record's relevance to the topic."""
        topic = asked.topic or asked.question
        stored = self.segments(record)
        if stored is None or not stored.vectors.any():  # written since the indexes were loaded
            spans = segment_spans(record)
            segment_vectors = self.encode([record.text[s:e] for s, e in spans])
        else:
            spans, segment_vectors = stored.spans, stored.vectors
        reading = _read(record.text, tuple(spans))
        texts, regions = reading.texts, reading.regions
        vectors = np.concatenate([self.encode([asked.question, topic]), segment_vectors])
        # Shared words of the topic: the names of the party and treaty are in every sentence.
        asked_stems = set(terms(topic))
        overlap = np.array([_share(asked_stems, stems) for stems in reading.terms])
        on_article = np.array([_article_fit(asked.articles, arts) for arts in regions])
        scores = vectors[2:] @ vectors[0] + 0.5 * overlap + 0.3 * on_article
        best = int(np.argmax(scores))
        first, last = _with_articles(*_segment(texts, regions, best), texts, regions, asked.articles)
        content = list(reading.content)
        in_record = _share(asked_stems, reading.all_terms)
        relevance = float(np.max(vectors[2:][content] @ vectors[1])) + 0.5 * in_record
        start, end = spans[first][0], spans[last][1]
        # Quote marks left over from a neighbouring item ("” “The Grand Duchy ...") are not quoted.
        while start < end and record.text[start] in QUOTES + " ":
            start += 1
        return Quote(record.text[start:end], relevance)

    def best_quote(self, question: str, record: Record) -> str:
        return self.quote(Asked(question), record).text


@dataclass(frozen=True)
class _Reading:
    """What quoting needs of a record's segments besides their vectors."""

    texts: list[str]
    terms: list[frozenset[str]]
    all_terms: frozenset[str]
    regions: list[tuple[str, ...]]  # the articles each segment is about
    content: tuple[int, ...]  # the segments that are not headings


@lru_cache(maxsize=8192)
def _read(text: str, spans: tuple[tuple[int, int], ...]) -> _Reading:
    """Kept per record: the records that answer recur from question to question, and
    reading them again (tokenizing each segment, finding the articles) was about a
    third of a quote's time."""
    texts = [text[s:e] for s, e in spans]
    found = [frozenset(t) for t in tokenize(texts)]
    content = tuple(i for i, t in enumerate(texts) if not _is_heading(t)) or tuple(range(len(texts)))
    return _Reading(texts, found, frozenset().union(*found), _article_regions(texts), content)


def _article_fit(asked: tuple[str, ...], concerned: tuple[str, ...]) -> float:
    """1 when a sentence concerns the asked article itself (or a part of it), half when
    only the article it belongs to ("article 14" for 14(3)(e)), else 0."""
    if any(c == a or c.startswith(a + "(") for a in asked for c in concerned):
        return 1.0
    return 0.5 if any(article_matches(a, concerned) for a in asked) else 0.0


# "paragraph 3 (e)", "subparagraph (b)": a part of the article the item is about.
_PART = re.compile(r"\b(?:sub-?)?paragraphs?\s+(\d+)?\s*(?:\(\s*([a-z])\s*\))?", re.I)


def _article_regions(texts: list[str]) -> list[tuple[str, ...]]:
    """The articles each sentence is about: those it names, else those of the item it
    belongs to (the last sentence before it that begins by naming an article), made
    precise by the paragraph it names ("paragraph 3 (e)" under article 14: 14(3)(e))."""
    regions: list[tuple[str, ...]] = []
    current: tuple[str, ...] = ()
    for i, text in enumerate(texts):
        named = extract_articles(text)
        if named and (re.match(r"^\W{0,3}articles?\b", text, re.I) or len(set(named)) == 1):
            current = named
        if not named and len(current) == 1:
            # A sentence cut before "(e)" still names it: look at the start of the next one.
            following = text + " " + (texts[i + 1][:12] if i + 1 < len(texts) else "")
            parts = [
                current[0] + "".join(f"({p})" for p in m.groups() if p)
                for m in _PART.finditer(following)
                if any(m.groups())
            ]
            named = tuple(parts)
        regions.append(named or current)
    return regions


def _segment(texts: list[str], regions: list[tuple[str, ...]], best: int) -> tuple[int, int]:
    """The sentences to quote around the best one: a heading just before it, a list it
    introduces, a sentence cut in two, and the rest of its item while short."""
    # A heading just before it, the sentence it goes on from ("Therefore, it does not ..."),
    # or the lead-in of the list it is an item of ("... will permit: (i) the use of ...").
    lead_in = best and texts[best - 1].rstrip("\"”'").endswith(":")
    first = (
        best - 1
        if best and (_is_heading(texts[best - 1]) or _GOES_ON.match(texts[best]) or lead_in)
        else best
    )
    last = best
    length = sum(len(t.split()) for t in texts[first : last + 1])
    while last + 1 < len(texts):
        nxt = texts[last + 1]
        continues = (
            texts[last].rstrip("\"”'").endswith((":", ";"))
            or nxt[:1].islower()
            or nxt[:1] == "("
            or _GOES_ON.match(nxt)  # "It is understood that this matter ..."
        ) and last - best < 3
        # The rest of an article's item; in text without articles, only after a short sentence.
        same_item = (
            (bool(regions[best]) or len(texts[best].split()) < SHORT_SENTENCE)
            and regions[last + 1] == regions[best]
            and not _ITEM_START.match(nxt)
            and not _is_heading(nxt)
        )
        if not (continues or same_item) or length + len(nxt.split()) > MAX_QUOTE_WORDS:
            break
        last += 1
        length += len(nxt.split())
    return first, last


def _with_articles(
    first: int, last: int, texts: list[str], regions: list[tuple[str, ...]], asked: tuple[str, ...]
) -> tuple[int, int]:
    """The quote grown by the neighbouring sentences about another of the articles asked
    ("concerning articles 9 and 15": both), while it stays short enough to quote."""

    def about(i: int) -> set[str]:
        return {a for a in asked if _article_fit((a,), regions[i])}

    length = sum(len(t.split()) for t in texts[first : last + 1])
    covered = set().union(*(about(i) for i in range(first, last + 1)))
    while len(covered) < len(asked):
        grow = [
            i
            for i in (first - 1, last + 1)
            if 0 <= i < len(texts)
            and about(i) - covered
            and length + len(texts[i].split()) <= MAX_QUOTE_WORDS
        ]
        if not grow:
            break
        i = grow[-1]  # what follows first: the record's own order
        covered |= about(i)
        first, last, length = min(first, i), max(last, i), length + len(texts[i].split())
    return first, last


def _is_heading(sentence: str) -> bool:
    """Datelines and headings ("BAKU, February 10.", "Article 10") say where, not what."""
    return len(sentence.split()) <= 6


def _share(asked: set[str], found: frozenset[str] | set[str]) -> float:
    """Share of the topic's word stems (stop words aside) found among `found`."""
    return len(asked & found) / len(asked) if asked else 0.0
