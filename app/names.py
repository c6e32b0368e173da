"""Resolving the names people give treaties and states to the names the corpus uses.

Treaties are resolved from the catalogue's own titles, so that a treaty nobody listed
is still found by the words of its title in any order, its year, or an acronym of its
title. Aliases that share little with a title ("Budapest Convention", "CAT") are data
(`aliases.toml`), not code. A phrase that fits several treaties resolves to all of
them; a named treaty that fits none is reported as absent, never replaced by another."""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ValidationError

from app.errors import ConfigError
from ingest.sources import ALIASES_NAME, BUNDLED_CORPUS, GROUPS_NAME
from ingest.vocabulary import TEXT_VERBS, TREATY_HEADS, YEAR

# --- the data file --------------------------------------------------------------------


class StateGroup(BaseModel):
    """A group of states of `groups.toml`: how it is named, its members (ISO alpha-3)."""

    label: str
    names: list[str] = []
    adjectives: list[str] = []
    members: list[str]
    source: str


class NameData(BaseModel):
    """The tables of `aliases.toml` and `groups.toml` (see the bundled files for what each holds)."""

    treaties: dict[str, list[str]] = {}
    states: dict[str, list[str]] = {}
    territories: dict[str, list[str]] = {}
    demonyms: dict[str, list[str]] = {}
    word_forms: dict[str, str] = {}
    groups: dict[str, StateGroup] = {}
    borders: dict[str, list[str]] = {}

    def people(self) -> dict[str, list[str]]:
        """Each state's demonyms, with the plurals in -s of those ending in -n or -i."""
        return {
            code: [*words, *(w + "s" for w in words if w[-1] in "ni")]
            for code, words in self.demonyms.items()
        }

    def merged(self, other: NameData) -> NameData:
        treaties = {t: [*self.treaties.get(t, []), *a] for t, a in other.treaties.items()}
        states = {c: [*self.states.get(c, []), *a] for c, a in other.states.items()}
        return NameData(
            treaties=self.treaties | treaties,
            states=self.states | states,
            territories=self.territories | other.territories,
            demonyms=self.demonyms | {c: [*self.demonyms.get(c, []), *a] for c, a in other.demonyms.items()},
            word_forms=self.word_forms | other.word_forms,
            groups=self.groups | other.groups,
            borders=self.borders | other.borders,
        )


@cache
def _read(path: Path) -> NameData:
    try:
        return NameData.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"{path}: not a valid names file ({exc}); fix it or remove it.") from exc


def load_names(corpus_dir: Path | None = None) -> NameData:
    """The bundled aliases and groups, plus those of the configured corpus folder if it has its own."""
    data = NameData()
    for name in (ALIASES_NAME, GROUPS_NAME):
        data = data.merged(_read(BUNDLED_CORPUS / name))
        if corpus_dir is not None:
            own = corpus_dir / name
            if own.is_file() and own.resolve() != (BUNDLED_CORPUS / name).resolve():
                data = data.merged(_read(own))
    return data


# --- exact names ------------------------------------------------------------------------

Span = tuple[int, int]


def overlaps(span: Span, taken: Iterable[Span]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in taken)


def _pattern(variants: Iterable[str], flags: int) -> re.Pattern[str] | None:
    ordered = sorted(set(variants), key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(v) for v in ordered)})(?!\w)", flags)


@dataclass(frozen=True)
class Absent:
    """What a name means when the corpus holds no record of it ("Wakanda", a treaty the
    data knows and the corpus lacks): reported by this name, never answered from."""

    name: str


Target = str | Absent
Targets = tuple[Target, ...]


def held(targets: Targets) -> tuple[str, ...]:
    """The targets the corpus holds records of."""
    return tuple(t for t in targets if isinstance(t, str))


def spelt(target: Target) -> str:
    return target.name if isinstance(target, Absent) else target


