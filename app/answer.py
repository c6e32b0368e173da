"""Composing short answers from retrieved records, each fact with its citation.

The extractive answerer needs no language model: it states status facts from the
record's fields, quotes the sentence that answers, and lists states one citation
each. Everything quoted is a verbatim slice of the cited record."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol

from app.catalogue import Catalogue, Scope, article_matches, article_matches_any
from app.coverage import and_list, record_name, records_held
from app.indexes import Retrieval
from app.quotes import Asked, Quote, QuoteScorer
from app.results import Answer, Citation, Row
from app.understand import Understanding
from ingest.records import Authority, Kind, Record
from ingest.text import human_date, snapshot, words
from ingest.vocabulary import (
    CONTENT_KINDS,
    DEFINITION_ASKED,
    NOT_STATEMENTS,
    PLURAL_NOUN,
    STATEMENT_KINDS,
    STATUS_WORDS,
    YEAR,
    kinds_named,
    may_be,
    plural,
)

NO_ANSWER = "The sources in the corpus do not answer this question."
# How much less a record of the party and treaty a question names must match its words: that
# it is theirs is evidence too; more so when it concerns the article asked about, or when
# nothing more than their records is asked for (both chosen on the dev split).
NAMED_EASING = 0.2
SPECIFIC_EASING = 0.5
MAX_LISTED = 30  # states listed (each with a citation) in a cross-state answer
RERANK = 3  # records compared sentence by sentence before one is quoted
MAX_RECORDS = 8  # records quoted when a question asks for all of a party's reservations, say
MAX_CHOICES = 8  # treaties offered when a question could be about any of a party's treaties
LINE_WORDS = 25  # words of an article's text said beside a state's record on it

_CONSENT_VERBS = {
    "accession": "acceded to",
    "succession": "succeeded to",
    "acceptance": "accepted",
    "approval": "approved",
    "definitive signature": "definitively signed",
    "ratification": "ratified",
}


@dataclass
class Draft:
    """An answer being written: sentences plus the records they cite, numbered
    in order of first citation."""

    sentences: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)  # treaties to choose from, when unsure which
    rows: list[Record] = field(default_factory=list)  # a list answer's records, each a table row

    def cite(self, record: Record, quote: str) -> str:
        for c in self.citations:
            if c.record_id == record.id:
                return f"[{c.marker}]"
        self.citations.append(Citation.of(len(self.citations) + 1, record, quote))
        return f"[{len(self.citations)}]"

    def row(self, record: Record, quote: str) -> str:
        """Cite a record of a list answer: it is a row of the answer's table too."""
        self.rows.append(record)
        return self.cite(record, quote)

    def say(self, sentence: str) -> None:
        self.sentences.append(sentence)

    def answer(self) -> Answer:
        by_id = {c.record_id: c for c in self.citations}
        return Answer(
            answer=" ".join(self.sentences),
            abstained=False,
            citations=self.citations,
            table=[Row.of(by_id[r.id], r) for r in self.rows],
        )


def abstain(message: str, choices: Iterable[str] = ()) -> Answer:
    return Answer(answer=message, abstained=True, choices=list(choices))


def describe(record: Record) -> str:
    """'Azerbaijan's Declaration 1 to the Convention on Cybercrime (Article 24(7)(a); made upon ...)'."""
    details = []
    if record.articles:
        details.append(
            ("Article " if len(record.articles) == 1 else "Articles ") + ", ".join(record.articles)
        )
    if record.made_upon:
        details.append(f"made {record.made_upon}")
    name = record_name(record.party, record.label, record.treaty)
    return name + (f" ({'; '.join(details)})" if details else "")


def snapshot_note(record: Record) -> str:
    """Where the date of the source matters: ' (source snapshot: March 2015)'."""
    if not record.snapshot_date:
        return ""
    when = snapshot(record.snapshot_date)
    if record.authority is Authority.SECONDARY:
        return f" (as recorded in {record.source_title}, {when})"
    return f" (source snapshot: {when})"


