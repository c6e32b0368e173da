"""The core every interface calls: a question in, an answer with citations out."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from functools import cached_property
from itertools import zip_longest
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from app.answer import Answerer, ExtractiveAnswerer, abstain, final
from app.audit import AuditLog, Entry, Rating, now
from app.catalogue import Catalogue, Scope
from app.config import Settings
from app.conversation import Turn, check_history, follow
from app.coverage import MAX_TREATIES, filed_under, filtered, not_held, refusal
from app.errors import QuestionError, StoreError, TreatyQAError
from app.indexes import Indexes, Retrieval
from app.llm import LLMAnswerer, chat_model
from app.names import NameData, load_names
from app.quotes import Asked, QuoteScorer
from app.results import Answer, Citation
from app.understand import Understanding, looks_english
from ingest.embedding import Embedder
from ingest.pipeline import IngestReport, ingest
from ingest.records import Kind
from ingest.store import RecordStore
from ingest.vocabulary import CONTENT_KINDS

log = logging.getLogger(__name__)
NOT_ENGLISH = (
    "TreatyQA reads questions in English (its sources are English texts). Please ask again in English."
)


SUBJECT_DEPTH = 5  # provisions compared with a question's subject
SUBJECT_MARGIN = 0.05  # how much less than the best one another provision may answer it
MAX_SUBJECT_ARTICLES = 2
MAX_PROVISIONS = 12  # paragraphs of treaty text shown beside one record
REVISION_CHECK_SECONDS = 1.0  # how soon answers come from an ingest in another process


def articles_text(citation: Citation, catalogue: Catalogue) -> str | None:
    """What the articles a state's record concerns provide, from the treaty's own text:
    'Article 9(2): States Parties shall grant women ...', paragraph by paragraph."""
    if citation.kind == Kind.TREATY_TEXT.value or not citation.articles:
        return None
    provisions = catalogue.provisions(citation.treaty, citation.articles)[:MAX_PROVISIONS]
    return "\n\n".join(f"{r.label}: {r.text}" for r in provisions) or None


class Assistant:
    """The store, the chat model and the embedder are made from the settings when first
    needed; a caller may pass its own store or chat model instead."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store: RecordStore | None = None,
        chat_model: object | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._store, self._chat_model = store, chat_model
        self._indexes: Indexes | None = None
        self._lock = threading.Lock()
        self._handing_over = False  # a reload is running in the background
        self._checked_at = -REVISION_CHECK_SECONDS  # when the store's revision was last read
        # llama.cpp in process is not thread-safe; a server does its own queueing.
        local_model = self.settings.llm_provider == "llamacpp"
        self._model_lock: AbstractContextManager[Any] = threading.Lock() if local_model else nullcontext()

    @cached_property
    def embedder(self) -> Embedder:
        s = self.settings
        return Embedder(s.embedding_model, backend=s.embedding_backend, exports=s.exports_path)

    @property
    def store(self) -> RecordStore:
        if self._store is None:
            self._store = self._connect()
        return self._store

    def _connect(self, reset: bool = False) -> RecordStore:
        s = self.settings
        return RecordStore.connect(
            self.embedder,
            path=s.chroma_path,
            host=s.chroma_host,
            port=s.chroma_port,
            name=s.collection,
            reset=reset,
        )

    @property
    def indexes(self) -> Indexes:
        """The indexes of the store as of the last hand-over. When the store changes (an
        ingest here or in another process), the new indexes are loaded in the background
        while questions are answered from the old ones: no question waits for a reload,
        and none sees half of one. An ingest builds them before it ends, so loading them
        takes seconds. The store is asked for its revision at most once a second: asking
        costs about a millisecond, a tenth of an answer."""
        now = time.monotonic()
        revision = None
        if now - self._checked_at >= REVISION_CHECK_SECONDS:
            self._checked_at, revision = now, self.store.revision()
        with self._lock:
            if self._indexes is None:
                self._indexes = Indexes.load_or_build(self.store, self.index_dir, self.names)
            elif revision not in (None, self._indexes.revision) and not self._handing_over:
                self._handing_over = True
                threading.Thread(target=self._hand_over, name="treatyqa-reload", daemon=True).start()
            return self._indexes

    def reload(self) -> Indexes:
        """Load (or build) the indexes of the store as it is now, and answer from them."""
        fresh = Indexes.load_or_build(self.store, self.index_dir, self.names)
        with self._lock:
            self._indexes = fresh
        return fresh

    def _hand_over(self) -> None:
        try:
            self.reload()
        except TreatyQAError as exc:  # the old indexes keep answering; the next question retries
            log.warning("Could not load the new indexes: %s", exc)
        finally:
            self._handing_over = False

    @property
    def index_dir(self) -> Path:
        return self.settings.data_dir / "indexes" / self.settings.collection

    @cached_property
    def names(self) -> NameData:
        """Treaty and state aliases: the bundled ones and the corpus folder's own."""
        return load_names(self.settings.corpus_dir)

    @cached_property
    def audit(self) -> AuditLog:
        s = self.settings
        return AuditLog(s.audit_path, s.audit_log, s.audit_retention_days)

    def feedback(self, answer_id: str, rating: Rating, comment: str | None = None) -> None:
        """A user's rating of an answer (and why), kept with the answer in the audit log."""
        self.audit.feedback(answer_id, rating, comment)

    @property
    def chat_model(self) -> object:
        if self._chat_model is None:
            self._chat_model = chat_model(self.settings)
        return self._chat_model

    # --- questions -----------------------------------------------------------------------

    def understand(
        self,
        question: str,
        filters: Scope = Scope(),
        indexes: Indexes | None = None,
        history: Sequence[Turn] = (),
    ) -> Understanding:
        """What the question is about: read once, completed from the conversation (`history`,
        oldest turn first); explicit filters (web, API) override what was read."""
        indexes = indexes or self.indexes
        _check_filters(filters, indexes.catalogue)
        u = follow(indexes.reader.read(question), history, indexes.reader)
        # Names the question gives that a filter replaces are said in the answer, not dropped silently.
        replaced = [
            *(n for n in (*u.parties, *u.absent_parties) if filters.parties and n not in filters.parties),
            *(
                f"the {t}"
                for t in (*u.treaties, *u.absent_treaties)
                if filters.treaties and t not in filters.treaties
            ),
        ]
        if filters.parties:
            u = replace(u, parties=filters.parties, party_groups=(), absent_parties=())
        if filters.treaties:
            u = replace(u, treaties=filters.treaties, absent_treaties=(), treaty_choices=())
        u = replace(u, filtered_out=tuple(replaced))
        if filters.kinds:
            u = replace(
                u, kinds=filters.kinds, intent="status" if filters.kinds == (Kind.STATUS,) else u.intent
            )
        pairs = [(p, t) for p in u.parties or (None,) for t in u.treaties or (None,)]
        held = [indexes.catalogue.kinds_of(p, t) for p, t in pairs]
        if u.intent == "status" and not any(kinds[Kind.STATUS] for kinds in held):
            # No status table for it: what other sources (news) say about the dates is the next best.
            u = replace(u, intent="content")
        elif u.intent == "content" and u.asks_date and u.parties and u.treaties:
            # "When did X apply the convention to the ITU?": with nothing but a status row
            # for it, the date asked for is one of the status row's.
            status_only = not any(set(kinds) - {Kind.STATUS, Kind.CROSS_REFERENCE} for kinds in held)
            if status_only and any(kinds[Kind.STATUS] for kinds in held):
                u = replace(u, intent="status")
        if u.treaty_choices and u.parties:
            u = _narrowed(u, indexes.catalogue)
        return _filed_under(_other_version(u, indexes.catalogue), indexes.catalogue)

    def stream(
        self,
        question: str,
        filters: Scope = Scope(),
        history: Sequence[Turn] = (),
        user: str | None = None,
    ) -> Iterator[str | Answer]:
        """Answer text as it is written, then the final Answer, whose citations never change.
        A follow-up is completed from `history` (the earlier turns, oldest first); the
        Answer then says how it was read (`resolved_question`). Every answer gets an
        `answer_id` and is logged for `user` (as authenticated) in the audit log."""
        started = time.perf_counter()
        for event in self._stream(question, filters, history):
            if isinstance(event, Answer):
                event.answer_id = uuid.uuid4().hex
                self.audit.record(
                    Entry(
                        answer_id=event.answer_id,
                        time=now(),
                        user=user,
                        question=question,
                        read_as=event.read_as,
                        answer=event.answer,
                        abstained=event.abstained,
                        cited=tuple(c.record_id for c in event.citations),
                        answerer=self.settings.answerer,
                        latency_ms=(time.perf_counter() - started) * 1000,
                    )
                )
            yield event

    def _stream(self, question: str, filters: Scope, history: Sequence[Turn]) -> Iterator[str | Answer]:
        question = _checked(question, self.settings.max_question_chars)
        check_history(history, self.settings.max_history_turns, self.settings.max_history_chars)
        if not looks_english(question):
            yield abstain(NOT_ENGLISH)
            return
        indexes = self.indexes
        if not len(indexes.catalogue):
            raise StoreError(
                "The store is empty: run `treatyqa ingest` (or `treatyqa serve`, which ingests the "
                "bundled corpus on first start)."
            )
        u = self.understand(question, filters, indexes, history)
        for event in self._answers(u, filters, indexes):
            if isinstance(event, Answer):
                if u.question != question:
                    event.resolved_question = u.question
                for citation in event.citations:
                    citation.articles_text = articles_text(citation, indexes.catalogue)
            yield event

    def _answers(self, u: Understanding, filters: Scope, indexes: Indexes) -> Iterator[str | Answer]:
        scorer = QuoteScorer(self.embedder, indexes.segments_of)
        refused = refusal(u, indexes.catalogue)
        # "something similar": the topic is a record's text, not a subject.
        by_subject = not (u.like or refused) and self._asks_by_subject(u, indexes)
        if not refused:
            # The question, its topic and its subject in one pass of the model: the scorer keeps them.
            scorer.encode([u.question, u.topic or u.question, *([u.subject] if by_subject else [])])
        if by_subject:
            u = replace(u, subject_articles=self._subject_articles(u, indexes, scorer))
        events = [abstain(refused)] if refused else self._answers_to(u, filters, indexes, scorer)
        for event in events:
            if isinstance(event, Answer):
                event.read_as = f"{u.question} | {u.read_as()}"
                event.articles = list(u.concerned)
            yield event

    def _answers_to(
        self, u: Understanding, filters: Scope, indexes: Indexes, scorer: QuoteScorer
    ) -> Iterator[str | Answer]:
        extractive = ExtractiveAnswerer(scorer, indexes.catalogue, self.settings.min_score)
        if u.intent == "list" and u.treaties:
            answer = extractive.list_states(u)
            answer.retrieved = [c.record_id for c in answer.citations]
            yield answer
            return
        # The question and its topic in one pass of the model: the quotes are scored on both.
        retrievals = self._retrieve(
            u, filters, indexes, scorer.encode([u.question, u.topic or u.question])[0]
        )
        answerer: Answerer = extractive
        if self.settings.answerer == "llm" and u.intent != "status":
            answerer = LLMAnswerer(self.chat_model, extractive, scorer, self._model_lock)
        for event in answerer.stream(u, retrievals):
            if isinstance(event, Answer):
                for party, treaty, under in u.filed_under:
                    event.answer = f"{filed_under(party, treaty, under)} {event.answer}"
                if u.without_records and not event.abstained:
                    event.answer += f" {not_held(u.without_records, u.treaties)}"
                if u.filtered_out:
                    event.answer += (
                        f" {filtered(u.filtered_out, (*u.parties, *(f'the {t}' for t in u.treaties)))}"
                    )
                # Plans interleaved by rank: each plan's best record first.
                event.retrieved = list(
                    dict.fromkeys(
                        r.id for rank in zip_longest(*(found for _, found in retrievals)) for r in rank if r
                    )
                )
            yield event

    def ask(
        self, question: str, filters: Scope = Scope(), history: Sequence[Turn] = (), user: str | None = None
    ) -> Answer:
        return final(self.stream(question, filters, history, user))

    def search(self, query: str, filters: Scope = Scope(), limit: int = 8) -> list[Citation]:
        """The records that best match `query` within `filters` (no answer written), each as
        a citation quoting its sentence closest to the query."""
        query = _checked(query, self.settings.max_question_chars)
        indexes = self.indexes
        _check_filters(filters, indexes.catalogue)
        scorer = QuoteScorer(self.embedder, indexes.segments_of)
        found = indexes.search(query, scorer.encode([query])[0], limit, filters)
        citations = [Citation.of(n, r, scorer.best_quote(query, r)) for n, r in enumerate(found, 1)]
        for citation in citations:
            citation.articles_text = articles_text(citation, indexes.catalogue)
        return citations

    @staticmethod
    def _asks_by_subject(u: Understanding, indexes: Indexes) -> bool:
        """A question about a treaty's records that names a subject and no article, where
        the corpus holds the treaty's text to find the subject's articles in."""
        if u.articles or u.asks_text or u.intent == "status" or not (u.treaties and u.topic_terms):
            return False
        return bool(indexes.catalogue.text_of(u.treaties))

    def _subject_articles(self, u: Understanding, indexes: Indexes, scorer: QuoteScorer) -> tuple[str, ...]:
        """The articles whose text speaks of what a question asks about a treaty without
        naming an article ("reservations to the CRC about adoption": article 21): those of
        the treaty's provisions that answer the subject as well as a quote must, within
        SUBJECT_MARGIN of the best."""
        scope = Scope((), u.treaties, (Kind.TREATY_TEXT,))
        # The subject alone: the words that ask ("which states made reservations") would find
        # the treaty's own article on reservations.
        vector = scorer.encode([u.subject])[0]
        asked = Asked(u.subject, u.subject)
        found = indexes.search(u.subject, vector, SUBJECT_DEPTH, scope)
        scored = [(r, scorer.quote(asked, r).relevance) for r in found]
        best = max((score for _, score in scored), default=0.0)
        if best < self.settings.min_score:
            return ()
        close = [r for r, score in scored if score >= best - SUBJECT_MARGIN and r.articles]
        return tuple(dict.fromkeys(a.split("(")[0] for r in close for a in r.articles))[:MAX_SUBJECT_ARTICLES]

    def _retrieve(
        self, u: Understanding, filters: Scope, indexes: Indexes, vector: np.ndarray
    ) -> list[Retrieval]:
        """One search per treaty when several are named (or one phrase fits several),
        else one per party; one search otherwise. A kind the user filtered on is a
        filter; a kind or article the question names ranks records higher."""
        scope = u.scope()
        if filters.kinds:
            scope = replace(scope, kinds=filters.kinds, exclude=(Kind.CROSS_REFERENCE,))
        if len(u.treaties) > 1:
            scopes = [replace(scope, treaties=(t,)) for t in u.treaties]
        elif len(groups := u.party_groups or tuple((p,) for p in u.parties)) > 1:
            scopes = [replace(scope, parties=group) for group in groups]
        else:
            scopes = [scope]
        boost = Scope(kinds=u.kinds, articles=u.concerned)
        return [
            (s, indexes.search(u.question, vector, self.settings.top_k, s, boost))
            for s in scopes[:MAX_TREATIES]
        ]

    # --- ingest -----------------------------------------------------------------------

    def ingest(
        self, paths: list[Path] | None = None, *, rebuild: bool = False, show_progress: bool = False
    ) -> IngestReport:
        """Ingest, then build the indexes of the new store before returning: a server on
        the same store (this process or another) only has to load them."""
        if rebuild:
            self._store = self._connect(reset=True)
        report = ingest(
            paths or [self.settings.corpus_dir],
            self.store,
            self.settings.corpus_dir,
            show_progress=show_progress,
        )
        if report.changed or not Indexes.saved(Indexes.location(self.index_dir, self.store.revision())):
            started = time.perf_counter()
            with tqdm(total=1, desc="Indexing", unit="store", disable=not show_progress) as bar:
                self.reload()
                bar.update()
            report.seconds += time.perf_counter() - started
        return report

    def ensure_ingested(self, show_progress: bool = False) -> IngestReport | None:
        """Ingest the configured corpus when the store is empty (first start)."""
        return None if self.store.count() else self.ingest(show_progress=show_progress)