@dataclass
class Gazetteer:
    """Variant spelling -> targets, matched longest-first without overlaps."""

    targets: dict[str, Targets] = field(default_factory=dict)
    exact: dict[str, Targets] = field(default_factory=dict)  # short acronyms: case-sensitive
    # Lower-case words of ordinary text: an acronym of three letters or more is also matched
    # in lower case ("crc", "vclt"), unless it is one of these ("who", or "cat" where the
    # texts use it as a word).
    words: frozenset[str] = frozenset()
    _compiled: list[tuple[re.Pattern[str] | None, dict[str, Targets], bool]] | None = field(
        default=None, init=False, repr=False
    )

    def add(self, variant: str, targets: Targets, *, exact: bool = False) -> None:
        """`exact`: matched only as spelled (derived acronyms); short capitals always are."""
        variant = " ".join(variant.split())
        table, key = (
            (self.exact, variant)
            if exact or (len(variant) <= 5 and variant.replace(".", "").isupper())
            else (self.targets, variant.lower())
        )
        # A name of several targets means all of them ("Moldova" spelt two ways in the sources).
        table[key] = tuple(dict.fromkeys(table.get(key, ()) + targets))
        lower = key.lower()
        # Two letters in lower case are too often a word ("us", "un") to be a name.
        if (
            table is self.exact
            and lower != key
            and lower.isalpha()
            and len(lower) > 2
            and lower not in self.words
        ):
            self.exact[lower] = tuple(dict.fromkeys(self.exact.get(lower, ()) + targets))
        self._compiled = None  # the patterns hold every variant: compiled again once, when next used

    def _patterns(self) -> list[tuple[re.Pattern[str] | None, dict[str, Targets], bool]]:
        if self._compiled is None:
            self._compiled = [
                (_pattern(self.targets, re.I), self.targets, True),
                (_pattern(self.exact, 0), self.exact, False),
            ]
        return self._compiled

    def find(self, text: str, taken: Sequence[Span]) -> list[tuple[Span, str, Targets]]:
        """(span, mention, targets) in order of appearance, outside the `taken` spans and
        each other's."""
        found = []
        claimed = list(taken)
        for pattern, table, folded in self._patterns():
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                if overlaps(m.span(), claimed):
                    continue
                claimed.append(m.span())
                key = " ".join((m.group(0).lower() if folded else m.group(0)).split())
                found.append((m.span(), m.group(0), table[key]))
        return sorted(found)


# --- treaties by the words of their titles ------------------------------------------------

