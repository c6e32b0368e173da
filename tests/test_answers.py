"""End to end on the ingested subset: cited answers, status facts, lists, abstention."""

import pytest

from app.assistant import Assistant
from app.errors import QuestionError
from app.results import Answer

SEED = "seeds/000_2962096e9e713ff3.txt"
NEWS = "seeds/001_6352ffd1b309921d.txt"


def only_citation(answer: Answer) -> tuple:
    assert not answer.abstained, answer.answer
    assert len(answer.citations) == 1, answer.citations
    c = answer.citations[0]
    return c.source, c.party, c.kind, c.number


def quotes_are_verbatim(answer: Answer) -> bool:
    return all(c.quote and c.quote in c.text for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "kind", "number", "fact"),
    [
        (
            "Which authority did Azerbaijan designate for extradition requests under the Convention on "
            "Cybercrime?",
            "declaration",
            "1",
            "Ministry of Justice",
        ),
        (
            "Who is Azerbaijan's central authority for mutual assistance under the Budapest Convention?",
            "declaration",
            "2",
            "Ministry of National Security",
        ),
        (
            "Where must requests under Article 27(9)(e) of the Convention on Cybercrime be addressed for "
            "Azerbaijan?",
            "declaration",
            "3",
            "central authority",
        ),
        (
            "What is Azerbaijan's 24/7 point of contact under the Convention on Cybercrime?",
            "declaration",
            "4",
            "Ministry of National Security",
        ),
        (
            "What did Azerbaijan declare under Article 38 of the Convention on Cybercrime?",
            "declaration",
            "5",
            "occupied by the Republic of Armenia",
        ),
        (
            "When does criminal liability occur under Azerbaijan's reservation on Article 4 of the "
            "Convention on "
            "Cybercrime?",
            "reservation",
            "1",
            "serious harm",
        ),
        (
            "How does Azerbaijan treat acts under Article 6(1)(b) of the Convention on Cybercrime?",
            "reservation",
            "2",
            "breach of law",
        ),
        (
            "What did Azerbaijan reserve on paragraph 3 of Article 6 of the Convention on Cybercrime?",
            "reservation",
            "3",
            "serious harm",
        ),
        (
            "On what ground may Azerbaijan refuse preservation requests under Article 29 of the "
            "Convention on "
            "Cybercrime?",
            "reservation",
            "4",
            "dual criminality",
        ),
    ],
)
def test_seed_questions_cite_the_numbered_record(
    assistant: Assistant, question: str, kind: str, number: str, fact: str
) -> None:
    answer = assistant.ask(question)
    assert only_citation(answer) == (SEED, "Azerbaijan", kind, number)
    assert fact in answer.answer and "[1]" in answer.answer
    assert quotes_are_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "date"),
    [
        ("When did Azerbaijan sign the Convention on Cybercrime?", "30 June 2008"),
        ("When did Azerbaijan ratify the Convention on Cybercrime?", "15 March 2010"),
        ("When did the Convention on Cybercrime enter into force for Azerbaijan?", "1 July 2010"),
    ],
)
def test_seed_dates_come_from_the_status_record(assistant: Assistant, question: str, date: str) -> None:
    answer = assistant.ask(question)
    assert only_citation(answer) == (SEED, "Azerbaijan", "status", None)
    assert date in answer.answer


def test_status_from_the_untc_tables_gives_the_act_and_the_snapshot_date(assistant: Assistant) -> None:
    answer = assistant.ask("When did Azerbaijan accede to the Convention against Torture?")
    assert only_citation(answer)[1:3] == ("Azerbaijan", "status")
    assert "acceded" in answer.answer and "16 August 1996" in answer.answer
    assert "March 2015" in answer.answer


def test_a_signature_without_ratification_is_reported_as_such(assistant: Assistant) -> None:
    answer = assistant.ask("When did the United States ratify the Convention on the Rights of the Child?")
    assert "signed" in answer.answer and "16 February 1995" in answer.answer
    assert "ratified" not in answer.answer


def test_the_un_convention_is_answered_from_the_news_and_called_secondary(assistant: Assistant) -> None:
    answer = assistant.ask("When did Azerbaijan's parliament ratify the UN Convention against Cybercrime?")
    (citation,) = answer.citations
    assert citation.source == NEWS and citation.authority == "secondary"
    assert "secondary source" in answer.answer and "February 10" in answer.answer


