"""Runs a question set through TreatyQA (and optionally the baseline) and scores
retrieval, citations, answers, abstention and latency."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from tqdm import tqdm

from app.assistant import Assistant
from app.catalogue import Catalogue
from app.conversation import Turn
from app.errors import TreatyQAError
from evals.baseline import Baseline, Chunk
from evals.dataset import QAItem, normalise
from evals.metrics import KS
from ingest.records import Record

T = TypeVar("T")
G = TypeVar("G")


@dataclass
class Outcome:
    """One system's result on one question, reduced to what the metrics need."""

    id: str
    category: str
    split: str
    answerable: bool
    question: str
    answer: str
    abstained: bool
    gold_ranks: list[int | None] = field(default_factory=list)  # per gold record: rank in retrieval
    citations_on_gold: list[bool] = field(default_factory=list)  # per citation: identifies a gold record
    gold_cited: list[bool] = field(default_factory=list)  # per gold record: some citation identifies it
    quotes_verbatim: bool = True
    facts: bool = False
    seconds: float = 0.0
    cited: list[str] = field(default_factory=list)  # short labels, for the failure list
    expected: list[list[str]] = field(default_factory=list)
    # An answer (not a decline) whose every citation is of a treaty the gold records are not of.
    wrong_treaty: bool = False

    @property
    def failed(self) -> bool:
        if not self.answerable:
            return not self.abstained
        return self.abstained or not self.facts or not any(self.gold_cited)


def resolve(item: QAItem, catalogue: Catalogue) -> list[set[str]]:
    """For each gold spec, the IDs of the stored records it names."""
    return [{r.id for r in catalogue.records if g.matches(r)} for g in item.gold]


def _first_rank(ranked: Sequence[bool]) -> int | None:
    return next((i for i, hit in enumerate(ranked) if hit), None)


def _against_gold(
    retrieved: Sequence[T], cited: Sequence[T], gold: Sequence[G], identifies: Callable[[T, G], bool]
) -> dict[str, Any]:
    """Rank of each gold record in the retrieval, whether each citation names one, and
    whether each was cited; `identifies(item, gold)` says when an item is that gold record."""
    return {
        "gold_ranks": [_first_rank([identifies(x, g) for x in retrieved]) for g in gold],
        "citations_on_gold": [any(identifies(c, g) for g in gold) for c in cited],
        "gold_cited": [any(identifies(c, g) for c in cited) for g in gold],
    }


def replayed(assistant: Assistant, history: list[Turn]) -> list[Turn]:
    """The conversation as a user has it: earlier questions given without their answers
    are asked in turn, so that a follow-up sees how they were read and what they cited."""
    turns: list[Turn] = []
    for turn in history:
        if turn.answer is None:
            turn = Turn.of(turn.question, assistant.ask(turn.question, history=turns))
        turns.append(turn)
    return turns


def evaluate_treatyqa(assistant: Assistant, item: QAItem, gold: list[set[str]]) -> Outcome:
    catalogue = assistant.indexes.catalogue
    started = time.perf_counter()
    try:
        history = replayed(assistant, item.history)  # not timed: earlier questions of the conversation
        started = time.perf_counter()
        answer = assistant.ask(item.question, history=history)
        text, abstained, citations, retrieved = (
            answer.answer,
            answer.abstained,
            answer.citations,
            answer.retrieved,
        )
    except TreatyQAError as exc:
        text, abstained, citations, retrieved = f"Error: {exc}", True, [], []
    seconds = time.perf_counter() - started
    records = {
        c.record_id: catalogue.records[catalogue.position[c.record_id]]
        for c in citations
        if c.record_id in catalogue.position
    }
    gold_treaties = {catalogue.records[catalogue.position[rid]].treaty for g in gold for rid in g}
    return Outcome(
        id=item.id,
        category=item.category,
        split=item.split,
        answerable=item.answerable,
        question=item.question,
        answer=text,
        abstained=abstained,
        seconds=seconds,
        expected=item.expected,
        **_against_gold(retrieved, [c.record_id for c in citations], gold, lambda rid, g: rid in g),
        quotes_verbatim=all(
            c.record_id in records and normalise(c.quote) in normalise(records[c.record_id].text)
            for c in citations
        ),
        facts=not abstained and item.facts_found(text),
        cited=[f"{c.party} {c.label} ({c.source})" for c in citations],
        wrong_treaty=bool(
            item.answerable
            and not abstained
            and records
            and not any(r.treaty in gold_treaties for r in records.values())
        ),
    )


def _contains(chunk: Chunk, record: Record) -> bool:
    """A chunk identifies a record when it holds the record's opening words."""
    return normalise(record.text[:80]) in normalise(chunk.text) and chunk.source == record.source


