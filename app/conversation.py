"""Follow-up questions, completed from the conversation before them.

Each question is read once into a frame (`Understanding`: states, treaties, articles,
kinds of record, what is asked). A follow-up's frame is merged with the conversation's:
what it names replaces, what it lacks is inherited, and its references ("they", "that
reservation", "the second one", "them") bind to the names and records of the previous
turns. "And Egypt?" after "What reservations did China make to the Vienna Convention on
Diplomatic Relations?" is the previous frame with Egypt for China. A question that names
its own treaty and state starts afresh. The merged frame's question is the standalone
question every interface shows ("Read as"), so a wrong reading is visible at once.

History is data like any question: it only supplies names and cited records, never
instructions, and it is bounded (turns and characters)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field

from app.coverage import and_list, possessive, record_name
from app.errors import QuestionError
from app.names import Span
from app.results import Answer
from app.understand import (
    OBJECTED_TO,
    PRONOUN_AFTER_AUX,
    SUBJECT_PRONOUN,
    TREATY_PRONOUN,
    TREATY_REFERENCE,
    Mentions,
    QuestionReader,
    Understanding,
    terms,
)
from ingest.records import Kind
from ingest.text import extract_articles
from ingest.vocabulary import (
    ACT_STEMS,
    KIND_ASKED,
    KIND_NOUN,
    KIND_WORDS,
    NOUNS,
    STATEMENT_KINDS,
    kind_from_label,
    kinds_named,
    plural,
)


class CitedRecord(BaseModel):
    """What a turn needs to know of a record its answer cited (a citation as returned
    by the API or `ask --json` will do: other fields are ignored)."""

    model_config = ConfigDict(extra="ignore")

    record_id: str | None = None
    party: str | None = None
    treaty: str | None = None
    kind: str | None = None
    number: str | None = None
    quote: str = ""  # what the answer quoted of it: "the same" means like this


class Turn(BaseModel):
    """An earlier turn of the conversation: the question, and optionally how it was
    read, the answer and the records it cited."""

    model_config = ConfigDict(extra="ignore")

    question: str = Field(description="The question as the user asked it")
    resolved_question: str | None = Field(
        default=None, description="How it was read, if completed from context"
    )
    answer: str | None = None
    citations: list[CitedRecord] = Field(default_factory=list)
    articles: list[str] = Field(default_factory=list, description="The articles the answer was about")

    @property
    def asked(self) -> str:
        return self.resolved_question or self.question

    @classmethod
    def of(cls, question: str, answer: Answer) -> Turn:
        """The turn a question and its answer make, for the next follow-up."""
        return cls(
            question=question,
            resolved_question=answer.resolved_question,
            answer=answer.answer,
            citations=[CitedRecord.model_validate(c.model_dump()) for c in answer.citations],
            articles=answer.articles,
        )


def _size(history: Sequence[Turn]) -> int:
    return sum(len(t.question) + len(t.resolved_question or "") + len(t.answer or "") for t in history)


def check_history(history: Sequence[Turn], max_turns: int, max_chars: int) -> None:
    """Refuse a history past the bounds (the API answers 400 with this message)."""
    if len(history) > max_turns:
        raise QuestionError(
            f"The conversation has {len(history)} earlier turns; the limit is {max_turns}. "
            "Start a new conversation."
        )
    if (size := _size(history)) > max_chars:
        raise QuestionError(
            f"The conversation history has {size} characters; the limit is {max_chars}. "
            "Start a new conversation."
        )


def bounded(history: Sequence[Turn], max_turns: int, max_chars: int) -> list[Turn]:
    """The latest turns within the bounds: a chat that keeps going forgets its oldest turns."""
    kept = list(history)[-max_turns:] if max_turns else []
    while kept and _size(kept) > max_chars:
        kept.pop(0)
    return kept


# Words that only link a follow-up to what came before: "and", "what about", "the same for".
_CUES = re.compile(
    r"\b(?:and|but|also|too|then|now|instead|same|what|about|how|of|for|the|as|well|again|please|tell|me"
    r"|their|its|they|it|them|this|that|these|those|one|ones)\b|\d+|[^\w\s]",
    re.I,
)
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3}
_ORDINAL = re.compile(
    rf"\b(?:the\s+)?({'|'.join(_ORDINALS)}|last)\s+(?:one|record|citation|{'|'.join(NOUNS.values())})\b",
    re.I,
)
_STATEMENTS = frozenset(k.value for k in STATEMENT_KINDS)  # as cited records give their kind
_THAT_RECORD = re.compile(
    rf"\b(?:that|this)\s+(?P<noun>{'|'.join(KIND_WORDS)})\b"
    # "did anyone object to that?": to the statement just quoted ("to them": its statements).
    r"|\bobject(?:s|ed|ing)?\s+to\s+(?P<it>that|this|it|them|those|these)\s*\?*\s*$",
    re.I,
)
_NTH_STATE = re.compile(
    rf"\b(?:the\s+)?({'|'.join(_ORDINALS)}|last)\s+(?:country|state|government|party)\b", re.I
)
_SIMILAR = re.compile(r"\b(?:the\s+same|similar(?:ly)?|likewise|a\s+like\s+\w+)\b", re.I)
_THE_ONE = re.compile(r"\bthe\s+((?:[\w'-]+\s+){0,2}?[\w'-]+)\s+one\b", re.I)
_ARTICLE_REFERENCE = re.compile(r"\b(?:that|this|the)(?:\s+same)?\s+(?:article|provision|paragraph)\b", re.I)
_POSSESSIVE = re.compile(r"\b(their|its)\b", re.I)
# "Were there objections?", "did anyone object?", "who objected?": objections to what was just
# quoted, asked as "did any state object to that?".
_ANY_OBJECTIONS = re.compile(
    r"^\W*(?:and\s+)?(?:(?:were|are|was|is)\s+there\s+(?:any\s+)?objections?"
    r"|(?:did|has|have)\s+(?:any(?:one|body)?|any\s+(?:other\s+)?(?:states?|countries)|other\s+states)\s+object(?:ed)?"
    r"|who\s+objected|any\s+objections?)\W*$",
    re.I,
)
# "which of those are in Africa?", "and among them, the EU members?": the previous list, narrowed.
_OF_THOSE = re.compile(r"\b(?:of|among)\s+(?:those|them|these)\b|\bthose\s+(?:that|which|who)\s+are\b", re.I)
# "any bordering country" names no state: it borders the state of the conversation.
_BORDERING = re.compile(
    r"\b(?i:bordering|neighbou?ring)\s+(?P<noun>(?i:states?|countr(?:y|ies)|nations?))\b"
    r"(?!\s+(?:of\s+)?(?:the\s+)?[A-Z])"
)
# "Is the treaty in force between them?" after an objection: the objecting state and the one objected to.
_BETWEEN_THEM = re.compile(r"\bbetween\s+(?P<them>them|the\s+two|both|th(?:ese|ose)\s+two)\b", re.I)
_STATUS_VERB = re.compile(rf"\b(?:(?:{'|'.join(ACT_STEMS)})\w*|accession|party)\b", re.I)


def follow(u: Understanding, history: Sequence[Turn], reader: QuestionReader) -> Understanding:
    """The question's frame completed from the conversation so far (oldest turn first)."""
    if not history:
        return u
    turns = [reader.read(turn.asked) for turn in history]  # each text is read once: the reader keeps it
    previous = _in_context(turns)
    u = reader.settled(_bordering(_nth_state(_one_named(u, turns, reader), turns), previous, reader))
    if u.state_groups and _OF_THOSE.search(u.question) and not (u.treaties or u.absent_treaties):
        # The previous question again, of the group's states only (the group as answers name it).
        before = turns[-1]
        return reader.settled(
            replace(
                before,
                question=f"{before.question.rstrip(' ?')} ({' and '.join(u.state_groups)})?",
                parties=u.parties,
                party_groups=u.party_groups,
                absent_parties=u.absent_parties,
                state_groups=u.state_groups,
            )
        )
    own = (u.treaties or u.absent_treaties) and (u.parties or u.absent_parties or u.intent == "list")
    if own and not ((previous.parties or previous.treaties) and _elliptical(u)):
        # Names its own treaty and state (or asks across states): afresh. One that asks nothing
        # but names ("what about Peru and the Copenhagen amendment?") asks the previous question.
        return u
    last = history[-1]
    article = _article_asked(history, turns, previous.treaties)
    if (ordinal := _ORDINAL.search(u.question)) and (record := _cited(ordinal, last)):
        return _pointing(u, ordinal.span(), record, reader)
    if (one := _THE_ONE.search(u.question)) and (record := _cited_of_state(u, one.span(), last)):
        return _pointing(u, one.span(), record, reader)
    if _ANY_OBJECTIONS.match(u.question):
        asked = "Did any state object to that?"  # read as the next rule reads it
        u = replace(u, question=asked, topic=asked, mentions=Mentions([], [], [], []))
    if that := _THAT_RECORD.search(u.question):
        reference = that.span("it") if that["it"] else that.span()
        # "them" points at one state's statements, not at a list of several states' statements.
        several = (that["it"] or "").lower() in {"them", "those", "these"} and len(_stating(last)) > 1
        if (record := _of_kind(last, that["noun"] or "statement")) and not several:
            return _pointing(u, reference, record, reader)
        if that["it"] and previous.parties:
            # Nothing was quoted: objections to what the state of the conversation said.
            party = previous.parties[0]
            # Whose statements are objected to stays in what is asked, as the reader leaves it.
            u = _bound(
                u, reference, f"{possessive(party)} statements", f"{party} statements", objected_to=(party,)
            )
    if (between := _BETWEEN_THEM.search(u.question)) and (objection := _of_kind(last, "objection")):
        # Answered from the objection's own words ("shall not preclude the entry into force ...").
        states = tuple(
            dict.fromkeys(p for p in (objection.party, *previous.objected_to, *previous.parties) if p)
        )
        u = _bound(
            u,
            between.span("them"),
            and_list(states),
            parties=states,
            party_groups=tuple((s,) for s in states),
        )
        pinned = (objection.record_id,) if objection.record_id else ()
        return replace(reader.settled(_completed(u, previous, article)), pinned=pinned)
    if not (previous.parties or previous.treaties):
        return u  # nothing to carry over
    if _elliptical(u):
        return reader.settled(_substituted(previous, u))
    # "Did Malta say the same?", "something similar about the protocol": like what was quoted.
    quoted = _alike(u, history) if _SIMILAR.search(u.question) else None
    # "Did another state ...": across states, leaving out the one whose record is alike, else
    # those of the conversation.
    others = ((quoted.party,) if quoted and quoted.party else previous.parties) if u.asks_others else ()
    u = reader.settled(_completed(u, replace(previous, parties=()) if others else previous, article))
    if quoted and quoted.quote:
        # Articles belong to their treaty: "something similar about the protocol" keeps none.
        articles = () if u.treaties != previous.treaties else extract_articles(quoted.quote)
        u = reader.about(u, quoted.quote, articles)
        if not u.kinds and (kind := kind_from_label(quoted.kind or "")):
            u = replace(u, kinds=(kind,))  # "did anyone do the same": that kind
    if others:
        kept = tuple(p for p in u.parties if p not in others)
        u = replace(u, parties=kept, other_than=others, intent="list")
    return u


