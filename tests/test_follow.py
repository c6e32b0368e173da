"""Follow-ups as a merge of frames: each question read once, the follow-up's frame
completed from the conversation's, references bound to the previous answer's records.
The reader of the unseen fixture catalogue, without the model: milliseconds a row."""

from __future__ import annotations

from typing import Any

import pytest

from app.conversation import CitedRecord, Turn, follow
from app.names import load_names
from app.understand import QuestionReader, Understanding
from ingest.records import Kind
from tests.test_names import PROTOCOL, SONGBIRDS, catalogue

NORWAY_RESERVATION = CitedRecord(
    record_id="norway-r",
    party="Norway",
    treaty=SONGBIRDS,
    kind="reservation",
    quote="Norway reserves the right to permit the traditional taking of ptarmigan under article 9(2).",
)
CHILE_RESERVATION = CitedRecord(
    record_id="chile-r2", party="Chile", treaty=SONGBIRDS, kind="reservation", number="2"
)
SWEDEN_OBJECTION = CitedRecord(record_id="sweden-o", party="Sweden", treaty=SONGBIRDS, kind="objection")

NORWAY_ASKED = f"What reservations did Norway make to the {SONGBIRDS}?"
ON_ARTICLE_4 = f"What did Chile declare about article 4 of the {SONGBIRDS}?"
ACROSS_STATES = f"Which states made reservations to the {SONGBIRDS}?"


@pytest.fixture(scope="module")
def reader() -> QuestionReader:
    return QuestionReader(catalogue(), load_names())


def turn(question: str, *cited: CitedRecord) -> Turn:
    return Turn(question=question, citations=list(cited))


# (earlier turns, follow-up, what the merged frame holds)
CASES: list[tuple[list[Turn], str, dict[str, Any]]] = [
    (  # a state for a state: the rest of the previous frame stays
        [turn(NORWAY_ASKED)],
        "And Chile?",
        {
            "question": f"What reservations did Chile make to the {SONGBIRDS}?",
            "parties": ("Chile",),
            "treaties": (SONGBIRDS,),
            "kinds": (Kind.RESERVATION,),
        },
    ),
    (  # an article for an article
        [turn(ON_ARTICLE_4)],
        "what about article 9?",
        {"parties": ("Chile",), "treaties": (SONGBIRDS,), "articles": ("9",), "topic_terms": ()},
    ),
    (  # another treaty does not keep the article asked before
        [turn(ON_ARTICLE_4)],
        "and the songbirds protocol?",
        {"parties": ("Chile",), "treaties": (PROTOCOL,), "articles": ()},
    ),
    (  # a kind of record for the verb that asked
        [turn(f"What did Norway reserve under the {SONGBIRDS}?")],
        "And their declarations?",
        {
            "question": f"What declarations did Norway make to the {SONGBIRDS}?",
            "kinds": (Kind.DECLARATION,),
            "kind_asked": True,
        },
    ),
    (  # its own predicate: pronouns bound, status asked of the conversation's state and treaty
        [turn(NORWAY_ASKED, NORWAY_RESERVATION)],
        "When did they ratify it?",
        {
            "question": f"When did Norway ratify the {SONGBIRDS}?",
            "parties": ("Norway",),
            "treaties": (SONGBIRDS,),
            "intent": "status",
        },
    ),
    (  # "that article": the one asked about before
        [turn(ON_ARTICLE_4)],
        "and what did Kenya say about that article?",
        {"parties": ("Kenya",), "treaties": (SONGBIRDS,), "articles": ("4",)},
    ),
    (  # "that same article": the one the conversation asked about by its subject, turns before
        [
            Turn(question=f"What did Chile reserve under the {SONGBIRDS} about forests?", articles=["9(2)"]),
            turn("when did it ratify it?"),
        ],
        "and did Kenya say anything about that same article?",
        {"parties": ("Kenya",), "treaties": (SONGBIRDS,), "articles": ("9(2)",)},
    ),
    (  # objections to what was just quoted, by other states
        [turn(NORWAY_ASKED, NORWAY_RESERVATION)],
        "Were there objections?",
        {
            "question": f"Did any state object to Norway's Reservation to the {SONGBIRDS}?",
            "parties": (),
            "objected_to": ("Norway",),
            "kinds": (Kind.OBJECTION,),
            "pinned": ("norway-r",),
        },
    ),
    (  # "their reservation" after "object to": the state whose reservation is objected to
        [turn(NORWAY_ASKED)],
        "did anyone object to their reservation?",
        {"parties": (), "objected_to": ("Norway",), "treaties": (SONGBIRDS,)},
    ),
    (  # "the second one": the second record cited
        [turn(f"What reservations were made to the {SONGBIRDS}?", NORWAY_RESERVATION, CHILE_RESERVATION)],
        "What does the second one say about forests?",
        {
            "question": f"What does Chile's Reservation 2 to the {SONGBIRDS} say about forests?",
            "parties": ("Chile",),
            "treaties": (SONGBIRDS,),
            "kinds": (Kind.RESERVATION,),
            "pinned": ("chile-r2",),
        },
    ),
    (  # "the Swedish one": the record of that state the previous answer cited
        [turn(f"Which states made statements on the {SONGBIRDS}?", NORWAY_RESERVATION, SWEDEN_OBJECTION)],
        "What does the Swedish one say?",
        {
            "question": f"What does Sweden's Objection to the {SONGBIRDS} say?",
            "parties": ("Sweden",),
            "pinned": ("sweden-o",),
            "kinds": (Kind.OBJECTION,),
        },
    ),
    (  # "between them" after an objection: the objector and the state objected to
        [
            turn(NORWAY_ASKED, NORWAY_RESERVATION),
            turn(f"Did any state object to Norway's Reservation to the {SONGBIRDS}?", SWEDEN_OBJECTION),
        ],
        "Is the convention in force between them?",
        {
            "question": f"Is the {SONGBIRDS} in force between Sweden and Norway?",
            "parties": ("Sweden", "Norway"),
            "treaties": (SONGBIRDS,),
            "pinned": ("sweden-o",),
        },
    ),
    (  # "a similar reservation" by another state: like the record quoted, across the others
        [turn(NORWAY_ASKED, NORWAY_RESERVATION)],
        "Did any other state make a similar reservation?",
        {
            "parties": (),
            "other_than": ("Norway",),
            "intent": "list",
            "treaties": (SONGBIRDS,),
            "articles": ("9(2)",),
            "like": NORWAY_RESERVATION.quote,
            "kinds": (Kind.RESERVATION,),
        },
    ),
    (  # "any bordering country": the neighbours of the conversation's state
        [turn(NORWAY_ASKED, NORWAY_RESERVATION)],
        "Did any bordering country do the same?",
        {"state_groups": ("neighbours of Norway",), "parties": ("Sweden",), "treaties": (SONGBIRDS,)},
    ),
    (  # "which of those": the previous list, of a group's states
        [turn(ACROSS_STATES)],
        "which of those are EU member states?",
        {"question": f"{ACROSS_STATES.rstrip('?')} (EU member states)?", "intent": "list"},
    ),
    (  # "the first country": the state the conversation named first
        [turn(NORWAY_ASKED), turn("And Chile?")],
        "When did the first country ratify it?",
        {"parties": ("Norway",), "treaties": (SONGBIRDS,), "intent": "status"},
    ),
    (  # a new state and treaty, and nothing else: the previous question of them
        [turn(f"When did Norway ratify the {SONGBIRDS}?")],
        "what about Chile and the songbirds protocol?",
        {"parties": ("Chile",), "treaties": (PROTOCOL,), "intent": "status"},
    ),
    (  # a question naming its own state and treaty starts afresh
        [turn(NORWAY_ASKED)],
        f"What did Japan declare under the {SONGBIRDS}?",
        {"question": f"What did Japan declare under the {SONGBIRDS}?", "parties": ("Japan",), "pinned": ()},
    ),
    (  # nothing earlier to complete it from: it stays as asked, and is refused as such
        [turn("Hello, what can you do?")],
        "When did they ratify it?",
        {"question": "When did they ratify it?", "parties": (), "treaties": (), "refers_back": True},
    ),
]