# Instruments that belong to another: "Protocol to ...", "Amendment to ...", "Annex IX ... to ...".
_SUBSIDIARY = frozenset({"protocol", "amendment", "annex"})
# Words of titles that tell no treaty from another.
_GENERIC = TREATY_HEADS | frozenset(
    """international treaties the of on and to for in a an against relating all forms other
    with from by at as or its their concerning establishing amending certain between article articles
    paragraph anti""".split()
)
# Where a treaty's name stops: the question goes on with what it asks.
_STOP_BEFORE = frozenset(
    """the a an to under of in on by with did does do has have had what which when who whom how and or for
    this that these those its their is are was were about regarding concerning per""".split()
)
_STOP_AFTER = frozenset(
    """did does do has have had is are was were what which when who whom how why make made makes say says said
    that this these those apply applies applied mean means reserve reserved declare declared object objected
    ratify ratified sign signed accede acceded join joined regarding about with respect""".split()
) | frozenset(TEXT_VERBS)
_CONNECTORS = frozenset("on of for against relating concerning establishing amending to".split())
# Head words that in lower case are mostly ordinary nouns ("prior agreement", "its
# constitution"): such a phrase names a treaty only when it fits a title.
_COMMON_HEADS = frozenset("agreement constitution charter statute pact amendment annex".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d{4}")
_YEAR = re.compile(rf"^{YEAR}$")
_ROMAN = re.compile(r"[IVX]{1,5}")
# The organisation a title establishes or constitutes: "Agreement establishing the African
# Development Bank", "Constitution of the World Health Organization".
_ORGANISATION = re.compile(
    r"\b(?:establishing|Establishing|Constitution\s+of|Statute\s+of)\s+the\s+"
    r"([A-Z][\w'’-]*(?:\s+(?:(?:of|for|on|and|the|in)\s+)*[A-Z][\w'’-]*)*)"
)
_EXPANDED = re.compile(r"((?:[A-Z][\w'’-]*\s+(?:(?:of|for|on|and|the)\s+)*)+)\(([A-Z]{2,8})\)")
_TRAILING = re.compile(r"(?:\s+(?:of|for|on|and|the|in))+$")
# Capitalised letters standing alone (no lower-case neighbours): an acronym such as "ICESCR".
ACRONYM = re.compile(r"(?<![\w-])[A-Z]{2,8}(?:-[A-Z0-9]{1,4})?(?![\w-])")


def acronyms(title: str) -> set[str]:
    """Acronyms people make of a title: 'International Covenant on Civil and Political
    Rights' -> ICCPR; 'Convention on the Elimination of All Forms of Discrimination
    against Women' -> CEDAW (the filler words 'all forms of' skipped)."""
    name = re.split(r",\s*(?:\d{4}|as amended)", title)[0]
    found = set()
    filler = {"of", "the", "and", "on", "to", "in", "for", "a", "an", "with"}
    for skip in (filler, filler | {"all", "forms", "other"}):
        letters = "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in skip).upper()
        if 3 <= len(letters) <= 7:
            found.add(letters)
            if letters.startswith("UN") and len(letters) > 4:
                found.add(letters[2:])
    return found


def _pairs(text: str) -> set[tuple[str, str]]:
    words = [w.lower() for w in _WORD.findall(text) if w.lower() not in {"the", "a", "an"}]
    return set(itertools.pairwise(words))


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int
    stop_after: bool = False  # the word ended with ?, ; or similar


@dataclass(frozen=True)
class TreatyMention:
    """A phrase of the question that names a treaty, and the titles it may mean:
    none (a treaty the corpus does not hold), one, or several (ambiguous)."""

    span: Span
    text: str
    titles: tuple[str, ...]


class TreatyNames:
    """Resolves treaty names against the titles of one catalogue."""

    def __init__(
        self, titles: dict[str, str | None], data: NameData, words: frozenset[str] = frozenset()
    ) -> None:
        """`titles`: each title the corpus holds -> its place and date of adoption, if known;
        `words`: lower-case words of ordinary text, never read as acronyms."""
        self.word_forms = data.word_forms
        self.titles = list(titles)
        self.stems = {t: set(self._stems(t)) for t in self.titles}
        # "The Espoo Convention", "a Vienna Convention": the place of adoption names a treaty too.
        self.places = {t: set(self._stems(re.split(r"\d", titles[t] or "")[0])) for t in self.titles}
        df = Counter(s for t in self.titles for s in self.stems[t] | self.places[t])
        self.idf = {s: math.log((len(self.titles) + 1) / (n + 0.5)) for s, n in df.items()}
        self.years = {t: set(re.findall(rf"\b{YEAR}\b", f"{t} {titles[t] or ''}")) for t in titles}
        self.subsidiary = {t: self._head(t) in _SUBSIDIARY for t in self.titles}
        self.gazetteer = Gazetteer(words=words)
        self.aliases: dict[str, list[str]] = {}  # title -> the names aliases.toml gives it
        self.absent: dict[str, set[str]] = {}  # title -> its stems, of the treaties below the corpus lacks
        known = set(self.titles)
        for title in self.titles:
            self.gazetteer.add(title, (title,))
            for acronym in acronyms(title):
                self.gazetteer.add(acronym, (title,), exact=True)
            # "The African Development Bank", "UNIDO", "WHO": the organisation a treaty
            # establishes or constitutes names it (and the instruments amending it).
            for organisation in _ORGANISATION.findall(title):
                organisation = _TRAILING.sub("", organisation)
                if len(organisation.split()) > 1:
                    self.gazetteer.add(organisation, (title,))
                    for acronym in acronyms(organisation):
                        self.gazetteer.add(acronym, (title,), exact=True)
        # "International Maritime Organization (IMO)": the organisation and its acronym name
        # every title that names the organisation.
        spelt_out = {
            (" ".join(full.split()), short) for t in self.titles for full, short in _EXPANDED.findall(t)
        }
        for full, short in spelt_out:
            if short in acronyms(full):
                for holder in (t for t in self.titles if full in t):
                    self.gazetteer.add(full, (holder,))
                    self.gazetteer.add(short, (holder,), exact=True)
        for title, aliases in data.treaties.items():
            # A title spelt a little differently in the corpus is still found by its words;
            # one it does not hold is Absent: its aliases name an absent treaty.
            spelling = (title,) if title in known else self.resolve(title)
            target: Targets = spelling if len(spelling) == 1 else (Absent(title),)
            for alias in [title, *aliases]:
                self.gazetteer.add(alias, target)
            if len(spelling) == 1:
                self.aliases.setdefault(spelling[0], []).extend(aliases)
        # Treaties the data knows and the corpus does not hold: a name that fits one of them
        # as well as any title held names it ("the diplomatic relations convention" on a
        # store without the Vienna Convention is not the Protected Persons Convention).
        self.absent = {  # (resolving the aliases above needed it empty)
            title: set(self._stems(title))
            for title in data.treaties
            if title not in known and len(self.resolve(title)) != 1
        }

    def _stems(self, text: str) -> list[str]:
        from app.lexical import stem

        words = []
        for token in _WORD.findall(text):
            # "anti-racism" is "anti" and "racism"; "Azerbaijan's" is "Azerbaijan".
            for word in token.lower().removesuffix("'s").removesuffix("’s").rstrip("'’").split("-"):
                words += self.word_forms.get(word, word).split()
        kept = [w for w in words if not {w, w.removesuffix("s")} & _GENERIC and not _YEAR.match(w)]
        return stem(kept)

    def _absent_fit(self, phrase: str, beat: float = 0.0) -> str | None:
        """The treaty the data knows and the corpus lacks that the phrase fits best (most
        of its words in the title), if it fits one better than `beat`."""
        asked = set(self._stems(phrase))
        unknown = math.log(len(self.titles) + 1)
        least = 0.6 * sum(self.idf.get(s, unknown) for s in asked)
        fits = [
            (score, title)
            for title, stems in self.absent.items()
            if (score := sum(self.idf.get(s, unknown) for s in asked & stems)) > beat and score >= least
        ]
        return max(fits)[1] if fits else None

    def among(self, words: str, titles: Iterable[str]) -> list[str]:
        """Of `titles`, those with all of `words` in the title or one of its aliases (word
        forms and stems allowed, generic words included): "the UN one" of two cybercrime
        conventions is the United Nations', "the Council of Europe one" the other."""
        from app.lexical import stem

        def bag(text: str) -> set[str]:
            expanded = " ".join(self.word_forms.get(w.lower(), w.lower()) for w in _WORD.findall(text))
            return set(stem(expanded.split()))

        wanted = bag(words)
        return [t for t in titles if wanted and any(wanted <= bag(n) for n in [t, *self.aliases.get(t, [])])]

    @staticmethod
    def _head(title: str) -> str | None:
        return next((w.removesuffix("s") for w in re.findall(r"[a-z]+", title.lower()) if _is_head(w)), None)

    def find(self, question: str, taken: Sequence[Span] = ()) -> list[TreatyMention]:
        """The treaties the question names, in order, outside the `taken` spans (other names)."""
        exact = self.gazetteer.find(question, taken)
        by_words = self._by_title_words(question, [*taken, *(span for span, _, _ in exact)], exact)
        # A phrase that resolves replaces the exact names inside it ("ICCPR optional protocol").
        resolved = [m.span for m in by_words if m.titles]
        mentions = [
            # A known name of a treaty the corpus does not hold is reported by its title.
            TreatyMention(span, text, present)
            if (present := held(targets))
            else TreatyMention(span, spelt(targets[0]), ())
            for span, text, targets in exact
            if not overlaps(span, resolved)
        ]
        return sorted(mentions + by_words, key=lambda m: m.span)

    def _by_title_words(
        self, question: str, taken: Sequence[Span], exact: list[tuple[Span, str, Targets]]
    ) -> list[TreatyMention]:
        # Exact names stand for their title's words, so "ICCPR optional protocol" reads
        # as the protocol's title; other names taken (states) end a phrase.
        named = {span: targets for span, _, targets in exact}
        tokens: list[_Token] = []
        for m in _WORD.finditer(question):
            if overlaps(m.span(), taken) and not overlaps(m.span(), named):
                tokens.append(_Token("", m.start(), m.end(), stop_after=True))
            else:
                ends = bool(re.match(r"\s*[?;!]", question[m.end() :]))
                tokens.append(_Token(m.group(0), m.start(), m.end(), ends))
        found: list[TreatyMention] = []
        for i, token in enumerate(tokens):
            if not _is_head(token.word) or overlaps((token.start, token.end), [m.span for m in found]):
                continue
            first, last = self._phrase(tokens, i)
            mention = self._resolve_phrase(question, tokens, first, i, last, named)
            # "Europe's cybercrime convention": a possessive that leaves the name unresolved is its owner.
            owner = max(
                (j + 1 for j in range(first, i) if tokens[j].word.endswith(("'s", "’s"))), default=None
            )
            if owner is not None and (mention is None or not mention.titles):
                mention = self._resolve_phrase(question, tokens, owner, i, last, named) or mention
            if mention is None:
                continue
            # Of two readings that overlap ("IMO Convention", "IMO Convention amendments"), the longer.
            shorter = [other for other in found if overlaps(other.span, [mention.span])]
            if any(o.span[1] - o.span[0] >= mention.span[1] - mention.span[0] for o in shorter):
                continue
            found = [other for other in found if other not in shorter]
            found.append(mention)
        return found

    def _resolve_phrase(
        self,
        question: str,
        tokens: list[_Token],
        first: int,
        head: int,
        last: int,
        named: dict[Span, Targets],
    ) -> TreatyMention | None:
        """The longest reading of the phrase that fits a title, shortened from its end
        ("the 1953 Protocol for ... the Poppy Plant took effect"); the phrase itself,
        fitting no title, when it names a treaty the corpus does not hold; None when it
        is no name ("the Convention") or only repeats an exact name."""
        outer: Span = (tokens[first].start, tokens[last].end)
        # The rest of the question, with the titles of the names in it ("the cedaw
        # committee ... under the optional protocol": CEDAW's protocol).
        elsewhere = [min(map(spelt, named[s]), key=len) for s in named if not overlaps(s, [outer])]
        context = " ".join([question[: outer[0]], question[outer[1] :], *elsewhere])
        years = _years(question[outer[0] : outer[1]])  # a year given holds for every reading
        for end in range(last, head - 1, -1):
            span = (tokens[first].start, tokens[end].end)
            covered = [s for s in named if overlaps(s, [span])]
            if covered and all(s[0] <= span[0] and span[1] <= s[1] for s in covered):
                return None  # one exact name, already resolved
            own = " ".join(t.word for t in tokens[first : end + 1] if not overlaps((t.start, t.end), named))
            # A name of several titles ("WHO": its constitution and each amendment) stands
            # for the words they share, which the shortest of them has.
            titles = [min(map(spelt, named[s]), key=len) for s in covered]
            if not self._stems(own + " " + " ".join(titles)) and not years:
                if end == last:
                    return None  # "the Convention", "this treaty": no name
                continue
            if found := self.resolve(own, titles, context, years):
                span = self._trimmed(tokens, first, head, end, named, found)
                return TreatyMention(span, question[span[0] : span[1]], found)
        if any(named[s] for s in named if overlaps(s, [outer])):
            return None  # the exact name inside stands; the other words add nothing known
        if absent := self._absent_fit(question[outer[0] : outer[1]]):
            return TreatyMention(outer, absent, ())  # a treaty the corpus lacks, by its title
        # Named but not held: report the name as far as it looks like one. "the Convention
        # to its islands" names no treaty: only the head word looks like a name.
        end = max(
            (j for j in range(head, last + 1) if tokens[j].word[:1].isupper() or _YEAR.match(tokens[j].word)),
            default=head,
        )
        common = tokens[head].word.islower() and tokens[head].word.removesuffix("s") in _COMMON_HEADS
        if first == head == end or common:
            return None  # "the Convention to its islands", "their specific agreement": no name
        return TreatyMention(
            (tokens[first].start, tokens[end].end), question[tokens[first].start : tokens[end].end], ()
        )

    def _trimmed(
        self,
        tokens: list[_Token],
        first: int,
        head: int,
        end: int,
        named: dict[Span, Targets],
        titles: tuple[str, ...],
    ) -> Span:
        """The span of the name within the phrase that resolved to `titles`: from its first
        to its last word of those titles ("did Pakistan make (Convention against Torture
        ...) opened for signature": the rest is the question's)."""
        words = set().union(*(self.stems[t] | self.places[t] for t in titles))

        def of_title(token: _Token) -> bool:
            return bool(
                overlaps((token.start, token.end), named)
                or _YEAR.match(token.word)
                or _is_head(token.word)
                or set(self._stems(token.word)) & words
            )

        while end > head and not of_title(tokens[end]):
            end -= 1
        while first < head and not of_title(tokens[first]):
            first += 1
        return tokens[first].start, tokens[end].end

    @staticmethod
    def _phrase(tokens: list[_Token], head: int) -> tuple[int, int]:
        """The words around a head word that may belong to the treaty's name: the run
        of words before it ("the 1971 psychotropics convention") and, after a
        connector ("convention on ..."), the words up to where the question goes on."""
        first = head
        while (
            first > 0
            and head - first < 5
            and tokens[first - 1].word
            and not _stops(tokens[first - 1].word, _STOP_BEFORE)
            and not tokens[first - 1].stop_after
        ):
            first -= 1
        last = head
        # A numeral goes with its head: "Protocol IV on Blinding Laser Weapons", "Annex XII".
        if not tokens[head].stop_after and head + 1 < len(tokens) and _ROMAN.fullmatch(tokens[head + 1].word):
            last = head + 1
        if not tokens[last].stop_after and last + 1 < len(tokens):
            nxt = tokens[last + 1].word.lower()
            if nxt in _CONNECTORS or _YEAR.match(nxt) or nxt in TREATY_HEADS:
                while (
                    last + 1 < len(tokens)
                    and last - head < 14
                    and tokens[last + 1].word
                    and not _stops(tokens[last + 1].word, _STOP_AFTER)
                    and not tokens[last].stop_after
                ):
                    last += 1
        # Trailing connectors are not part of the name.
        while last > head and tokens[last].word.lower() in _CONNECTORS | {"the", "and", "a"}:
            last -= 1
        return first, last

    def resolve(
        self, phrase: str, titles: Iterable[str] = (), context: str = "", years: set[str] | None = None
    ) -> tuple[str, ...]:
        """The titles a treaty phrase fits best (exact names in it given as `titles`;
        the rest of the question as `context`, which only breaks ties; the `years` it
        gives, if not those in `phrase`); () for none."""
        asked = set(self._stems(" ".join([phrase, *titles])))
        years = _years(phrase) if years is None else years
        said = [w.lower().removesuffix("s") for w in _WORD.findall(phrase)]  # "protocols" too
        subsidiary = bool(set(said) & (_SUBSIDIARY | {"optional"}))
        head = next((w for w in said if w in TREATY_HEADS), None)
        around = set(self._stems(context)) - asked
        unknown = math.log(len(self.titles) + 1)
        weight = sum(self.idf.get(s, unknown) for s in asked)
        scored = []
        for title in self.titles:
            if years and not years & self.years[title]:
                continue
            # A protocol is not its convention, nor the reverse.
            if self.subsidiary[title] != subsidiary:
                continue
            words = self.stems[title] | self.places[title]
            if not asked and head and self._head(title) != head:
                continue  # by the year alone, only a treaty of the kind named: "the 1967 amendments"
            if asked & words and not asked & self.stems[title] and self._head(title) != head:
                continue  # by the place alone, only a treaty of the kind named: "the Espoo Convention"
            score = sum(self.idf[s] for s in asked & words)
            # Most of what the phrase says must be in the title: "Rome Statute of the
            # International Criminal Court" is not the one title that says "Court".
            if asked and score < 0.6 * weight:
                continue
            hint = sum(self.idf[s] for s in around & self.stems[title])
            coverage = (score + hint) / (sum(self.idf[s] for s in self.stems[title]) or 1)
            scored.append((score, hint, coverage, title))
        if not scored:
            return ()
        best = max(s for s, *_ in scored)
        if not years and self._absent_fit(phrase, beat=best):
            return ()  # a lacking treaty fits the words better (with a year given, the year decides)
        top = [c for c in scored if c[0] >= best - 1e-9]
        hint = max(h for _, h, *_ in top)
        top = [c for c in top if c[1] >= hint - 1e-9]
        # Words in the title's own order decide between titles with the same words
        # ("convention against cybercrime", not "convention on cybercrime").
        said_pairs = _pairs(" ".join([phrase, *titles]))
        order = {t: len(said_pairs & _pairs(t)) for *_, t in top}
        top = [c for c in top if order[c[3]] == max(order.values())]
        # A title the question spells out completely, in its own order, wins over longer
        # ones sharing its words ("Optional Protocol to the ICCPR" over the Second one);
        # otherwise all stay ("the cybercrime convention" is either of two).
        complete = [t for *_, c, t in top if c >= 0.99 and _pairs(t) <= said_pairs]
        return tuple(complete or (t for *_, t in top))


def _stops(word: str, words: frozenset[str]) -> bool:
    """A word where a treaty's name ends; an acronym is a name ("WHO" is not "who")."""
    return word.lower() in words and not word.isupper()


def _is_head(word: str) -> bool:
    """'Convention', 'agreements', 'treaties'."""
    word = word.lower()
    return word in TREATY_HEADS or word.removesuffix("s") in TREATY_HEADS or word == "treaties"


def _years(text: str) -> set[str]:
    return {w for w in _WORD.findall(text) if _YEAR.match(w)}
