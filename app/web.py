"""The Gradio web chat. Every text from documents or users is HTML-escaped here;
answers carry their citation cards in the message itself, so they never change
once shown and come back with the saved conversation history."""

import html
import json
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import gradio as gr
from pydantic import ValidationError

from app.assistant import Assistant
from app.audit import Rating
from app.catalogue import Catalogue, Scope
from app.conversation import CitedRecord, Turn, bounded
from app.errors import TreatyQAError
from app.limits import Guard
from app.results import Answer, Citation, Row, table_csv
from ingest.records import Kind
from ingest.text import snapshot

THINKING = '<div class="tq-state" role="status">Searching the sources…</div>'
ANY = "Any"
KINDS = [k.value for k in Kind if k is not Kind.CROSS_REFERENCE]

# Curated from the bundled corpus; shown when the corpus holds what they ask about.
EXAMPLES = [
    "Which authority did Azerbaijan designate for extradition requests under the Convention on Cybercrime?",
    "When did the Convention on Cybercrime enter into force for Azerbaijan?",
    "What reservations did Azerbaijan make to the Convention on Cybercrime?",
    "When did Azerbaijan's parliament ratify the UN Convention against Cybercrime?",
    "Which states made reservations to article 9 of CEDAW?",
    "What reservation did the United States make about capital punishment under the ICCPR?",
]

CSS = """
.tq-answer { line-height: 1.5; }
.tq-marker { font-weight: 600; text-decoration: none; }
.tq-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px;
           margin: 8px 0; }
.tq-card:target, .tq-card.tq-focus { outline: 2px solid var(--color-accent); }
.tq-card summary { cursor: pointer; font-weight: 600; }
.tq-meta { font-size: 0.9em; color: var(--body-text-color-subdued); margin: 4px 0; }
.tq-text { white-space: pre-wrap; font-size: 0.92em; }
.tq-articles { margin-top: 4px; font-size: 0.92em; }
.tq-text mark { background: #fde68a; color: inherit; }
.tq-secondary { color: #b45309; font-weight: 600; }
.tq-readas { font-size: 0.9em; color: var(--body-text-color-subdued); margin-bottom: 4px; }
.tq-state { font-style: italic; color: var(--body-text-color-subdued); }
.tq-declined { border-left: 4px solid #9ca3af; padding-left: 8px; }
.tq-error { border-left: 4px solid #dc2626; padding-left: 8px; }
.tq-csv-data { display: none; }
.tq-table-wrap { max-height: 24em; overflow: auto; margin: 8px 0; }
.tq-table { border-collapse: collapse; font-size: 0.9em; }
.tq-table th, .tq-table td { border: 1px solid var(--border-color-primary); padding: 2px 6px;
                             text-align: left; vertical-align: top; }
"""

# Clicking a marker [n] scrolls its card into view (anchors alone do not work
# inside the chat's scrolling panel) and opens it. "Download CSV" saves the CSV the
# answer carries, made here in the browser: no request, nothing kept on the server.
JS = """
() => {
  document.addEventListener('click', (event) => {
    const download = event.target.closest('button.tq-csv');
    if (download) {
      const csv = download.closest('.tq-download').querySelector('.tq-csv-data').textContent;
      const blob = new Blob(['\\ufeff' + csv], {type: 'text/csv;charset=utf-8'});
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'treatyqa-' + new Date().toISOString().slice(0, 19).replace(/:/g, '') + '.csv';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      return;
    }
    const link = event.target.closest('a.tq-marker');
    if (!link) return;
    const card = document.getElementById(link.getAttribute('href').slice(1));
    if (!card) return;
    event.preventDefault();
    card.open = true;
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    card.classList.add('tq-focus');
    setTimeout(() => card.classList.remove('tq-focus'), 1500);
  });
}
"""


def _highlighted(text: str, quote: str) -> str:
    """The record's text, escaped, with the supporting quote marked."""
    at = text.find(quote) if quote else -1
    if at < 0:
        return html.escape(text)
    end = at + len(quote)
    return html.escape(text[:at]) + "<mark>" + html.escape(text[at:end]) + "</mark>" + html.escape(text[end:])


