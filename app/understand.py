"""Reading a question: which parties, treaties, articles and kinds of record it
is about, and whether it asks for content, status dates or a list of states."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

from app.catalogue import Catalogue, Scope
from app.lexical import terms as stems
from app.names import (
    ACRONYM,
    Absent,
    Gazetteer,
    NameData,
    Span,
    StateGroup,
    TreatyNames,
    held,
    overlaps,
    spelt,
)
from ingest.records import Kind
from ingest.text import article_spans, extract_articles
from ingest.vocabulary import (
    ACT_STEMS,
    KIND_ASKED,
    KIND_NOUN,
    NOT_STATEMENTS,
    NOUNS,
    STATEMENT_KINDS,
    STATUS_WORDS,
    TEXT_ASKED,
    TREATY_NOUNS,
    kinds_named,
)

Intent = Literal["content", "status", "list"]

# "ratified the ICCPR but not the Optional Protocol": a treaty named after these words is
# one the states listed are not to have the same records for.
_EXCEPT = re.compile(
    r"(?:\b(?:but|and|yet)\s+not|\bwithout|\bexcept(?:\s+for)?)"
    rf"(?:\s+(?:yet|(?:{'|'.join(ACT_STEMS)})\w*|to|the|its|their))*\s*$",
    re.I,
)
# The nouns that make a group's states of its name or adjective: "EU states", "members of ASEAN".
_GROUP_NOUNS = (
    *"states state countries country members member governments government nations nation".split(),
    *("member states", "member state", "member countries"),
)
# "neighbours of Kenya", "states bordering Kenya", "Kenya's neighbours": the states it borders.
_NEIGHBOURS_BEFORE = re.compile(
    r"(?:\bneighbou?rs?|\bneighbou?ring\s+(?:states?|countries|country|nations?)"
    r"|\bbordering\s+(?:states?|countries|country)"
    r"|\b(?:states?|countries|country)\s+(?:bordering|next\s+to|adjacent\s+to|neighbou?ring))"
    r"\s+(?:of\s+)?(?:the\s+)?$",
    re.I,
)
_NEIGHBOURLY = re.compile(r"neighbo|border|adjacent|next\s+to", re.I)
_NEIGHBOURS_AFTER = re.compile(r"^['’]s?\s+(?:land\s+)?neighbou?r(?:s|ing\s+(?:states|countries))\b", re.I)
# "another state", "any other Arab country", "other parties": states besides those asked about
# before, so across states (the conversation says which are meant by "other").
OTHER_STATES = re.compile(
    r"\b(?:an?other|any\s+other|other|a\s+different|different)\s+(?:[\w'-]+\s+){0,2}?"
    rf"(?:{'|'.join(sorted((*_GROUP_NOUNS, 'party', 'parties'), key=len, reverse=True))})\b",
    re.I,
)
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
class _Named:
    """The parties a question names, read apart (see `QuestionReader._parties`)."""

    groups: tuple[tuple[str, ...], ...]
    absent: tuple[str, ...]
    objected_to: tuple[str, ...]
    without_records: tuple[str, ...]  # named with others, but holding no record for the treaties
    spans: tuple[Span, ...]  # where the parties kept and the absent names are: not part of what is asked
    found: tuple[tuple[Span, str, tuple[str, ...]], ...]  # every party's name as written, and its parties


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
    # Territories named, each read as the state(s) whose records cover it ("Aruba").
    places: tuple[str, ...] = ()
    refers_back: bool = False  # "they", "it", "this treaty": a state or treaty named earlier
    asks_date: bool = False  # "when did ...", "on what date ..."
    # States whose statements the question asks objections to ("objections to Qatar's reservation").
    objected_to: tuple[str, ...] = ()
    # States named beside others that have no records for the treaties named: said in the answer.
    without_records: tuple[str, ...] = ()
    filtered_out: tuple[str, ...] = ()  # names the question gave that explicit filters replaced ("the X")
    asks_text: bool = False  # what the treaty itself says ("what does article 9 of CEDAW provide?")
    # Articles whose text speaks of the question's subject, when it names none ("adoption": 21).
    subject_articles: tuple[str, ...] = ()
    # (party, treaty named, treaty it is filed under) where a party's entry only points elsewhere.
    filed_under: tuple[tuple[str, str, str], ...] = ()
    # "... but not the Y": the states listed are those without the same records for these.
    excluded_treaties: tuple[str, ...] = ()
    # The groups of states the question names, as answers name them ("EU member states").
    state_groups: tuple[str, ...] = ()
    asks_others: bool = False  # "another state", "any other country": besides those asked about before
    other_than: tuple[str, ...] = ()  # the states "other" leaves out (the conversation's)
    # A record's text the question asks for others like ("the same", "something similar").
    like: str = ""
    asks_list: bool = False  # "which states", "list", "how many countries"
    text_words: bool = False  # "provide", "say", "which article": words that ask for a treaty's text
    # Where the question names states, treaties, articles and kinds, as written: a follow-up
    # puts its names in their place ("And Egypt?").
    mentions: Mentions = field(default_factory=lambda: Mentions([], [], [], []), compare=False, repr=False)

    @property
    def subject(self) -> str:
        """What is asked about, without the words that ask: "adoption", "the right to strike"."""
        words = re.sub(r"[^\w\s'’-]", " ", _ASKING.sub(" ", self.topic)).split()
        while words and words[0].lower() in _FILLERS:
            words.pop(0)
        while words and words[-1].lower() in _FILLERS:
            words.pop()
        return " ".join(words)

    @property
    def concerned(self) -> tuple[str, ...]:
        """The articles asked about: named, or found by their subject."""
        return self.articles or self.subject_articles

    @property
    def ambiguous_treaty(self) -> bool:
        return bool(self.treaty_choices)

    def read_as(self) -> str:
        """How the question was read, in one line for the audit log: 'intent: content;
        treaties: ...; parties: ...; articles: 9; kinds: reservation; subject: ...'."""
        parts = {
            "intent": "treaty text" if self.asks_text else self.intent,
            "treaties": "; ".join(self.treaties),
            "not": "; ".join(self.excluded_treaties),
            "groups": ", ".join(self.state_groups),
            "other than": ", ".join(self.other_than),
            "parties": ", ".join(self.parties),
            "articles": ", ".join(self.concerned),
            "kinds": ", ".join(k.value for k in self.kinds),
            "subject": self.subject if self.topic_terms else "",
        }
        return " | ".join(f"{name}: {value}" for name, value in parts.items() if value)

    def scope(self) -> Scope:
        """Where to search: status questions in status records, others anywhere but there."""
        if self.intent == "status":
            return Scope(self.parties, self.treaties, (Kind.STATUS,))
        if self.asks_text:
            return Scope((), self.treaties, (Kind.TREATY_TEXT,))
        # Objections to a state's statements are searched among those that name it: one
        # objection often names several states, and ranks low for any one of them.
        return Scope(self.parties, self.treaties, exclude=NOT_STATEMENTS, objecting_to=self.objected_to)


