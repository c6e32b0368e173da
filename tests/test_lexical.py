"""BM25 search: the best records that share words with the text, best first, within a mask."""

from __future__ import annotations

import numpy as np

from app.lexical import LexicalIndex, terms, tokenize
from ingest.records import Kind, Record


def record(n: int, text: str) -> Record:
    return Record(id=str(n), source=f"notes/{n}.txt", source_title="Notes", kind=Kind.PASSAGE, text=text)


TEXTS = [
    "Testland reserves article 9 on nationality.",
    "Otherland declares the convention applies to its islands.",
    "Testland declares that nationality of children follows article 9.",
    "A note on budgets and staff.",
] + [f"Unrelated note number {i} about weather." for i in range(200)]


def test_only_records_sharing_words_are_found_best_first_and_within_the_mask() -> None:
    index = LexicalIndex.build([record(i, t) for i, t in enumerate(TEXTS)])
    found = index.search("Testland nationality article 9", k=10)
    assert {i for i, _ in found} == {0, 2} and all(s > 0 for _, s in found)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    mask = np.ones(len(TEXTS), dtype=bool)
    mask[0] = False
    assert [i for i, _ in index.search("Testland nationality article 9", k=10, mask=mask)] == [2]
    assert len(index.search("weather note", k=5)) == 5  # k bounds what is returned
    assert index.search("zebra", k=5) == []  # no word of the index


def test_a_texts_terms_are_those_the_index_reads_and_are_tokenized_once() -> None:
    terms.cache_clear()
    text = "Reservations to the Psychotropics treaties"
    assert terms(text) == ("reserv", "psychotrop", "treati") == tuple(tokenize([text])[0])
    terms(text)
    assert (terms.cache_info().hits, terms.cache_info().misses) == (1, 1)
