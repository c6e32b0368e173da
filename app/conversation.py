"""Follow-up questions, completed from the conversation before them.

"And Egypt?" after "What reservations did China make to the Vienna Convention on
Diplomatic Relations?" is read as "What reservations did Egypt make to the Vienna
Convention on Diplomatic Relations?". The rules work on what the question reader
finds in both questions (states, treaties, articles, kinds of record) and on the
records the previous answer cited ("the second one"). A question that names its own
treaty and state starts afresh. Every interface shows the standalone question that
was answered, so a wrong reading is visible at once.

History is data like any question: it only supplies names and cited records, never
instructions, and it is bounded (turns and characters)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pydantic import BaseModel, ConfigDict, Field

from app.coverage import join, possessive, record_name
from app.errors import QuestionError
from app.results import Answer
from app.understand import (
    PRONOUN_AFTER_AUX,
    SUBJECT_PRONOUN,
    TREATY_PRONOUN,
    TREATY_REFERENCE,
    QuestionReader,
    Understanding,
)
from ingest.kinds import KIND_NOUN, NOUNS, STATEMENT_KINDS, kind_from_label, plural
from ingest.records import Kind
from ingest.text import extract_articles


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
        )


@dataclass(frozen=True)
class Reading:
    """A question as it is answered: standalone, and the records it points at, if any."""

    question: str
    pinned: tuple[str, ...] = ()  # IDs of cited records the question refers to ("the second one")
    # What "the same" or "something similar" means: the words the previous answer quoted.
    like: str = ""
    like_articles: tuple[str, ...] = ()  # the articles it concerns, while the treaty is the same
    like_kind: Kind | None = None  # the kind of the record quoted: what "did anyone do the same" asks for
    other_than: tuple[str, ...] = ()  # "another state": the states of the conversation, left out


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
_THAT_RECORD = re.compile(
    r"\b(?:that|this)\s+(?P<noun>reservation|declaration|objection|understanding|communication|statement)\b"
    # "did anyone object to that?": to the statement just quoted.
    r"|\bobject(?:s|ed|ing)?\s+to\s+(?P<it>that|this|it)\s*\?*\s*$",
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
_BETWEEN_THEM = re.compile(r"\bbetween\s+(?:them|the\s+two|both|th(?:ese|ose)\s+two)\b", re.I)
_STATUS_VERB = re.compile(r"\b(?:ratif\w*|sign\w*|acced\w*|join\w*|accession|party)\b", re.I)


def standalone(question: str, history: Sequence[Turn], reader: QuestionReader) -> Reading:
    """The question as it would be asked on its own, given the conversation so far."""
    if not history:
        return Reading(question)
    question = _bordering(_nth_state(_one_named(question, history, reader), history, reader), history, reader)
    u = reader.read(question)
    if u.state_groups and _OF_THOSE.search(question) and not (u.treaties or u.absent_treaties):
        # The previous question again, of the group's states only (the group as answers name it).
        return Reading(f"{history[-1].asked.rstrip(' ?')} ({' and '.join(u.state_groups)})?")
    if (u.treaties or u.absent_treaties) and (u.parties or u.absent_parties or u.intent == "list"):
        return Reading(question)  # names its own treaty and state (or asks across states): afresh
    last = history[-1]
    previous = _in_context(history, reader)
    if (ordinal := _ORDINAL.search(question)) and (reading := _cited(question, ordinal, last)):
        return reading
    if _ANY_OBJECTIONS.match(question):
        question = "Did any state object to that?"  # read as the next rule reads it
    if that := _THAT_RECORD.search(question):
        reference = that.span("it") if that["it"] else that.span()
        if record := _of_kind(last, that["noun"] or "statement"):
            return _pointing(question, reference, record)
        if that["it"] and previous.parties:
            # Nothing was quoted: objections to what the state of the conversation said.
            said = f"{possessive(previous.parties[0])} statements"
            question = f"{question[: reference[0]]}{said}{question[reference[1] :]}"
            u = reader.read(question)
    if (between := _BETWEEN_THEM.search(question)) and (objection := _of_kind(last, "objection")):
        # Answered from the objection's own words ("shall not preclude the entry into force ...").
        states = dict.fromkeys(p for p in (objection.party, *previous.objected_to, *previous.parties) if p)
        question = f"{question[: between.start()]}between {join(states)}{question[between.end() :]}"
        u = reader.read(question)
        pinned = (objection.record_id,) if objection.record_id else ()
        return Reading(_completed(question, u, previous), pinned)
    if not (previous.parties or previous.treaties):
        return Reading(question)  # nothing to carry over
    if _elliptical(question, reader):
        return Reading(_substituted(last.asked, previous, u, question, reader))
    # "Did Malta say the same?", "something similar about the protocol": like what was quoted.
    quoted = _alike(question, history) if _SIMILAR.search(question) else None
    like = quoted.quote if quoted else ""
    # Articles belong to their treaty: "something similar about the protocol" keeps none.
    articles = () if u.treaties or u.absent_treaties else extract_articles(like)
    # "Did another state ...": across states, leaving out the one whose record is alike, else
    # those of the conversation.
    others = ((quoted.party,) if quoted and quoted.party else previous.parties) if u.asks_others else ()
    completed = _completed(question, u, replace(previous, parties=()) if others else previous)
    return Reading(
        completed,
        like=like,
        like_articles=articles,
        like_kind=kind_from_label(quoted.kind or "") if quoted else None,
        other_than=others,
    )


def _nth_state(question: str, history: Sequence[Turn], reader: QuestionReader) -> str:
    """ "Going back to the first country": the state of the conversation named first."""
    if not (nth := _NTH_STATE.search(question)):
        return question
    named = list(dict.fromkeys(p for turn in history for p in reader.read(turn.asked).parties))
    index = len(named) - 1 if nth.group(1).lower() == "last" else _ORDINALS[nth.group(1).lower()]
    return question[: nth.start()] + named[index] + question[nth.end() :] if index < len(named) else question


def _bordering(question: str, history: Sequence[Turn], reader: QuestionReader) -> str:
    """ "Did any bordering country do the same?": the countries bordering the conversation's state."""
    if not (bordering := _BORDERING.search(question)):
        return question
    if not (parties := _in_context(history, reader).parties):
        return question
    named = f"{bordering['noun']} bordering {parties[0]}"
    return question[: bordering.start()] + named + question[bordering.end() :]


