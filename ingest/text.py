"""Text helpers shared by parsers and answerers: article references, dates, sentences."""

from __future__ import annotations

import re
from datetime import date

from dateutil import parser as dateparser

_NUM = r"\d+(?:\s*bis|\s*ter)?"
_LETTER = r"""["'“‘]?([a-z]{1,4}|[ivx]{1,5})["'”’]?"""

# "subparagraph "a" of paragraph 7 of Article 24" / "paragraph 3 of Article 6"
_NESTED = re.compile(
    rf"""(?:sub-?paragraph\s+{_LETTER}\s+of\s+)?paragraphs?\s+({_NUM})\s*(?:\(([a-z])\))?\s+of\s+article\s+({_NUM})""",
    re.IGNORECASE,
)
# "Article 29, paragraph 4" / "article 24 paragraph 7 (a)" / "art. 29(4)" / "articles 9 (5) and 14 (6)"
_ARTICLE = re.compile(
    r"""\b(?:articles?|arts?\.)\s*((?:\d+\s*(?:bis|ter)?(?:\s*\(\s*\w{1,4}\s*\))*"""
    r"""(?:\s*,?\s*(?:para(?:graph)?s?\.?\s*|sub-?paragraph\s*)\(?\w{1,4}\)?)*"""
    r"""(?:\s*(?:,|and|or|to|&)\s*)?)+)""",
    re.IGNORECASE,
)
# References to national law, not to the treaty: "article 18 of the Argentine National Constitution",
# "(Civil Code, articles 9 (e) and 10)".
_DOMESTIC = re.compile(
    r"^\s*(?:of|in)\s+(?:the|its|their)\s+(?:[A-Z][\w-]*\s+){1,4}"
    r"(?:Constitution|Code|Law|Act|Decree|Ordinance)\b"
)
_DOMESTIC_BEFORE = re.compile(r"\b(?:Constitution|Code|Law|Act|Decree|Ordinance)\s*,\s*$")


def normalise_article(article: str, paragraph: str | None = None, sub: str | None = None) -> str:
    """('24', '7', 'a') -> '24(7)(a)'."""
    return re.sub(r"\s+", "", article).lower() + "".join(f"({p.lower()})" for p in (paragraph, sub) if p)


def _split_article_list(chunk: str) -> list[str]:
    """'9 (5) and 14 (6)' -> ['9(5)', '14(6)']; '24, paragraph 7' -> ['24(7)']."""
    chunk = re.sub(
        r",?\s*(?:para(?:graph)?s?\.?|sub-?paragraph)\s*\(?(\w{1,4})\)?", r"(\1)", chunk, flags=re.IGNORECASE
    )
    found = []
    for m in re.finditer(r"(\d+(?:\s*(?:bis|ter))?)((?:\s*\(\s*\w{1,4}\s*\))*)", chunk):
        subs = re.findall(r"\(\s*(\w{1,4})\s*\)", m.group(2))
        found.append(normalise_article(m.group(1), *subs[:2]))
    return found


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_ROMAN_REFERENCE = re.compile(
    r"\b((?:[Aa]rticles?|[Aa]rts?\.)\s+)((?:[IVXL]{1,7}\b(?:\s*(?:,|and|or)\s*)?)+)"
)