class GroupNames:
    """The phrases that name a group's states ("EU states", "members of the EU", "in
    Africa"): one pattern over the groups' names and adjectives, compiled once."""

    def __init__(self, groups: Mapping[str, StateGroup]) -> None:
        self.by_adjective: dict[str, tuple[str, ...]] = {}
        self.by_name: dict[str, tuple[str, ...]] = {}
        for key, group in groups.items():
            for adjective in group.adjectives:
                self.by_adjective[adjective.lower()] = (*self.by_adjective.get(adjective.lower(), ()), key)
            for name in (n.removeprefix("the ").lower() for n in group.names):
                self.by_name[name] = (*self.by_name.get(name, ()), key)
        nouns, adjective, name = (_alternation(w) for w in (_GROUP_NOUNS, self.by_adjective, self.by_name))
        self.pattern = re.compile(
            rf"(?<![\w-])(?:(?P<adjective>{adjective})\s+(?:{nouns})"
            rf"|(?:{nouns})\s+(?:of|in|from)\s+(?:the\s+)?(?P<of>{name})"
            rf"|in\s+(?:the\s+)?(?P<within>{name})|(?P<name>{name})\s+(?:{nouns}))(?![\w-])",
            re.I,
        )

    def find(self, text: str, taken: Sequence[Span]) -> list[tuple[Span, tuple[str, ...]]]:
        """(span, group keys) in order, outside the `taken` spans."""
        found = []
        for m in self.pattern.finditer(text):
            if overlaps(m.span(), taken):
                continue
            word = " ".join(m.group(m.lastgroup or "").lower().split())
            found.append(
                (m.span(), (self.by_adjective if m.lastgroup == "adjective" else self.by_name)[word])
            )
        return found


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


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


