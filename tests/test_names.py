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