def _narrowed(u: Understanding, catalogue: Catalogue) -> Understanding:
    """Of the treaties an ambiguous name fits, those the named parties have records of
    the asked sort for ("the development bank agreement" of a state that made
    declarations to one of them); all of them when that leaves none."""
    kinds = (Kind.STATUS,) if u.intent == "status" else (*CONTENT_KINDS, Kind.PASSAGE)
    held = [t for t in u.treaties if any(catalogue.kinds_of(p, t)[k] for p in u.parties for k in kinds)]
    if not held:
        return u
    choices = (tuple(t for t in c if t in held) for c in u.treaty_choices)
    return replace(u, treaties=tuple(held), treaty_choices=tuple(c for c in choices if len(c) > 1))


def _other_version(u: Understanding, catalogue: Catalogue) -> Understanding:
    """A treaty named whose records of the named parties are all filed under a version of
    it ("the African Development Bank agreement": Denmark's statements are under the
    agreement "as amended by resolution 05-79"): read as that version."""
    if not (u.parties and u.treaties) or any(catalogue.kinds_of(p, t) for p in u.parties for t in u.treaties):
        return u
    versions = [
        v for v in catalogue.treaties_of(u.parties) if v not in u.treaties and any(t in v for t in u.treaties)
    ]
    return replace(u, treaties=tuple(versions)) if versions else u


