"""UN Treaty Collection files: per-treaty declaration files and status tables."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ingest.parsers import ParseContext, Parser
from ingest.records import Kind
from ingest.sources import TreatyEntry, indexed
from ingest.states import is_state
from ingest.text import QUOTES, extract_articles, parse_date, roman_to_int, unquote
from ingest.vocabulary import kind_from_label, kind_from_wording

# --- which treaty a file is about -------------------------------------------------


def _treaty_fields(entry: TreatyEntry | None) -> dict[str, Any]:
    if not entry:
        return {"treaty": None, "source_url": None}
    return {"treaty": entry.title, "source_url": entry.url, "treaty_adopted": entry.adopted}


# --- declaration files --------------------------------------------------------------

_ENTRY_HEAD = re.compile(r"^#[ \t]*(\S[^\n]*)$", re.M)
_CROSS_REFERENCE = re.compile(r"(?:See\s+chapter\s+[IVXLC]+[\s.]*[\w.-]*\.?\s*)+", re.I)
_AFTER_BREAK = r"(?:^|(?<=[.;:\"”’')\]]))\s*"
_LABEL = re.compile(
    _AFTER_BREAK + r"(?P<label>(?:Interpretative\s+)?(?:Declarations?|Reservations?|Understandings?"
    r"|Objections?|Communications?)(?:\s+made)?(?:\s+upon\s+[a-z]+(?:\s+and\s+confirmed\s+upon\s+[a-z]+)?)?"
    r"|Upon\s+(?:signature|ratification|accession|succession|acceptance|approval)"
    r"(?:\s+and\s+confirmed\s+upon\s+[a-z]+)?)\s*:"
)
_UPON = re.compile(r"\bupon\s+[a-z]+(?:\s+and\s+confirmed\s+upon\s+[a-z]+)?", re.I)
_DOT_ITEM = re.compile(_AFTER_BREAK + r"(?P<n>\d{1,2})\.(?=\s*[A-Z\"“‘'(])")
_PAREN_ITEM = re.compile(_AFTER_BREAK + r"[\"“]?\((?P<n>\d{1,2})\)(?=\s*[A-Za-z\"“‘'])")
_HEADING = re.compile(
    r"(?:^|(?<=[.;\"”’]))\s*(?:\.{3,})?(?P<n>Article\s+\d+(?:,\s*paragraph\s+\d+)?)\s*(?::|(?=[\"“‘])|(?=[A-Z][a-z]))"
)


@dataclass
class _Item:
    text: str
    number: str | None = None
    label: Kind | None = None
    made_upon: str | None = None
    group: int = 0


def _numbered(segment: str) -> list[_Item]:
    """Split '1.The ... 2.The ...' or '"(1)That ... "(2)That ...' into items.

    Numbering must run 1, 2, 3...; a new '(1)' starts a new group (UNTC lists
    reservations, understandings and declarations as separate (1)...(n) runs
    once the headings are lost)."""
    for pattern in (_DOT_ITEM, _PAREN_ITEM):
        marks: list[tuple[int, int, int, int]] = []
        expected, group = 1, 0
        for m in pattern.finditer(segment):
            n = int(m.group("n"))
            if n == expected or (n == 1 and marks and pattern is _PAREN_ITEM):
                group += n == 1
                marks.append((m.start(), m.end(), n, group))
                expected = n + 1
        if len(marks) >= 2 and _are_separate(segment, marks):
            items = []
            for i, (start, body_start, n, grp) in enumerate(marks):
                end = marks[i + 1][0] if i + 1 < len(marks) else len(segment)
                # A preamble before the first item ("... makes the following reservations:") belongs with it.
                preamble = i == 0 and re.search(r"[A-Za-z]{2}", segment[:start])
                items.append(_Item(unquote(segment[0 if preamble else body_start : end]), str(n), group=grp))
            return items
    return []


def _are_separate(segment: str, marks: list[tuple[int, int, int, int]]) -> bool:
    """Numbered statements, not the numbered conditions of one statement ("...if
    they: 1. Be Nicaraguan; 2. Be physically fit; ..."), which are short."""
    lengths = sorted(
        len(segment[body : (marks[i + 1][0] if i + 1 < len(marks) else len(segment))].split())
        for i, (_, body, _, _) in enumerate(marks)
    )
    return lengths[len(lengths) // 2] >= 10


def _headed(segment: str) -> list[_Item]:
    """Split 'Article 10"..."Article 14"...' into one item per article heading."""
    marks = list(_HEADING.finditer(segment))
    if len(marks) < 2:
        return []
    items = []
    if segment[: marks[0].start()].strip(" ." + QUOTES):
        items.append(_Item(unquote(segment[: marks[0].start()])))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(segment)
        items.append(_Item(unquote(segment[m.start() : end])))
    return items


def _segments(body: str) -> list[_Item]:
    """Cut an entry at labels such as 'Reservations:' or 'Upon ratification:'."""
    items: list[_Item] = []
    made_upon, label, start = None, None, 0

    def flush(end: int) -> None:
        piece = body[start:end]
        if re.search(r"[A-Za-z]{2}", piece):
            for item in _numbered(piece) or _headed(piece) or [_Item(unquote(piece))]:
                item.label, item.made_upon = label, made_upon
                items.append(item)

    for m in _LABEL.finditer(body):
        flush(m.start())
        text = m.group("label")
        if text.lower().startswith("upon"):
            made_upon, label = text.lower(), None
        else:
            label = kind_from_label(text)
            upon = _UPON.search(text)
            made_upon = upon.group(0).lower() if upon else made_upon
        start = m.end()
    flush(len(body))
    return items


def _assign_kinds(items: list[_Item]) -> list[Kind]:
    """A label wins; otherwise the wording; otherwise the kind most items of the
    same numbered run state; otherwise a declaration."""
    worded = [kind_from_wording(item.text) for item in items]
    by_group: dict[int, Counter[Kind]] = {}
    for item, kind in zip(items, worded, strict=True):
        if kind and item.number:
            by_group.setdefault(item.group, Counter())[kind] += 1
    kinds = []
    for item, kind in zip(items, worded, strict=True):
        group = by_group.get(item.group) if item.number else None
        fallback = group.most_common(1)[0][0] if group else Kind.DECLARATION
        kinds.append(item.label or kind or fallback)
    return kinds


def split_entry(body: str) -> list[tuple[Kind, _Item]]:
    """One state's entry -> (kind, item) for each record it holds."""
    body = body.strip()
    if _CROSS_REFERENCE.fullmatch(body):
        return [(Kind.CROSS_REFERENCE, _Item(body))]
    items = [item for item in _segments(body) if item.text]
    return list(zip(_assign_kinds(items), items, strict=True))


_CHAPTER = re.compile(r"See\s+chapter\s+(?P<chapter>[IVXLC]+)\.(?P<number>\d+(?:\.\w+)?)", re.I)


def _referred(treaties: dict[str, TreatyEntry], text: str) -> str | None:
    """The treaty 'See chapter IV.3.' points to, by its id in the file's treaty index."""
    if not (m := _CHAPTER.search(text)):
        return None
    entry = treaties.get(f"{roman_to_int(m.group('chapter').upper())}-{m.group('number').replace('.', '-')}")
    return entry.title if entry else None


def _is_declarations(text: str) -> bool:
    """Entries headed '#Name' as UNTC writes them, or '# Name' where each names a state: a
    Markdown document's headings ('# Title', '## Part I') are its structure, not states."""
    if not re.match(r"\s*#[ \t]*[A-Z]", text) or re.search(r"^##", text, re.M):
        return False
    heads = [m.group(0) for m in _ENTRY_HEAD.finditer(text)]
    return all(not re.match(r"#[ \t]", h) or is_state(h.lstrip("# \t")) for h in heads)


def _parse_declarations(ctx: ParseContext) -> None:
    treaties = indexed(ctx.file)
    treaty = _treaty_fields(treaties.get(ctx.file.stem))
    heads = list(_ENTRY_HEAD.finditer(ctx.text))
    for i, head in enumerate(heads):
        party = head.group(1).strip()
        end = heads[i + 1].start() if i + 1 < len(heads) else len(ctx.text)
        for n, (kind, item) in enumerate(split_entry(ctx.text[head.end() : end])):
            ctx.add(
                f"{party}/{n}",
                item.text,
                kind,
                party=party,
                number=item.number,
                made_upon=item.made_upon,
                articles=() if kind is Kind.CROSS_REFERENCE else extract_articles(item.text),
                refers_to=_referred(treaties, item.text) if kind is Kind.CROSS_REFERENCE else None,
                **treaty,
            )


DECLARATIONS = Parser("untc-declarations", _is_declarations, _parse_declarations)

# --- status tables ---------------------------------------------------------------------

_SUFFIXED = re.compile(r"([A-Za-z][A-Za-z ]*?)\s*\((\w{1,2})\)")
_CONSENT_WORDS = (
    "ratification",
    "accession",
    "acceptance",
    "approval",
    "succession",
    "definitive signature",
    "consent",
    "formal confirmation",
)


@dataclass(frozen=True)
class _Column:
    name: str
    role: str  # "signature", "consent" or "other"
    acts: dict[str, str]  # suffix -> act
    default_act: str


def _column(name: str) -> _Column:
    lower = name.lower()
    acts = {suffix: act.strip().lower() for act, suffix in _SUFFIXED.findall(name)}
    plain = [t.strip().lower() for t in re.sub(r"\([^)]*\)", "|", name).split(",")]
    unsuffixed = [t for t in plain if t and "|" not in t]
    default = unsuffixed[0] if unsuffixed else next(iter(acts.values()), lower)
    if lower.startswith("signature"):
        role = "signature"
    elif any(word in lower for word in _CONSENT_WORDS) and "provisional" not in lower:
        role = "consent"
    else:
        role = "other"
    return _Column(name, role, acts, default)


def _is_status_table(text: str) -> bool:
    return text.lstrip().startswith("Participant,")


def _parse_status(ctx: ParseContext) -> None:
    treaty = _treaty_fields(indexed(ctx.file).get(ctx.file.stem))
    rows = list(csv.reader(io.StringIO(ctx.text.lstrip())))
    columns = [_column(name) for name in rows[0][1:]]
    for row in rows[1:]:
        if not row or not row[0].strip():
            continue
        party, values = row[0].strip(), [v.strip() for v in row[1:]]
        if not any(values):
            continue
        facts: dict[str, Any] = {}
        for column, value in zip(columns, values, strict=False):
            if not value or column.role == "other":
                continue
            when = parse_date(value)
            if column.role == "signature":
                facts["signature_date"] = when
            elif when:
                suffix = value.split()[-1] if not value.split()[-1].isdigit() else ""
                facts["consent_date"] = when
                facts["consent_act"] = column.acts.get(suffix, column.default_act)
        text = "; ".join(f"{c.name}: {v}" for c, v in zip(columns, values, strict=False) if v)
        ctx.add(party, f"{party} — {text}", Kind.STATUS, party=party, **treaty, **facts)


STATUS_TABLE = Parser("untc-status", _is_status_table, _parse_status)