def evaluate_baseline(
    baseline: Baseline, item: QAItem, gold: list[set[str]], catalogue: Catalogue
) -> Outcome:
    result = baseline.ask(item.question)
    gold_records = [[catalogue.records[catalogue.position[rid]] for rid in g] for g in gold]

    def identifies(chunk: Chunk, records: list[Record]) -> bool:
        return any(_contains(chunk, r) for r in records)

    return Outcome(
        id=item.id,
        category=item.category,
        split=item.split,
        answerable=item.answerable,
        question=item.question,
        answer=result.answer[:300],
        abstained=False,
        seconds=result.seconds,
        expected=item.expected,
        **_against_gold(result.retrieved, result.citations, gold_records, identifies),
        quotes_verbatim=True,  # it quotes its chunk, which is its citation
        facts=item.facts_found(result.answer),
        cited=[c.source for c in result.citations],
    )


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def summarise(outcomes: Sequence[Outcome]) -> dict[str, float | int | None]:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    cited = [flag for o in answerable for flag in o.citations_on_gold]
    latencies = sorted(o.seconds for o in outcomes)
    summary: dict[str, float | int | None] = {"questions": len(outcomes), "answerable": len(answerable)}
    for k in KS:
        summary[f"recall@{k}"] = _mean(
            [sum(r is not None and r < k for r in o.gold_ranks) / len(o.gold_ranks) for o in answerable]
        )
    summary["mrr"] = _mean(
        [
            1 / (min(r for r in o.gold_ranks if r is not None) + 1)
            if any(r is not None for r in o.gold_ranks)
            else 0.0
            for o in answerable
        ]
    )
    summary["citation_precision"] = _mean([float(x) for x in cited])
    summary["citation_recall"] = _mean([sum(o.gold_cited) / len(o.gold_cited) for o in answerable])
    summary["quotes_verbatim"] = _mean([float(o.quotes_verbatim) for o in outcomes if o.citations_on_gold])
    summary["key_facts"] = _mean([float(o.facts) for o in answerable])
    summary["right_record_cited"] = _mean([float(any(o.gold_cited)) for o in answerable])
    summary["correct_declines"] = _mean([float(o.abstained) for o in unanswerable])
    summary["false_declines"] = _mean([float(o.abstained) for o in answerable])
    summary["wrong_treaty_answers"] = sum(o.wrong_treaty for o in answerable)
    summary["latency_p50"] = round(statistics.median(latencies), 3) if latencies else None
    summary["latency_p95"] = (
        round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 3) if latencies else None
    )
    return summary


@dataclass
class SystemRun:
    name: str
    outcomes: list[Outcome]

    def summary(self, split: str | None = None) -> dict[str, float | int | None]:
        """Over all questions, or over one split (`dev`, `test`, `blind`)."""
        return summarise([o for o in self.outcomes if split is None or o.split == split])

    @property
    def splits(self) -> list[str]:
        return sorted({o.split for o in self.outcomes})

    def by_category(self) -> dict[str, dict[str, float | int | None]]:
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            groups[o.category].append(o)
        return {c: summarise(os) for c, os in sorted(groups.items())}

    def to_json(self) -> dict[str, object]:
        return {
            "summary": self.summary(),
            "by_split": {split: self.summary(split) for split in self.splits},
            "by_category": self.by_category(),
            "questions": [asdict(o) for o in self.outcomes],
        }


@dataclass
class EvalRun:
    systems: list[SystemRun]
    skipped: list[str]  # questions whose gold records are not in the store
    settings: dict[str, object]


def run(
    items: list[QAItem],
    assistant: Assistant,
    baseline: Callable[[], Baseline] | None = None,
    *,
    skip_missing: bool = False,
    show_progress: bool = False,
) -> EvalRun:
    """Ask every question through the same core the chat uses (and the baseline, if given)."""
    catalogue = assistant.indexes.catalogue
    resolved = {item.id: resolve(item, catalogue) for item in items}
    missing = [i.id for i in items if any(not g for g in resolved[i.id])]
    if missing and not skip_missing:
        raise TreatyQAError(
            f"{len(missing)} questions name gold records that are not in the store (first: {missing[0]}). "
            "Ingest the corpus the question set was written for, or pass --skip-missing."
        )
    todo = [i for i in items if i.id not in missing]
    runs = [SystemRun("treatyqa", [])]
    for item in tqdm(todo, desc="TreatyQA", unit="question", disable=not show_progress):
        runs[0].outcomes.append(evaluate_treatyqa(assistant, item, resolved[item.id]))
    if baseline is not None:
        naive = baseline()
        runs.append(SystemRun(naive.name, []))
        for item in tqdm(todo, desc="Baseline", unit="question", disable=not show_progress):
            runs[1].outcomes.append(evaluate_baseline(naive, item, resolved[item.id], catalogue))
    s = assistant.settings
    return EvalRun(
        runs,
        missing,
        {
            "answerer": s.answerer,
            "top_k": s.top_k,
            "min_score": s.min_score,
            "embedding_model": s.embedding_model,
            "records": len(catalogue),
        },
    )