def _one_named(question: str, history: Sequence[Turn], reader: QuestionReader) -> str:
    """ "Back to the UN one": the one treaty of the conversation those words fit, by name."""
    if not (one := _THE_ONE.search(question)):
        return question
    earlier = dict.fromkeys(t for turn in history for t in reader.read(turn.asked).treaties)
    fits = reader.treaties.among(one.group(1), earlier)
    return question[: one.start()] + f"the {fits[0]}" + question[one.end() :] if len(fits) == 1 else question


def _in_context(history: Sequence[Turn], reader: QuestionReader) -> Understanding:
    """The last question as read, with the state and treaty the conversation is about
    where it names none ("would the ICJ then need their agreement?" is still about the
    treaty named two turns before): each from the latest turn that names one."""
    latest = reader.read(history[-1].asked)
    if latest.parties and (latest.treaties or latest.absent_treaties):
        return latest  # the usual case: nothing earlier to read
    readings = [reader.read(turn.asked) for turn in reversed(history[:-1])]
    named = next((r for r in readings if r.treaties or r.absent_treaties), None)
    if named and not latest.treaties and not latest.absent_treaties:
        latest = replace(latest, treaties=named.treaties, absent_treaties=named.absent_treaties)
    if not latest.parties and (named := next((r for r in readings if r.parties), None)):
        latest = replace(latest, parties=named.parties, party_groups=named.party_groups)
    return latest


def _elliptical(question: str, reader: QuestionReader) -> bool:
    """Nothing is asked but names: "And Egypt?", "what about article 37?", "and their
    declarations?", "the same for the Convention against Torture" (not "when did they
    ratify it?", which asks something of its own)."""
    named = reader.mentions(question)
    spans = [span for _, group in vars(named).items() for span, _ in group]
    rest = "".join(" " if any(s <= i < e for s, e in spans) else c for i, c in enumerate(question))
    return not _CUES.sub(" ", rest).split()


def _cited(question: str, ordinal: re.Match[str], last: Turn) -> Reading | None:
    """ "the second one": the second record the previous answer cited."""
    cited = last.citations
    word = ordinal.group(1).lower()
    index = len(cited) - 1 if word == "last" else _ORDINALS[word]
    if not 0 <= index < len(cited):
        return None
    return _pointing(question, ordinal.span(), cited[index])


def _of_kind(last: Turn, noun: str) -> CitedRecord | None:
    """ "that objection": the first record of that kind the previous answer cited; "that
    reservation" is any of the state's own statements (which of them is a "reservation"
    is often the source's filing, not the user's)."""
    statements = {k.value for k in STATEMENT_KINDS}
    kinds = statements if noun.lower() in statements | {"statement"} else {noun.lower()}
    return next((c for c in last.citations if c.kind in kinds), None)


