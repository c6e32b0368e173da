"""The MCP tools of a running `treatyqa serve` (token authentication, 127.0.0.1), called
with the MCP SDK's own client, as an intranet assistant would."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from app.assistant import Assistant
from app.audit import AuditLog
from tests.helpers import free_port, wait_for
from tests.test_cli import TREATYQA

TOKEN = "mcp-s3cret"
QUESTION = "What is Azerbaijan's 24/7 point of contact under the Convention on Cybercrime?"


@pytest.fixture(scope="module")
def server(assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`treatyqa serve` with token authentication over the test store (already ingested)."""
    port = free_port()
    env = {
        **os.environ,
        "TREATYQA_DATA_DIR": str(assistant.settings.data_dir),
        "TREATYQA_CORPUS_DIR": str(assistant.settings.corpus_dir),
        "TREATYQA_AUTH": "token",
        "TREATYQA_AUTH_TOKEN": TOKEN,
    }
    log = (tmp_path_factory.mktemp("mcp") / "server.log").open("w")
    process = subprocess.Popen(
        [str(TREATYQA), "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/gradio.js", process, seconds=240)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


async def call(url: str, token: str | None, tool: str | None, arguments: dict[str, Any]) -> Any:
    """List the tools (tool None) or call one, through the streamable HTTP transport."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=120) as http,
        Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client,
    ):
        if tool is None:
            return await client.list_tools()
        return await client.call_tool(tool, arguments)


def test_the_tools_are_listed_with_their_parameters(server: str) -> None:
    listed = asyncio.run(call(server, TOKEN, None, {}))
    tools = {t.name: t for t in listed.tools}
    assert set(tools) == {"ask", "search_records"}
    assert {"question", "history", "treaty", "party", "kind"} <= set(tools["ask"].input_schema["properties"])
    assert "citations" in (tools["ask"].description or "")


def test_ask_answers_with_the_citation_and_is_logged(server: str, assistant: Assistant) -> None:
    result = asyncio.run(call(server, TOKEN, "ask", {"question": QUESTION}))
    assert not result.is_error
    answer = result.structured_content
    (citation,) = answer["citations"]
    assert (citation["party"], citation["kind"], citation["number"]) == ("Azerbaijan", "declaration", "4")
    assert "[1]" in answer["answer"] and citation["quote"] in citation["text"]
    [logged] = [
        e for e in AuditLog(assistant.settings.audit_path).entries() if e.answer_id == answer["answer_id"]
    ]
    assert logged.user == "token" and logged.cited == (citation["record_id"],)


def test_search_records_returns_records_of_the_filters_only(server: str) -> None:
    arguments = {"query": "death penalty", "party": "United States of America", "limit": 3}
    result = asyncio.run(call(server, TOKEN, "search_records", arguments))
    assert not result.is_error
    records = result.structured_content["result"]  # a list, wrapped as MCP's structured output is
    assert 1 <= len(records) <= 3 and {r["party"] for r in records} == {"United States of America"}
    assert any("death" in r["text"].lower() or "capital" in r["text"].lower() for r in records)


def test_an_unknown_filter_is_a_tool_error_that_says_what_to_do(server: str) -> None:
    result = asyncio.run(call(server, TOKEN, "ask", {"question": QUESTION, "party": "Atlantis"}))
    assert result.is_error and "Atlantis" in result.content[0].text


@pytest.mark.parametrize("token", [None, "wrong"])
def test_without_the_token_the_tools_are_refused(server: str, token: str | None) -> None:
    response = httpx2.post(
        f"{server}/mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
    assert response.status_code == 401
    with pytest.raises(Exception):  # noqa: B017 (the SDK wraps the 401 in its own error)
        asyncio.run(call(server, token, None, {}))