def trim_quote(sentence: str, question: str = "") -> str:
    """Shorten a quoted sentence for the answer text by eliding long asides
    (addresses in parentheses) that share no word with the question's topic,
    and a leading 'According to ... Convention,'. What remains is verbatim; the
    elisions are marked with '…'."""
    asked = set(words(question)) - _COMMON

    def aside(m: re.Match[str]) -> str:
        return m.group(0) if asked & set(words(m.group(0))) else " (…)"

    trimmed = re.sub(r"\s*\([^()]{25,}\)", aside, sentence)
    return re.sub(
        r"^(?:According to|In accordance with|In relation to|Pursuant to|Under)\b[^,]{0,160}?"
        r"(?:Convention|Covenant|Protocol)[^,]{0,20},\s*(?:in case of [^,]{0,80},\s*)?",
        "…",
        trimmed,
    )


_COMMON = frozenset("the of a an to and in on for by with is are was what which who when did does".split())


def status_sentence(record: Record, asked: tuple[str, ...] = ()) -> str:
    """The status facts of a record as one sentence, the asked fact first."""
    party, treaty = record.party or "The party", record.treaty or "the treaty"
    facts = []
    if record.signature_date:
        facts.append(f"signed the {treaty} on {human_date(record.signature_date)}")
    if record.consent_date:
        verb = _CONSENT_VERBS.get(record.consent_act or "", "ratified")
        facts.append(f"{verb} {'it' if facts else 'the ' + treaty} on {human_date(record.consent_date)}")
    sentence = f"{party} " + " and ".join(facts) if facts else f"{party}: {record.text}"
    if record.entry_into_force_date:
        sentence += f"; it entered into force for {party} on {human_date(record.entry_into_force_date)}"
    missing = []
    if "signature" in asked and not record.signature_date and record.consent_date:
        missing.append("no signature is recorded")
    if "entry_into_force" in asked and not record.entry_into_force_date:
        missing.append("the source gives no date of entry into force")
    return sentence + ("; " + "; ".join(missing) if missing else "")


class Answerer(Protocol):
    """Writes the answer to an understood question from the records found for it:
    text as it is written, then the final Answer, whose citations never change."""

    def stream(self, u: Understanding, retrievals: list[Retrieval]) -> Iterator[str | Answer]: ...


def final(events: Iterable[str | Answer]) -> Answer:
    """The Answer at the end of a stream."""
    *_, answer = events
    assert isinstance(answer, Answer)
    return answer


