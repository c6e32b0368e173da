from concurrent.futures import ThreadPoolExecutor

import pytest

from ingest.text import extract_articles, human_date, parse_date, sentence_spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('According to subparagraph "a" of paragraph 7 of Article 24 of the Convention', ("24(7)(a)",)),
        ("In accordance with Article 42 and Article 29, paragraph 4, of the Convention", ("42", "29(4)")),
        ("In relation to paragraph 3 of Article 6 of the Convention", ("6(3)",)),
        ("the right to compensation referred to in articles 9 (5) and 14 (6)", ("9(5)", "14(6)")),
        ("the rights provided for by articles 19, 21 and 22", ("19", "21", "22")),
        ("Article 24 paragraph 7", ("24(7)",)),
        ("art. 29(4)", ("29(4)",)),
        ("Article 4, paragraph 2 ... the acts described in Article 4", ("4(2)",)),
    ],
)
def test_article_references_are_normalised(text: str, expected: tuple[str, ...]) -> None:
    assert extract_articles(text) == expected


def test_articles_of_national_law_are_not_treaty_articles() -> None:
    text = (
        "the second part of article 15 of the Covenant shall be subject to the principle "
        "laid down in article 18 of the Argentine National Constitution."
    )
    assert extract_articles(text) == ("15",)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("June 30, 2008", "2008-06-30"),
        ("30 Jun 2008", "2008-06-30"),
        ("24 Jan 1983 a", "1983-01-24"),
        ("no date here", None),
        ("", None),
    ],
)
def test_dates_are_parsed_to_iso(value: str, iso: str | None) -> None:
    assert parse_date(value) == iso


def test_human_date_is_day_month_year() -> None:
    assert human_date("2010-07-01") == "1 July 2010"


def test_sentence_spans_are_verbatim_slices() -> None:
    text = "The U.S. declares under art. 29(4) that No. 5 applies.  Second sentence here."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "The U.S. declares under art. 29(4) that No. 5 applies.",
        "Second sentence here.",
    ]


def test_sentence_spans_are_right_when_computed_from_many_threads_at_once() -> None:
    texts = [
        f"Sentence {i} of text {n}. It ends here for text {n}." * (n % 3 + 1) for n in range(40) for i in (1,)
    ]
    expected = [sentence_spans(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(sentence_spans, texts)) == expected