def _bound(u: Understanding, span: Span, name: str, kept: str = "", **slots: object) -> Understanding:
    """The frame with the reference at `span` bound to `name` (in the question as shown),
    and the slots it fills. Of what is asked, the reference's words become `kept` (a
    reference holding a name, "the Swedish one", is not there as written: `kept` is added)."""
    start, end = span
    words = u.question[start:end]
    topic = _in_place(u.topic, words, kept) if words in u.topic else " ".join(f"{u.topic} {kept}".split())
    slot = "parties" if "parties" in slots else "treaties" if "treaties" in slots else None
    # Names read inside the reference are replaced with it ("the Council of Europe one").
    gone = u.mentions.parties_within(span)
    if gone and "parties" not in slots:
        slots |= {
            "parties": tuple(p for p in u.parties if p not in gone),
            "party_groups": tuple(g for g in u.party_groups if not set(g) & gone),
        }
    return replace(
        u,
        question=u.question[: span[0]] + name + u.question[span[1] :],
        topic=topic,
        topic_terms=terms(topic),
        mentions=u.mentions.spliced(span, name, slot),
        **slots,  # type: ignore[arg-type]
    )


def _article_asked(history: Sequence[Turn], turns: Sequence[Understanding], treaties: tuple[str, ...]) -> str:
    """ "That article": the one the conversation asked about last, named or found by its
    subject ("about adoption" is article 21), while the treaty is the same."""
    for turn, frame in zip(reversed(history), reversed(turns), strict=True):
        if articles := frame.articles or tuple(turn.articles):
            return articles[0] if not frame.treaties or frame.treaties == treaties else ""
    return ""