# A date is asked for ("When did X ratify", "on what date ..."). A yes/no question is about
# status only when it asks nothing else ("Has X signed?", not "Did X keep the death penalty
# when it joined?").
_ASKS_DATE = re.compile(
    r"(?:^|[:;]\s*)\W*(?:since\s+)?(?:when|on\s+what\s+date|in\s+what\s+year|what\s+year|which\s+year"
    r"|what\s+date)\b",
    re.I,
)
# References to a state or treaty named earlier: "when did they ratify it?", "this treaty".
SUBJECT_PRONOUN = re.compile(
    rf"\b(they|it)\b(?=\s+(?:\w+\s+)?(?:make|made|{'|'.join(ACT_STEMS)}|enter|declar|reserv"
    r"|object|say|said|mean|withdr|accept|approv|becom|limit|keep|appl))",
    re.I,
)
PRONOUN_AFTER_AUX = re.compile(r"\b(did|does|do|has|have|had|will|would|is|was|were|are)\s+(they|it)\b", re.I)
_A_TREATY = rf"\s+(?:{'|'.join(TREATY_NOUNS)})\b"
TREATY_REFERENCE = re.compile(rf"\b(?:this|that|the\s+same|the){_A_TREATY}", re.I)
TREATY_PRONOUN = re.compile(rf"\b(to|under|of|from|(?:{'|'.join(ACT_STEMS)})\w*)\s+it\b", re.I)
# "The Convention" may be the only one a user's folder holds; "this treaty" points back.
_THIS_TREATY = re.compile(rf"\b(?:this|that|the\s+same){_A_TREATY}", re.I)
_REFERENCES = (SUBJECT_PRONOUN, PRONOUN_AFTER_AUX, _THIS_TREATY, TREATY_PRONOUN)