def _filed_under(u: Understanding, catalogue: Catalogue) -> Understanding:
    """Parties whose entry for a treaty named only points to another ("See chapter IV.3.":
    Algeria's statements on both Covenants are filed under the ICESCR): the question is
    read as about the treaty pointed to, and the answer says where the statements are
    filed. Only when every party named is filed there: another party's records under that
    treaty answer nothing about the one named."""
    if u.intent == "status" or u.asks_text or not u.parties or len(u.treaties) != 1:
        return u
    [treaty] = u.treaties
    if any(catalogue.kinds_of(p, treaty)[k] for p in u.parties for k in CONTENT_KINDS):
        return u
    pointers = catalogue.select(Scope(u.parties, u.treaties, (Kind.CROSS_REFERENCE,), exclude=()))
    targets = {r.refers_to or "" for r in pointers}
    if len(targets) != 1 or "" in targets or {r.party for r in pointers} != set(u.parties):
        return u
    [under] = targets
    return replace(u, treaties=(under,), filed_under=tuple((p, treaty, under) for p in u.parties))


def _check_filters(filters: Scope, catalogue: Catalogue) -> None:
    for given, known, what in (
        (filters.parties, catalogue.parties, "state or organisation"),
        (filters.treaties, catalogue.treaties, "treaty"),
    ):
        if unknown := [name for name in given if name not in known]:
            raise QuestionError(
                f"No {what} called {unknown[0]!r} in the corpus; use a name as the corpus spells it."
            )


def _checked(question: str, limit: int) -> str:
    question = (question or "").strip()
    if not question:
        raise QuestionError("The question is empty; type a question about a treaty.")
    if len(question) > limit:
        raise QuestionError(
            f"The question has {len(question)} characters; the limit is {limit}. "
            "Shorten it to the point you want answered."
        )
    return question