def _in_place(text: str, words: str, new: str) -> str:
    """The text with the first occurrence of `words` (as whole words) replaced by `new`."""
    return " ".join(re.sub(rf"(?<!\w){re.escape(words)}(?!\w)", new, text, count=1).split())


def _nth_state(u: Understanding, turns: Sequence[Understanding]) -> Understanding:
    """ "Going back to the first country": the state of the conversation named first."""
    if not (nth := _NTH_STATE.search(u.question)):
        return u
    named = list(dict.fromkeys(p for turn in turns for p in turn.parties))
    index = len(named) - 1 if nth.group(1).lower() == "last" else _ORDINALS[nth.group(1).lower()]
    if index >= len(named):
        return u
    party = named[index]
    return _bound(u, nth.span(), party, parties=(party, *u.parties), party_groups=((party,), *u.party_groups))


def _bordering(u: Understanding, previous: Understanding, reader: QuestionReader) -> Understanding:
    """ "Did any bordering country do the same?": the countries bordering the conversation's state."""
    if not (bordering := _BORDERING.search(u.question)) or not (parties := previous.parties):
        return u
    label = f"neighbours of {parties[0]}"
    members = reader.bordering(parties[:1])
    return _bound(
        u,
        bordering.span(),
        f"{bordering['noun']} bordering {parties[0]}",
        parties=(*u.parties, *members),
        party_groups=(*u.party_groups, members) if members else u.party_groups,
        absent_parties=u.absent_parties if members else (*u.absent_parties, label),
        state_groups=(*u.state_groups, label),
    )


