"""A treaty's own text: one record per article, or per numbered paragraph of an article.

Headings say "Article 9", "Art. 9", "ARTICLE IX" or "Article 27 — Freedom of communication",
as Markdown headings or lines of their own (plain text, HTML, PDF). Parts, chapters and
sections are structure; annexes, statutes and appendices number their articles again, so
their articles are cited with the annex's name and never stand for the treaty's own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.parsers import ParseContext, Parser
from ingest.parsers.passages import windows
from ingest.records import Kind
from ingest.sources import catalogue_title, indexed
from ingest.text import MARKDOWN_HEADING, roman_to_int

_MARKS = r"(?:#{1,6}[ \t]*)?(?:\*\*)?"
_NUMBER = r"(?P<n>\d{1,3}(?:\s?[A-Za-z]{1,2}\b|\s?(?:bis|ter|quater|quinquies))?|[IVXLC]{1,7})"
_ARTICLE = re.compile(
    rf"^{_MARKS}(?:Article|ARTICLE|Art\.)\s+{_NUMBER}\.?(?:\*\*)?"
    r"(?:\s*[-\u2013\u2014:.]\s*(?P<caption>[^\n]{2,120}))?[ \t]*$",
    re.M,
)
# Headings that restart the numbering of articles, and those that only group them.
_ANNEX = re.compile(
    rf"^{_MARKS}(?P<name>(?:Annex|ANNEX|Appendix|APPENDIX|Schedule|SCHEDULE|Statute|STATUTE)\b[^\n]{{0,80}}?)"
    r"(?:\*\*)?[ \t]*$"
)
# Numbered sections headed by their number alone ("### 1", "### IV"), in texts without articles.
_SECTION = re.compile(r"^#{1,6}[ \t]*(?P<n>\d{1,3}|[IVXLC]{1,7})\.?[ \t]*$", re.M)
_GROUP = re.compile(rf"^{_MARKS}(?:Part|PART|Chapter|CHAPTER|Section|SECTION)\s+[\w.]+\b[^\n]{{0,80}}$")
_CAPTION = re.compile(r"^\*\*(?P<caption>[^*\n]{2,160})\*\*$")
_TREATY_LINE = re.compile(r"^treaty:\s*(?P<name>\S[^\n]*)$", re.M)
_PARAGRAPH = re.compile(r"^(?P<n>\d{1,2})\.\s*(?=[A-Z(“\"'‘*])")


@dataclass
class _Article:
    number: str  # "9", "42 ter", as the heading writes it (Roman numerals in Arabic)
    annex: str | None
    caption: str | None = None
    lines: list[str] = field(default_factory=list)
    unit: str = "Article"  # or "Section", for a heading that is only a number

    @property
    def name(self) -> str:
        article = f"{self.unit} {self.number}"
        return f"{self.annex}, {article}" if self.annex else article


def _is_treaty_text(text: str) -> bool:
    """Articles or numbered sections, or a text that says which treaty it is ('treaty: ...')."""
    return (
        len(_ARTICLE.findall(text)) >= 2
        or len(_SECTION.findall(text)) >= 2
        or bool(_TREATY_LINE.search(text[:2000]))
    )


def _catalogue_title(ctx: ParseContext) -> str | None:
    """The treaty as the catalogue names it: by the file's id ('4-8') in the nearest
    treaty index, else by the name on its 'treaty:' line, else by its first heading."""
    if entry := indexed(ctx.file).get(ctx.file.stem):
        return entry.title
    if m := _TREATY_LINE.search(ctx.text[:2000]):
        return catalogue_title(ctx.file, m.group("name"))
    first = next((line.strip() for line in ctx.text.splitlines() if line.strip()), "")
    heading = MARKDOWN_HEADING.match(first)
    return catalogue_title(ctx.file, heading.group("text") if heading else first) if first else None


def _articles(text: str) -> tuple[list[str], list[_Article]]:
    """The lines before the first article (title, preamble), and the articles (or the
    numbered sections of a text that has no articles)."""
    heading, unit = (_ARTICLE, "Article") if len(_ARTICLE.findall(text)) >= 2 else (_SECTION, "Section")
    preamble: list[str] = []
    articles: list[_Article] = []
    annex: str | None = None
    caption: str | None = None  # a caption printed before its article's heading
    grouped = False  # the last heading was a part's or chapter's: a bold line after it is its title
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        grouped, was_grouped = False, grouped
        if m := heading.match(line):
            number = " ".join(m.group("n").split())
            if re.fullmatch(r"[IVXLC]+", number):
                number = str(roman_to_int(number))
            found = m.groupdict().get("caption") or caption
            articles.append(_Article(number, annex, found, unit=unit))
            caption = None
        elif m := _ANNEX.match(line):
            annex = m.group("name").strip(" *#")
        elif _GROUP.match(line):
            caption, grouped = None, True
        elif (m := _CAPTION.match(line)) and not was_grouped:
            current = articles[-1] if articles else None
            if current and not current.lines and not current.caption:
                current.caption = m.group("caption").strip()
            else:
                caption = m.group("caption").strip()
        elif articles and not articles[-1].lines and not articles[-1].caption and _is_caption(line):
            articles[-1].caption = line  # "ARTICLE IV" over "Prohibition of capture", in plain text
        elif not _CAPTION.match(line) and not _TREATY_LINE.match(line) and not line.startswith("source:"):
            (articles[-1].lines if articles else preamble).append(line)
    return preamble, articles


def _is_caption(line: str) -> bool:
    """A short line that ends no sentence: a caption under its article's heading."""
    return len(line.split()) <= 10 and line[-1] not in ".:;,)" and not _PARAGRAPH.match(line)


