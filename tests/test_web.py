"""The web chat in a real headless Chromium (Debian's package, driven by
Playwright) against the real server on 127.0.0.1 — directly and behind nginx
under a sub-path. Skips with the reason when Chromium is not installed."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.audit import AuditLog
from ingest.sources import BUNDLED_CORPUS
from tests.helpers import free_port, wait_for

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed: sudo apt-get install chromium (see README)"
)
TREATYQA = Path(sys.executable).with_name("treatyqa")
FIXTURES = Path(__file__).parent / "fixtures" / "web"
QUESTION = (
    "Which authority did Azerbaijan designate for extradition requests under the Convention on Cybercrime?"
)
# The same flags the platform's own browser check uses: no background traffic of Chromium's own.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-default-apps",
]


@dataclass
class Server:
    url: str  # what the browser opens
    origin: str  # scheme://host:port every request must go to
    data: Path | None = None  # its data directory


def start_server(tmp: Path, **env: str) -> tuple[subprocess.Popen[bytes], int]:
    corpus = tmp / "corpus"
    if not corpus.exists():
        shutil.copytree(BUNDLED_CORPUS / "seeds", corpus / "seeds")
        shutil.copy(BUNDLED_CORPUS / "manifest.toml", corpus)
        shutil.copy(FIXTURES / "notice.txt", corpus)
        # An invented treaty: its states' declarations and its own text.
        for folder in ("untc", "texts"):
            shutil.copytree(FIXTURES.parent / "unseen" / folder, corpus / "songbirds" / folder)
    port = free_port()
    environment = {
        **os.environ,
        "TREATYQA_DATA_DIR": str(tmp / "data"),
        "TREATYQA_CORPUS_DIR": str(corpus),
        **env,
    }
    log = (tmp / f"server-{port}.log").open("w")
    server = subprocess.Popen(
        [str(TREATYQA), "serve", "--port", str(port)], env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    return server, port


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


HOST_PAGE_PORT = free_port()  # the intranet portal allowed to embed the chat


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`treatyqa serve` on a fresh data directory: it ingests the corpus on first start."""
    tmp = tmp_path_factory.mktemp("direct")
    server, port = start_server(tmp, TREATYQA_ALLOWED_ORIGINS=f"http://127.0.0.1:{HOST_PAGE_PORT}")
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health", server, seconds=240)
        yield Server(f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}", tmp / "data")
    finally:
        stop(server)


@contextmanager
def host_page(port: int, body: str) -> Iterator[str]:
    """Another site on 127.0.0.1 that embeds the chat, served from a thread."""
    page = body.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        httpd.shutdown()


NGINX_CONF = """
worker_processes 1; pid {tmp}/nginx.pid; error_log {tmp}/error.log; daemon off;
events {{ worker_connections 64; }}
http {{
  access_log {tmp}/access.log; client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{listen};
    location /treaties/ {{
      proxy_pass http://127.0.0.1:{upstream}/;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffering off;
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The server under /treaties/ behind nginx, as the README's intranet set-up shows."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed: sudo apt-get install nginx-light")
    tmp = tmp_path_factory.mktemp("proxied")
    server, port = start_server(tmp, TREATYQA_ROOT_PATH="/treaties")
    listen = free_port()
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, listen=listen, upstream=port))
    proxy = subprocess.Popen(
        [nginx, "-c", str(tmp / "nginx.conf"), "-p", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{listen}/treaties/api/health", server, seconds=240)
        yield Server(f"http://127.0.0.1:{listen}/treaties/", f"http://127.0.0.1:{listen}")
    finally:
        stop(proxy)
        stop(server)


@dataclass
class Browser:
    page: object
    requests: list[str]
    console: list[str]


@pytest.fixture
def browser() -> Iterator[Browser]:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = chromium.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        seen = Browser(page, [], [])
        context.on("request", lambda request: seen.requests.append(request.url))
        page.on("console", lambda message: seen.console.append(f"{message.type}: {message.text}"))
        yield seen
        chromium.close()


def ask(browser: Browser, server: Server, question: str) -> object:
    """Open the chat, ask, and wait until the answer's final state is shown; return its message."""
    page = browser.page
    page.goto(server.url)
    box = page.get_by_placeholder("Ask about")
    box.wait_for(timeout=60_000)
    box.fill(question)
    box.press("Enter")
    answer = page.locator(".tq-answer").last
    answer.wait_for(timeout=60_000)
    page.wait_for_function("() => !document.querySelector('.tq-state')", timeout=60_000)
    return answer