def roman_to_int(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _arabic_articles(text: str) -> str:
    """'article IX' -> 'article 9' (the Genocide Convention numbers its articles in Roman)."""
    return _ROMAN_REFERENCE.sub(
        lambda m: m.group(1) + re.sub(r"[IVXL]+", lambda r: str(roman_to_int(r.group(0))), m.group(2)), text
    )


# "Article (9), Paragraph (5)": numbers in parentheses, as some declarations write them.
_BRACKETED = re.compile(r"\b((?:[Aa]rticles?|[Pp]aragraphs?)\s*)\((\d+)\)")


def extract_articles(text: str) -> tuple[str, ...]:
    """Article references in the order they appear, normalised as 24(7)(a), de-duplicated."""
    text = _BRACKETED.sub(r"\1\2", _arabic_articles(text))
    hits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _NESTED.finditer(text):
        if _DOMESTIC.match(text[m.end() :]):
            continue
        art = normalise_article(m.group(4), m.group(2), m.group(1) or m.group(3))
        hits.append((m.start(), 0, art))
        taken.append(m.span())
    for m in _ARTICLE.finditer(text):
        domestic = _DOMESTIC.match(text[m.end() :]) or _DOMESTIC_BEFORE.search(text[: m.start()])
        if any(s <= m.start() < e for s, e in taken) or domestic:
            continue
        hits += [(m.start(), i, a) for i, a in enumerate(_split_article_list(m.group(1)))]
    ordered = list(dict.fromkeys(art for *_, art in sorted(hits)))
    # "Article 4, paragraph 2 ... the acts described in Article 4": 4(2) says it all.
    return tuple(a for a in ordered if not any(o.startswith(a + "(") for o in ordered))


def article_spans(text: str) -> list[tuple[tuple[int, int], str]]:
    """Where the text names articles, as written: ((start, end), "paragraph 2 of article 9")."""
    found = [(m.span(), m.group(0)) for m in _NESTED.finditer(text)]
    taken = [span for span, _ in found]
    for m in _ARTICLE.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            found.append((m.span(), m.group(0).rstrip(" ,;")))
    return sorted((((s, s + len(t)), t) for (s, _), t in found), key=lambda x: x[0])


_DATE_RE = re.compile(
    r"\b(?:\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}|[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}|\d{4}-\d{2}-\d{2})\b"
)


def without_dates(text: str) -> str:
    """The text with its dates taken out: 'Signature: 27 Jun 1996' -> 'Signature:'."""
    return " ".join(_DATE_RE.sub(" ", text).split())


def parse_date(value: str) -> str | None:
    """'30 Jun 2008', 'June 30, 2008', '2008-06-30' -> '2008-06-30'; None when not a date."""
    match = _DATE_RE.search(value)
    if not match:
        return None
    try:
        return dateparser.parse(match.group(0), default=None).date().isoformat()
    except (ValueError, OverflowError, AttributeError):
        return None


def human_date(iso: str) -> str:
    """'2010-07-01' -> '1 July 2010' (the form treaty offices write)."""
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def snapshot(value: str) -> str:
    """A snapshot date as precise as it is known: '2015-03' -> 'March 2015'."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return human_date(value)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return human_date(value + "-01").split(" ", 1)[1]
    return value


# A Markdown heading line ("# Title", "## Part I"): structure and titles, never a record's text.
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?P<text>\S[^\n]*)$", re.M)


# Sentences run together where a scrape lost the line break: "...of the Convention.Also according".
# Items of an enumeration are quoted one by one: "...under international law; (c)Disputes ...".
_RUN_TOGETHER = re.compile(
    r"(?<=[a-z)]{2}\.)(?=[A-Z“\"])|(?<=;)\s*(?=\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s*[A-Z])"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`, trailing spaces excluded,
    so that text[start:end] is always a verbatim quote."""
    import nupunkt

    spans = []
    pieces = []
    for start, stop in nupunkt.sent_spans(text):
        cuts = [start, *(start + m.start() for m in _RUN_TOGETHER.finditer(text[start:stop]))]
        pieces += [(a, b) for a, b in zip(cuts, [*cuts[1:], stop], strict=True)]
    for start, end in pieces:
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans or [(0, len(text))]


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


QUOTES = "\"“”‘’'"


def unquote(text: str) -> str:
    """Trim a slice and the quote marks around it or dangling at one end; the rest stays verbatim."""
    text = text.strip()
    if text[:1] in QUOTES and text.rstrip(".;")[-1:] in QUOTES:  # "…" or "…".
        text = text[1:].rstrip().rstrip(QUOTES)
    elif text.count('"') % 2:  # one straight quote left over from a neighbouring item
        text = text.removesuffix('"') if text.endswith('"') else text.removeprefix('"')
    return text.strip()


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())
