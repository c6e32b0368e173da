"""Read a file of any supported format into plain text, detecting the format by content."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import DocumentError
from ingest.text import parse_date


@dataclass(frozen=True)
class LoadedText:
    text: str
    format: str  # "text", "html" or "pdf"
    title: str | None = None
    date: str | None = None  # ISO date found in the document's own metadata


_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)


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
    elif _HTML_START.match(data[:4096]):
        loaded = _load_html(_decode(data, path))
    else:
        loaded = LoadedText(_decode(data, path), "text")
    if not loaded.text.strip():
        raise DocumentError(
            f"{path}: no text could be extracted ({loaded.format}); a scanned PDF needs OCR before ingesting."
        )
    return loaded


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and best.chaos < 0.2:
            return str(best)
    raise DocumentError(
        f"{path}: looks like a binary file, not text, HTML or PDF; "
        "convert it to one of those formats to ingest it."
    )


def _load_pdf(data: bytes, path: Path) -> LoadedText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        meta = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"{path}: not a readable PDF ({exc}); re-export it or save it as text.") from exc
    title = meta.title if meta and meta.title else None
    created = meta.creation_date.date().isoformat() if meta and meta.creation_date else None
    return LoadedText(text, "pdf", title, created)


def _number_ordered_lists(html: str) -> str:
    """Write the numbers of <ol> items into the text: text extraction keeps the
    items but drops their numbers, and "Declaration 3" needs the 3."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for ol in soup.find_all("ol"):
        start = int(ol.get("start", 1)) if str(ol.get("start", "1")).isdigit() else 1
        for offset, li in enumerate(ol.find_all("li", recursive=False)):
            li.insert(0, f"{start + offset}. ")
            li.name = "p"
        ol.name = "div"
    return str(soup)


def _load_html(html: str) -> LoadedText:
    import trafilatura

    doc = trafilatura.bare_extraction(
        _number_ordered_lists(html), with_metadata=True, include_tables=True, favor_recall=True
    )
    if doc is None or not (doc.text or "").strip():
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(html, "lxml")
        for tag in soup(["script", "style", "nav", "header", "footer", "noscript"]):
            tag.decompose()
        title = soup.title.get_text(strip=True) if soup.title else None
        return LoadedText(soup.get_text("\n"), "html", title)
    return LoadedText(doc.text, "html", doc.title, parse_date(doc.date or ""))