def follow_up(browser: Browser, question: str, n: int) -> list[str]:
    """Ask the n-th question of the conversation; the summaries of its answer's cards."""
    page = browser.page
    box = page.locator("textarea").last  # the placeholder goes once the chat has begun
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll('.tq-answer').length >= {n}", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('.tq-state')", timeout=60_000)
    cards = "xpath=following-sibling::details[contains(concat(' ', @class, ' '), ' tq-card ')]/summary"
    summaries = page.locator(".tq-answer").last.locator(cards)
    return [summaries.nth(i).inner_text() for i in range(summaries.count())]


def only_local(browser: Browser, server: Server) -> None:
    outside = [url for url in browser.requests if not url.startswith((server.origin + "/", "data:", "blob:"))]
    refused = [line for line in browser.console if "Content Security Policy" in line or "Refused" in line]
    assert not outside, outside
    assert not refused, refused


def test_the_chat_answers_with_a_citation_card_and_fetches_nothing_from_outside(
    browser: Browser, direct: Server, tmp_path: Path
) -> None:
    answer = ask(browser, direct, QUESTION)
    assert "Ministry of Justice" in answer.inner_text()
    card = browser.page.locator(".tq-card").last
    summary = card.locator("summary").inner_text()
    assert "[1] Declaration 1" in summary and "Azerbaijan" in summary and "Article 24(7)(a)" in summary
    assert "made upon signature and confirmed upon ratification" in summary
    assert "designates the Ministry of Justice" in card.locator("mark").inner_text()
    assert "official record" in card.inner_text()
    browser.page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    print(f"screenshot: {tmp_path / 'chat.png'}")
    only_local(browser, direct)


def test_a_reservations_card_shows_its_articles_text_on_request(browser: Browser, direct: Server) -> None:
    ask(browser, direct, "What did Norway reserve under the songbird convention?")
    card = browser.page.locator(".tq-card").last
    assert "Norway" in card.locator("summary").first.inner_text()
    provisions = card.locator("details.tq-articles")
    assert provisions.get_attribute("open") is None  # collapsed under the record's own text
    assert not provisions.locator(".tq-text").is_visible()
    provisions.locator("summary").click()
    text = provisions.locator(".tq-text")
    text.wait_for(state="visible", timeout=5_000)
    assert text.inner_text() == (
        "Article 9(2): 2. Each Party shall designate the national authority that issues export permits "
        "and shall inform the secretariat of its designation."
    )


SONGBIRD_LIST = "Which states made reservations to article 9 of the songbird convention?"


def test_a_list_answer_shows_a_table_to_download_as_csv(
    browser: Browser, direct: Server, tmp_path: Path
) -> None:
    ask(browser, direct, SONGBIRD_LIST)
    page = browser.page
    table = page.locator("table.tq-table").last
    rows = table.locator("tbody tr")
    assert [rows.nth(n).locator("td").nth(1).inner_text() for n in range(rows.count())] == [
        "Chile",
        "Norway",
        "Kenya",
    ]
    assert "9(2)" in rows.first.inner_text()
    with page.expect_download(timeout=10_000) as download:
        page.get_by_role("button", name="Download CSV").last.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".csv"
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with its mark, so spreadsheets read it as such
    lines = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [line["state"] for line in lines] == ["Chile", "Norway", "Kenya"]
    assert all(line["record_id"] and line["citation"].startswith(f"[{line['marker']}]") for line in lines)
    # The cards are there, closed, for the table's markers to open.
    assert page.locator(".tq-card").count() >= 3
    only_local(browser, direct)