class ExtractiveAnswerer:
    """Made for one question (its scorer keeps the texts it has embedded)."""

    def __init__(self, scorer: QuoteScorer, catalogue: Catalogue, min_score: float) -> None:
        self.scorer, self.catalogue, self.min_score = scorer, catalogue, min_score

    def stream(self, u: Understanding, retrievals: list[Retrieval]) -> Iterator[str | Answer]:
        yield self.answer(u, retrievals)

    # --- the three kinds of answer -----------------------------------------------------

    def answer(self, u: Understanding, retrievals: list[Retrieval]) -> Answer:
        draft = Draft()
        answered = False
        for scope, found in retrievals:
            prefix = self._heading(scope, retrievals)
            if u.intent == "status":
                answered |= self._status(draft, u, scope, found, prefix)
            elif u.asks_text:
                answered |= self._text(draft, u, scope, found, prefix)
            else:
                answered |= self._content(draft, u, scope, found, prefix)
        if not answered:
            return abstain(" ".join(draft.sentences) or NO_ANSWER, draft.choices)
        return draft.answer()

    def _which_treaty(
        self, draft: Draft, scope: Scope, found: list[Record], kinds: Iterable[Kind], answerable: bool
    ) -> bool:
        """A party named without a treaty, holding records of the asked sort under several:
        ask which one is meant, the treaties of the records `found` first; when nothing
        found could answer (not `answerable`), say so, and offer the treaties. With one
        such treaty there is nothing to ask: the question is read as about it (True)."""
        held = {
            t
            for t in self.catalogue.treaties_of(scope.parties)
            if any(self.catalogue.kinds_of(p, t)[k] for p in scope.parties for k in kinds)
        }
        if len(held) == 1:
            return True
        ranked = list(dict.fromkeys([*(r.treaty for r in found if r.treaty in held), *sorted(held)]))
        draft.choices = [t for t in ranked if t][:MAX_CHOICES]
        more = f" (and {len(held) - MAX_CHOICES} more)" if len(held) > MAX_CHOICES else ""
        ask = "which one do you mean?" if answerable else "name one if the question is about it:"
        lead = "" if answerable else f"{NO_ANSWER} "
        draft.say(
            f"{lead}{and_list(scope.parties)} has records under {len(held)} treaties in the corpus; {ask} "
            f"For example: {and_list(f'the {t}' for t in draft.choices)}{more}."
        )
        return False

    def _listed(self, u: Understanding, kinds: tuple[Kind, ...], treaties: tuple[str, ...]) -> list[Record]:
        """The records of `treaties` a list answer is made of, those of the asked kinds first."""
        scope = Scope(u.parties, treaties, kinds, u.concerned, objecting_to=u.objected_to)
        records = self.catalogue.select(scope)
        if kinds == (Kind.STATUS,):
            records = [
                r for r in records if r.consent_date or (r.signature_date and "signature" in u.status_facts)
            ]
        elif u.concerned:
            records = self.catalogue.select(replace(scope, kinds=tuple({*kinds, *STATEMENT_KINDS})))
            # Records of the asked kind first, so that each state is cited by one of those if it has one.
            records.sort(key=lambda r: r.kind not in kinds)
        elif u.topic_terms and not u.like:
            # A subject no article's text speaks of: the records that do.
            records = [r for r in records if _speaks_of(r, u.topic_terms)]
        return [r for r in records if r.party not in u.other_than]

    def list_states(self, u: Understanding) -> Answer:
        """Which states made reservations to article 9 of CEDAW / have ratified the CAT.
        With an article named, every state whose record concerns it is listed, each with
        the kind its record is filed as: kinds are evidence, not a gate."""
        kinds = u.kinds or (Kind.STATUS,)  # no kind named: who is a party
        records = self._listed(u, kinds, u.treaties)
        if u.excluded_treaties and records:
            # "... but not the Y": the states with the same sort of record for Y are left out.
            unasked = replace(u, articles=(), subject_articles=(), topic_terms=())
            having = {r.party for r in self._listed(unasked, kinds, u.excluded_treaties)}
            records = [r for r in records if r.party not in having]
            if not records:
                return abstain(
                    f"Every state or organisation listed for the {and_list(u.treaties)} is listed for the "
                    f"{and_list(u.excluded_treaties)} too, in the corpus."
                )
        by_party: dict[str, Record] = {}
        for record in records:
            by_party.setdefault(record.party or "", record)
        asked = Asked(u.question, u.topic, u.concerned)
        quotes = {p: self.scorer.quote(asked, r) for p, r in by_party.items()}  # every row is cited
        if u.like and not u.concerned:  # no article to share: the text must be alike
            by_party = {p: r for p, r in by_party.items() if quotes[p].relevance >= self.min_score}
        if not by_party:
            article = f" concerning {_articles(u.concerned)}" if u.concerned else ""
            about = f" that speak of {u.subject}" if u.topic_terms and not u.concerned and not u.like else ""
            alike = " like the one quoted" if u.like and not u.concerned else ""
            of = f" of the {and_list(u.state_groups)}" if u.state_groups else ""
            besides = f" by states other than {and_list(u.other_than)}" if u.other_than else ""
            return abstain(
                f"The corpus has no {and_list(plural(k) for k in kinds)}{of}{besides}{article}{about}{alike} "
                f"for the {and_list(u.treaties) or 'treaties it holds'}."
            )
        draft = Draft()
        filed = {r.kind for r in by_party.values()}
        what = (
            "are recorded as parties (signature, ratification, accession or succession)"
            if kinds == (Kind.STATUS,)
            else f"made {and_list(plural(k) for k in dict.fromkeys([*kinds, *sorted(filed)]))}"
            + (f" concerning {_articles(u.concerned)}" if u.concerned else "")
            + (f" (the treaty's text on {u.subject})" if u.subject_articles else "")
        )
        treaty = f" to the {and_list(u.treaties)}" if u.treaties else ""
        if u.excluded_treaties:
            treaty += f", and not to the {and_list(u.excluded_treaties)}"
        if u.like:  # "the same" or "similar": the closest to the record quoted first
            ordered = sorted(by_party, key=lambda p: -quotes[p].relevance)
            treaty += ", the closest to the text quoted first"
        else:  # states whose record is of the asked kind first, then the others, each alphabetically
            ordered = sorted(by_party, key=lambda p: (by_party[p].kind not in kinds, p))
        listed = ordered[:MAX_LISTED]
        cited = []
        for party in listed:
            record = by_party[party]
            details = [record.kind.value] if len(filed) > 1 else []
            if len(u.concerned) > 1:  # which of the articles asked about this state's record concerns
                details.append(
                    _articles(tuple(a for a in u.concerned if article_matches(a, record.articles)))
                )
            label = f" ({'; '.join(details)})" if details else ""
            cited.append(f"{party}{label} {draft.row(record, quotes[party].text)}")
        first = by_party[listed[0]]
        among = f"Of the {and_list(u.state_groups)}, " if u.state_groups else ""
        among += f"{'b' if among else 'B'}esides {and_list(u.other_than)}, " if u.other_than else ""
        counted = (
            f"{len(by_party)} {'state or organisation' if len(by_party) == 1 else 'states or organisations'}"
        )
        draft.say(f"{among}{counted} {what}{treaty}{snapshot_note(first)}: {and_list(cited)}.")
        if len(by_party) > MAX_LISTED:
            for party in ordered[MAX_LISTED:]:
                draft.row(by_party[party], quotes[party].text)
            draft.say(f"{len(by_party) - MAX_LISTED} more are in the table (and cited) but not named here.")
        return draft.answer()

    # --- parts -------------------------------------------------------------------------

    @staticmethod
    def _heading(scope: Scope, retrievals: list[Retrieval]) -> str:
        if len(retrievals) < 2:
            return ""
        if len({p.treaties for p, _ in retrievals}) > 1:
            return f"Under the {and_list(scope.treaties)}: "
        return f"{and_list(scope.parties)}: "

    def _status(self, draft: Draft, u: Understanding, scope: Scope, found: list[Record], prefix: str) -> bool:
        status = self.catalogue.within(replace(scope, kinds=(Kind.STATUS,), exclude=()), found)
        unsure = scope.parties and not scope.treaties
        if unsure and not self._which_treaty(draft, scope, status, [Kind.STATUS], answerable=True):
            return False
        if not status or (not scope.parties and not scope.treaties):
            draft.say(prefix + NO_ANSWER)
            return False
        record = status[0]
        marker = draft.cite(record, record.text)
        draft.say(f"{prefix}{_yes_or_no(u, record, f'{status_sentence(record, u.status_facts)} {marker}')}.")
        return True

    def _content(
        self, draft: Draft, u: Understanding, scope: Scope, found: list[Record], prefix: str
    ) -> bool:
        content = Scope(
            scope.parties,
            scope.treaties,
            articles=u.articles,
            exclude=NOT_STATEMENTS,
            objecting_to=scope.objecting_to,
        )
        # Records the conversation points at ("the second one") come first.
        pinned = [
            self.catalogue.records[self.catalogue.position[i]]
            for i in u.pinned
            if i in self.catalogue.position
        ]
        found = self.catalogue.within(content, [*pinned, *(r for r in found if r.id not in u.pinned)])
        if u.places:
            # A territory's question is answered only by records that speak of it.
            found = [r for r in found if any(p.casefold() in r.text.casefold() for p in u.places)]
        if u.unknown_names and not scope.parties:
            # A name no party has ("Testland"): only the records that speak of it answer.
            speaking = {r.id for r in self.catalogue.mentioning(u.unknown_names)}
            found = [r for r in found if r.id in speaking]
        if self._wants_all(u, scope) and not u.pinned:
            # A party's own records, of the kind asked or else of the others; news is not listed.
            records = self.catalogue.select(replace(content, kinds=u.kinds)) or [
                r for r in self.catalogue.select(content) if r.kind is not Kind.PASSAGE
            ]
            if len(records) > 1:
                self._several(draft, u, records, prefix)
                return True
        # Of the first few records, the one whose sentences best answer what is asked
        # (on the evaluation set: citation recall 0.938 with 3 records compared, 0.931 with 1).
        if u.kind_asked:
            found = [r for r in found if may_be(r.kind, r.text, u.kinds)]
        asked = Asked(u.question, u.topic, u.concerned)
        # The record the conversation points at is the one asked about, if it is in scope.
        compared = [r for r in found if r.id in u.pinned] or found[:RERANK]
        candidates = [(r, self.scorer.quote(asked, r)) for r in compared]
        candidates = [
            (r, q)
            for r, q in candidates
            if q.relevance >= self.required_relevance(u, scope, r, q) and _names_party_and_act(u, r, q)
        ]
        # Unsure which of the party's treaties is meant: asked, never picked.
        unsure = scope.parties and not scope.treaties and len({r.treaty for r, _ in candidates}) != 1
        # Records that pass, or, when nothing more than the party's records is asked for, any of them.
        answering = [r for r, _ in candidates] or ([] if u.topic_terms else found)
        kinds = (*CONTENT_KINDS, Kind.PASSAGE)
        if unsure and not self._which_treaty(draft, scope, answering, kinds, answerable=bool(answering)):
            return False
        if not candidates:
            draft.say(prefix + self._nothing(u, scope))
            return False
        record, quote = max(candidates, key=lambda c: c[1].relevance)
        if reason := _beyond(u, record):
            draft.say(prefix + reason)
            return False
        marker = draft.cite(record, quote.text)
        shown = trim_quote(quote.text, u.topic)
        if record.authority is Authority.SECONDARY:
            text = f"According to a secondary source, {record.source_title}: “{shown}” {marker}"
        else:
            text = (
                f"{describe(record)}{_filed_as(u, record)}{_concerning(u, record)} states: “{shown}” "
                f"{marker}{snapshot_note(record)}{self._provides(record)}"
            )
        draft.say(f"{prefix}{text}.")
        return True

    def _text(self, draft: Draft, u: Understanding, scope: Scope, found: list[Record], prefix: str) -> bool:
        """What the treaty says: the article asked about, paragraph by paragraph (the one
        its topic asks for, if any), or the provision that best answers the subject."""
        asked = Asked(u.question, u.topic, u.concerned)
        if u.articles:
            for treaty in scope.treaties:
                records = self.catalogue.provisions(treaty, u.articles)
                if not records:
                    count = self.catalogue.article_count(treaty)
                    draft.say(
                        f"{prefix}The text of the {treaty} in the corpus has {count} articles; "
                        f"it has no article {and_list(u.articles)}."
                    )
                    continue
                if u.topic_terms:
                    records = [max(records, key=lambda r: self.scorer.quote(asked, r).relevance)]
                for record in records[:MAX_RECORDS]:
                    _quote_provision(draft, u, record, prefix)
            return bool(draft.citations)
        # An article whose caption the question names ("accessibility", "pacta sunt servanda"),
        # or that defines the term a question asks the definition of, is the one it asks
        # about; else the provision whose sentences answer best.
        term = DEFINITION_ASKED.sub(" ", u.subject) if DEFINITION_ASKED.search(u.question) else ""
        term = re.sub(r"^\s*(?:(?:a|an|the|by|of)\s+)*", "", term).strip()
        provisions = self.catalogue.text_of(scope.treaties)
        named = _captions_named({r.caption for r in provisions if r.caption}, u.topic_terms)
        captioned = [r for r in provisions if r.caption in named or (term and _defines(r, term))]
        candidates = [(r, self.scorer.quote(asked, r)) for r in [*captioned, *found[:RERANK]]]
        candidates = [(r, q) for r, q in candidates if q.relevance >= self.min_score or r in captioned]
        if not candidates:
            draft.say(
                f"{prefix}The text of the {and_list(scope.treaties)} in the corpus does not answer this."
            )
            return False
        record, _ = max(candidates, key=lambda c: (c[0] in captioned, c[1].relevance))
        # The article is named by its opening paragraph too, where another answers best.
        article = self.catalogue.provisions(record.treaty, [a.split("(")[0] for a in record.articles])
        for provision in dict.fromkeys([*article[:1], record]):
            _quote_provision(draft, u, provision, prefix)
        return True

    def _provides(self, record: Record) -> str:
        """What the one article a state's record concerns provides, in a line of the
        treaty's text: '; article 9(2) provides: “States Parties shall grant …”'."""
        if len(record.articles) != 1 or record.kind is Kind.PASSAGE:
            return ""
        provisions = self.catalogue.provisions(record.treaty, record.articles)
        if len(provisions) != 1:
            return ""
        text = " ".join(re.sub(r"^\s*\d+\.\s*", "", provisions[0].text).split())
        words = text.split()
        line = " ".join(words[:LINE_WORDS]).rstrip(".;:,") + (" …" if len(words) > LINE_WORDS else "")
        return f"; {provisions[0].label.lower()} of the treaty provides: “{line}”"

    def _several(self, draft: Draft, u: Understanding, records: list[Record], prefix: str) -> None:
        records = sorted(records, key=lambda r: (r.source, r.position))  # as the source lists them
        first = records[0]
        kinds = and_list(plural(k, 2) for k in dict.fromkeys(r.kind for r in records))
        asked = [k for k in u.kinds if k not in {r.kind for r in records}]
        # Kinds are evidence: what the party made, filed under another kind, is shown as such.
        has = f"records no {and_list(plural(k) for k in asked)} of {first.party}; it has" if asked else "has"
        where = f"to the {first.treaty}{snapshot_note(first)}"
        draft.say(f"{prefix}The corpus {has} {len(records)} {kinds} of {first.party} {where}:")
        for n, record in enumerate(records):
            quote = self.scorer.best_quote(u.question, record)
            marker = draft.row(record, quote)
            if n < MAX_RECORDS:
                draft.say(
                    f"{record.label}"
                    + (f" (Article {', '.join(record.articles)})" if record.articles else "")
                    + f": “{trim_quote(quote, u.topic)}” {marker}."
                )
        if len(records) > MAX_RECORDS:
            draft.say(f"{len(records) - MAX_RECORDS} more are in the table (and cited) but not quoted here.")

    def _wants_all(self, u: Understanding, scope: Scope) -> bool:
        """'What reservations did X make to Y?': a plural kind, one party and one treaty
        (an article named narrows the list)."""
        return bool(
            PLURAL_NOUN.search(u.question) and u.kinds and bool(scope.parties) and len(scope.treaties) == 1
        )

    def required_relevance(self, u: Understanding, scope: Scope, record: Record, quote: Quote) -> float:
        """`required_relevance`, knowing whether the record is its party's only statement on its treaty."""
        held = self.catalogue.kinds_of(record.party, record.treaty)
        sole = record.kind is not Kind.PASSAGE and sum(held[k] for k in CONTENT_KINDS) == 1
        return required_relevance(u, scope, record, quote, self.min_score, sole)

    def _nothing(self, u: Understanding, scope: Scope) -> str:
        if u.objected_to:
            treaty = f" for the {and_list(scope.treaties)}" if scope.treaties else ""
            return f"The corpus holds no objection naming {and_list(u.objected_to)}{treaty}."
        held = [
            records_held(self.catalogue, p, t)
            for p in scope.parties or (None,)
            for t in scope.treaties or (None,)
        ]
        held = [h for h in held if h]
        concerned = Scope(scope.parties, scope.treaties, articles=u.articles, exclude=NOT_STATEMENTS)
        if u.articles and held and not self.catalogue.select(concerned):
            return (
                f"The corpus has {'; '.join(held)}, but none of them concerns article {and_list(u.articles)}."
            )
        if held and (scope.parties or scope.treaties):
            return f"{NO_ANSWER} It has {'; '.join(held)}."
        return NO_ANSWER


