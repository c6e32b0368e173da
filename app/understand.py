"""Reading a question: which parties, treaties, articles and kinds of record it
is about, and whether it asks for content, status dates or a list of states."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from app.catalogue import Catalogue, Scope
from app.names import ACRONYM, Gazetteer, NameData, Span, TreatyNames, overlaps
from ingest.kinds import KIND_ASKED, KIND_NOUN, NOUNS, kinds_named
from ingest.records import Kind
from ingest.text import article_spans, extract_articles

Intent = Literal["content", "status", "list"]

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


_NOT_NAMES = frozenset(
    """The What Which When Who Whom Whose Where Why How Did Does Do Has Have Is Are Was Were Can Could May
    Must Under Article Articles Art Convention Covenant Protocol Treaty Agreement Charter Statute Ministry
    Secretary General Government Republic State States Party Parties I UN United Nations According In On Of
    For""".split()
)


@dataclass(frozen=True)
class Understanding:
    question: str
    parties: tuple[str, ...] = ()
    # The parties by the name that named them: one state may be spelt two ways in the sources.
    party_groups: tuple[tuple[str, ...], ...] = ()
    absent_parties: tuple[str, ...] = ()  # states named that the corpus has no record of
    treaties: tuple[str, ...] = ()
    absent_treaties: tuple[str, ...] = ()  # treaties named that the corpus does not hold
    # The titles each ambiguous treaty name could mean ("the development bank agreement").
    treaty_choices: tuple[tuple[str, ...], ...] = ()
    articles: tuple[str, ...] = ()
    kinds: tuple[Kind, ...] = ()
    kind_asked: bool = False  # the records of that kind are what is asked for, not a topic
    intent: Intent = "content"
    status_facts: tuple[str, ...] = ()
    unknown_names: tuple[str, ...] = ()  # capitalised names that are no known party or treaty
    topic: str = ""  # the question without the names of parties and treaties: what it asks about them
    # Word stems of the topic beyond asking for records ("what did X declare under Y" has none).
    topic_terms: tuple[str, ...] = ()
    pinned: tuple[str, ...] = ()  # IDs of records the conversation points at ("the second one")

    @property
    def ambiguous_treaty(self) -> bool:
        return bool(self.treaty_choices)

    def scope(self) -> Scope:
        """Where to search: status questions in status records, others anywhere but there."""
        if self.intent == "status":
            return Scope(self.parties, self.treaties, (Kind.STATUS,))
        return Scope(self.parties, self.treaties, exclude=(Kind.CROSS_REFERENCE, Kind.STATUS))


def _state_code(name: str, states: dict[str, list[str]]) -> str | None:
    import pycountry

    for code, aliases in states.items():
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


# The act itself is asked about ("When did X ratify", "Has X signed", "Is X a party"), not
# something done at the time ("Did X keep the death penalty when it joined?").
_ASKS_STATUS = re.compile(
    rf"^\W*(?:since\s+)?(?:when|on\s+what\s+date|in\s+what\s+year|what\s+year|which\s+year|what\s+date)\b"
    rf"|^\W*(?:has|have|had|is|are|was|did|does)\W+(?:\w+\W+){{0,2}}(?:{'|'.join(STATUS_WORDS.values())})\b",
    re.I,
)
# A place named after one of these is where something applies, not who made a record:
# "does the reservation apply in Hong Kong?".
_PLACE_BEFORE = re.compile(r"\b(?:in|within|throughout|across|over|for)\s+(?:the\s+)?$", re.I)
# An unknown acronym where a treaty's name goes: "reservations to the XYZ", "under ABC".
_TREATY_SLOT = re.compile(r"\b(?:to|under|of|in|with)\s+(?:the\s+)?$", re.I)


Mention = tuple[Span, str]


@dataclass(frozen=True)
class Mentions:
    parties: list[Mention]
    treaties: list[Mention]
    articles: list[Mention]
    kinds: list[Mention]


class QuestionReader:
    """Built once per catalogue: the names of parties and treaties it holds."""

    def __init__(self, catalogue: Catalogue, names: NameData) -> None:
        import pycountry

        self.parties = Gazetteer()
        by_code: dict[str, list[str]] = {}
        for party in catalogue.parties:
            code = _state_code(party, names.states)
            if code:
                by_code.setdefault(code, []).append(party)
            self.parties.add(party, (party,))
            self.parties.add(re.sub(r"\s*\(.*\)$", "", party), (party,))
        names_by_code = {code: list(aliases) for code, aliases in names.states.items()}
        for country in pycountry.countries:
            found = [getattr(country, a, None) for a in ("name", "official_name", "common_name")]
            names_by_code.setdefault(country.alpha_3, []).extend(n for n in found if n)
        for code, variants in names_by_code.items():
            for name in variants:
                # A state the corpus has no record of maps to its own name, marked absent.
                self.parties.add(name, tuple(by_code.get(code, [])) or (f"!{name}",))
        self.treaties = TreatyNames(catalogue.adopted, names)
        self.catalogue = catalogue

    def read(self, question: str) -> Understanding:
        taken: list[Span] = []
        mentions = self.treaties.find(question, taken)
        treaties_named = tuple(t for m in mentions for t in m.titles)
        groups, absent_parties = self._parties(question, taken, treaties_named)
        parties = tuple(dict.fromkeys(p for group in groups for p in group))
        treaties = tuple(dict.fromkeys(t for m in mentions for t in m.titles))
        absent_treaties = [m.text for m in mentions if not m.titles]
        if not treaties:
            absent_treaties += [
                m.group(0)
                for m in ACRONYM.finditer(question)
                if not overlaps(m.span(), taken) and _TREATY_SLOT.search(question[: m.start()])
            ]
        # Kinds and acts are read from what is asked, not from names ("objects launched into outer
        # space", "Optional Protocol ... on a communications procedure").
        topic = _without(question, taken)
        terms = _terms(topic)
        kinds = kinds_named(topic)
        facts = tuple(f for f, words in STATUS_WORDS.items() if re.search(rf"\b(?:{words})\b", topic, re.I))
        if _LIST.search(question) and len(parties) != 1:
            intent: Intent = "list"
        elif facts and not kinds and parties and (_ASKS_STATUS.search(topic) or not terms):
            # When a party signed, ratified...; without a party it is a question about the treaty.
            intent = "status"
        else:
            intent = "content"
        return Understanding(
            question=question,
            parties=parties,
            party_groups=groups,
            absent_parties=absent_parties,
            treaties=treaties,
            absent_treaties=tuple(dict.fromkeys(absent_treaties)),
            treaty_choices=tuple(m.titles for m in mentions if len(m.titles) > 1),
            articles=_articles(question),
            kinds=kinds,
            kind_asked=bool(kinds and KIND_ASKED.search(topic)),
            intent=intent,
            status_facts=facts,
            unknown_names=_unknown_names(question, taken),
            topic=topic,
            topic_terms=terms,
        )

    def mentions(self, text: str) -> Mentions:
        """Where the text names states, treaties, articles and kinds of record, as written."""
        taken: list[Span] = []
        # A treaty's "the" goes with it: "the VCDR" is replaced by "the Convention against Torture".
        treaties = [_with_article(text, m.span) for m in self.treaties.find(text, taken)]
        parties = [(span, mention) for span, mention, _ in self.parties.find(text, taken)]
        kinds = [(m.span(), m.group(0)) for m in KIND_NOUN.finditer(text)]
        return Mentions(parties, treaties, article_spans(text), kinds)

    def _parties(
        self, question: str, taken: list[Span], treaties: tuple[str, ...]
    ) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
        """Parties named (grouped by name), and states named that the corpus has no record
        of. A place the corpus has no record of ("in Hong Kong"), and of several parties
        named those with no record for the treaties named ("can the United Nations buy
        land in Lithuania under ..."), stay in the topic as words."""
        present: list[tuple[Span, tuple[str, ...]]] = []
        absent: list[str] = []
        for span, _, targets in self.parties.find(question, taken):
            if all(t.startswith("!") for t in targets):
                if _PLACE_BEFORE.search(question[: span[0]]):
                    taken.remove(span)
                    continue
                absent += [t[1:] for t in targets]
            else:
                present.append((span, tuple(t for t in targets if not t.startswith("!"))))
        holding = [
            (span, group)
            for span, group in present
            if any(self.catalogue.kinds_of(p, t) for p in group for t in treaties)
        ]
        if treaties and holding and len(holding) < len(present):
            for span, group in present:
                if (span, group) not in holding:
                    taken.remove(span)
            present = holding
        return tuple(dict.fromkeys(group for _, group in present)), tuple(dict.fromkeys(absent))


def _with_article(text: str, span: Span) -> Mention:
    start = span[0] - 4 if text[: span[0]].lower().endswith("the ") else span[0]
    return (start, span[1]), text[start : span[1]]


def _articles(question: str) -> tuple[str, ...]:
    """The articles a question names, made precise by a paragraph it names apart
    ("article 14 of the ICCPR, ... paragraph 7" is 14(7))."""
    articles = extract_articles(question)
    paragraph = re.findall(r"\bparagraph\s+(\d+)\b(?!\s*(?:\(\w+\)\s*)?of\s+article)", question, re.I)
    if len(articles) == 1 and "(" not in articles[0] and len(paragraph) == 1:
        return (f"{articles[0]}({paragraph[0]})",)
    return articles


def _without(text: str, spans: list[Span]) -> str:
    kept = "".join(" " if any(s <= i < e for s, e in spans) else c for i, c in enumerate(text))
    return " ".join(re.sub(r"(?<!\w)['’]s\b", " ", kept).split())  # "Azerbaijan's" leaves no "'s"


# Words that only ask for records of a party to a treaty; what remains is what the records must say.
_ASKING = re.compile(
    rf"\b(?:{'|'.join(NOUNS.values())}|{'|'.join(STATUS_WORDS.values())}|make|made|makes|enter|entered|lodge"
    r"|lodged|formulate|formulated|say|says|said|state|stated|mention|mentioned|anything|any|article|articles"
    r"|paragraph|paragraphs|provision|provisions|treaty|convention|covenant|protocol|agreement|under|regarding"
    r"|concerning|about|upon|tell|me|give|show|list|all|its|their|there|what|which|when|who|whom|whose|how"
    r"|did|does|do|is|are|was|were|has|have|had|been|can|could|will|would|shall|should|may|might|since)\b",
    re.I,
)


def _terms(topic: str) -> tuple[str, ...]:
    from app.lexical import tokenize

    return tuple(tokenize([_ASKING.sub(" ", topic)])[0])


_ACTOR_BEFORE = re.compile(r"\b(?:did|does|do|has|have|had|is|was|will)\s+$", re.I)


def _unknown_names(question: str, taken: list[Span]) -> tuple[str, ...]:
    """Capitalised names in the place of a state that are no known name: "Atlantis" in
    "When did Atlantis ratify CEDAW?" (not "Trend" in "according to the Trend report")."""
    names = []
    acts = "|".join(STATUS_WORDS.values())
    for m in re.finditer(r"(?<!^)(?<![.?!]\s)\b[A-Z][a-z][\w'-]*(?:\s+[A-Z][a-z][\w'-]*)*", question):
        if overlaps(m.span(), taken) or set(m.group(0).split()) <= _NOT_NAMES:
            continue
        acting = re.match(rf"\s+(?:\w+\s+)?(?:{acts})\b", question[m.end() :], re.I)
        if acting or _ACTOR_BEFORE.search(question[: m.start()]):
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