def _one_named(u: Understanding, turns: Sequence[Understanding], reader: QuestionReader) -> Understanding:
    """ "Back to the UN one": the one treaty of the conversation those words fit, by name."""
    if not (one := _THE_ONE.search(u.question)):
        return u
    earlier = dict.fromkeys(t for turn in turns for t in turn.treaties)
    fits = reader.treaties.among(one.group(1), earlier)
    if len(fits) != 1:
        return u
    return _bound(u, one.span(), f"the {fits[0]}", treaties=(fits[0],), absent_treaties=(), treaty_choices=())


def _in_context(turns: Sequence[Understanding]) -> Understanding:
    """The last question as read, with the state and treaty the conversation is about
    where it names none ("would the ICJ then need their agreement?" is still about the
    treaty named two turns before): each from the latest turn that names one."""
    latest = turns[-1]
    if latest.parties and (latest.treaties or latest.absent_treaties):
        return latest  # the usual case
    earlier = turns[-2::-1]
    named = next((t for t in earlier if t.treaties or t.absent_treaties), None)
    if named and not latest.treaties and not latest.absent_treaties:
        latest = replace(latest, treaties=named.treaties, absent_treaties=named.absent_treaties)
    if not latest.parties and (named := next((t for t in earlier if t.parties), None)):
        latest = replace(latest, parties=named.parties, party_groups=named.party_groups)
    return latest


def _elliptical(u: Understanding) -> bool:
    """Nothing is asked but names: "And Egypt?", "what about article 37?", "and their
    declarations?", "the same for the Convention against Torture" (not "when did they
    ratify it?", which asks something of its own)."""
    spans = u.mentions.spans
    rest = "".join(" " if any(s <= i < e for s, e in spans) else c for i, c in enumerate(u.question))
    return not _CUES.sub(" ", rest).split()


def _cited(ordinal: re.Match[str], last: Turn) -> CitedRecord | None:
    """ "the second one": the second record the previous answer cited."""
    cited = last.citations
    word = ordinal.group(1).lower()
    index = len(cited) - 1 if word == "last" else _ORDINALS[word]
    return cited[index] if 0 <= index < len(cited) else None


def _cited_of_state(u: Understanding, span: Span, last: Turn) -> CitedRecord | None:
    """ "the Swedish one": the record the previous answer cited of the state those words name."""
    named = u.mentions.parties_within(span)
    return next((c for c in last.citations if c.party in named), None)


def _of_kind(last: Turn, noun: str) -> CitedRecord | None:
    """ "that objection": the first record of that kind the previous answer cited; "that
    reservation" is any of the state's own statements (which of them is a "reservation"
    is often the source's filing, not the user's)."""
    kinds = _STATEMENTS if noun.lower() in _STATEMENTS | {"statement"} else {noun.lower()}
    return next((c for c in last.citations if c.kind in kinds), None)