def required_relevance(
    u: Understanding, scope: Scope, record: Record, quote: Quote, min_score: float, sole: bool = False
) -> float:
    """The relevance a record needs to answer: less when what it is is evidence too — a
    record of the party and treaty the question names (or an objection of the treaty to
    the party's statements, when those are asked about), more so when it concerns the
    article asked about, when it is the record the conversation points at, when it is
    the party's `sole` statement on the treaty, or when nothing more than their records
    is asked for."""
    # A scope's records are those its mask admits: with `objecting_to`, objections naming them.
    if not ((scope.parties or scope.objecting_to) and scope.treaties and scope.owns(record)):
        return min_score
    if record.kind is Kind.PASSAGE:
        # News about the party and treaty counts as theirs only where it speaks of the
        # kind of record or the act (ratified, signed) asked about, and nothing more is asked.
        act = bool(u.status_facts) and _names_party_and_act(u, record, quote)
        speaks = (bool(set(kinds_named(quote.text)) & set(u.kinds)) or act) and not u.topic_terms
        return min_score - SPECIFIC_EASING if speaks else min_score
    specific = bool(
        u.articles
        or article_matches_any(u.subject_articles, record)
        or not u.topic_terms
        or record.id in u.pinned
        or sole
    )
    return min_score - (SPECIFIC_EASING if specific else NAMED_EASING)


