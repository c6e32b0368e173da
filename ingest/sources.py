"""What is known about a source file: its manifest entry, or sensible defaults."""

from __future__ import annotations

import csv
import fnmatch
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ingest.errors import DocumentError
from ingest.records import Authority

# The corpus shipped with the repository (a sibling of this package).
BUNDLED_CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MANIFEST_NAME = "manifest.toml"
ALIASES_NAME = "aliases.toml"  # names of treaties and states (app/names.py), not a document
GROUPS_NAME = "groups.toml"  # groups of states and their borders (app/names.py), not a document
# A corpus folder's own data files: read by TreatyQA, never ingested as documents.
DATA_FILES = (MANIFEST_NAME, ALIASES_NAME, GROUPS_NAME)
TREATY_INDEX_NAME = "index.csv"


class SourceInfo(BaseModel):
    """One `[[source]]` entry of a corpus manifest; `path` may be a glob."""

    path: str
    title: str | None = None
    origin: str | None = None
    retrieved: str | None = None
    snapshot_date: str | None = None
    licence: str | None = None
    authority: Authority | None = None
    format: str | None = None
    treaty: str | None = None
    party: str | None = None
    notes: str | None = None


@dataclass
class Manifest:
    root: Path
    sources: list[SourceInfo] = field(default_factory=list)

    def lookup(self, file: Path) -> SourceInfo | None:
        relative = file.resolve().relative_to(self.root).as_posix()
        return next((s for s in self.sources if fnmatch.fnmatch(relative, s.path)), None)


@cache
def load_manifest(path: Path) -> Manifest:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        sources = [SourceInfo(**entry) for entry in data.get("source", [])]
    except (OSError, tomllib.TOMLDecodeError, ValidationError, TypeError) as exc:
        raise DocumentError(f"{path}: invalid manifest ({exc}); fix it or remove it.") from exc
    return Manifest(path.parent.resolve(), sources)


def nearest(file: Path, name: str) -> Path | None:
    """The closest file called `name` in the directory of `file` or above it."""
    for directory in file.resolve().parents:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def source_info(file: Path) -> SourceInfo:
    manifest_path = nearest(file, MANIFEST_NAME)
    info = load_manifest(manifest_path).lookup(file) if manifest_path else None
    return info or SourceInfo(path=file.name)


@dataclass(frozen=True)
class TreatyEntry:
    title: str
    url: str | None
    adopted: str | None = None  # "New York, 16 December 1966": people name treaties by place and year
    name: str = ""  # the index's whole name, adoption included


# "International Covenant on Civil and Political Rights. New York, 16 December 1966"
_PLACE_AND_DATE = re.compile(r"^(?P<title>.+?)\.\s+(?:[A-Z][^.]*?)?\b\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\b.*$")


def short_title(title: str) -> str:
    """The treaty's name without the place and date of its adoption."""
    match = _PLACE_AND_DATE.match(title.strip())
    short = match.group("title").strip() if match else title.strip()
    # "Protocol. Geneva, 19 February 1925": a bare "Protocol" would name nothing.
    return short if len(short.split()) >= 3 else title.strip()


def adoption(title: str) -> str | None:
    """The place and date of adoption that follow the name: 'New York, 16 December 1966'."""
    short = short_title(title)
    rest = title.strip()[len(short) :].lstrip(". ")
    return rest or None


@cache
def treaty_index(path: Path) -> dict[str, TreatyEntry]:
    """UN Treaty Collection index: '4-4' -> ('International Covenant on ...', url).

    The file stem of a UNTC file is '<chapter>-<treaty>' with dots turned into
    dashes ('4-11-b' is treaty 11.b of chapter IV). Empty for a CSV of other columns."""
    with path.open(encoding="utf-8", newline="") as fh:
        if not is_treaty_index(fh.readline()):
            return {}  # another table that happens to be called index.csv
        fh.seek(0)
        entries = {
            f"{row['chapter_no']}-{row['treaty_no'].replace('.', '-')}": TreatyEntry(
                short_title(row["treaty_name"]),
                row.get("url") or None,
                adoption(row["treaty_name"]),
                row["treaty_name"].strip(),
            )
            for row in csv.DictReader(fh)
        }
    # Instruments of one name ("Amendment to the Montreal Protocol ...", adopted in London,
    # Copenhagen and Beijing) are told apart by where and when they were adopted.
    shared = Counter(e.title for e in entries.values())
    return {
        key: replace(e, title=f"{e.title} ({e.adopted})") if shared[e.title] > 1 and e.adopted else e
        for key, e in entries.items()
    }


def is_treaty_index(text: str) -> bool:
    return text.lstrip().lower().startswith("chapter_no,treaty_no,treaty_name")


def indexed(file: Path) -> dict[str, TreatyEntry]:
    """The treaties of the index.csv nearest the file (beside or above it), by id: a file
    named like a UNTC file ('4-4') in a user's own folder is no UNTC file unless such an
    index says so."""
    index = nearest(file, TREATY_INDEX_NAME)
    return treaty_index(index) if index else {}


def catalogue_title(file: Path, name: str) -> str:
    """A treaty's title as the treaty indexes of the file's corpus give it (the one
    beside or above the file, and those anywhere in the corpus), found by its whole
    name or its title in any case; else the name without its place and date of adoption."""
    manifest = nearest(file, MANIFEST_NAME)
    indexes = [nearest(file, TREATY_INDEX_NAME), *(_indexes_under(manifest.parent) if manifest else ())]
    wanted = " ".join(name.split()).casefold()
    for index in filter(None, indexes):
        for entry in treaty_index(index).values():
            if wanted in (entry.name.casefold(), entry.title.casefold()):
                return entry.title
    return short_title(name)


@cache
def _indexes_under(root: Path) -> tuple[Path, ...]:
    return tuple(sorted(root.rglob(TREATY_INDEX_NAME)))
