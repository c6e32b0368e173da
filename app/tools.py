"""TreatyQA's core as Model Context Protocol tools, for the assistants of an intranet
(desktop chat clients, IDEs, agent platforms): `ask` and `search_records`, served by
`treatyqa serve` at /mcp (streamable HTTP), behind the same authentication, limits and
audit log as the web chat and the API."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from typing import Annotated, Any, TypeVar

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field
from starlette.requests import Request

from app.api import AskResponse
from app.assistant import Assistant
from app.catalogue import Scope
from app.conversation import Turn
from app.errors import TreatyQAError
from app.limits import Guard
from app.results import Citation
from ingest.records import Kind

T = TypeVar("T")
INSTRUCTIONS = (
    "TreatyQA answers questions about treaty declarations, reservations, objections, status "
    "(signature, ratification, entry into force) and the treaties' own texts, from an indexed "
    "corpus of official sources. Every answer cites the records it rests on; when the sources "
    "do not say, it declines instead of guessing. Quote its citations rather than paraphrasing them."
)

Treaty = Annotated[str | None, Field(description="Only records of this treaty (title as in the corpus)")]
Party = Annotated[str | None, Field(description="Only records of this state or organisation")]
KindFilter = Annotated[Kind | None, Field(description="Only records of this kind")]


async def _run(guard: Guard, client: str, work: Callable[[], T]) -> T:
    """`work` on an answer thread once the client is admitted (the event loop never waits
    on it); TreatyQA's errors reach the caller as tool errors with their message."""
    try:
        return await anyio.to_thread.run_sync(lambda: guard.run(client, work))
    except TreatyQAError as exc:
        raise ToolError(str(exc)) from exc


def build(
    assistant: Assistant,
    guard: Guard,
    client: Callable[[Any], str],
    user: Callable[[Any], str | None],
    host: str,
) -> MCPServer:
    """The tools; `client` and `user` read the HTTP request a call came in (see server.Auth).
    Requests on a loopback `host` must name it (DNS-rebinding protection)."""
    mcp: MCPServer = MCPServer("TreatyQA", instructions=INSTRUCTIONS, version=version("treatyqa"))

    def request_of(ctx: Context) -> Request:
        request = ctx.request_context.request
        assert isinstance(request, Request)
        return request

    @mcp.tool()
    async def ask(
        question: Annotated[str, Field(description="A question in English about treaty records")],
        ctx: Context,
        history: Annotated[
            list[Turn] | None,
            Field(description="Earlier turns, oldest first (question, and the answer's citations)"),
        ] = None,
        treaty: Treaty = None,
        party: Party = None,
        kind: KindFilter = None,
    ) -> AskResponse:
        """Answer a question from the treaty sources, with numbered citations [n] to the exact
        declaration, reservation, objection, status record or treaty article it rests on; a
        list answer also has a table (one row per record). Declines when the sources do not say."""
        request = request_of(ctx)
        scope = Scope.filtering(party, treaty, kind)
        answer = await _run(
            guard, client(request), lambda: assistant.ask(question, scope, history or (), user(request))
        )
        return AskResponse(question=question, **answer.model_dump())

    @mcp.tool()
    async def search_records(
        query: Annotated[str, Field(description="Words to look for: a subject, a phrase, an article")],
        ctx: Context,
        treaty: Treaty = None,
        party: Party = None,
        kind: KindFilter = None,
        limit: Annotated[int, Field(ge=1, le=50, description="Records returned, best first")] = 8,
    ) -> list[Citation]:
        """The records that best match the query within the filters, best first, each with its
        citation (treaty, state, kind, number, articles, source) and verbatim text; no answer
        is written."""
        request = request_of(ctx)
        scope = Scope.filtering(party, treaty, kind)
        return await _run(guard, client(request), lambda: assistant.search(query, scope, limit))

    loopback = host in ("127.0.0.1", "localhost", "::1")
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=loopback,
        allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
        allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
    )
    # Stateless and plain JSON: any worker answers any call, and a proxy needs no streaming.
    mcp.streamable_http_app(stateless_http=True, json_response=True, transport_security=security)
    return mcp