def test_a_thumbs_down_with_a_comment_reaches_the_audit_log(browser: Browser, direct: Server) -> None:
    ask(browser, direct, QUESTION)
    page = browser.page
    page.locator("#tq-chat").get_by_label("Dislike").last.click()
    comment = page.locator("#tq-comment textarea")
    comment.wait_for(state="visible", timeout=10_000)
    comment.fill("It should name the central authority too.")
    page.locator("#tq-send-comment").click()
    comment.wait_for(state="hidden", timeout=10_000)
    assert direct.data is not None
    rated = list(AuditLog(direct.data / "audit.sqlite3").entries(rating="down"))
    assert [(e.question, e.comment) for e in rated][-1] == (
        QUESTION,
        "It should name the central authority too.",
    )
    assert rated[-1].user is None  # no authentication: no user name to keep


def test_clicking_a_marker_brings_its_card_into_view(browser: Browser, direct: Server) -> None:
    ask(browser, direct, "What reservations did Azerbaijan make to the Convention on Cybercrime?")
    page = browser.page
    card = page.locator(".tq-card").last.element_handle()
    first = page.locator(".tq-card").first.element_handle()
    # Close the last card and bring the first into view, then follow the last marker.
    page.evaluate(
        "([last, first]) => { last.open = false; first.scrollIntoView({block: 'start'}); }", [card, first]
    )
    page.locator("a.tq-marker").last.click()
    page.wait_for_function(
        "card => { const r = card.getBoundingClientRect(); "
        "return card.open && r.top >= 0 && r.bottom <= innerHeight; }",
        arg=card,
        timeout=5_000,
    )


def test_html_in_documents_is_shown_as_text_and_never_run(browser: Browser, direct: Server) -> None:
    answer = ask(browser, direct, "What does the Office of Cyber Affairs of Testland publish?")
    page = browser.page
    title = page.title()
    text = page.locator(".tq-card").last.inner_text()
    assert "<img src=x onerror=" in text and "<script>" in text
    assert "secondary source" in answer.inner_text() or "secondary source" in text
    assert "XSS" not in title
    assert page.locator(".tq-card img").count() == 0 and page.locator(".tq-card script").count() == 0


def test_html_in_a_question_is_never_run(browser: Browser, direct: Server) -> None:
    ask(browser, direct, "<img src=x onerror=\"document.title='XSS-Q'\"> What did Azerbaijan declare?")
    page = browser.page
    # The question is shown (Gradio's sanitizer keeps the image, not its handler) and nothing ran.
    assert page.get_by_text("What did Azerbaijan declare?", exact=False).count() >= 1
    assert page.locator("[onerror]").count() == 0
    assert "XSS" not in page.title()


def test_a_question_the_sources_do_not_answer_says_so(browser: Browser, direct: Server) -> None:
    answer = ask(browser, direct, "What reservations did France make to the 1951 Refugee Convention?")
    assert "does not contain" in answer.inner_text()
    assert "tq-declined" in answer.get_attribute("class")


def reopen_saved(browser: Browser, server: Server, question: str) -> None:
    """Ask, reload the page, and open the conversation again from the saved list."""
    ask(browser, server, question)
    page = browser.page
    # The conversation is saved (encrypted) in the browser's storage once the answer is complete.
    saved = (
        "() => Object.entries(localStorage).some(([k, v]) => k.includes('conversations') && v.length > 1000)"
    )
    page.wait_for_function(saved, timeout=30_000)
    page.reload()
    page.get_by_placeholder("Ask about").wait_for(timeout=60_000)
    # The saved conversation, in the history list beside the chat.
    page.locator("div.table", has_text=question[:30]).first.click()
    page.locator(".tq-card").last.wait_for(timeout=30_000)


def test_answers_and_their_cards_survive_reloading_the_history(browser: Browser, direct: Server) -> None:
    reopen_saved(browser, direct, QUESTION)
    assert "[1] Declaration 1" in browser.page.locator(".tq-card summary").last.inner_text()


def test_the_chat_works_under_a_sub_path_behind_a_reverse_proxy(
    browser: Browser, proxied: Server, tmp_path: Path
) -> None:
    answer = ask(browser, proxied, QUESTION)
    assert "Ministry of Justice" in answer.inner_text()
    assert all("/treaties/" in url for url in browser.requests if url.startswith(proxied.origin))
    browser.page.screenshot(path=str(tmp_path / "chat-under-treaties.png"), full_page=True)
    only_local(browser, proxied)