def _paragraphs(article: _Article) -> list[tuple[str | None, str]]:
    """(paragraph number, text): numbered paragraphs with their lettered items, or the
    whole article when it numbers none."""
    numbered: list[tuple[str | None, list[str]]] = []
    for line in article.lines:
        m = _PARAGRAPH.match(line)
        if m and int(m.group("n")) == sum(n is not None for n, _ in numbered) + 1:
            numbered.append((m.group("n"), [line]))
        elif numbered:
            numbered[-1][1].append(line)
        else:
            numbered.append((None, [line]))
    if not any(n for n, _ in numbered):
        return [(None, "\n".join(article.lines))] if article.lines else []
    return [(n, "\n".join(lines)) for n, lines in numbered]


def _parse(ctx: ParseContext) -> None:
    treaty = _catalogue_title(ctx)
    preamble, articles = _articles(ctx.text)
    # The title (a Markdown heading, or a first line that ends no sentence) is no part of the text.
    if preamble and _is_caption(MARKDOWN_HEADING.sub(r"\g<text>", preamble[0])):
        preamble = preamble[1:]
    body = [line for line in preamble if not MARKDOWN_HEADING.match(line) and line.lower() != "preamble"]
    # Before the first article, the preamble; a text without articles is all body.
    part = "Preamble" if articles else None
    for i, window in enumerate(windows(" ".join(body)) if body else []):
        ctx.add(f"preamble/{i}", window, Kind.TREATY_TEXT, treaty=treaty, number=part)
    for article in articles:
        for paragraph, text in _paragraphs(article):
            cited = f"{article.number}({paragraph})" if paragraph else article.number
            name = f"{article.name}({paragraph})" if paragraph else article.name
            for i, window in enumerate(windows(text)):
                ctx.add(
                    f"{name}/{i}",
                    window,
                    Kind.TREATY_TEXT,
                    treaty=treaty,
                    number=name,
                    caption=article.caption,
                    # An annex's article 3 is not the treaty's article 3, nor is a section one.
                    articles=() if article.annex or article.unit != "Article" else (cited.replace(" ", ""),),
                )


PARSER = Parser("treaty-text", _is_treaty_text, _parse)