# What stands between states named together: "France and Germany", "Egypt's, Syria's or Iraq's".
_COORDINATED = re.compile(
    r"^(?:['’]s)?\s*(?:,\s*(?:and|or)?|and|or|&|nor|as\s+well\s+as|versus|vs\.?)\s*(?:the\s+)?$", re.I
)
# A state named here is the one whose statement is objected to, not the objector.
_STATEMENT_NOUN = "|".join(f"{k.value}s?" for k in STATEMENT_KINDS) + "|statements?"
OBJECTED_TO = re.compile(
    r"\bobject\w*\s+(?:\w+\s+){0,3}?(?:to|against)\s+(?:the\s+|a\s+|any\s+)?"
    rf"(?:(?:{_STATEMENT_NOUN})\s+(?:\w+\s+){{0,2}}?(?:of|by)\s+(?:the\s+)?)?$",
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
    held: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a party's name as written: its parties

    def spliced(self, span: Span, text: str, slot: str | None = None) -> Mentions:
        """Where the names are once `span` of the question is `text`: a name of the `slot`
        ("parties", "treaties"), or words that name nothing."""
        start, end = span
        shift = len(text) - (end - start)

        def moved(mentions: list[Mention], name: str) -> list[Mention]:
            kept = [
                ((s + shift, e + shift) if s >= end else (s, e), m)
                for (s, e), m in mentions
                if e <= start or s >= end
            ]
            return sorted([*kept, ((start, start + len(text)), text)]) if name == slot else kept

        return Mentions(
            parties=moved(self.parties, "parties"),
            treaties=moved(self.treaties, "treaties"),
            articles=moved(self.articles, "articles"),
            kinds=moved(self.kinds, "kinds"),
            held=self.held,
        )

    def parties_within(self, span: Span) -> set[str]:
        """The parties named inside `span` ("Swedish" in "the Swedish one")."""
        start, end = span
        return {p for (s, e), m in self.parties if start <= s and e <= end for p in self.held.get(m, ())}

    @property
    def spans(self) -> list[Span]:
        """Where any name is."""
        return [
            span for group in (self.parties, self.treaties, self.articles, self.kinds) for span, _ in group
        ]


class QuestionReader:
    """Built once per catalogue: the names of parties and treaties it holds."""

    def __init__(self, catalogue: Catalogue, names: NameData) -> None:
        import pycountry

        words = plain_words(catalogue)
        self.parties = Gazetteer(words=words)
        by_code: dict[str, list[str]] = {}
        known = set(catalogue.parties)
        for party in catalogue.parties:
            code = _state_code(party, names.states)
            if code:
                by_code.setdefault(code, []).append(party)
            for variant in _spellings(party, known):
                self.parties.add(variant, (party,))
        names_by_code = {code: list(aliases) for code, aliases in names.states.items()}
        for code, people in names.people().items():
            names_by_code.setdefault(code, []).extend(people)
        for country in pycountry.countries:
            found = [getattr(country, a, None) for a in ("name", "official_name", "common_name")]
            names_by_code.setdefault(country.alpha_3, []).extend(n for n in found if n)
        for code, variants in names_by_code.items():
            for name in variants:
                # A state the corpus has no record of maps to its own name, marked absent.
                self.parties.add(name, tuple(by_code.get(code, [])) or (Absent(name),))
        self.territories = Gazetteer(words=words)
        for place, codes in names.territories.items():
            if states := tuple(p for code in codes for p in by_code.get(code, ())):
                self.territories.add(place, states)
        self.treaties = TreatyNames(catalogue.adopted, names, words)
        self.catalogue = catalogue
        # Groups of states ("EU states", "in Africa") and neighbours, as the parties of the corpus.
        self.groups = GroupNames(names.groups)
        self.group_members = {
            key: tuple(p for code in group.members for p in by_code.get(code, ()))
            for key, group in names.groups.items()
        }
        self.group_labels = {key: group.label for key, group in names.groups.items()}
        self.codes = {party: code for code, parties in by_code.items() for party in parties}
        self.neighbours = {
            code: tuple(p for near in codes for p in by_code.get(near, ()))
            for code, codes in names.borders.items()
        }
        self.abbreviations = frozenset(names.word_forms)

    @lru_cache(maxsize=1024)  # noqa: B019 (one reader per catalogue, kept as long as it is)
    def read(self, question: str) -> Understanding:
        """The question's frame. A conversation gives its earlier questions again with each
        follow-up: each text is read once, and kept."""
        return self.settled(self._frame(question))

    def _frame(self, question: str) -> Understanding:
        mentions = named_treaties = self.treaties.find(question)
        # A treaty named again by a word of its subject ("the Convention against Torture define
        # torture") leaves that word to what is asked.
        repeated = [
            m for i, m in enumerate(mentions) if m.titles and m.titles in (n.titles for n in mentions[:i])
        ]
        mentions = [m for m in mentions if m not in repeated]
        taken = [m.span for m in mentions]  # the words that name: what is asked is the rest
        found_groups = self._groups(question, taken)
        grouped = [(label, members) for _, label, members in found_groups]
        taken += [span for span, _, _ in found_groups]
        # A territory stands for its state, and stays in the topic: the records that concern it answer.
        territories = self.territories.find(question, taken)
        named = self._parties(
            question,
            [*taken, *(span for span, _, _ in territories)],
            tuple(t for m in mentions for t in m.titles),
        )
        taken += named.spans
        groups, absent_parties, objected_to = named.groups, named.absent, named.objected_to
        if territories and not groups:
            groups = tuple(dict.fromkeys(held(states) for _, _, states in territories))
        if members := tuple(dict.fromkeys(p for _, ps in grouped for p in ps)):
            groups = (*groups, members)  # searched together: one group, not one search a state
        absent_parties = (*absent_parties, *(label for label, ps in grouped if not ps))
        parties = tuple(dict.fromkeys(p for group in groups for p in group))
        excluded = tuple(
            dict.fromkeys(t for m in mentions if _EXCEPT.search(question[: m.span[0]]) for t in m.titles)
        )
        treaties = tuple(t for t in dict.fromkeys(t for m in mentions for t in m.titles) if t not in excluded)
        absent_treaties = [m.text for m in mentions if not m.titles]
        if not treaties:
            absent_treaties += [
                m.group(0)
                for m in ACRONYM.finditer(question)
                if not overlaps(m.span(), taken)
                and _TREATY_SLOT.search(question[: m.start()])
                and m.group(0).lower() not in self.abbreviations  # "the UN" is no treaty's name
            ]
        # Kinds and acts are read from what is asked, not from names ("objects launched into outer
        # space", "Optional Protocol ... on a communications procedure").
        topic = _without(question, taken)
        topic_terms = terms(topic)
        kinds = kinds_named(topic)
        # An article asks about content, whatever verb asks it; one in a treaty's name
        # ("Amendments to articles 24 and 25 of ...", "... under Article 36, paragraph 2") is the treaty's.
        in_titles = {a.split("(")[0] for t in treaties for a in extract_articles(t)}
        articles = tuple(
            a
            for a in _articles(_without(question, [m.span for m in mentions], keep_length=True))
            if a.split("(")[0] not in in_titles
        )
        facts = tuple(f for f, words in STATUS_WORDS.items() if re.search(rf"\b(?:{words})\b", topic, re.I))
        return Understanding(
            question=question,
            parties=parties,
            party_groups=groups,
            absent_parties=absent_parties,
            treaties=treaties,
            absent_treaties=tuple(dict.fromkeys(absent_treaties)),
            treaty_choices=tuple(
                m.titles for m in mentions if len(m.titles) > 1 and m.titles[0] not in excluded
            ),
            excluded_treaties=excluded,
            state_groups=tuple(label for label, _ in grouped),
            articles=articles,
            kinds=kinds,
            kind_asked=bool(kinds and KIND_ASKED.search(topic)),
            status_facts=facts,
            unknown_names=_unknown_names(question, taken),
            topic=topic,
            topic_terms=topic_terms,
            places=tuple(dict.fromkeys(place for _, place, _ in territories)),
            asks_date=bool(_ASKS_DATE.search(topic)),
            objected_to=objected_to,
            without_records=named.without_records,
            refers_back=any(p.search(topic) for p in _REFERENCES),
            asks_others=bool(OTHER_STATES.search(question)),
            asks_list=bool(_LIST.search(question)),
            text_words=bool(TEXT_ASKED.search(question)),
            mentions=Mentions(
                parties=[(span, mention) for span, mention, _ in named.found],
                # A treaty's "the" goes with it: "the VCDR" is replaced by "the Convention against Torture".
                treaties=[_with_article(question, m.span) for m in named_treaties],
                articles=article_spans(question),
                kinds=[(m.span(), m.group(0)) for m in KIND_NOUN.finditer(question)],
                held={mention: targets for _, mention, targets in named.found},
            ),
        )

    def settled(self, u: Understanding) -> Understanding:
        """What the frame asks, from what it names: a list of states, status dates or
        content, and whether it asks for the treaty's own text. A follow-up's frame is
        settled again once the conversation has filled it in."""
        if ((u.asks_list or u.asks_others) and len(u.parties) != 1) or (u.state_groups and u.treaties):
            intent: Intent = "list"
        elif (
            u.status_facts
            and not (u.kinds or u.articles)
            and u.parties
            and (u.asks_date or not u.topic_terms)
        ):
            # When a party signed, ratified...; without a party it is a question about the treaty.
            intent = "status"
        else:
            intent = "content"
        asks_text = bool(
            u.treaties
            and not (u.parties or u.kinds or u.objected_to)
            and intent == "content"
            and u.text_words
            and any(self.catalogue.kinds_of(None, t)[Kind.TREATY_TEXT] for t in u.treaties)
        )
        return replace(u, intent=intent, asks_text=asks_text)

    def _groups(self, question: str, taken: Sequence[Span]) -> list[tuple[Span, str, tuple[str, ...]]]:
        """(span, label, member parties) of the groups of states the question names, in
        order: by the group's name ("EU states", "in Africa") or as a state's neighbours
        ("countries bordering Kenya"). Their spans are taken: neither the group's name nor
        the state bordered is a party of the question."""
        found = [
            (span, self.group_labels[key], self.group_members[key])
            for span, keys in self.groups.find(question, taken)
            for key in keys
        ]
        bordering = _NEIGHBOURLY.search(question)
        claimed = [*taken, *(span for span, _, _ in found)]
        for span, words, targets in self.parties.find(question, claimed) if bordering else []:
            before = _NEIGHBOURS_BEFORE.search(question[: span[0]])
            after = _NEIGHBOURS_AFTER.match(question[span[1] :])
            if not (before or after):
                continue
            members = self.bordering(held(targets))
            whole = (before.start() if before else span[0], span[1] + (after.end() if after else 0))
            found.append((whole, f"neighbours of {words}", members))
        return sorted(found)

    def bordering(self, parties: Iterable[str]) -> tuple[str, ...]:
        """The parties of the corpus whose land borders one of these."""
        codes = dict.fromkeys(code for p in parties if (code := self.codes.get(p)))
        return tuple(dict.fromkeys(p for code in codes for p in self.neighbours.get(code, ())))

    def about(self, u: Understanding, text: str, articles: tuple[str, ...] = ()) -> Understanding:
        """The question asking about `text` ("the same", "something similar": what the
        previous answer quoted) as its topic, and about `articles` if it names none."""
        return replace(u, topic=text, topic_terms=terms(text), articles=u.articles or articles, like=text)

    def _parties(self, question: str, taken: Sequence[Span], treaties: tuple[str, ...]) -> _Named:
        """Parties named (grouped by name), and states named that the corpus has no record
        of. Of several parties named, those without records for the treaties named are
        set apart ("can the United Nations buy land in Lithuania under ..."), and so are
        those not named together with the first ("did Kuwait say that ... meant recognising
        Israel?"): they stay in the topic as words. A place the corpus has no record of
        ("in Hong Kong") stays there too. A state whose reservation is objected to ("did
        anyone object to Qatar's reservation?") is returned apart, and stays in the topic."""
        present: list[tuple[Span, tuple[str, ...]]] = []
        absent: list[str] = []
        absent_spans: list[Span] = []
        objected_to: list[str] = []
        treaty_starts = {start for start, _ in taken}
        found = self.parties.find(question, taken)
        for span, _, targets in found:
            owner = re.match(r"['’]s\s+", question[span[1] :])
            if owner and span[1] + owner.end() in treaty_starts:
                continue  # "the Council of Europe's Budapest Convention": whose treaty it is
            elif OBJECTED_TO.search(question[: span[0]]):
                objected_to += held(targets)
            elif not held(targets):
                if _PLACE_BEFORE.search(question[: span[0]]):
                    continue
                absent += map(spelt, targets)
                absent_spans.append(span)
            else:
                present.append((span, held(targets)))
        holding = [
            (span, group)
            for span, group in present
            if any(self.catalogue.kinds_of(p, t) for p in group for t in treaties)
        ]
        candidates = holding if treaties and holding else present
        together = 1
        while together < len(candidates) and _COORDINATED.match(
            question[candidates[together - 1][0][1] : candidates[together][0][0]]
        ):
            together += 1
        kept = candidates[:together]
        without = [group for span, group in present if candidates is holding and (span, group) not in holding]
        return _Named(
            groups=tuple(dict.fromkeys(group for _, group in kept)),
            absent=tuple(dict.fromkeys(absent)),
            objected_to=tuple(dict.fromkeys(objected_to)),
            without_records=tuple(dict.fromkeys(p for group in without for p in group)),
            spans=(*absent_spans, *(span for span, _ in kept)),
            found=tuple((span, mention, held(targets)) for span, mention, targets in found),
        )


def _spellings(party: str, parties: set[str]) -> set[str]:
    """How people write a party's name: 'Bolivia' for 'Bolivia (Plurinational State of)',
    'St Lucia' and 'Saint Lucia' for 'St. Lucia', 'St Vincent' for 'St. Vincent and the
    Grenadines' (not 'Serbia' for 'Serbia and Montenegro', where Serbia is a party too)."""
    names = {party, re.sub(r"\s*\(.*\)$", "", party)}
    names |= {first for n in names if " and " in n and (first := n.split(" and ")[0]) not in parties}
    return names | {re.sub(r"^St\.\s", prefix, n) for n in names for prefix in ("St ", "Saint ")}


def plain_words(catalogue: Catalogue) -> frozenset[str]:
    """The lower-case words of the records' own texts (status rows are only names and
    dates) and English's commonest words, of three letters or more: in lower case, these
    are never acronyms."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    texts = (r.text for r in catalogue.records if r.kind is not Kind.STATUS)
    return frozenset(STOPWORDS_EN_PLUS) | {w for text in texts for w in re.findall(r"\b[a-z]{3,8}\b", text)}


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


def _without(text: str, spans: list[Span], keep_length: bool = False) -> str:
    """The text with the spans blanked out (and, unless `keep_length`, spaces folded)."""
    kept = "".join(" " if any(s <= i < e for s, e in spans) else c for i, c in enumerate(text))
    if keep_length:
        return kept
    return " ".join(re.sub(r"(?<!\w)['’]s\b", " ", kept).split())  # "Azerbaijan's" leaves no "'s"


# Words that only ask for records of a party to a treaty; what remains is what the records must say.
_ASKING = re.compile(
    rf"\b(?:{'|'.join(NOUNS.values())}|{'|'.join(STATUS_WORDS.values())}|make|made|makes|enter|entered|lodge"
    r"|lodged|formulate|formulated|say|says|said|state|stated|mention|mentioned|anything|any|article|articles"
    rf"|paragraph|paragraphs|provision|provisions|{'|'.join(TREATY_NOUNS)}|under|regarding"
    r"|yet|already|ever|still|so\s+far|by\s+now|actually|formally|officially|states|countries|governments"
    r"|nations|other|others|else"
    r"|concerning|about|upon|tell|me|give|show|list|all|its|their|there|what|which|when|who|whom|whose|how"
    r"|did|does|do|is|are|was|were|has|have|had|been|can|could|will|would|shall|should|may|might|since)\b",
    re.I,
)


_FILLERS = frozenset("the a an to of in on for by with at from".split())


def terms(topic: str) -> tuple[str, ...]:
    """The word stems of a topic beyond asking for records."""
    return stems(_ASKING.sub(" ", topic))


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
