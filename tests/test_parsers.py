"""Parsers on the real corpus files."""

from pathlib import Path

import pytest

from ingest.pipeline import parse_file
from ingest.records import Authority, Kind, Record
from ingest.sources import BUNDLED_CORPUS

SEED = BUNDLED_CORPUS / "seeds" / "000_2962096e9e713ff3.txt"
NEWS = BUNDLED_CORPUS / "seeds" / "001_6352ffd1b309921d.txt"
UNTC = BUNDLED_CORPUS / "untc-2015"


def parse(path: Path) -> list[Record]:
    return parse_file(path, path.name)[1]


def entry(path: Path, party: str) -> list[Record]:
    return [r for r in parse(path) if r.party == party]


def test_wipo_page_yields_five_declarations_four_reservations_and_status() -> None:
    records = parse(SEED)
    kinds = [(r.kind, r.number) for r in records]
    assert kinds == [(Kind.STATUS, None)] + [(Kind.DECLARATION, str(n)) for n in range(1, 6)] + [
        (Kind.RESERVATION, str(n)) for n in range(1, 5)
    ]
    assert {r.treaty for r in records} == {"Convention on Cybercrime"}
    assert {r.party for r in records} == {"Azerbaijan"}


def test_wipo_page_records_carry_articles_made_upon_and_verbatim_text() -> None:
    by_label = {r.label: r for r in parse(SEED)}
    first = by_label["Declaration 1"]
    assert first.articles == ("24(7)(a)",)
    assert first.made_upon == "upon signature and confirmed upon ratification"
    assert first.text.startswith('According to subparagraph "a" of paragraph 7 of Article 24')
    assert "designates the Ministry of Justice" in first.text
    assert by_label["Declaration 5"].articles == ("38",)
    assert by_label["Reservation 4"].articles == ("42", "29(4)")
    assert by_label["Reservation 4"].text.startswith("n accordance with")  # typo kept verbatim


def test_wipo_page_drops_site_navigation() -> None:
    assert not any("Trademark Information" in r.text for r in parse(SEED))


def test_wipo_page_status_has_the_three_dates() -> None:
    status = parse(SEED)[0]
    assert (status.signature_date, status.consent_date, status.entry_into_force_date) == (
        "2008-06-30",
        "2010-03-15",
        "2010-07-01",
    )
    assert status.consent_act == "ratification"


def test_untc_parenthesised_items_become_separate_records_with_kinds() -> None:
    us = [r for r in entry(UNTC / "declarations/4-4.txt", "United States of America")]
    assert [(r.kind, r.number) for r in us[:5]] == [(Kind.RESERVATION, str(n)) for n in range(1, 6)]
    assert [(r.kind, r.number) for r in us[5:10]] == [(Kind.UNDERSTANDING, str(n)) for n in range(1, 6)]
    assert us[1].text.startswith("That the United States reserves the right")
    assert us[6].articles == ("9(5)", "14(6)")
    assert all(r.treaty == "International Covenant on Civil and Political Rights" for r in us)


def test_untc_run_together_numbered_items_are_split() -> None:
    austria = entry(UNTC / "declarations/4-4.txt", "Austria")
    assert [r.number for r in austria][:3] == ["1", "2", "3"]
    assert austria[0].text.startswith("Article 12, paragraph 4, of the Covenant will be applied")
    assert austria[1].text.startswith("Article 9 and article 14")
    assert austria[0].kind is Kind.RESERVATION


def test_untc_cross_references_are_kept_as_such() -> None:
    (afghanistan,) = entry(UNTC / "declarations/4-4.txt", "Afghanistan")
    assert afghanistan.kind is Kind.CROSS_REFERENCE
    assert afghanistan.text == "See chapter IV.3."


def test_untc_labels_set_kind_and_made_upon() -> None:
    france = entry(UNTC / "declarations/4-8.txt", "France")
    assert {r.made_upon for r in france} == {"upon signature", "upon ratification"}
    assert any(r.kind is Kind.RESERVATION and "29" in ",".join(r.articles) for r in france)