def test_the_council_of_europe_convention_never_cites_the_un_news(assistant: Assistant) -> None:
    answer = assistant.ask("When did Azerbaijan ratify the Council of Europe Convention on Cybercrime?")
    assert {c.source for c in answer.citations} == {SEED}


def test_an_ambiguous_treaty_is_answered_for_each(assistant: Assistant) -> None:
    answer = assistant.ask("What reservations did Azerbaijan make under the cybercrime convention?")
    assert "Under the Convention on Cybercrime" in answer.answer
    assert "Under the United Nations Convention against Cybercrime" in answer.answer
    assert {c.source for c in answer.citations} == {SEED, NEWS}


def test_asking_for_all_reservations_quotes_each_with_its_own_citation(assistant: Assistant) -> None:
    answer = assistant.ask("What reservations did Azerbaijan make to the Convention on Cybercrime?")
    assert [(c.kind, c.number) for c in answer.citations] == [("reservation", str(n)) for n in range(1, 5)]
    assert quotes_are_verbatim(answer)


def test_cross_state_questions_list_each_state_with_its_own_citation(assistant: Assistant) -> None:
    answer = assistant.ask("Which states made reservations to article 9 of CEDAW?")
    parties = {c.party for c in answer.citations}
    assert {"Kuwait", "Jordan", "Lebanon", "Bahrain"} <= parties
    assert len(parties) == len(answer.citations)
    for c in answer.citations:  # each with the kind its record is filed as
        assert f"{c.party} ({c.kind}) [{c.marker}]" in answer.answer


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("What reservations did France make to the 1951 Refugee Convention?", "does not contain"),
        ("Which authority did Brazil designate under the Convention on Cybercrime?", "no records of Brazil"),
        ("What is the capital of Azerbaijan?", "do not answer"),
        ("Did Azerbaijan object to any reservation under the Convention on Cybercrime?", "but no objection"),
        ("What did Azerbaijan declare under Article 99 of the Convention on Cybercrime?", "article 99"),
        ("When did Kosovo ratify the ICCPR?", "no records of Kosovo"),
    ],
)
def test_questions_the_corpus_cannot_answer_are_declined_with_what_it_covers(
    assistant: Assistant, question: str, says: str
) -> None:
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations
    assert says in answer.answer


def test_a_question_in_another_language_gets_a_clear_message(assistant: Assistant) -> None:
    answer = assistant.ask("¿Qué autoridad designó Azerbaiyán para la extradición?")
    assert answer.abstained and "English" in answer.answer


@pytest.mark.parametrize("question", ["", "   \n\t", "x" * 2001])
def test_empty_or_overlong_questions_raise_a_question_error(assistant: Assistant, question: str) -> None:
    with pytest.raises(QuestionError):
        assistant.ask(question)


def test_streaming_ends_with_the_same_answer_as_ask(assistant: Assistant) -> None:
    question = "What is Azerbaijan's 24/7 point of contact under the Convention on Cybercrime?"
    events = list(assistant.stream(question))
    assert isinstance(events[-1], Answer)
    asked = assistant.ask(question)
    assert events[-1].model_dump(exclude={"answer_id"}) == asked.model_dump(exclude={"answer_id"})
    assert events[-1].answer_id and asked.answer_id and events[-1].answer_id != asked.answer_id


def test_an_entry_that_only_points_elsewhere_is_answered_from_where_it_points(assistant: Assistant) -> None:
    # Algeria's ICCPR entry reads "See chapter IV.3.": its statements on both Covenants are filed
    # under the ICESCR.
    answer = assistant.ask("What declarations did Algeria make to the ICCPR?")
    assert not answer.abstained
    assert answer.answer.startswith(
        "Algeria's statements on the International Covenant on Civil and Political Rights are filed under "
        "the International Covenant on Economic, Social and Cultural Rights"
    )
    assert {(c.party, c.treaty) for c in answer.citations} == {
        ("Algeria", "International Covenant on Economic, Social and Cultural Rights")
    }
    assert [c.number for c in answer.citations] == ["1", "2", "3", "4"]