# A question answered by yes or no: "Has X ratified ...?", "Is X a party to ...?".
_YES_NO = re.compile(r"^\W*(?:has|have|had|is|are|was|were|did|does|do)\b", re.I)
_FACT_VERBS = {"signature": "signed", "consent": "ratified or acceded to"}


def _yes_or_no(u: Understanding, record: Record, sentence: str) -> str:
    """The status sentence with its source's date, led by the yes or no a yes/no question
    wants: 'No: X signed the T on 16 February 1995 [1]; it had not ratified or acceded to it
    by the source snapshot (March 2015)'. Entry into force is not answered no: status
    tables often leave it out."""
    asked = [f for f in u.status_facts if f in _FACT_VERBS]
    missing = [
        f for f in asked if not {"signature": record.signature_date, "consent": record.consent_date}[f]
    ]
    if not _YES_NO.search(u.question) or not asked:
        return f"{sentence}{snapshot_note(record)}"
    if not missing:
        return f"Yes: {sentence}{snapshot_note(record)}"
    when = f" by the source snapshot ({snapshot(record.snapshot_date)})" if record.snapshot_date else ""
    return f"No: {sentence}; it had not {' or '.join(_FACT_VERBS[f] for f in missing)} it{when}"


def _defines(record: Record, term: str) -> bool:
    """The provision defines the term: 'the term "torture" means', 'a child means'."""
    words = r"\s+".join(re.escape(w) for w in term.split())
    quoted = rf"[“\"‘']?{words}\w*[”\"’']?\s*(?:,\s*)?(?:means|shall\s+mean)\b"
    return bool(re.search(quoted, record.text, re.I))


