"""Questions about a treaty the code was never built against (tests/fixtures/unseen),
asked the way people ask them, through the real store and embedding model: names
resolved from the catalogue's own titles, kinds as evidence, the segment that
answers quoted, declines decided on evidence, complete lists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.assistant import Assistant
from app.config import Settings
from app.conversation import Turn
from app.results import Answer
from app.server import create_app
from evals.runner import replayed
from tests.helpers import Terminal

FIXTURE = Path(__file__).parent / "fixtures" / "unseen"
SONGBIRDS = "Convention on the Conservation of Migratory Songbirds"
PROTOCOL = f"Optional Protocol to the {SONGBIRDS} concerning Wetland Habitats"
NORTHERN = "Agreement establishing the Northern Development Bank"
SOUTHERN = "Agreement establishing the Southern Development Bank"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def unseen(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    corpus = tmp_path_factory.mktemp("unseen") / "corpus"
    shutil.copytree(FIXTURE, corpus)
    assistant = Assistant(Settings(data_dir=corpus.parent / "data", corpus_dir=corpus))
    report = assistant.ingest()
    assert not report.failed, report.failed
    return assistant


def cited(answer: Answer) -> set[tuple[str | None, str | None, str]]:
    return {(c.party, c.treaty, c.kind) for c in answer.citations}


def conversation(assistant: Assistant, *questions: str) -> list[Turn]:
    """The turns of a conversation of these questions, each asked after the ones before."""
    return replayed(assistant, [Turn(question=q) for q in questions])


def quotes_are_verbatim(answer: Answer) -> bool:
    return all(c.quote and c.quote in c.text for c in answer.citations)


# --- treaty names as people say them -------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "the songbird convention",
        "the Lisbon convention of 1987",
        "the 1987 migratory songbirds treaty",
        "the Convention on Migratory Songbirds",
        "the Songbirds Conservation Convention",
        "the CCMS",
    ],
)
def test_a_treaty_nobody_listed_is_found_by_the_words_of_its_title(unseen: Assistant, name: str) -> None:
    answer = unseen.ask(f"What did Portugal declare under {name}?")
    assert not answer.abstained, answer.answer
    assert cited(answer) == {("Portugal", SONGBIRDS, "declaration")}


def test_a_protocol_is_not_its_convention(unseen: Assistant) -> None:
    answer = unseen.ask("What did Norway declare under the songbirds protocol?")
    assert {c.treaty for c in answer.citations} == {PROTOCOL}
    convention = unseen.understand("What did Norway declare under the songbird convention?")
    assert convention.treaties == (SONGBIRDS,)


def test_titles_a_word_apart_are_never_silently_picked(unseen: Assistant) -> None:
    # Of the two, the one Iceland has records of.
    assert unseen.understand("What did Iceland declare under the development bank agreement?").treaties == (
        NORTHERN,
    )
    both = unseen.understand("What do the development bank agreements say about loans?")
    assert set(both.treaties) == {NORTHERN, SOUTHERN}
    answer = unseen.ask("What did Peru declare under the Southern Development Bank agreement?")
    assert cited(answer) == {("Peru", SOUTHERN, "declaration")}


@pytest.mark.parametrize(
    "question",
    [
        "What did Chile reserve under the XQZP?",
        "What did Chile reserve under the Aarhus Convention?",
        "What did Chile declare under the Lisbon convention of 1999?",
    ],
)
def test_a_named_treaty_that_cannot_be_resolved_is_never_answered_from_another(
    unseen: Assistant, question: str
) -> None:
    answer = unseen.ask(question)
    assert answer.abstained and not answer.citations, answer.answer


def test_a_territory_is_answered_from_its_states_record_saying_why(unseen: Assistant) -> None:
    answer = unseen.ask("Does the songbird convention apply in the Azores?")
    assert cited(answer) == {("Portugal", SONGBIRDS, "declaration")}, answer.answer
    assert "concerning Azores" in answer.answer


# --- kinds are evidence ----------------------------------------------------------------------


def test_a_record_called_by_another_kind_is_found_and_named_for_what_it_is(unseen: Assistant) -> None:
    answer = unseen.ask("What reservation did Japan make about habitats under the songbird convention?")
    assert cited(answer) == {("Japan", SONGBIRDS, "understanding")}
    assert "recorded as an understanding" in answer.answer


# --- the segment that answers ------------------------------------------------------------------


def test_the_quote_is_the_part_of_a_long_record_about_the_asked_article(unseen: Assistant) -> None:
    answer = unseen.ask("What did Ghana say about article 17(2) of the songbird convention?")
    (citation,) = answer.citations
    assert citation.party == "Ghana" and quotes_are_verbatim(answer)
    assert "accepts arbitration only" in citation.quote
    assert "register of ringing stations" not in citation.quote and "budget" not in citation.quote


# --- declining on evidence, not wording ----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "record"),
    [
        ("Did Portugal limit where the songbird convention applies?", ("Portugal", "declaration", None)),
        (
            "Can Norway's hunters still take ptarmigan under the songbird treaty?",
            ("Norway", "reservation", None),
        ),
        (
            "Who hands out permits to export live birds in Chile under the songbird convention?",
            ("Chile", "reservation", "2"),
        ),
        ("who issues export permits for live birds in chile under the ccms?", ("Chile", "reservation", "2")),
    ],
)
def test_a_paraphrase_is_answered_from_the_record_it_describes(
    unseen: Assistant, question: str, record: tuple[str, str, str | None]
) -> None:
    answer = unseen.ask(question)
    assert {(c.party, c.kind, c.number) for c in answer.citations} == {record}, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "What did Brazil declare under the songbird convention?",  # no record of Brazil
        "What reservation did Kenya make to article 30 of the songbird convention?",  # nobody did
        "Did Norway withdraw its ptarmigan reservation in 2022?",  # after the sources' date
        "What is the verbatim text of the decision to move the songbird secretariat to Geneva?",
        "What is the best recipe for a lemon cake?",
    ],
)
def test_what_the_sources_do_not_hold_is_declined(unseen: Assistant, question: str) -> None:
    answer = unseen.ask(question)
    assert answer.abstained and not answer.citations, answer.answer


# --- complete lists ------------------------------------------------------------------------------


def test_a_list_names_every_state_whose_record_concerns_the_article(unseen: Assistant) -> None:
    answer = unseen.ask("Which states made reservations to article 9 of the songbird convention?")
    # Chile writes "paragraph 2 of article 9", Norway "article 9 (2)", Kenya "Articles 9 and 29"
    # (a declaration, listed as such).
    assert {c.party for c in answer.citations} == {"Chile", "Norway", "Kenya"}
    assert "Kenya (declaration)" in answer.answer


# --- never another treaty's or state's record -------------------------------------------------


def test_a_name_in_a_states_place_that_is_no_party_is_declined_not_answered_from_another(
    unseen: Assistant,
) -> None:
    answer = unseen.ask("What did Wakanda declare about article 9 of the songbird convention?")
    assert answer.abstained and not answer.citations
    assert "no records of Wakanda" in answer.answer


def test_a_state_with_records_under_several_treaties_is_asked_which_one(unseen: Assistant) -> None:
    answer = unseen.ask("What did Norway declare?")
    assert answer.abstained and not answer.citations, answer.answer
    assert set(answer.choices) == {SONGBIRDS, PROTOCOL}
    assert "which one do you mean?" in answer.answer


def test_the_content_that_points_to_one_of_a_states_treaties_answers_from_it(unseen: Assistant) -> None:
    answer = unseen.ask("What did Norway declare about the wetland inventory?")
    assert cited(answer) == {("Norway", PROTOCOL, "declaration")}, answer.answer


def test_objections_to_a_states_reservation_are_other_states_records(unseen: Assistant) -> None:
    answer = unseen.ask("Did anyone object to Chile's reservation to the songbird convention?")
    assert answer.abstained and not answer.citations
    assert "no objection naming Chile" in answer.answer


def test_a_yes_no_status_question_gets_its_yes_first(unseen: Assistant) -> None:
    answer = unseen.ask("has kenya ratified the ccms?")
    assert answer.answer.startswith("Yes: Kenya signed")
    assert cited(answer) == {("Kenya", SONGBIRDS, "status")}


def test_a_follow_up_keeps_the_treaty_of_an_earlier_turn_that_named_it(unseen: Assistant) -> None:
    history = conversation(unseen, "What did Kenya declare under the songbird convention?", "Which body?")
    answer = unseen.ask("When did they ratify it?", history=history)
    assert cited(answer) == {("Kenya", SONGBIRDS, "status")}
    assert "9 November 1991" in answer.answer


def test_a_follow_up_naming_a_treaty_the_corpus_lacks_is_declined(unseen: Assistant) -> None:
    history = conversation(unseen, "What did Chile reserve under the songbird convention?")
    answer = unseen.ask("And under the Whaling Convention?", history=history)
    assert answer.abstained and not answer.citations, answer.answer


def test_a_question_about_two_articles_quotes_what_the_record_says_of_each(unseen: Assistant) -> None:
    answer = unseen.ask("What did Ghana say about articles 12 and 17(2) of the songbird convention?")
    (citation,) = answer.citations
    assert citation.party == "Ghana" and quotes_are_verbatim(answer)
    assert "Ministry of Lands" in citation.quote and "accepts arbitration only" in citation.quote
    assert "ringing stations" not in citation.quote and "budget" not in citation.quote


def test_the_same_asked_of_another_state_is_what_the_last_answer_quoted(unseen: Assistant) -> None:
    history = conversation(unseen, "What did Chile reserve about arbitration under the ccms?")
    assert history[-1].citations[0].number == "3"
    answer = unseen.ask("did Ghana say the same?", history=history)
    assert {(c.party, c.kind) for c in answer.citations} == {("Ghana", "reservation")}, answer.answer
    assert "accepts arbitration only" in answer.citations[0].quote


def test_the_first_country_of_a_conversation_is_the_state_it_named_first(unseen: Assistant) -> None:
    history = conversation(unseen, "What did Kenya declare under the songbird convention?", "And Portugal?")
    answer = unseen.ask("going back to the first country: which body did it designate?", history=history)
    assert cited(answer) == {("Kenya", SONGBIRDS, "declaration")}, answer.answer


# --- the treaty's own text -------------------------------------------------------------------


def text_cited(answer: Answer) -> list[str | None]:
    return [c.number for c in answer.citations if c.kind == "treaty text"]


def test_what_an_article_says_is_quoted_from_the_treatys_text(unseen: Assistant) -> None:
    answer = unseen.ask("What does article 9 of the songbird convention say?")
    assert not answer.abstained
    assert [c.number for c in answer.citations] == ["Article 9(1)", "Article 9(2)"]
    assert all(c.kind == "treaty text" and c.treaty == SONGBIRDS for c in answer.citations)
    assert "designate the national authority that issues export permits" in answer.answer
    assert quotes_are_verbatim(answer)


def test_which_article_deals_with_a_subject_is_answered_from_the_text(unseen: Assistant) -> None:
    answer = unseen.ask("which article of the songbirds convention deals with the settlement of disputes?")
    assert text_cited(answer) == [c.number for c in answer.citations]
    assert text_cited(answer)[0] in ("Article 17(1)", "Article 17(2)")


def test_an_article_the_treaty_does_not_have_is_declined_saying_how_many_it_has(unseen: Assistant) -> None:
    answer = unseen.ask("What does article 40 of the songbird convention provide?")
    assert answer.abstained and not answer.citations
    assert "has 8 articles" in answer.answer and "no article 40" in answer.answer


def test_a_states_reservation_carries_the_text_of_the_article_it_concerns(unseen: Assistant) -> None:
    answer = unseen.ask("What did Norway reserve under the songbird convention?")
    [citation] = answer.citations
    assert (citation.party, citation.kind) == ("Norway", "reservation")
    assert citation.articles_text == (
        "Article 9(2): 2. Each Party shall designate the national authority that issues export permits "
        "and shall inform the secretariat of its designation."
    )


def test_a_question_to_a_state_is_never_answered_from_the_treatys_text(unseen: Assistant) -> None:
    answer = unseen.ask("What did Kenya say about export permits under the songbird convention?")
    assert answer.citations and not text_cited(answer)
    assert {c.party for c in answer.citations} == {"Kenya"}


def test_a_definition_is_answered_from_the_provision_that_defines_the_term(unseen: Assistant) -> None:
    answer = unseen.ask("How does the songbird convention define a songbird?")
    assert text_cited(answer) == ["Article 1"]
    assert '"songbird" means any bird of the order Passeriformes' in answer.answer


# --- objections to a reservation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "follow_up",
    ["Were there objections?", "Did anyone object?", "Who objected?", "Did any state object to them?"],
)
def test_objections_after_a_reservation_are_other_states_objections_naming_it(
    unseen: Assistant, follow_up: str
) -> None:
    turns = conversation(unseen, "What reservation did Norway make under the songbird convention?")
    assert turns[0].citations and {c.party for c in turns[0].citations} == {"Norway"}
    answer = unseen.ask(follow_up, history=turns)
    assert answer.resolved_question == f"Did any state object to Norway's Reservation to the {SONGBIRDS}?"
    assert cited(answer) == {("Sweden", SONGBIRDS, "objection")}
    assert "Sweden" in answer.answer


@pytest.mark.parametrize(
    "between", ["Is the convention in force between them?", "Is it in force between the two?"]
)
def test_in_force_between_them_after_an_objection_is_answered_from_the_objections_words(
    unseen: Assistant, between: str
) -> None:
    turns = conversation(
        unseen, "What reservation did Norway make under the songbird convention?", "Who objected to it?"
    )
    answer = unseen.ask(between, history=turns)
    assert "between Sweden and Norway" in (answer.resolved_question or "")
    assert answer.citations[0].party == "Sweden" and answer.citations[0].kind == "objection"
    assert "shall not preclude the entry into force of the Convention between Norway and Sweden" in (
        answer.citations[0].quote
    )


# --- "the same" by another state ---------------------------------------------------------------

NORWAY_RESERVATION = "What reservation did Norway make under the songbird convention?"


@pytest.mark.parametrize(
    "follow_up", ["Did any other state make a similar reservation?", "Did another country do the same?"]
)
def test_the_same_by_another_state_lists_other_states_records_to_its_articles_closest_first(
    unseen: Assistant, follow_up: str
) -> None:
    answer = unseen.ask(follow_up, history=conversation(unseen, NORWAY_RESERVATION))
    # Chile's reservation 2 and Kenya's declaration concern article 9(2); Norway's own is left out.
    assert [(c.party, c.kind, c.number) for c in answer.citations] == [
        ("Chile", "reservation", "2"),
        ("Kenya", "declaration", None),
    ]
    assert answer.answer.startswith("Besides Norway, 2 states or organisations made reservations")
    assert [row.state for row in answer.table] == ["Chile", "Kenya"]


def test_a_similar_reservation_after_an_objection_is_like_the_reservation_not_the_objection(
    unseen: Assistant,
) -> None:
    turns = conversation(unseen, NORWAY_RESERVATION, "Were there objections?", "Is it in force between them?")
    answer = unseen.ask("Did any other state make a similar reservation?", history=turns)
    assert [c.party for c in answer.citations] == ["Chile", "Kenya"]


def test_the_same_by_a_bordering_country_reads_the_neighbours_of_the_conversations_state(
    unseen: Assistant,
) -> None:
    answer = unseen.ask(
        "Did any bordering country do the same?", history=conversation(unseen, NORWAY_RESERVATION)
    )
    assert answer.resolved_question is not None and "bordering Norway" in answer.resolved_question
    # Sweden, the one neighbour with records, objected; it made no reservation to article 9(2).
    assert answer.abstained and not answer.citations
    assert "neighbours of Norway concerning article 9(2)" in answer.answer


def test_the_same_by_another_state_is_declined_when_no_other_state_has_one(unseen: Assistant) -> None:
    turns = conversation(unseen, "What did Chile reserve under the songbird convention?")
    assert [c.number for c in turns[0].citations] == ["1"]
    answer = unseen.ask("Did another state do the same?", history=turns)
    assert answer.abstained and not answer.citations
    assert "other than Chile concerning article 4" in answer.answer


# The conversation of issue kinds: objections to what was quoted, in force between them, and
# the same reservation by another state, as the API's clients and the terminal chat hold it.
OBJECTIONS_CONVERSATION = [
    (NORWAY_RESERVATION, {("Norway", "reservation")}),
    ("Were there objections?", {("Sweden", "objection")}),
    # Sweden's objection says it does not preclude entry into force; Norway's part is its reservation.
    ("Is the convention in force between them?", {("Sweden", "objection"), ("Norway", "reservation")}),
    ("Did any other state make a similar reservation?", {("Chile", "reservation"), ("Kenya", "declaration")}),
]


def test_a_conversation_over_the_api_follows_objections_and_the_same_by_another_state(
    unseen: Assistant,
) -> None:

    client = TestClient(create_app(Assistant(unseen.settings)))
    history: list[dict[str, object]] = []
    for question, expected in OBJECTIONS_CONVERSATION:
        data = client.post("/api/ask", json={"question": question, "history": history}).json()
        assert {(c["party"], c["kind"]) for c in data["citations"]} == expected, (question, data["answer"])
        history.append(data)  # the response is the next turn: question, resolved_question, citations
    assert (
        history[1]["resolved_question"] == f"Did any state object to Norway's Reservation to the {SONGBIRDS}?"
    )
    assert "between Sweden and Norway" in str(history[2]["resolved_question"])
    assert str(history[3]["answer"]).startswith("Besides Norway")


def test_the_terminal_chat_follows_objections_and_the_same_by_another_state(unseen: Assistant) -> None:
    chat = Terminal(unseen)
    try:
        chat.read_until("> ")
        said = [chat.say(question) for question, _ in OBJECTIONS_CONVERSATION]
    finally:
        chat.process.kill()
    assert f"Read as: Did any state object to Norway's Reservation to the {SONGBIRDS}?" in said[1]
    assert "Sweden" in said[1] and "between Sweden and Norway" in said[2]
    assert "Besides Norway" in said[3] and "Chile" in said[3] and "Kenya" in said[3]
