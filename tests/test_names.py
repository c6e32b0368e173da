"""Treaty and state names resolved from the catalogue's own titles and the aliases
data file, for treaties the code was never built against (tests/fixtures/unseen)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.catalogue import Catalogue
from app.names import acronyms, load_names
from app.understand import QuestionReader
from ingest.pipeline import discover, parse_file, source_key

FIXTURE = Path(__file__).parent / "fixtures" / "unseen"
SONGBIRDS = "Convention on the Conservation of Migratory Songbirds"
PROTOCOL = f"Optional Protocol to the {SONGBIRDS} concerning Wetland Habitats"
NORTHERN = "Agreement establishing the Northern Development Bank"
SOUTHERN = "Agreement establishing the Southern Development Bank"


def catalogue(root: Path = FIXTURE) -> Catalogue:
    return Catalogue([r for f in discover([root]) for r in parse_file(f, source_key(f, root))[1]])


@pytest.fixture(scope="module")
def reader() -> QuestionReader:
    return QuestionReader(catalogue(), load_names())


@pytest.mark.parametrize(
    ("title", "acronym"),
    [
        ("International Covenant on Civil and Political Rights", "ICCPR"),
        ("International Covenant on Economic, Social and Cultural Rights", "ICESCR"),
        ("Convention on the Elimination of All Forms of Discrimination against Women", "CEDAW"),
        ("Convention on the Rights of Persons with Disabilities", "CRPD"),
        (SONGBIRDS, "CCMS"),
    ],
)
def test_acronyms_are_derived_from_titles(title: str, acronym: str) -> None:
    assert acronym in acronyms(title)


@pytest.mark.parametrize(
    ("phrase", "treaties"),
    [
        ("the songbird convention", (SONGBIRDS,)),
        ("the Convention on Migratory Songbirds", (SONGBIRDS,)),  # a word left out
        ("the Songbirds Conservation Convention", (SONGBIRDS,)),  # another order
        ("the 1987 songbirds treaty", (SONGBIRDS,)),  # the year
        ("the Lisbon convention", (SONGBIRDS,)),  # the place: the protocol is not a convention
        ("the songbirds protocol", (PROTOCOL,)),
        ("the 1995 Lisbon protocol", (PROTOCOL,)),
        ("the CCMS optional protocol", (PROTOCOL,)),  # an acronym inside a longer name
        ("the Northern Development Bank agreement", (NORTHERN,)),
    ],
)
def test_a_treaty_is_resolved_from_the_words_of_its_title(
    reader: QuestionReader, phrase: str, treaties: tuple[str, ...]
) -> None:
    understood = reader.read(f"What did Chile declare under {phrase}?")
    assert understood.treaties == treaties
    assert not understood.absent_treaties and not understood.ambiguous_treaty


def test_a_name_that_fits_titles_a_word_apart_resolves_to_both(reader: QuestionReader) -> None:
    understood = reader.read("What did Peru declare under the development bank agreement?")
    assert set(understood.treaties) == {NORTHERN, SOUTHERN}
    assert [set(c) for c in understood.treaty_choices] == [{NORTHERN, SOUTHERN}]


@pytest.mark.parametrize(
    ("question", "absent"),
    [
        ("What did Chile declare under the Lisbon convention of 1999?", "Lisbon convention of 1999"),
        ("Did Chile reserve under the Rome Statute?", "Rome Statute of the International Criminal Court"),
        ("What did Chile reserve under the Whaling Convention?", "Whaling Convention"),
        ("What did Chile reserve under the XQZP?", "XQZP"),
    ],
)
def test_a_treaty_that_cannot_be_resolved_is_reported_absent(
    reader: QuestionReader, question: str, absent: str
) -> None:
    understood = reader.read(question)
    assert understood.absent_treaties == (absent,) and not understood.treaties


def test_a_place_that_is_no_party_stays_in_the_topic(reader: QuestionReader) -> None:
    understood = reader.read("Does the songbird convention apply in Greenland?")
    assert not understood.parties and not understood.absent_parties
    assert "Greenland" in understood.topic


def test_a_state_that_is_no_party_is_absent(reader: QuestionReader) -> None:
    assert reader.read("What did Brazil declare under the songbird convention?").absent_parties == ("Brazil",)


def test_kinds_and_acts_are_read_from_the_question_not_from_names(reader: QuestionReader) -> None:
    understood = reader.read("When did Chile ratify the Convention on Objections and Declarations Abroad?")
    assert understood.kinds == ()


def test_a_corpus_folder_can_add_its_own_aliases(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE, corpus)
    (corpus / "aliases.toml").write_text(
        f'[treaties]\n"{SONGBIRDS}" = ["Warbler Pact"]\n[states]\nCHL = ["Chilly"]\n', encoding="utf-8"
    )
    reader = QuestionReader(catalogue(corpus), load_names(corpus))
    understood = reader.read("What did Chilly declare under the Warbler Pact?")
    assert (understood.parties, understood.treaties) == (("Chile",), (SONGBIRDS,))
    # The bundled names still hold.
    assert reader.read("What did the US declare under the songbird convention?").parties == ()
    assert reader.read("What did the US declare under the songbird convention?").absent_parties


def test_an_aliases_file_that_cannot_be_read_says_where(tmp_path: Path) -> None:
    from ingest.errors import ConfigError

    (tmp_path / "aliases.toml").write_text("[treaties\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"aliases\.toml"):
        load_names(tmp_path)


# --- how people type names, and what a name in a question stands for ---------------------


@pytest.mark.parametrize(
    ("question", "parties", "treaties"),
    [
        ("what did chile reserve under the ccms?", ("Chile",), (SONGBIRDS,)),  # a lower-case acronym
        ("What did the Chilean government reserve under the songbird convention?", ("Chile",), (SONGBIRDS,)),
        ("what did the norwegians reserve under the songbirds treaty?", ("Norway",), (SONGBIRDS,)),
        ("What did Iceland declare about the Northern Development Bank?", ("Iceland",), (NORTHERN,)),
        ("what did iceland declare about the ndb?", ("Iceland",), (NORTHERN,)),  # the organisation's acronym
        ("Does the songbird convention apply to the Azores?", ("Portugal",), (SONGBIRDS,)),  # a territory
    ],
)
def test_names_as_people_type_them_reach_the_corpus_spelling(
    reader: QuestionReader, question: str, parties: tuple[str, ...], treaties: tuple[str, ...]
) -> None:
    understood = reader.read(question)
    assert (understood.parties, understood.treaties) == (parties, treaties)


def test_a_territory_stays_in_the_topic_and_is_said(reader: QuestionReader) -> None:
    understood = reader.read("Does the songbird convention apply to the Azores?")
    assert understood.places == ("Azores",) and "Azores" in understood.topic


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Has Japan ratified the songbird convention?", "status"),
        ("When did Kenya accept the songbird convention?", "status"),
        ("Has Japan accepted the songbird convention's meaning of habitat?", "content"),  # asks a topic
        ("When did Chile accept article 9 of the songbird convention?", "content"),  # an article: content
        ("Which states reserved article 9 of the songbird convention?", "list"),
    ],
)
def test_status_words_ask_for_status_and_articles_for_content(
    reader: QuestionReader, question: str, intent: str
) -> None:
    assert reader.read(question).intent == intent


def test_a_second_state_not_named_beside_the_first_is_part_of_the_topic(reader: QuestionReader) -> None:
    understood = reader.read("Did Japan say the songbird convention's habitat rules bind Kenya?")
    assert understood.parties == ("Japan",) and "Kenya" in understood.topic
    assert reader.read("What did Japan and Kenya declare under the songbird convention?").parties == (
        "Japan",
        "Kenya",
    )


def test_the_state_objected_to_is_not_the_objector(reader: QuestionReader) -> None:
    understood = reader.read("Did anyone object to Chile's reservation to the songbird convention?")
    assert (understood.parties, understood.objected_to) == ((), ("Chile",))


@pytest.mark.parametrize(
    ("question", "unknown", "refers_back"),
    [
        ("What did Wakanda declare about article 9 of the songbird convention?", ("Wakanda",), False),
        ("What does this treaty say about habitats?", (), True),
        ("When did they ratify it?", (), True),
        ("What does the songbird convention say about habitats?", (), False),
    ],
)
def test_names_and_references_that_resolve_to_nothing_are_kept_apart(
    reader: QuestionReader, question: str, unknown: tuple[str, ...], refers_back: bool
) -> None:
    understood = reader.read(question)
    assert not understood.parties
    assert (understood.unknown_names, understood.refers_back) == (unknown, refers_back)


def test_instruments_of_one_title_are_told_apart_by_place_and_date(tmp_path: Path) -> None:
    from ingest.sources import treaty_index

    index = tmp_path / "index.csv"
    index.write_text(
        "chapter_no,treaty_no,treaty_name,url\n"
        '9,1,"Amendment to the Migratory Songbird Convention. London, 29 June 1990",\n'
        '9,2,"Amendment to the Migratory Songbird Convention. Beijing, 3 December 1999",\n'
        '9,3,"Migratory Songbird Convention. Lisbon, 12 March 1987",\n',
        encoding="utf-8",
    )
    titles = {key: entry.title for key, entry in treaty_index(index).items()}
    assert titles == {
        "9-1": "Amendment to the Migratory Songbird Convention (London, 29 June 1990)",
        "9-2": "Amendment to the Migratory Songbird Convention (Beijing, 3 December 1999)",
        "9-3": "Migratory Songbird Convention",
    }


def test_a_near_namesake_is_not_taken_for_a_known_treaty_the_corpus_lacks(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE, corpus)
    bonn = "Convention on the Conservation of Migratory Species of Wild Animals"
    (corpus / "aliases.toml").write_text(f'[treaties]\n"{bonn}" = ["Bonn Convention"]\n', encoding="utf-8")
    reader = QuestionReader(catalogue(corpus), load_names(corpus))
    # The songbird convention shares "conservation" and "migratory"; the words fit the other better.
    understood = reader.read("What did Chile reserve under the migratory species convention?")
    assert (understood.treaties, understood.absent_treaties) == ((), (bonn,))
    assert reader.read("What did Chile reserve under the migratory songbirds convention?").treaties == (
        SONGBIRDS,
    )