def _captions_named(captions: set[str], terms: tuple[str, ...]) -> set[str]:
    """The captions the question names: all their words are among its terms."""
    from app.lexical import tokenize

    listed = sorted(captions)
    return {
        c for c, words in zip(listed, tokenize(listed), strict=True) if words and set(words) <= set(terms)
    }


def _quote_provision(draft: Draft, u: Understanding, record: Record, prefix: str) -> None:
    """'Article 9(2) of the Convention on ... (Accessibility): “…” [1].' A provision is
    quoted whole: it is what the treaty says."""
    caption = f" ({record.caption})" if record.caption else ""
    marker = draft.cite(record, record.text)
    shown = trim_quote(record.text, u.topic)
    draft.say(f"{prefix}{record.label} of the {record.treaty}{caption}: “{shown}” {marker}.")


def _concerning(u: Understanding, record: Record) -> str:
    """Why a territory's question is answered from its state's record: ' concerning Aruba'."""
    places = [p for p in u.places if p.casefold() in record.text.casefold()]
    return f", concerning {and_list(places)}," if places else ""


def _filed_as(u: Understanding, record: Record) -> str:
    """When the question calls the record by another kind:
    ' (recorded as a declaration, not a reservation)'."""
    if not u.kind_asked or record.kind in u.kinds or record.kind is Kind.PASSAGE:
        return ""
    article = "an" if record.kind.value[0] in "aeiou" else "a"
    return f" (recorded as {article} {record.kind.value}, not {and_list(plural(k, 1) for k in u.kinds)})"