def iframe(url: str) -> str:
    return f'<iframe src="{url}" width="100%" height="900" style="border:0"></iframe>'


def web_component(url: str) -> str:
    return f'<script type="module" src="{url}gradio.js"></script><gradio-app src="{url}"></gradio-app>'


@pytest.mark.parametrize("snippet", [iframe, web_component], ids=["iframe", "web-component"])
def test_an_allowed_origin_can_embed_the_chat(browser: Browser, direct: Server, snippet) -> None:
    with host_page(HOST_PAGE_PORT, snippet(direct.url)) as portal:
        browser.page.goto(portal)
        box = (
            browser.page.frame_locator("iframe").get_by_placeholder("Ask about")
            if snippet is iframe
            else browser.page.get_by_placeholder("Ask about")
        )
        box.wait_for(timeout=60_000)


@pytest.mark.parametrize("snippet", [iframe, web_component], ids=["iframe", "web-component"])
def test_other_origins_cannot_embed_the_chat(browser: Browser, direct: Server, snippet) -> None:
    with host_page(free_port(), snippet(direct.url)) as portal:
        browser.page.goto(portal)
        browser.page.wait_for_timeout(5_000)
        frames = [f for f in browser.page.frames if f is not browser.page.main_frame]
        assert all(f.locator("textarea").count() == 0 for f in [browser.page.main_frame, *frames])
    assert any("frame-ancestors" in line or "CORS" in line for line in browser.console), browser.console


def test_a_four_turn_conversation_is_read_in_context(browser: Browser, direct: Server) -> None:
    """Each follow-up is completed from the turns before it, says how it was read, and
    cites the records of that reading (checked on the cards, not the wording)."""
    page = browser.page
    ask(browser, direct, "What reservations did Azerbaijan make to the Convention on Cybercrime?")
    turns = [
        ("and their declarations?", "Declaration", "Convention on Cybercrime"),
        ("when did they ratify it?", "Status", "Convention on Cybercrime"),
        ("the same for the UN Convention against Cybercrime", "Passage", "United Nations Convention"),
    ]
    for n, (question, label, treaty) in enumerate(turns, 2):
        cards = follow_up(browser, question, n)
        read_as = page.locator(".tq-readas").last.inner_text()
        assert read_as.startswith("Read as:") and "Azerbaijan" in read_as, read_as
        assert cards and all(label in c and "Azerbaijan" in c and treaty in c for c in cards), cards
    assert page.locator(".tq-readas").count() == 3


def test_a_conversation_follows_objections_to_a_reservation_and_similar_ones_by_other_states(
    browser: Browser, direct: Server
) -> None:
    """Objections to the reservation just quoted, whether they keep the treaty in force
    between the two states, then the same reservation by other states: each checked on
    the cards its answer shows."""
    page = browser.page
    ask(browser, direct, "What reservation did Norway make under the songbird convention?")
    objection = follow_up(browser, "Were there objections?", 2)
    assert len(objection) == 1 and "Objection" in objection[0] and "Sweden" in objection[0], objection
    in_force = follow_up(browser, "Is the convention in force between them?", 3)
    assert "Objection" in in_force[0] and "Sweden" in in_force[0], in_force
    quoted = page.locator(".tq-answer").last.locator("xpath=following-sibling::details[1]//mark").inner_text()
    assert "shall not preclude the entry into force of the Convention between Norway and Sweden" in quoted
    similar = follow_up(browser, "Did any other state make a similar reservation?", 4)
    assert len(similar) == 2 and "Chile" in similar[0] and "Kenya" in similar[1], similar
    assert "Besides Norway" in page.locator(".tq-answer").last.inner_text()


def test_a_conversation_reopened_from_the_saved_list_keeps_its_context(
    browser: Browser, direct: Server
) -> None:
    reopen_saved(browser, direct, "What reservations did Azerbaijan make to the Convention on Cybercrime?")
    page = browser.page
    box = page.locator("textarea").last
    box.fill("and their declarations?")
    box.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.tq-answer').length >= 2", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('.tq-state')", timeout=60_000)
    assert "Azerbaijan" in page.locator(".tq-readas").last.inner_text()
    assert "Declaration" in page.locator(".tq-card summary").last.inner_text()
