"""The Gradio web chat: answers with their citations, rendered as escaped HTML."""

from __future__ import annotations

import html
import os
from typing import Any

# Before gradio is imported: no calls home from an intranet.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from app.assistant import Assistant
from app.results import Answer, Citation
from ingest.errors import TreatyQAError


def _card(c: Citation) -> str:
    e = html.escape
    title = f"[{c.marker}] {c.kind.capitalize()}" + (f" {c.number}" if c.number else "")
    facts = [
        c.party,
        c.treaty,
        ("Article " + ", ".join(c.articles)) if c.articles else None,
        f"made {c.made_upon}" if c.made_upon else None,
    ]
    source = f"{c.source_title or c.source}" + (f", {c.snapshot_date}" if c.snapshot_date else "")
    return (
        f'<div class="citation"><b>{e(title)}</b> — {e(" · ".join(f for f in facts if f))}'
        f"<br><small>{e(source)} ({e(c.authority or '')})</small>"
        f"<blockquote>{e(c.quote)}</blockquote></div>"
    )


def render(answer: Answer) -> str:
    body = f"<p>{html.escape(answer.answer)}</p>"
    return body + "".join(_card(c) for c in answer.citations)


def build(assistant: Assistant) -> Any:
    import gradio as gr

    def respond(message: str, history: list[dict[str, Any]]) -> str:
        try:
            return render(assistant.ask(message))
        except TreatyQAError as exc:
            return f"<p><b>Error:</b> {html.escape(str(exc))}</p>"

    return gr.ChatInterface(respond, title="TreatyQA", analytics_enabled=False)


def serve(assistant: Assistant, host: str, port: int) -> None:
    import gradio as gr
    import uvicorn
    from fastapi import FastAPI

    app = gr.mount_gradio_app(FastAPI(title="TreatyQA"), build(assistant), path="/")
    uvicorn.run(app, host=host, port=port)