def _alike(question: str, history: Sequence[Turn]) -> CitedRecord | None:
    """What "a similar reservation" is like: the record of that kind the conversation
    cited last, else the first record the previous answer cited."""
    noun = KIND_NOUN.search(question)
    kind = kind_from_label(noun.group(0)) if noun else None
    of_kind = (_of_kind(turn, kind.value) for turn in reversed(history)) if kind else iter(())
    return next((c for c in of_kind if c), None) or next(iter(history[-1].citations), None)


def _pointing(question: str, reference: tuple[int, int], record: CitedRecord) -> Reading:
    """The question with the record it points at named in place of the reference."""
    label = (record.kind or "record").capitalize() + (f" {record.number}" if record.number else "")
    name = record_name(record.party, label, record.treaty)
    start, end = reference
    rest = (question[:start] + question[end:]).strip(" ?.")
    if not _CUES.sub(" ", rest).split():
        text = f"What does {name} say?"
    else:
        text = question[:start] + name + question[end:]
    return Reading(text, (record.record_id,) if record.record_id else ())


def _substituted(
    previous_text: str, previous: Understanding, u: Understanding, question: str, reader: QuestionReader
) -> str:
    """The previous question with what the follow-up names put in place of what it
    named: a state for a state, a treaty for a treaty, an article, a kind of record."""
    spans = reader.mentions(previous_text)
    named = reader.mentions(question)
    replacements: list[tuple[tuple[int, int], str]] = []
    appended: list[str] = []
    # Articles belong to their treaty: another treaty does not keep the article asked before.
    dropped = named.treaties and not named.articles
    replacements += [(span, "") for span, _ in spans.articles] if dropped else []
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
    if u.kinds and not spans.kinds and (previous.parties or named.parties) and previous.treaties:
        # Only a verb said what was asked ("What did China reserve ..."): ask afresh.
        party = named.parties[0][1] if named.parties else previous.parties[0]
        treaty = named.treaties[0][1] if named.treaties else f"the {previous.treaties[0]}"
        return f"What {_kind_word(u.kinds, plural_form=True)} did {party} make to {treaty}?"
    if u.kinds and spans.kinds:
        span, word = spans.kinds[0]
        replacements.append((span, _kind_word(u.kinds, plural_form=word.lower().endswith("s"))))
    text = previous_text
    for (start, end), new_text in sorted(replacements, reverse=True):
        text = text[:start] + new_text + text[end:]
    text = " ".join(re.sub(r"\(\s*(?:[;,]\s*)*\)|\s+(?=[?,;)])", "", text).split())
    if appended:
        text = f"{text.rstrip(' ?')} ({'; '.join(appended)})?"
    return text


def _kind_word(kinds: tuple[Kind, ...], plural_form: bool) -> str:
    return " and ".join(plural(k, 2 if plural_form else 1) for k in kinds)


def _completed(question: str, u: Understanding, previous: Understanding) -> str:
    """A follow-up with its own predicate ("when did it ratify?", "did they object to
    it?"): pronouns replaced by the state and treaty of the conversation, and what is
    still missing added in brackets."""
    text = question
    named_party = u.parties or u.absent_parties or u.objected_to
    party = previous.parties[0] if previous.parties and not named_party else None
    # A treaty the follow-up names stands, even one the corpus does not hold.
    named = u.treaties or u.absent_treaties
    treaty = previous.treaties[0] if len(previous.treaties) == 1 and not named else None
    if party:
        replaced = SUBJECT_PRONOUN.sub(party, text, count=1)
        if replaced == text:
            replaced = PRONOUN_AFTER_AUX.sub(lambda m: f"{m.group(1)} {party}", text, count=1)
        if replaced == text:
            replaced = _POSSESSIVE.sub(possessive(party), text, count=1)
        if replaced != text:
            text, party = replaced, None
    if treaty:
        replaced = TREATY_REFERENCE.sub(f"the {treaty}", text, count=1)
        if replaced == text:
            replaced = TREATY_PRONOUN.sub(lambda m: f"{m.group(1)} the {treaty}", text, count=1)
        if replaced == text and _STATUS_VERB.search(text) and not u.kinds:
            replaced = re.sub(r"\s*\?*\s*$", f" the {treaty}?", text, count=1)
        if replaced != text:
            text, treaty = replaced, None
    if previous.articles and not u.articles:
        # "that article": the one asked about before.
        text = _ARTICLE_REFERENCE.sub(f"article {previous.articles[0]}", text, count=1)
    missing = [name for name in (party, treaty) if name]
    if u.intent == "list":
        missing = [treaty] if treaty else []
    if missing:
        text = f"{text.rstrip(' ?')} ({'; '.join(missing)})?"
    return " ".join(text.split())
