"""Treaty texts as records: the bundled Markdown texts, a plain-text treaty a user brings,
and the documents that only look like treaty files."""

import re
from pathlib import Path

from ingest.pipeline import parse_file
from ingest.records import Kind, Record
from ingest.sources import BUNDLED_CORPUS

TEXTS = BUNDLED_CORPUS / "treaty-texts"
SONGBIRDS = Path(__file__).parent / "fixtures" / "unseen" / "texts" / "songbirds-convention.txt"


def parse(path: Path) -> list[Record]:
    return parse_file(path, path.name)[1]


def by_number(records: list[Record]) -> dict[str, Record]:
    return {r.number or "": r for r in records}


def test_each_numbered_paragraph_of_an_article_is_a_record_of_the_catalogues_treaty() -> None:
    parsed = parse(TEXTS / "4-8.md")
    records = by_number(parsed)
    assert {r.kind for r in records.values()} == {Kind.TREATY_TEXT}
    assert {r.treaty for r in records.values()} == {
        "Convention on the Elimination of All Forms of Discrimination against Women"
    }
    nationality = records["Article 9(2)"]
    assert nationality.articles == ("9(2)",)
    assert nationality.label == "Article 9(2)"
    assert nationality.text == (
        "2. States Parties shall grant women equal rights with men with respect to the nationality of their "
        "children."
    )
    # An article without numbered paragraphs is read whole, its lettered items included (in
    # windows of whole sentences when it is long).
    article = "\n".join(r.text for r in parsed if r.number == "Article 2")
    assert re.findall(r"^\(([a-z])\)", article, re.M) == list("abcdefg")
    assert "Preamble" in records


def test_a_treaty_named_twice_in_the_catalogue_gets_the_title_that_tells_them_apart() -> None:
    records = parse(TEXTS / "11-16.md")
    assert {r.treaty for r in records} == {
        "Customs Convention on the International Transport of Goods under Cover of TIR Carnets "
        "(TIR Convention) (Geneva, 14 November 1975)"
    }


def test_captions_are_kept_and_an_annexs_articles_never_stand_for_the_treatys() -> None:
    records = by_number(parse(TEXTS / "23-1.md"))
    assert records["Article 26"].caption == "Pacta sunt servanda"
    assert records["Article 26"].text == (
        "Every treaty in force is binding upon the parties to it and must be performed by them in good faith."
    )
    annexed = [r for r in parse(TEXTS / "21-6.md") if r.number and r.number.startswith("Annex")]
    assert annexed and all(r.articles == () for r in annexed)


def test_a_plain_text_treaty_with_roman_headings_and_captions_is_read_by_article() -> None:
    records = by_number(parse(SONGBIRDS))
    assert {r.treaty for r in records.values()} == {"Convention on the Conservation of Migratory Songbirds"}
    assert records["Article 4(1)"].caption == "Prohibition of capture"  # ARTICLE IV, caption on its own line
    assert records["Article 9(2)"].caption == "Export permits"  # "Article 9 - Export permits"
    assert records["Article 9(2)"].text.startswith("2. Each Party shall designate the national authority")
    assert records["ANNEX I, Article 1"].articles == ()
    assert not records["Preamble"].text.startswith("CONVENTION")  # the title is no part of the text