@pytest.mark.parametrize(("history", "question", "expected"), CASES, ids=[c[1] for c in CASES])
def test_a_follow_up_is_its_frame_merged_with_the_conversations(
    reader: QuestionReader, history: list[Turn], question: str, expected: dict[str, Any]
) -> None:
    merged = follow(reader.read(question), history, reader)
    assert {name: getattr(merged, name) for name in expected} == expected


def test_which_of_those_keeps_the_group_members_only(reader: QuestionReader) -> None:
    merged = follow(reader.read("which of those are EU member states?"), [turn(ACROSS_STATES)], reader)
    assert set(merged.parties) == {"Portugal", "Sweden"}
    assert merged.treaties == (SONGBIRDS,) and merged.kinds == (Kind.RESERVATION,)


def test_a_follow_up_is_read_once_and_its_standalone_question_never_read(reader: QuestionReader) -> None:
    history = [turn(NORWAY_ASKED, NORWAY_RESERVATION)]
    reader.read.cache_clear()
    merged = follow(reader.read("Were there objections?"), history, reader)
    assert merged.question != "Were there objections?"
    assert reader.read.cache_info().misses == 2  # the earlier question and the follow-up, once each


# (frame slots, what it asks): the one rule that decides intent, for questions and merged frames alike.
SETTLED: list[tuple[dict[str, Any], str, bool]] = [
    (
        {"parties": ("Norway",), "treaties": (SONGBIRDS,), "status_facts": ("consent",), "asks_date": True},
        "status",
        False,
    ),
    ({"parties": ("Norway",), "status_facts": ("consent",), "topic_terms": ("hunt",)}, "content", False),
    ({"parties": ("Norway",), "status_facts": ("consent",), "kinds": (Kind.RESERVATION,)}, "content", False),
    ({"asks_list": True, "treaties": (SONGBIRDS,)}, "list", False),
    ({"asks_list": True, "parties": ("Norway",), "treaties": (SONGBIRDS,)}, "content", False),
    (
        {"state_groups": ("EU member states",), "parties": ("Sweden",), "treaties": (SONGBIRDS,)},
        "list",
        False,
    ),
    ({"asks_others": True, "treaties": (SONGBIRDS,)}, "list", False),
    ({"text_words": True, "treaties": (SONGBIRDS,)}, "content", True),
    ({"text_words": True, "treaties": (SONGBIRDS,), "parties": ("Norway",)}, "content", False),
]


@pytest.mark.parametrize(("slots", "intent", "asks_text"), SETTLED)
def test_what_a_frame_asks_follows_from_its_slots(
    reader: QuestionReader, slots: dict[str, Any], intent: str, asks_text: bool
) -> None:
    settled = reader.settled(Understanding(question="", **slots))
    assert (settled.intent, settled.asks_text) == (intent, asks_text)
