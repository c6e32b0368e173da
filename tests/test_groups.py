"""Groups of states as data (corpus/groups.toml): read in first questions ("Which EU states
...", "countries bordering Kenya"), narrowing a list in a follow-up ("which of those are in
Africa?"), and lists of one treaty's parties but not another's (the real store and model)."""

from __future__ import annotations

import pytest

from app.assistant import Assistant
from app.conversation import Turn
from app.names import load_names
from app.understand import QuestionReader
from ingest.records import Kind

CEDAW = "Convention on the Elimination of All Forms of Discrimination against Women"
CRC = "Convention on the Rights of the Child"
ICCPR = "International Covenant on Civil and Political Rights"
ICESCR = "International Covenant on Economic, Social and Cultural Rights"
CEDAW_9 = "Which states made reservations to article 9 of CEDAW?"


def members(assistant: Assistant, key: str) -> set[str]:
    """The parties of the corpus in a group of the data file, found independently of the reader."""
    codes = set(load_names().groups[key].members)
    return {p for p, code in assistant.indexes.reader.codes.items() if code in codes}


def test_every_group_of_the_data_file_names_its_source_and_known_states() -> None:
    import pycountry

    names = load_names()
    assert {"european-union", "gulf-cooperation-council", "arab-league", "african-union", "asean"} <= set(
        names.groups
    )
    for key, group in names.groups.items():
        assert group.source and group.label and (group.names or group.adjectives), key
        assert all(pycountry.countries.get(alpha_3=c) or c == "ESH" for c in group.members), key
    # Borders are mutual.
    assert all(a in names.borders[b] for a, near in names.borders.items() for b in near if b in names.borders)


@pytest.mark.parametrize(
    ("question", "group", "label"),
    [
        ("Which EU states made reservations to article 9 of CEDAW?", "european-union", "EU member states"),
        (
            "Did any Gulf state reserve article 9 of CEDAW?",
            "gulf-cooperation-council",
            "Gulf Cooperation Council states",
        ),
        ("which arab countries reserved article 9 of cedaw", "arab-league", "Arab League member states"),
        ("Which states in Africa made reservations to the CRC?", "africa", "African states"),
        ("Which members of ASEAN reserved anything under CEDAW?", "asean", "ASEAN member states"),
    ],
)
def test_a_group_named_in_a_question_is_its_member_states_and_a_list(
    reader: QuestionReader, assistant: Assistant, question: str, group: str, label: str
) -> None:
    u = reader.read(question)
    assert set(u.parties) == members(assistant, group) and u.parties
    assert u.state_groups == (label,) and u.intent == "list" and u.treaties


def test_the_eu_alone_is_still_the_party_not_the_group(reader: QuestionReader) -> None:
    u = reader.read("What did the European Union declare under the CRC?")
    assert not u.state_groups and u.parties in ((), ("European Union",))
    assert "South Africa" in reader.read("When did South Africa ratify CEDAW?").parties


def test_neighbours_are_the_states_a_state_borders(reader: QuestionReader) -> None:
    for question in (
        "Which of Kenya's neighbours made reservations to the CRC?",
        "Which countries bordering Kenya made reservations to the CRC?",
        "Did any neighbours of Kenya make reservations to the CRC?",
    ):
        u = reader.read(question)
        assert "Kenya" not in u.parties and {"Ethiopia", "Somalia", "Uganda"} <= set(u.parties), question
        assert u.state_groups == ("neighbours of Kenya",) and u.intent == "list"


def test_a_list_by_group_cites_only_the_groups_states(assistant: Assistant) -> None:
    everyone = {c.party for c in assistant.ask(CEDAW_9).citations}
    answer = assistant.ask("Which Gulf states made reservations to article 9 of CEDAW?")
    gulf = members(assistant, "gulf-cooperation-council")
    assert {c.party for c in answer.citations} == everyone & gulf and everyone & gulf
    assert answer.answer.startswith("Of the Gulf Cooperation Council states, ")


def test_which_of_those_narrows_the_previous_list_to_the_group(assistant: Assistant) -> None:
    first = assistant.ask(CEDAW_9)
    history = [Turn.of(CEDAW_9, first)]
    answer = assistant.ask("Which of those are Arab states?", history=history)
    arab = members(assistant, "arab-league")
    assert {c.party for c in answer.citations} == {c.party for c in first.citations} & arab
    assert answer.resolved_question == f"{CEDAW_9.rstrip('?')} (Arab League member states)?"


def test_parties_to_one_treaty_but_not_another_come_from_the_status_records(assistant: Assistant) -> None:
    u = assistant.indexes.reader.read("Which states have ratified the ICESCR but not the ICCPR?")
    assert (u.treaties, u.excluded_treaties, u.intent) == ((ICESCR,), (ICCPR,), "list")
    answer = assistant.ask("Which states have ratified the ICESCR but not the ICCPR?")
    records = assistant.indexes.catalogue.records

    def parties(treaty: str) -> set[str | None]:
        return {r.party for r in records if r.kind is Kind.STATUS and r.treaty == treaty and r.consent_date}

    expected = parties(ICESCR) - parties(ICCPR)
    assert expected and {row.state for row in answer.table} == expected
    assert {c.treaty for c in answer.citations} == {ICESCR}
    assert f"to the {ICESCR}, and not to the {ICCPR}" in answer.answer