def _stating(turn: Turn) -> set[str | None]:
    """The states whose statements the turn's answer cited."""
    return {c.party for c in turn.citations if c.kind in _STATEMENTS}


def _alike(u: Understanding, history: Sequence[Turn]) -> CitedRecord | None:
    """What "a similar reservation" is like: the record of that kind the conversation
    cited last, else the first record the previous answer cited."""
    noun = KIND_NOUN.search(u.question)
    kind = kind_from_label(noun.group(0)) if noun else None
    of_kind = (_of_kind(turn, kind.value) for turn in reversed(history)) if kind else iter(())
    return next((c for c in of_kind if c), None) or next(iter(history[-1].citations), None)


def _pointing(
    u: Understanding, reference: Span, record: CitedRecord, reader: QuestionReader
) -> Understanding:
    """The frame about the record the question points at, named in place of the reference:
    its state (whose statement is objected to, after "object to"), its treaty, its kind."""
    label = (record.kind or "record").capitalize() + (f" {record.number}" if record.number else "")
    start, end = reference
    rest = (u.question[:start] + u.question[end:]).strip(" ?.")
    if not _CUES.sub(" ", rest).split():
        u, reference = replace(u, question="What does it say?", topic="What does it say?"), (10, 12)
    party = (record.party,) if record.party else ()
    objected = OBJECTED_TO.search(u.question[: reference[0]])
    # The record's label stays in what is asked ("Reservation 2" is no name), and so does
    # the state objected to, as the reader leaves it.
    kept = f"{record.party} {label}" if objected and record.party else label
    pinned = (record.record_id,) if record.record_id else ()
    framed = _bound(u, reference, record_name(record.party, label, record.treaty), kept, pinned=pinned)
    kinds = kinds_named(framed.topic)
    role = (
        {"objected_to": party, "parties": (), "party_groups": ()}
        if objected
        else {"parties": party, "party_groups": (party,) if party else (), "objected_to": ()}
    )
    return reader.settled(
        replace(
            framed,
            treaties=(record.treaty,) if record.treaty else (),
            absent_treaties=(),
            treaty_choices=(),
            absent_parties=(),
            kinds=kinds,
            kind_asked=bool(kinds and KIND_ASKED.search(framed.topic)),
            **role,
        )
    )


def _substituted(previous: Understanding, u: Understanding) -> Understanding:
    """The previous frame with what the follow-up names in place of what it named: a
    state for a state, a treaty for a treaty, an article, a kind of record. The question
    shown is the previous one with the follow-up's names put in their places."""
    spans, named = previous.mentions, u.mentions
    replacements: list[tuple[tuple[int, int], str]] = []
    appended: list[str] = []
    slots: dict[str, object] = {}
    topic = previous.topic  # what is asked: the articles and kind of record go into it, the names do not
    # Articles belong to their treaty: another treaty does not keep the article asked before.
    if named.treaties and not named.articles:
        replacements += [(span, "") for span, _ in spans.articles]
        slots["articles"] = ()
        for _, article in spans.articles:
            topic = _in_place(topic, article, "")
    for slot in ("parties", "treaties", "articles"):
        new = getattr(named, slot)
        if not new:
            continue
        old = getattr(spans, slot)
        text = " and ".join(mention for _, mention in new)
        if old:
            replacements.append((old[0][0], text))
            replacements += [(span, "") for span, _ in old[1:]]
        else:
            appended.append(text)
        if slot == "articles":
            for n, (_, article) in enumerate(old):
                topic = _in_place(topic, article, "" if n else text)
            topic = topic if old else f"{topic} {text}"
    if named.parties:
        # The follow-up's states take the place of those named before, as who made the
        # records or as whose records are objected to.
        role = "objected_to" if previous.objected_to and not previous.parties else "parties"
        slots |= {"parties": (), "objected_to": ()} | {role: u.parties}
        slots |= {"party_groups": u.party_groups if role == "parties" else ()}
        slots |= {"absent_parties": u.absent_parties, "without_records": u.without_records}
    if named.treaties:
        slots |= {
            "treaties": u.treaties,
            "absent_treaties": u.absent_treaties,
            "treaty_choices": u.treaty_choices,
        }
    if named.articles:
        slots["articles"] = u.articles
    if u.kinds:
        slots |= {"kinds": u.kinds}
    if u.kinds and not spans.kinds and (previous.parties or named.parties) and previous.treaties:
        # Only a verb said what was asked ("What did China reserve ..."): ask afresh.
        party = named.parties[0][1] if named.parties else previous.parties[0]
        treaty = named.treaties[0][1] if named.treaties else f"the {previous.treaties[0]}"
        kinds = _kind_word(u.kinds, plural_form=True)
        return Understanding(
            question=f"What {kinds} did {party} make to {treaty}?",
            parties=u.parties if named.parties else previous.parties[:1],
            party_groups=u.party_groups if named.parties else previous.party_groups[:1],
            treaties=u.treaties if named.treaties else previous.treaties[:1],
            kinds=u.kinds,
            kind_asked=True,
            topic=f"What {kinds} did make to?",
        )
    if u.kinds and spans.kinds:
        span, word = spans.kinds[0]
        replacements.append((span, kind := _kind_word(u.kinds, plural_form=word.lower().endswith("s"))))
        topic = _in_place(topic, word, kind)
    text = previous.question
    for (start, end), new_text in sorted(replacements, reverse=True):
        text = text[:start] + new_text + text[end:]
    text = " ".join(re.sub(r"\(\s*(?:[;,]\s*)*\)|\s+(?=[?,;)])", "", text).split())
    if appended:
        text = f"{text.rstrip(' ?')} ({'; '.join(appended)})?"
    slots |= {"topic": topic, "topic_terms": terms(topic)}
    return replace(previous, question=text, pinned=(), **slots)  # type: ignore[arg-type]


