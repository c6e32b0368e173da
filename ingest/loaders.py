"""Read a file of any supported format into plain text, detecting the format by content."""

from __future__ import annotations

import codecs
import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

from ingest.errors import DocumentError
from ingest.text import parse_date


@dataclass(frozen=True)
class LoadedText:
    text: str
    format: str  # "text", "html" or "pdf"
    title: str | None = None
    date: str | None = None  # ISO date found in the document's own metadata
    notes: tuple[str, ...] = ()  # what the reading library warned about ("EOF marker not found")


_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def load_file(path: Path) -> LoadedText:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(
            f"{path}: cannot be read ({exc.strerror}); check the path and permissions."
        ) from exc
    if not data.strip():
        raise DocumentError(f"{path}: the file is empty; nothing to ingest.")
    if data.startswith(b"%PDF-"):
        loaded = _load_pdf(data, path)
    else:
        try:
            text = _decode(data)
        except DocumentError as exc:
            raise DocumentError(f"{path}: {exc}") from exc
        loaded = _load_html(text) if _HTML_START.match(data[:4096]) else LoadedText(text, "text")
    # Control characters (form feeds, stray bytes of a bad export) are layout, not text.
    loaded = replace(loaded, text=_CONTROL.sub(" ", loaded.text))
    if not loaded.text.strip():
        raise DocumentError(
            f"{path}: no text could be extracted ({loaded.format}); a scanned PDF needs OCR before ingesting."
        )
    return loaded


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def _utf16_without_bom(data: bytes) -> str | None:
    """Windows exports are UTF-16, often without a byte-order mark: text in Latin
    script then has a zero in every other byte."""
    sample = data[:4096]
    for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros and zeros.count(0) / len(zeros) > 0.4:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    # Before UTF-8: ASCII letters with a zero byte between them are valid UTF-8 too.
    if (text := _utf16_without_bom(data)) is not None:
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and best.chaos < 0.2:
            return str(best)
    raise DocumentError(
        "looks like a binary file, not text, HTML or PDF; convert it to one of those formats to ingest it."
    )


def _load_pdf(data: bytes, path: Path) -> LoadedText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    with _library_notes("pypdf") as notes:
        try:
            reader = PdfReader(io.BytesIO(data))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
            meta = reader.metadata
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            raise DocumentError(
                f"{path}: not a readable PDF ({exc}); re-export it or save it as text."
            ) from exc
    title = meta.title if meta and meta.title else None
    created = meta.creation_date.date().isoformat() if meta and meta.creation_date else None
    return LoadedText(text, "pdf", title, created, tuple(dict.fromkeys(notes)))


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())


@contextmanager
def _library_notes(logger: str) -> Iterator[list[str]]:
    """What a library warns about while reading a file, for that file's report instead of
    loose on the console."""
    notes: list[str] = []
    log = logging.getLogger(logger)
    handler, propagate = _Collect(notes), log.propagate
    log.addHandler(handler)
    log.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield notes
        notes += [str(w.message) for w in caught]
    finally:
        log.removeHandler(handler)
        log.propagate = propagate


def _number_ordered_lists(html: str) -> str:
    """Write the numbers of <ol> items into the text: text extraction keeps the
    items but drops their numbers, and "Declaration 3" needs the 3."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for ol in soup.find_all("ol"):
        given = str(ol.get("start") or "1")
        start = int(given) if given.isdigit() else 1
        for offset, li in enumerate(ol.find_all("li", recursive=False)):
            li.insert(0, f"{start + offset}. ")
            li.name = "p"
        ol.name = "div"
    return str(soup)


class _TextOnly(HTMLParser):
    """Text of an HTML page, read as a stream of tags: no tree, so no limit on nesting."""

    SKIP = frozenset({"script", "style", "nav", "header", "footer", "noscript", "template"})
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skipping += tag in self.SKIP
        self._in_title = tag == "title"
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in self.SKIP and self.skipping > 0
        self._in_title = False
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        elif not self.skipping:
            self.parts.append(data)


def _plain_html(html: str) -> LoadedText:
    reader = _TextOnly()
    reader.feed(html)
    reader.close()
    return LoadedText("".join(reader.parts), "html", reader.title or None)


def _load_html(html: str) -> LoadedText:
    import trafilatura

    try:
        with _library_notes("trafilatura"):
            doc = trafilatura.bare_extraction(
                _number_ordered_lists(html), with_metadata=True, include_tables=True, favor_recall=True
            )
    except RecursionError:  # pages nested thousands deep: read them as a stream instead
        return _plain_html(html)
    if doc is None or isinstance(doc, dict) or not (text := doc.text or "").strip():
        return _plain_html(html)
    return LoadedText(text, "html", doc.title, parse_date(doc.date or ""))
