"""The REST API: POST /api/ask and GET /api/health, over the same core as the chat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from app.assistant import Assistant
from app.catalogue import Scope
from app.conversation import Turn
from app.limits import Guard
from app.results import Answer
from ingest.records import Kind


class AskRequest(BaseModel):
    question: str = Field(examples=["When did Azerbaijan ratify the Convention on Cybercrime?"])
    treaty: str | None = Field(None, description="Only records of this treaty (title as in the corpus)")
    party: str | None = Field(None, description="Only records of this state or organisation")
    kind: Kind | None = Field(None, description="Only records of this kind")
    history: list[Turn] = Field(
        default_factory=list,
        description="Earlier turns of the conversation, oldest first: each a question, and optionally "
        "how it was read, the answer and its citations (as this endpoint returned them). A follow-up "
        "question is completed from them; see resolved_question.",
    )

    def scope(self) -> Scope:
        return Scope.filtering(self.party, self.treaty, self.kind)


class AskResponse(Answer):
    """The core result, as `treatyqa ask --json` prints it, with the question."""

    question: str


class FeedbackRequest(BaseModel):
    answer_id: str = Field(description="As the answer gave it", min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=4000, description="What was good or wrong, optionally")


class Health(BaseModel):
    status: str
    records: int
    model: str
    store: str


def router(
    assistant: Assistant,
    guard: Guard,
    client: Callable[[Request], str],
    user: Callable[[Request], str | None],
) -> APIRouter:
    """`client` is the key limits count by; `user` the name the audit log keeps."""
    api = APIRouter(prefix="/api")

    @api.post("/ask", response_model=AskResponse, tags=["questions"])
    def ask(body: AskRequest, request: Request) -> AskResponse:
        """Answer a question from the sources, with numbered citations (or decline)."""
        who = user(request)
        answer = guard.run(
            client(request), lambda: assistant.ask(body.question, body.scope(), body.history, who)
        )
        return AskResponse(question=body.question, **answer.model_dump())

    @api.post("/feedback", status_code=204, tags=["questions"])
    def feedback(body: FeedbackRequest) -> None:
        """Rate an answer (up or down, with an optional comment): kept with it in the audit log."""
        assistant.feedback(body.answer_id, body.rating, body.comment)

    @api.get("/health", response_model=Health, tags=["service"])
    def health() -> Health:
        """Whether the store is reachable, how many records it holds, which model embeds them."""
        s = assistant.settings
        store = f"chroma server {s.chroma_host}:{s.chroma_port}" if s.chroma_host else "embedded"
        return Health(status="ok", records=assistant.store.count(), model=s.embedding_model, store=store)

    return api