_VERBATIM = re.compile(
    r"\b(?:exact|verbatim|precise|full|original|literal)\s+(?:wording|words|text|terms|language)\b"
    r"|\bword\s+for\s+word\b|\bquote\b|\bverbatim\b",
    re.I,
)


def _beyond(u: Understanding, record: Record) -> str | None:
    """Why the best record cannot answer after all: the question asks for the exact words
    of what only a secondary source summarises, or about a year after the source's date."""
    if _VERBATIM.search(u.topic) and record.authority is Authority.SECONDARY:
        return (
            f"The corpus has only a secondary source on this ({record.source_title}), which summarises "
            "and does not quote the text; it does not hold the verbatim wording."
        )
    if record.snapshot_date:
        taken = int(record.snapshot_date[:4])
        later = [y for y in re.findall(rf"\b{YEAR}\b", u.topic) if int(y) > taken and y not in record.text]
        if later:
            return (
                f"The sources date from {snapshot(record.snapshot_date)}; they cannot say what happened in "
                f"{and_list(later)}."
            )
    return None


def _articles(articles: tuple[str, ...]) -> str:
    return ("article " if len(articles) == 1 else "articles ") + and_list(articles)


def _speaks_of(record: Record, terms: tuple[str, ...]) -> bool:
    """Every term (a word stem) begins a word of the record's text."""
    return all(re.search(rf"\b{re.escape(t)}", record.text, re.I) for t in terms)


def _names_party_and_act(u: Understanding, record: Record, quote: Quote) -> bool:
    """A passage answering a question about dates (no status table records_held it) must
    name the party and the act asked about ("the Azerbaijani Parliament has ratified")."""
    if not u.status_facts or record.kind is not Kind.PASSAGE:
        return True
    names = [p.split(" (")[0].lower() for p in u.parties]
    acts = "|".join(STATUS_WORDS[f] for f in u.status_facts)
    text = quote.text.lower()
    return (not names or any(n in text for n in names)) and bool(re.search(rf"\b(?:{acts})\b", text))