def _card(c: Citation, key: str, open_: bool = True) -> str:
    e = html.escape
    when = c.snapshot_date and snapshot(c.snapshot_date)
    source = " · ".join(x for x in [c.source_title or c.source, when] if x)
    authority = (
        '<span class="tq-secondary">secondary source</span>'
        if c.authority == "secondary"
        else "official record"
    )
    link = (
        f' · <a href="{e(c.source_url)}" target="_blank" rel="noopener noreferrer">official page</a>'
        if c.source_url and c.source_url.startswith(("http://", "https://"))
        else ""
    )
    return (
        f'<details class="tq-card" id="tq-{key}-{c.marker}"{" open" if open_ else ""}>'
        f"<summary>[{c.marker}] {e(c.label)} — {e(' · '.join(c.facts))}</summary>"
        f'<div class="tq-meta">{e(source)} · {authority}{link}<br>file: {e(c.source)}</div>'
        f'<div class="tq-text">{_highlighted(c.text, c.quote)}</div>'
        + (
            f'<details class="tq-articles"><summary>What the treaty text says</summary>'
            f'<div class="tq-text">{e(c.articles_text)}</div></details>'
            if c.articles_text
            else ""
        )
        + "</details>"
    )


TABLE_COLUMNS = {
    "state": "State",
    "record": "Record",
    "articles": "Articles",
    "made_upon": "Made upon",
    "signature": "Signature",
    "consent": "Consent",
    "consent_kind": "Consent by",
    "entry_into_force": "In force",
    "quote": "Quoted words",
}


def _table(rows: list[Row], key: str) -> str:
    """A list answer's records as a table, its markers linked to the cards, with the CSV
    to take away. Columns every row leaves empty are left out."""
    e = html.escape
    columns = [c for c in TABLE_COLUMNS if any(getattr(r, c) for r in rows)]
    head = "".join(f"<th>{TABLE_COLUMNS[c]}</th>" for c in columns)
    body = "".join(
        f'<tr><td><a class="tq-marker" href="#tq-{key}-{r.marker}">[{r.marker}]</a></td>'
        + "".join(f"<td>{e(str(getattr(r, c) or ''))}</td>" for c in columns)
        + "</tr>"
        for r in rows
    )
    return (
        f'<div class="tq-table-wrap"><table class="tq-table"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
        # The CSV travels as hidden text: the chat's sanitiser removes data attributes.
        f'<div class="tq-download"><pre class="tq-csv-data">{e(table_csv(rows))}</pre>'
        f'<button class="tq-csv" type="button">Download CSV ({len(rows)} rows)</button></div>'
    )


def render(answer: Answer) -> str:
    """The answer with clickable markers, then one card per citation."""
    key = uuid.uuid4().hex[:8]  # keeps the anchors of this answer apart from those of others
    text = html.escape(answer.answer)
    markers = {c.marker for c in answer.citations}
    text = re.sub(
        r"\[(\d+)\]",
        lambda m: (
            f'<a class="tq-marker" href="#tq-{key}-{m.group(1)}">[{m.group(1)}]</a>'
            if int(m.group(1)) in markers
            else m.group(0)
        ),
        text,
    )
    css = "tq-answer tq-declined" if answer.abstained else "tq-answer"
    # What the next follow-up needs of this turn travels with the message, so a saved
    # conversation keeps its context.
    turn = html.escape(
        json.dumps(
            {
                "answer_id": answer.answer_id,
                "resolved_question": answer.resolved_question,
                "articles": answer.articles,
                "citations": [
                    CitedRecord.model_validate(c.model_dump()).model_dump() for c in answer.citations
                ],
            }
        )
    )
    read_as = (
        f'<div class="tq-readas">Read as: {html.escape(answer.resolved_question)}</div>'
        if answer.resolved_question
        else ""
    )
    table = _table(answer.table, key) if answer.table else ""
    return f'{read_as}<div class="{css}" data-tq-turn="{turn}">{text}</div>{table}' + "".join(
        _card(c, key, open_=not answer.table) for c in answer.citations
    )


