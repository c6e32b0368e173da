"""Composing a short answer from the retrieved records, with numbered citations."""

from __future__ import annotations

import numpy as np

from app.results import Answer, Citation
from app.retrieve import Hit
from ingest.embedding import Embedder
from ingest.records import Authority, Kind, Record
from ingest.text import human_date, sentence_spans, words

NO_ANSWER = "The sources in the corpus do not answer this question."


def describe(record: Record) -> str:
    """ "Azerbaijan's Declaration 1 to the Convention on Cybercrime (Article 24(7)(a), made upon ...)"."""
    owner = f"{record.party}'s " if record.party else ""
    treaty = f" to the {record.treaty}" if record.treaty else ""
    details = []
    if record.articles:
        details.append(
            ("Article " if len(record.articles) == 1 else "Articles ") + ", ".join(record.articles)
        )
    if record.made_upon:
        details.append(f"made {record.made_upon}")
    return f"{owner}{record.label}{treaty}" + (f" ({'; '.join(details)})" if details else "")


def status_sentence(record: Record) -> str:
    """The status facts of a record as one sentence."""
    party = record.party or "The party"
    treaty = record.treaty or "the treaty"
    facts = []
    if record.signature_date:
        facts.append(f"signed the {treaty} on {human_date(record.signature_date)}")
    if record.consent_date:
        act = record.consent_act or "ratification"
        verb = {
            "accession": "acceded to",
            "succession": "succeeded to",
            "acceptance": "accepted",
            "approval": "approved",
            "definitive signature": "definitively signed",
        }.get(act, "ratified")
        target = "it" if facts else f"the {treaty}"
        facts.append(f"{verb} {target} on {human_date(record.consent_date)}")
    sentence = f"{party} " + " and ".join(facts) if facts else f"{party}: {record.text}"
    if record.entry_into_force_date:
        sentence += f"; it entered into force for {party} on {human_date(record.entry_into_force_date)}"
    return sentence


class ExtractiveAnswerer:
    """Answers by quoting the sentence of the best record that matches the question."""

    def __init__(self, embedder: Embedder, min_score: float) -> None:
        self.embedder = embedder
        self.min_score = min_score

    def best_quote(self, question: str, record: Record) -> str:
        """The record's sentence closest to the question (embedding plus shared words)."""
        spans = sentence_spans(record.text)
        if len(spans) == 1:
            return record.text[spans[0][0] : spans[0][1]]
        texts = [record.text[s:e] for s, e in spans]
        vectors = self.embedder.encode([question, *texts])
        semantic = vectors[1:] @ vectors[0]
        asked = set(words(question))
        overlap = np.array([len(asked & set(words(t))) / (len(asked) or 1) for t in texts])
        return texts[int(np.argmax(semantic + 0.5 * overlap))]

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        if not hits or hits[0].score < self.min_score:
            return Answer(answer=NO_ANSWER, abstained=True)
        record = hits[0].record
        if record.kind is Kind.STATUS:
            quote = record.text
            text = f"{status_sentence(record)} [1]."
        else:
            quote = self.best_quote(question, record)
            text = f"{describe(record)} states: “{quote}” [1]"
            if record.authority is Authority.SECONDARY:
                text = f"According to a secondary source ({record.source_title}), {text}"
        return Answer(answer=text, abstained=False, citations=[Citation.of(1, record, quote)])
