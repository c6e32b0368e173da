"""The in-memory index: segment vectors stored at ingest, exact and approximate dense search."""

from __future__ import annotations

import numpy as np
import pytest

import app.indexes
from app.assistant import Assistant
from app.catalogue import Scope
from app.quotes import Asked, QuoteScorer
from evals.bench import replicated
from ingest.embedding import RecordVectors, segment_spans, segments

pytestmark = pytest.mark.slow


def test_quotes_score_sentences_with_the_vectors_stored_at_ingest(assistant: Assistant) -> None:
    indexes = assistant.indexes
    long = [r for r in indexes.catalogue.records if len(segment_spans(r)) > 3][:5]
    assert long
    for record in long:
        stored = indexes.segments_of(record)
        assert stored is not None and stored.spans == segment_spans(record)
        # Each stored vector is its own sentence's: int8 vectors vary a little with the
        # batch a text is encoded in (the activations' scale is the batch's), hence not 1.0.
        similar = stored.vectors @ assistant.embedder.encode(segments(record)).T
        assert list(similar.argmax(axis=1)) == list(range(len(similar)))
        assert np.diag(similar).min() > 0.95
    scorer = QuoteScorer(assistant.embedder, indexes.segments_of)
    asked = Asked("What does the reservation say about article 14?", "reservation article 14", ("14",))
    for record in long:
        scorer.quote(asked, record)
    assert set(scorer._vectors) == {asked.question, asked.topic}  # only the question was embedded


def test_broad_scopes_searched_by_chroma_agree_with_exact_scoring(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexes = assistant.indexes
    mask = indexes.catalogue.mask(Scope())
    for question in ("reservation to the right to strike", "corporal punishment of children"):
        vector = assistant.embedder.encode([question])[0]
        exact = indexes._dense(vector, 10, mask)
        monkeypatch.setattr(app.indexes, "EXACT_LIMIT", 0)
        approximate = indexes._dense(vector, 10, mask)
        monkeypatch.undo()
        assert len(set(exact) & set(approximate)) >= 8
        scores = indexes.vectors[mask] @ vector
        assert np.isclose(indexes.vectors[exact[0]] @ vector, scores.max())


def test_a_small_scope_is_ranked_within_itself_best_first(assistant: Assistant) -> None:
    indexes = assistant.indexes
    mask = indexes.catalogue.mask(Scope(parties=("Austria",)))
    vector = assistant.embedder.encode(["tried or punished again for an offence (double jeopardy)"])[0]
    found = indexes._dense(vector, 5, mask)
    scores = [float(indexes.vectors[i] @ vector) for i in found]
    assert len(found) == 5 and all(indexes.catalogue.records[i].party == "Austria" for i in found)
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(float(np.max(indexes.vectors[mask] @ vector)))


def test_the_benchmark_replicates_records_under_names_of_their_own(assistant: Assistant) -> None:
    records = assistant.indexes.catalogue.records[:200]
    vectors = RecordVectors(
        assistant.indexes.vectors[:200], [assistant.indexes.segments_of(r) for r in records]
    )
    many, many_vectors = replicated(records, vectors, 500)
    assert len(many) == len({r.id for r in many}) == len(many_vectors.records) == 500
    originals = {r.treaty for r in records} | {r.party for r in records}
    copies = many[200:]
    assert not ({r.treaty for r in copies if r.treaty} | {r.party for r in copies if r.party}) & originals
    assert [r.text for r in copies[:200]] == [r.text for r in records]
    assert np.array_equal(many_vectors.records[200:400], vectors.records)
