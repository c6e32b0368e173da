"""Reading questions: parties, treaties (with aliases), articles, kinds, intent."""

import pytest

from app.understand import QuestionReader, looks_english
from ingest.records import Kind

COE_CYBERCRIME = "Convention on Cybercrime"
UN_CYBERCRIME = "United Nations Convention against Cybercrime"
ICCPR = "International Covenant on Civil and Political Rights"
CEDAW = "Convention on the Elimination of All Forms of Discrimination against Women"


@pytest.mark.parametrize(
    ("question", "party"),
    [
        ("What did the US reserve under the ICCPR?", "United States of America"),
        ("What did the U.S. reserve under the ICCPR?", "United States of America"),
        ("What did the UK declare under CEDAW?", "United Kingdom of Great Britain and Northern Ireland"),
        ("When did Iran ratify the ICCPR?", "Iran (Islamic Republic of)"),
        ("When did South Korea ratify CEDAW?", "Republic of Korea"),
        ("When did Vietnam accede to the ICESCR?", "Viet Nam"),
    ],
)
def test_state_names_and_common_variants_resolve_to_the_corpus_spelling(
    reader: QuestionReader, question: str, party: str
) -> None:
    assert reader.read(question).parties == (party,)


def test_lower_case_us_is_not_the_united_states(reader: QuestionReader) -> None:
    assert reader.read("Tell us what Azerbaijan declared under the ICCPR").parties == ("Azerbaijan",)


@pytest.mark.parametrize(
    ("question", "treaties"),
    [
        ("What did Azerbaijan declare under the Budapest Convention?", (COE_CYBERCRIME,)),
        ("What did Azerbaijan reserve under the UN Convention against Cybercrime?", (UN_CYBERCRIME,)),
        ("What did Azerbaijan reserve under the UN Convention on Cybercrime?", (UN_CYBERCRIME,)),
        ("What did Azerbaijan declare under the Convention on Cybercrime?", (COE_CYBERCRIME,)),
        ("What did France reserve under CEDAW?", (CEDAW,)),
        ("What did France reserve under the Covenant on Civil and Political Rights?", (ICCPR,)),
    ],
)
def test_treaty_titles_and_aliases_resolve(reader: QuestionReader, question: str, treaties: tuple) -> None:
    understood = reader.read(question)
    assert understood.treaties == treaties
    assert not understood.ambiguous_treaty


def test_a_phrase_that_fits_both_cybercrime_conventions_is_ambiguous(reader: QuestionReader) -> None:
    understood = reader.read("What did Azerbaijan declare under the cybercrime convention?")
    assert set(understood.treaties) == {COE_CYBERCRIME, UN_CYBERCRIME}
    assert understood.ambiguous_treaty


def test_treaties_and_states_outside_the_corpus_are_recognised_as_absent(reader: QuestionReader) -> None:
    understood = reader.read("What reservations did Kosovo make to the Refugee Convention?")
    assert understood.absent_treaties == ("Convention relating to the Status of Refugees",)
    assert understood.absent_parties == ("Kosovo",)
    assert not understood.parties and not understood.treaties


@pytest.mark.parametrize(
    ("question", "articles"),
    [
        ("What did Azerbaijan declare under Article 24 paragraph 7?", ("24(7)",)),
        ("Is there a reservation to art. 29(4)?", ("29(4)",)),
        ("Which states reserved article IX of the Genocide Convention?", ("9",)),
    ],
)
def test_article_references_in_questions(reader: QuestionReader, question: str, articles: tuple) -> None:
    assert reader.read(question).articles == articles


@pytest.mark.parametrize(
    ("question", "intent", "kinds"),
    [
        ("When did Algeria ratify the Convention against Torture?", "status", ()),
        ("When did the Convention on Cybercrime enter into force for Azerbaijan?", "status", ()),
        ("What reservations did the US make to the ICCPR?", "content", (Kind.RESERVATION,)),
        ("Did the UK object to anything under CEDAW?", "content", (Kind.OBJECTION,)),
        ("Which states made reservations to article 9 of CEDAW?", "list", (Kind.RESERVATION,)),
        ("Which reservations made upon ratification did Azerbaijan keep?", "content", (Kind.RESERVATION,)),
    ],
)
def test_intent_and_kind_words(reader: QuestionReader, question: str, intent: str, kinds: tuple) -> None:
    understood = reader.read(question)
    assert (understood.intent, understood.kinds) == (intent, kinds)


@pytest.mark.parametrize(
    ("question", "english"),
    [
        ("Which authority did Azerbaijan designate?", True),
        ("CEDAW article 9 Bahrain", True),
        ("Côte d'Ivoire reservations", True),
        ("¿Qué autoridad designó Azerbaiyán para la extradición?", False),
        ("Quelle autorité l'Azerbaïdjan a-t-il désignée pour l'extradition?", False),
        ("Welche Behörde hat Aserbaidschan für die Auslieferung benannt?", False),
        ("Какой орган назначил Азербайджан?", False),
        ("阿塞拜疆指定了哪个机构?", False),
    ],
)
def test_questions_in_other_languages_are_recognised(question: str, english: bool) -> None:
    assert looks_english(question) is english
