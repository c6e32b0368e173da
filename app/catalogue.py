"""All records in memory: who has what, for question understanding, filters,
lists across states and honest "the corpus does not cover this" messages."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ingest.records import Kind, Record


@dataclass(frozen=True)
class Scope:
    """Which records a search may return; empty tuples mean "any". A record in
    scope references one of `articles`, if given, objects to a statement of one of
    `objecting_to`, if given, and is none of `exclude` (`Catalogue.mask` applies the rule)."""

    parties: tuple[str, ...] = ()
    treaties: tuple[str, ...] = ()
    kinds: tuple[Kind, ...] = ()
    articles: tuple[str, ...] = ()
    exclude: tuple[Kind, ...] = (Kind.CROSS_REFERENCE,)
    objecting_to: tuple[str, ...] = ()

    @classmethod
    def filtering(
        cls, party: str | None = None, treaty: str | None = None, kind: Kind | None = None
    ) -> Scope:
        """The scope of an interface's filters: one state, treaty or kind each, or any."""
        return cls((party,) if party else (), (treaty,) if treaty else (), (kind,) if kind else ())

    def owns(self, record: Record) -> bool:
        """The record is of the scope's parties and treaties (where it names any): what
        any answer to a question of this scope may cite."""
        return (not self.parties or record.party in self.parties) and (
            not self.treaties or record.treaty in self.treaties
        )


@dataclass(frozen=True)
class Column:
    """One field of every record, coded, so that records with one of a set of values
    are found by a lookup rather than by comparing strings (a tenth of a question's time)."""

    codes: np.ndarray  # each record's value, as its index in `values`
    values: dict[str, int]

    @classmethod
    def of(cls, fields: Iterable[str]) -> Column:
        values: dict[str, int] = {}
        codes = np.fromiter((values.setdefault(f, len(values)) for f in fields), dtype=np.intp)
        return cls(codes, values)

    def among(self, wanted: Iterable[str]) -> np.ndarray:
        table = np.zeros(len(self.values), dtype=bool)
        table[np.fromiter((self.values[w] for w in wanted if w in self.values), dtype=np.intp)] = True
        return table[self.codes]


def article_matches(asked: str, record_articles: Iterable[str]) -> bool:
    """Asked "29" matches 29(4); asked "24(7)" matches 24(7)(a); asked "6(1)(b)" matches 6(1)."""
    for article in record_articles:
        if article == asked or article.startswith(asked + "(") or asked.startswith(article + "("):
            return True
    return False


def article_matches_any(asked: Iterable[str], record: Record) -> bool:
    return any(article_matches(a, record.articles) for a in asked)


def objects_to(record: Record, states: Iterable[str]) -> bool:
    """The record objects to a statement of one of the states: it speaks of objecting
    and names the state (one objection often names several states)."""
    text = record.text.casefold()
    return "object" in text and any(s.split(" (")[0].casefold() in text for s in states)


def _in_order(record: Record) -> tuple[str, int]:
    """Where the record sits in its source: the order of a treaty's text."""
    return record.source, record.position