_TURN = re.compile(r'data-tq-turn="([^"]*)"')


def _text(content: Any) -> str:
    """A chat message's text, given as a string or as parts ([{"type": "text", "text": ...}] or strings)."""
    if isinstance(content, list):
        return " ".join(part if isinstance(part, str) else _text(part) for part in content)
    if isinstance(content, dict):
        return str(content.get("text", ""))
    return content if isinstance(content, str) else ""


def _turn_data(content: Any) -> dict[str, Any]:
    """What a rendered answer carries for what comes after it (see `render`); {} for none."""
    data = _TURN.search(_text(content))
    try:
        fields = json.loads(html.unescape(data.group(1))) if data else {}
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}


def turns(history: list[Any]) -> list[Turn]:
    """The conversation so far, from the chat's messages: each question with what its
    answer recorded for follow-ups (how it was read, which records it cited)."""
    result: list[Turn] = []
    question: str | None = None
    for message in history:
        role = message.get("role") if isinstance(message, dict) else getattr(message, "role", None)
        text = _text(message.get("content") if isinstance(message, dict) else getattr(message, "content", ""))
        if role == "user":
            question = text
        elif role == "assistant" and question:
            try:
                result.append(Turn.model_validate({"question": question, **_turn_data(text)}))
            except ValidationError:
                result.append(Turn(question=question))
            question = None
    return result


def render_partial(text: str) -> str:
    return f'<div class="tq-answer">{html.escape(text)} …</div>'


def render_error(message: str) -> str:
    return f'<div class="tq-error" role="alert">{html.escape(message)}</div>'


def coverage(catalogue: Catalogue) -> str:
    """What the corpus covers, in one line."""
    by_date: dict[str, set[str]] = {}
    for record in catalogue.records:
        if record.snapshot_date:
            # "UN Treaty Collection — Participants (...)" -> "UN Treaty Collection"
            by_date.setdefault(record.snapshot_date, set()).add(re.split(r" — |: ", record.source_title)[0])
    dates = "; ".join(f"{', '.join(sorted(names))} {date}" for date, names in sorted(by_date.items()))
    treaties = f"{len(catalogue.treaties)} {'treaty' if len(catalogue.treaties) == 1 else 'treaties'}"
    parties = len(catalogue.parties)
    return (
        f"The corpus holds {len(catalogue):,} records: {treaties}, "
        f"{parties} {'state or organisation' if parties == 1 else 'states and organisations'}; "
        f"source snapshots: {dates}. "
        "Answers quote and cite the records; when the sources do not say, TreatyQA says so."
    )


def examples(assistant: Assistant) -> list[str]:
    """The curated examples whose party and treaty the corpus holds."""
    reader, catalogue = assistant.indexes.reader, assistant.indexes.catalogue
    kept = []
    for question in EXAMPLES:
        u = reader.read(question)
        named = u.parties or u.treaties
        absent = u.absent_parties or u.absent_treaties
        if (
            named
            and not absent
            and all(catalogue.kinds_of(p, t) for p in u.parties or (None,) for t in u.treaties or (None,))
        ):
            kept.append(question)
    return kept


def _chosen(value: str | None) -> str | None:
    """A filter's value, None for "Any"."""
    return None if value in (None, "", ANY) else value


def respond(
    assistant: Assistant,
    guard: Guard,
    client: str,
    message: str,
    scope: Scope,
    history: Sequence[Turn] = (),
    user: str | None = None,
) -> Iterator[str]:
    """HTML states of one answer: thinking, text as it is written, the final answer."""
    yield THINKING
    s = assistant.settings
    history = bounded(history, s.max_history_turns, s.max_history_chars)
    try:
        written = ""
        for event in guard.stream(client, assistant.stream(message, scope, history, user)):
            if isinstance(event, Answer):
                yield render(event)
            else:
                written += event
                yield render_partial(written)
    except TreatyQAError as exc:
        yield render_error(str(exc))


