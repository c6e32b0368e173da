"""Reading a question: which parties, treaties, articles and kinds of record it
is about, and whether it asks for content, status dates or a list of states."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from app.aliases import AMBIGUOUS_TREATY_ALIASES, PARTY_ALIASES, TREATY_ALIASES
from app.catalogue import Catalogue, Scope
from ingest.records import Kind
from ingest.text import extract_articles

Intent = Literal["content", "status", "list"]

_KIND_WORDS = [
    (Kind.RESERVATION, r"reserv(?:e|es|ed|ation|ations)"),
    (Kind.UNDERSTANDING, r"understand(?:s|ing|ings)?|interpretative"),
    (Kind.OBJECTION, r"object(?:s|ed|ion|ions)?"),
    (Kind.COMMUNICATION, r"communications?|notifications?|withdr[ae]w(?:s|n|al)?"),
    (Kind.DECLARATION, r"declar(?:e|es|ed|ation|ations)"),
]
STATUS_WORDS = {
    "signature": r"sign(?:s|ed|ing|ature|atory)?",
    "consent": r"ratif(?:y|ies|ied|ication)|acced(?:e|ed|es)|accession|succe(?:ed|eded|ssion)"
    r"|part(?:y|ies)\s+to|approv(?:al|ed)|accept(?:ance|ed)|bec(?:o|a)me\s+(?:a\s+)?part(?:y|ies)|join(?:ed)?",
    "entry_into_force": r"(?:entry|enter(?:ed|s)?)\s+into\s+force|in\s+force",
}
_LIST = re.compile(
    r"\b(?:which|what|list|name)\s+(?:other\s+)?(?:states|countries|parties|governments|nations)\b"
    r"|\bhow\s+many\s+(?:states|countries|parties)\b|\bwho\s+(?:else\s+)?(?:has|have|made|entered|lodged)\b",
    re.I,
)


def _pattern(variants: list[str], flags: int) -> re.Pattern[str] | None:
    if not variants:
        return None
    alternation = "|".join(re.escape(v) for v in sorted(set(variants), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", flags)


@dataclass
class _Gazetteer:
    """Variant spelling -> targets, matched longest-first without overlaps."""

    targets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exact: dict[str, tuple[str, ...]] = field(default_factory=dict)  # short acronyms: case-sensitive

    def add(self, variant: str, targets: tuple[str, ...]) -> None:
        variant = " ".join(variant.split())
        if len(variant) <= 5 and variant.replace(".", "").isupper():
            self.exact.setdefault(variant, targets)
        else:
            self.targets.setdefault(variant.lower(), targets)

    @cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str] | None, dict[str, tuple[str, ...]], bool]]:
        return [
            (_pattern(list(self.targets), re.I), self.targets, True),
            (_pattern(list(self.exact), 0), self.exact, False),
        ]

    def find(self, text: str, taken: list[tuple[int, int]]) -> list[tuple[str, tuple[str, ...]]]:
        """(mention, targets) in order of appearance, outside the `taken` spans,
        which are extended with the spans found."""
        found: list[tuple[int, str, tuple[str, ...]]] = []
        for pattern, table, folded in self._patterns:
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                if _overlaps(m.span(), taken):
                    continue
                taken.append(m.span())
                key = m.group(0).lower() if folded else m.group(0)
                found.append((m.start(), m.group(0), table[" ".join(key.split())]))
        return [(mention, targets) for _, mention, targets in sorted(found)]


# A treaty named in the question that no table knows: "the Paris Agreement",
# "the European Convention on Human Rights".
_TREATY_NAME = re.compile(
    r"\b(?:[A-Z][\w'-]*\s+){1,6}(?:Convention|Agreement|Covenant|Protocol|Treaty|Charter|Statute)"
    r"(?:\s+(?:on|of|for|against|relating\s+to)(?:\s+(?:the|and|of|on|[A-Z][\w'-]*))+)?"
    r"|\b(?:Convention|Agreement|Covenant|Protocol|Treaty|Charter|Statute)\s+"
    r"(?:on|of|for|against|relating\s+to)(?:\s+(?:the|and|of|on|[A-Z][\w'-]*))*\s+[A-Z][\w'-]*"
)
_NOT_NAMES = frozenset(
    """The What Which When Who Whom Whose Where Why How Did Does Do Has Have Is Are Was Were Can Could May
    Must Under Article Articles Art Convention Covenant Protocol Treaty Agreement Charter Statute Ministry
    Secretary General Government Republic State States Party Parties I UN United Nations According In On Of
    For""".split()
)
# "Did X make reservations", "X's declarations", "any objection": the kind of record is what is asked for.
_KIND_ASKED = re.compile(
    r"\b(?:make|made|makes|enter|entered|lodge|lodged|formulate|formulated|have|has|had|any|its|their|what|which"
    r"|the)\s+(?:any\s+|the\s+following\s+)?(?:reservations?|declarations?|understandings?|objections?)\b"
    r"|'s\s+(?:reservations?|declarations?|understandings?|objections?)\b|\bobject(?:s|ed)?\s+to\b",
    re.I,
)


@dataclass(frozen=True)
class Understanding:
    question: str
    parties: tuple[str, ...] = ()
    absent_parties: tuple[str, ...] = ()  # states named that the corpus has no record of
    treaties: tuple[str, ...] = ()
    absent_treaties: tuple[str, ...] = ()  # treaties named that the corpus does not hold
    ambiguous_treaty: bool = False  # one phrase fitted several treaties
    articles: tuple[str, ...] = ()
    kinds: tuple[Kind, ...] = ()
    kind_asked: bool = False  # the records of that kind are what is asked for, not a topic
    intent: Intent = "content"
    status_facts: tuple[str, ...] = ()
    unknown_names: tuple[str, ...] = ()  # capitalised names that are no known party or treaty
    topic: str = ""  # the question without the names of parties and treaties: what it asks about them

    def scope(self) -> Scope:
        """Where to search: status questions in status records, others anywhere but there."""
        if self.intent == "status":
            return Scope(self.parties, self.treaties, (Kind.STATUS,))
        return Scope(self.parties, self.treaties, exclude=(Kind.CROSS_REFERENCE, Kind.STATUS))


def _state_code(name: str) -> str | None:
    import pycountry

    for code, aliases in PARTY_ALIASES.items():
        if name.lower() in (a.lower() for a in aliases):
            return code
    candidates = [
        name,
        re.sub(r"\s*\((.*)\)$", r", \1", name),
        re.sub(r"\s*\(.*\)$", "", name),
        name.replace("St. ", "Saint "),
    ]
    for candidate in candidates:
        try:
            return pycountry.countries.lookup(candidate).alpha_3
        except LookupError:
            continue
    return None


class QuestionReader:
    """Built once per catalogue: the names of parties and treaties it holds."""

    def __init__(self, catalogue: Catalogue) -> None:
        import pycountry

        self.parties = _Gazetteer()
        by_code: dict[str, list[str]] = {}
        for party in catalogue.parties:
            code = _state_code(party)
            if code:
                by_code.setdefault(code, []).append(party)
            self.parties.add(party, (party,))
            self.parties.add(re.sub(r"\s*\(.*\)$", "", party), (party,))
        names_by_code = {code: list(aliases) for code, aliases in PARTY_ALIASES.items()}
        for country in pycountry.countries:
            names = [getattr(country, a, None) for a in ("name", "official_name", "common_name")]
            names_by_code.setdefault(country.alpha_3, []).extend(n for n in names if n)
        for code, names in names_by_code.items():
            for name in names:
                # A state the corpus has no record of maps to its own name, marked absent.
                self.parties.add(name, tuple(by_code.get(code, [])) or (f"!{name}",))
        self.treaties = _Gazetteer()
        known = set(catalogue.treaties)
        for title in catalogue.treaties:
            self.treaties.add(title, (title,))
            if title.startswith("United Nations "):
                self.treaties.add("UN " + title.removeprefix("United Nations "), (title,))
        for title, aliases in TREATY_ALIASES.items():
            for alias in [title, *aliases]:
                self.treaties.add(alias, (title,) if title in known else (f"!{title}",))
        for phrase, titles in AMBIGUOUS_TREATY_ALIASES.items():
            self.treaties.add(
                phrase, tuple(t for t in titles if t in known) or tuple(f"!{t}" for t in titles)
            )

    def read(self, question: str) -> Understanding:
        taken: list[tuple[int, int]] = []
        treaty_hits = self.treaties.find(question, taken)
        parties, absent_parties = self._resolve(self.parties.find(question, taken))
        treaties, absent_treaties = self._resolve(treaty_hits)
        named = list(_TREATY_NAME.finditer(question))
        unnamed = [m.group(0) for m in named if not _overlaps(m.span(), taken)]
        taken += [m.span() for m in named]
        kinds = tuple(k for k, words in _KIND_WORDS if re.search(rf"\b(?:{words})\b", question, re.I))
        if Kind.OBJECTION in kinds:
            kinds = (Kind.OBJECTION,)  # an objection always speaks of a reservation
        facts = tuple(
            f for f, words in STATUS_WORDS.items() if re.search(rf"\b(?:{words})\b", question, re.I)
        )
        if _LIST.search(question) and len(parties) != 1:
            intent: Intent = "list"
        elif facts and not kinds and parties:
            # When a party signed, ratified...; without a party it is a question about the treaty.
            intent = "status"
        else:
            intent = "content"
        return Understanding(
            question=question,
            parties=parties,
            absent_parties=absent_parties,
            treaties=treaties,
            absent_treaties=absent_treaties + tuple(unnamed),
            ambiguous_treaty=any(len(targets) > 1 for _, targets in treaty_hits),
            articles=extract_articles(question),
            kinds=kinds,
            kind_asked=bool(kinds and _KIND_ASKED.search(question)),
            intent=intent,
            status_facts=facts,
            unknown_names=_unknown_names(question, taken),
            topic=_without(question, taken),
        )

    @staticmethod
    def _resolve(hits: list[tuple[str, tuple[str, ...]]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        present = [t for _, targets in hits for t in targets if not t.startswith("!")]
        absent = [t[1:] for _, targets in hits for t in targets if t.startswith("!")]
        return tuple(dict.fromkeys(present)), tuple(dict.fromkeys(absent))


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in taken)


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    kept = "".join(" " if any(s <= i < e for s, e in spans) else c for i, c in enumerate(text))
    return " ".join(re.sub(r"(?<!\w)['’]s\b", " ", kept).split())  # "Azerbaijan's" leaves no "'s"


def _unknown_names(question: str, taken: list[tuple[int, int]]) -> tuple[str, ...]:
    """Capitalised words after the first that are no known name: "Atlantis" in
    "When did Atlantis ratify CEDAW?"."""
    names = []
    for m in re.finditer(r"(?<!^)(?<![.?!]\s)\b[A-Z][a-z][\w'-]*(?:\s+[A-Z][a-z][\w'-]*)*", question):
        if not _overlaps(m.span(), taken) and not set(m.group(0).split()) <= _NOT_NAMES:
            names.append(m.group(0))
    return tuple(names)


_ENGLISH = frozenset(
    """the of to and in is did does do what which who when whom how has have had was were under for by with
    made make any are not or its their from on""".split()
)
_FOREIGN = frozenset(
    """el la los las del que qué por para una es le les des du est une dans qui quelle quel der die das und
    welche hat für ist nicht von zu il lo gli della che per och att är som ein eine pour au aux sur avec
    quelles quels wie wer wann hay cuál cuándo quién""".split()
)


def looks_english(question: str) -> bool:
    """False for questions plainly in another language: mostly non-Latin letters, or
    several common words of other languages and none of English. Keyword queries
    ("CEDAW article 9 Bahrain") pass."""
    letters = [c for c in question if c.isalpha()]
    if letters and sum(c.isascii() or "\u00c0" <= c <= "\u024f" for c in letters) / len(letters) < 0.7:
        return False
    tokens = re.findall(r"[^\W\d_]+", question.lower())
    return not (sum(t in _FOREIGN for t in tokens) >= 2 and not any(t in _ENGLISH for t in tokens))