def test_untc_status_rows_decode_the_kind_of_act() -> None:
    (azerbaijan,) = entry(UNTC / "status/4-9.csv", "Azerbaijan")
    assert azerbaijan.kind is Kind.STATUS
    assert (azerbaijan.consent_date, azerbaijan.consent_act) == ("1996-08-16", "accession")
    assert azerbaijan.signature_date is None
    (algeria,) = entry(UNTC / "status/4-9.csv", "Algeria")
    assert (algeria.signature_date, algeria.consent_date, algeria.consent_act) == (
        "1985-11-26",
        "1989-09-12",
        "ratification",
    )
    assert algeria.treaty.startswith("Convention against Torture")


def test_news_article_becomes_secondary_passages_without_boilerplate() -> None:
    records = parse(NEWS)
    assert {r.kind for r in records} == {Kind.PASSAGE}
    assert {r.authority for r in records} == {Authority.SECONDARY}
    assert records[0].text.startswith("BAKU, Azerbaijan, February 10.")
    assert not any(r.text.startswith(("Tags", "Stay up-to-date", "Alish Abdulla")) for r in records)
    assert {r.snapshot_date for r in records} == {"2026-02-10"}
    assert {r.treaty for r in records} == {"United Nations Convention against Cybercrime"}


def test_record_ids_depend_on_the_source_key_and_content_not_on_where_the_file_lies(tmp_path: Path) -> None:
    copies = [tmp_path / "a" / SEED.name, tmp_path / "b" / SEED.name]
    for copy in copies:
        copy.parent.mkdir()
        copy.write_bytes(SEED.read_bytes())
    first, second = ([r.id for r in parse_file(c, "seeds/" + SEED.name)[1]] for c in copies)
    assert first == second and len(set(first)) == len(first)
    assert not set(first) & {r.id for r in parse_file(copies[0], "elsewhere/" + SEED.name)[1]}


def test_a_markdown_document_is_read_as_markdown_not_as_states_entries(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(
        "# Meeting notes\n\nThe delegation of Testland explained its reservation to article 3 at length.\n\n"
        "## Next steps\n\nThe secretariat will circulate the reservation to all parties before it meets.\n",
        encoding="utf-8",
    )
    records = parse(notes)
    assert [r.kind for r in records] == [Kind.PASSAGE, Kind.PASSAGE]
    assert {r.party for r in records} == {None}
    assert {r.source_title for r in records} == {"Meeting notes"}
    assert records[0].text.startswith("The delegation of Testland")


@pytest.mark.parametrize("heading", ["#France", "# France", "# Bolivia (Plurinational State of)"])
def test_headings_that_name_states_are_still_read_as_their_entries(tmp_path: Path, heading: str) -> None:
    entries = tmp_path / "entries.txt"
    entries.write_text(
        f"{heading}\nDeclaration:The Government declares that article 5 applies.\n", encoding="utf-8"
    )
    [record] = parse(entries)
    assert record.kind is Kind.DECLARATION and record.party == heading.lstrip("# ")


def test_a_file_named_like_a_untc_file_outside_a_treaty_index_has_no_treaty(tmp_path: Path) -> None:
    (tmp_path / "index.csv").write_text("name,value\nfoo,bar\n", encoding="utf-8")  # another table
    untc_like = tmp_path / "4-4.txt"
    untc_like.write_text("#Testland\nDeclaration:Testland declares that article 5 shall not apply.\n")
    [record] = parse(untc_like)
    assert record.party == "Testland" and record.treaty is None


def test_a_one_line_document_gets_a_title_of_one_short_line(tmp_path: Path) -> None:
    from ingest.parsers import MAX_FIELD

    document = tmp_path / "dump.txt"
    document.write_text(
        " ".join(["The Party shall apply article 4 to all its territory."] * 5000), encoding="utf-8"
    )
    records = parse(document)
    assert len(records) > 100
    assert len({r.source_title for r in records}) == 1
    assert len(records[0].source_title) <= MAX_FIELD + 1


def test_a_cross_reference_names_the_treaty_it_points_to() -> None:
    [pointer] = [r for r in entry(UNTC / "declarations" / "4-4.txt", "Algeria")]
    assert pointer.kind is Kind.CROSS_REFERENCE
    assert pointer.refers_to == "International Covenant on Economic, Social and Cultural Rights"