class Catalogue:
    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.position = {r.id: i for i, r in enumerate(records)}
        self._party = Column.of(r.party or "" for r in records)
        self._treaty = Column.of(r.treaty or "" for r in records)
        self._kind = Column.of(r.kind.value for r in records)
        # Kinds of record held, by (party, treaty), with None standing for "any".
        self._kinds: dict[tuple[str | None, str | None], Counter[Kind]] = defaultdict(Counter)
        for r in records:
            for key in {(r.party, r.treaty), (r.party, None), (None, r.treaty), (None, None)}:
                self._kinds[key][r.kind] += 1
        self.parties = sorted({r.party for r in records if r.party})
        self.treaties = sorted({r.treaty for r in records if r.treaty})
        # Each treaty's place and date of adoption, where a source gives them.
        self.adopted: dict[str, str | None] = dict.fromkeys(self.treaties)
        for r in records:
            if r.treaty and r.treaty_adopted:
                self.adopted[r.treaty] = r.treaty_adopted
        # A user's notes, say (a treaty's own text names no state it could be asked about).
        self._partyless = [r for r in records if not r.party and r.kind is not Kind.TREATY_TEXT]
        # Each treaty's own text, in the text's order, and its paragraphs by article ("9"):
        # looked up for every citation of a state's record, so never searched for.
        self._text: dict[str, list[Record]] = defaultdict(list)
        self._by_article: dict[str, dict[str, list[Record]]] = defaultdict(dict)
        for r in sorted((r for r in records if r.kind is Kind.TREATY_TEXT and r.treaty), key=_in_order):
            self._text[r.treaty or ""].append(r)
            for article in dict.fromkeys(a.split("(")[0] for a in r.articles):
                self._by_article[r.treaty or ""].setdefault(article, []).append(r)
        self._parties_of: dict[str, set[str]] = defaultdict(set)
        self._treaties_of: dict[str, set[str]] = defaultdict(set)
        for r in records:
            if r.party and r.treaty:
                self._parties_of[r.treaty].add(r.party)
                self._treaties_of[r.party].add(r.treaty)

    def __len__(self) -> int:
        return len(self.records)

    def mask(self, scope: Scope) -> np.ndarray:
        keep = ~self._kind.among(k.value for k in scope.exclude)
        if scope.parties:
            keep &= self._party.among(scope.parties)
        if scope.treaties:
            keep &= self._treaty.among(scope.treaties)
        if scope.kinds:
            keep &= self._kind.among(k.value for k in scope.kinds)
        # Checked record by record, and only where the columns left any.
        if scope.articles:
            for i in np.flatnonzero(keep):
                keep[i] = article_matches_any(scope.articles, self.records[i])
        if scope.objecting_to:
            for i in np.flatnonzero(keep):
                keep[i] = objects_to(self.records[i], scope.objecting_to)
        return keep

    def select(self, scope: Scope) -> list[Record]:
        return [self.records[i] for i in np.flatnonzero(self.mask(scope))]

    def within(self, scope: Scope, records: Iterable[Record]) -> list[Record]:
        """Those of `records` the scope admits, in their order."""
        mask = self.mask(scope)
        return [r for r in records if r.id in self.position and mask[self.position[r.id]]]

    def kinds_of(self, party: str | None, treaty: str | None) -> Counter[Kind]:
        """How many records of each kind the party holds for the treaty (None: any)."""
        return self._kinds.get((party, treaty), Counter())

    def mentioning(self, names: Iterable[str]) -> list[Record]:
        """The records of no party whose text names all of `names` (a user's notes on "Testland")."""
        names = [n.casefold() for n in names]
        return [r for r in self._partyless if all(n in r.text.casefold() for n in names)]

    def text_of(self, treaties: Iterable[str]) -> list[Record]:
        """The treaties' own text, in the text's order."""
        return [r for t in treaties for r in self._text.get(t, ())]

    def provisions(self, treaty: str | None, articles: Iterable[str]) -> list[Record]:
        """The treaty's own text of the articles, in the text's order."""
        asked = tuple(articles)
        by_article = self._by_article.get(treaty or "", {})
        found = {
            r.id: r
            for a in asked
            for r in by_article.get(a.split("(")[0], ())
            if article_matches_any(asked, r)
        }
        return sorted(found.values(), key=_in_order)

    def article_count(self, treaty: str) -> int:
        """How many articles the treaty's text in the corpus has (annexes' own not counted)."""
        return len(self._by_article.get(treaty, {}))

    def treaties_of(self, parties: Iterable[str]) -> list[str]:
        """The treaties any of the parties holds records for."""
        return sorted({t for p in parties for t in self._treaties_of.get(p, ())})

    def parties_of(self, treaty: str) -> list[str]:
        return sorted(self._parties_of.get(treaty, ()))