def answer_id(message: Any) -> str | None:
    """The answer_id a rendered answer carries (None for errors and partial answers)."""
    found = _turn_data(message).get("answer_id")
    return found if isinstance(found, str) else None


def build(
    assistant: Assistant,
    guard: Guard,
    client: Callable[[Any], str],
    user: Callable[[Any], str | None],
) -> gr.Blocks:
    """`client` is the key limits count by; `user` the name the audit log keeps."""
    catalogue = assistant.indexes.catalogue

    def chat(
        message: str, history: list[Any], treaty: str, party: str, kind: str, request: gr.Request
    ) -> Iterator[str]:
        kind_chosen = _chosen(kind)
        scope = Scope.filtering(_chosen(party), _chosen(treaty), Kind(kind_chosen) if kind_chosen else None)
        yield from respond(assistant, guard, client(request), message, scope, turns(history), user(request))

    def rate(rated: Any, data: gr.LikeData) -> tuple[Any, ...]:
        """A thumb up or down: kept in the audit log at once; a comment may follow."""
        found = answer_id(data.value)
        if not found or data.liked not in (True, False):
            return rated, gr.update(visible=False), gr.update()
        rating: Rating = "up" if data.liked else "down"
        try:
            assistant.feedback(found, rating)
        except TreatyQAError as exc:
            gr.Warning(str(exc))
            return None, gr.update(visible=False), gr.update()
        return (found, rating), gr.update(visible=True), gr.update(value="")

    def comment(rated: Any, text: str) -> tuple[Any, ...]:
        if rated and text.strip():
            try:
                assistant.feedback(rated[0], rated[1], text)
                gr.Info("Thank you: your comment is kept with the answer.")
            except TreatyQAError as exc:
                gr.Warning(str(exc))
        return None, gr.update(visible=False), gr.update(value="")

    # No calls home from an intranet.
    with gr.Blocks(title="TreatyQA", fill_height=True, analytics_enabled=False) as demo:
        gr.Markdown(f"## TreatyQA\n{coverage(catalogue)}")
        with gr.Row():
            treaty = gr.Dropdown([ANY, *catalogue.treaties], value=ANY, label="Treaty", filterable=True)
            party = gr.Dropdown([ANY, *catalogue.parties], value=ANY, label="State or organisation")
            kind = gr.Dropdown([ANY, *KINDS], value=ANY, label="Kind of record")
        chatbot = gr.Chatbot(label="Answers", elem_id="tq-chat", sanitize_html=True, scale=1)
        interface = gr.ChatInterface(
            chat,
            analytics_enabled=False,
            additional_inputs=[treaty, party, kind],
            chatbot=chatbot,
            textbox=gr.Textbox(
                placeholder="Ask about a declaration, reservation, objection or ratification…",
                max_length=assistant.settings.max_question_chars,
                submit_btn=True,
            ),
            save_history=True,
            concurrency_limit=assistant.settings.max_concurrent,
            fill_height=True,
        )
        rated = gr.State(None)  # (answer_id, rating) of the answer a comment is about
        with gr.Row(visible=False, elem_id="tq-feedback") as feedback_row:
            note = gr.Textbox(
                label="What was wrong or good about this answer? (optional)",
                max_lines=4,
                max_length=4000,
                scale=4,
                elem_id="tq-comment",
            )
            send = gr.Button("Send comment", scale=1, elem_id="tq-send-comment")
        if assistant.audit.enabled:
            chatbot.like(rate, [rated], [rated, feedback_row, note])
        send.click(comment, [rated, note], [rated, feedback_row, note])
        note.submit(comment, [rated, note], [rated, feedback_row, note])
        gr.Examples(examples(assistant), inputs=interface.textbox, label="Examples from the corpus")
    return demo


def theme() -> gr.themes.Base:
    """Gradio's default look with system fonts: the default theme loads web fonts from Google."""
    return gr.themes.Default(
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    )