def _kind_word(kinds: tuple[Kind, ...], plural_form: bool) -> str:
    return " and ".join(plural(k, 2 if plural_form else 1) for k in kinds)


def _completed(u: Understanding, previous: Understanding, article: str = "") -> Understanding:
    """A follow-up with its own predicate ("when did it ratify?", "did they object to
    it?"), with the state and treaty of the conversation where it names none: in place
    of its pronouns in the question shown, or added in brackets."""
    text, topic = u.question, u.topic
    slots: dict[str, object] = {}
    named_party = u.parties or u.absent_parties or u.objected_to
    party = previous.parties[0] if previous.parties and not named_party else None
    # A treaty the follow-up names stands, even one the corpus does not hold.
    named = u.treaties or u.absent_treaties
    treaty = previous.treaties[0] if len(previous.treaties) == 1 and not named else None
    if party:
        for pattern, said in (
            (SUBJECT_PRONOUN, party),
            (PRONOUN_AFTER_AUX, rf"\g<1> {party}"),
            (_POSSESSIVE, possessive(party)),
        ):
            if found := pattern.search(text):
                text = pattern.sub(said, text, count=1)
                # "did anyone object to their reservation?": the state objected to.
                role = "objected_to" if OBJECTED_TO.search(text[: found.start()]) else "parties"
                slots[role] = (party,)
                if role == "objected_to":  # stays in what is asked, as the reader leaves it
                    topic = _in_place(topic, found.group(0), party)
                party = None
                break
    if party and u.intent != "list":
        slots["parties"] = (party,)  # a list asks across states: the conversation's state stays out
    if "parties" in slots:
        slots["party_groups"] = ((slots["parties"][0],),)  # type: ignore[index]
    if treaty:
        slots["treaties"] = (treaty,)
        replaced = TREATY_REFERENCE.sub(f"the {treaty}", text, count=1)
        if replaced == text:
            replaced = TREATY_PRONOUN.sub(lambda m: f"{m.group(1)} the {treaty}", text, count=1)
        if replaced == text and _STATUS_VERB.search(text) and not u.kinds:
            replaced = re.sub(r"\s*\?*\s*$", f" the {treaty}?", text, count=1)
        if replaced != text:
            text, treaty = replaced, None
    if article and not u.articles and (reference := _ARTICLE_REFERENCE.search(text)):
        # "that article": the one asked about before.
        named_article = f"article {article}"
        text = text[: reference.start()] + named_article + text[reference.end() :]
        topic = _in_place(topic, reference.group(0), named_article)
        slots["articles"] = (article,)
    missing = [name for name in (party, treaty) if name]
    if u.intent == "list":
        missing = [treaty] if treaty else []
    if missing:
        text = f"{text.rstrip(' ?')} ({'; '.join(missing)})?"
    slots |= {"topic": topic, "topic_terms": terms(topic)} if topic != u.topic else {}
    return replace(u, question=" ".join(text.split()), **slots)  # type: ignore[arg-type]
