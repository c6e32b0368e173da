"""`treatyqa bench`: how fast TreatyQA is on this machine, and how much memory it takes,
measured in one run and written to report.json and report.md.

- encoder: the model alone on texts drawn from the corpus, against ingest as a whole;
- ingest of the bundled corpus into an empty store, and again with nothing changed;
- question latency against a bare Chroma query with the same question embedded;
- cold start (a new process answering one question) and peak memory of ingest and serve;
- the same at a larger scale: the bundled records replicated under generated treaty
  and state names (their vectors reused: a record's vector does not depend on its
  names), and a larger scale still by extrapolating what was measured.
Every figure is measured here, except those marked as extrapolated."""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import numpy as np

from app.assistant import Assistant
from app.audit import Entry, now
from app.config import Settings
from evals import dataset
from ingest import encoders
from ingest.embedding import Embedder, RecordVectors, windows
from ingest.records import Kind, Record, record_id

Say = Callable[[str], None]
SYLLABLES = "ka lo mi ren tas vel dor an is ul bre qua fen sol tir mar gol pe nu zan".split()


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _ms(values: Sequence[float], digits: int = 1) -> dict[str, float]:
    return {
        "p50_ms": round(1000 * statistics.median(values), digits),
        "p95_ms": round(1000 * percentile(values, 0.95), digits),
    }


def _settings(data_dir: Path) -> Settings:
    """The default settings for a store of the run. Every store of a run sits in one
    work folder and shares one export of the model, made (and timed) first: the
    export is a first start's cost, not ingest's."""
    return Settings(data_dir=data_dir, model_cache=data_dir.parent / "models")


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a child process that runs with `settings`' store and model."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TREATYQA_")}
    return {
        **env,
        "TREATYQA_DATA_DIR": str(settings.data_dir),
        "TREATYQA_MODEL_CACHE": str(settings.exports_path),
        "TREATYQA_EMBEDDING_MODEL": settings.embedding_model,
        "TREATYQA_EMBEDDING_BACKEND": settings.embedding_backend,
        **extra,
    }


def _timed_process(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a child process run to its end."""
    started = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status:
        raise RuntimeError(f"{' '.join(args)} failed: {child.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
    return seconds, usage.ru_maxrss / 1024


def _treatyqa(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "treatyqa"), *args]


def questions() -> list[str]:
    """The bundled question set's single questions (follow-ups need their history)."""
    return [item.question for item in dataset.load(dataset.DEFAULT_SET) if not item.history]


# --- the bundled corpus ---------------------------------------------------------------------


def export(settings: Settings) -> float:
    """Seconds to export the model for the ONNX backends (once per model and machine)."""
    started = time.perf_counter()
    encoders.export(settings.embedding_model, settings.exports_path)
    return round(time.perf_counter() - started, 1)


def backends(settings: Settings, records: list[Record], sample: int) -> dict[str, dict[str, float]]:
    """Each backend alone on the same texts as ingest encodes them, drawn at random:
    throughput (the best of three passes after a first one: a single pass of a few
    seconds varied by 12% from run to run here), and how close its vectors are to
    those of torch (the model as trained)."""
    texts = windows(random.Random(7).sample(records, min(sample, len(records))))
    figures: dict[str, dict[str, float]] = {}
    reference = None
    for backend in sorted(encoders.BACKENDS, key=lambda b: b != "torch"):  # torch first
        embedder = Embedder(settings.embedding_model, exports=settings.exports_path, backend=backend)
        vectors = embedder.encode(texts)  # loading the model and first-call set-up are not throughput
        seconds = min(_seconds(embedder.encode, texts) for _ in range(3))
        reference = vectors if reference is None else reference
        cosine = (vectors * reference).sum(axis=1)
        figures[backend] = {
            "texts": len(texts),
            "texts_per_s": round(len(texts) / seconds, 1),
            "cosine_to_torch_mean": round(float(cosine.mean()), 4),
            "cosine_to_torch_min": round(float(cosine.min()), 4),
        }
    return figures


def _seconds(work: Callable[[list[str]], object], texts: list[str]) -> float:
    started = time.perf_counter()
    work(texts)
    return time.perf_counter() - started


def latency(assistant: Assistant, asked: list[str]) -> dict[str, Any]:
    """Whole answers, against embedding the question plus a bare top-k Chroma query."""
    assistant.ask(asked[0])  # indexes loaded, model warm
    answers, bare = [], []
    for question in asked:
        started = time.perf_counter()
        assistant.ask(question)
        answers.append(time.perf_counter() - started)
    collection = assistant.store.collection
    for question in asked:
        started = time.perf_counter()
        vector = assistant.embedder.encode([question])[0]
        collection.query(query_embeddings=[vector], n_results=assistant.settings.top_k, include=[])
        bare.append(time.perf_counter() - started)
    figures = {"questions": len(asked), "treatyqa": _ms(answers), "bare_chroma": _ms(bare)}
    figures["ratio_p50"] = round(statistics.median(answers) / statistics.median(bare), 2)
    figures["ratio_p95"] = round(percentile(answers, 0.95) / percentile(bare, 0.95), 2)
    return figures


def audit_cost(assistant: Assistant, asked: list[str], writes: int = 500) -> dict[str, Any]:
    """What the audit log adds to an answer: each question answered with the log on and
    off, in alternating order (so a change in the machine's load falls on both), and the
    time of one write alone."""
    log, mode = assistant.audit, assistant.audit.mode
    timed: dict[str, list[float]] = {"on": [], "off": []}
    try:
        for n, question in enumerate(asked):
            for log.mode in ("on", "off") if n % 2 else ("off", "on"):
                started = time.perf_counter()
                assistant.ask(question)
                timed[log.mode].append(time.perf_counter() - started)
    finally:
        log.mode = mode
    alone = []
    for n in range(writes):
        question = asked[n % len(asked)]
        entry = Entry(f"bench-{n}", now(), None, question, question, question, False, ("id",) * 8, "", 1.0)
        started = time.perf_counter()
        log.record(entry)
        alone.append(time.perf_counter() - started)
    on, off = _ms(timed["on"]), _ms(timed["off"])
    added = round(on["p50_ms"] - off["p50_ms"], 2)
    return {"on": on, "off": off, "p50_added_ms": added, "write": _ms(alone, digits=3)}


@contextmanager
def serving(settings: Settings, port: int) -> Any:
    """`treatyqa serve` in a child process, ready to answer; yields its process ID."""
    env = _env(settings, TREATYQA_PORT=str(port), TREATYQA_RATE_LIMIT="1000000/minute")
    child = subprocess.Popen(
        _treatyqa("serve"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2).read()
                break
            if child.poll() is not None:
                raise RuntimeError("`treatyqa serve` exited before it answered")
            time.sleep(0.5)
        yield child.pid
    finally:
        child.terminate()
        child.wait(30)


def serve_memory(settings: Settings, asked: list[str], port: int) -> dict[str, float]:
    """Peak RSS of `serve` after answering the questions over HTTP."""
    with serving(settings, port) as pid:
        for question in asked:
            body = json.dumps({"question": question}).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/ask", body, {"Content-Type": "application/json"}
            )
            urllib.request.urlopen(request, timeout=60).read()
        status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {
        "rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
        "peak_rss_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1),
    }


def cold_start(settings: Settings, question: str) -> float:
    """A new process, an existing store: from start to the first answer printed."""
    seconds, _ = _timed_process(_treatyqa("ask", question), _env(settings))
    return round(seconds, 2)


# --- at scale ------------------------------------------------------------------------------


def _invented(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        if name not in used:
            used.add(name)
            return name


def replicated(
    records: list[Record], vectors: RecordVectors, size: int
) -> tuple[list[Record], RecordVectors]:
    """`size` records: the given ones, then copies of them under generated treaty and
    state names (each copy its own set of names), so that scopes stay as small as real ones."""
    rng, used = random.Random(11), set[str]()
    out, rows, segments = list(records), [vectors.records], list(vectors.segments)
    copy = 0
    while len(out) < size:
        copy += 1
        treaties = {
            t: f"{_invented(rng, used)} Convention on {t.split()[-1]}"
            for t in {r.treaty or "" for r in records}
        }
        parties = {p: f"Republic of {_invented(rng, used)}" for p in {r.party or "" for r in records}}
        take = records[: size - len(out)]
        for r in take:
            source = f"generated/{copy}/{r.source}"
            out.append(
                replace_record(
                    r,
                    source,
                    treaties[r.treaty or ""] if r.treaty else None,
                    parties.get(r.party or "") if r.party else None,
                )
            )
        rows.append(vectors.records[: len(take)])
        segments += vectors.segments[: len(take)]
    return out, RecordVectors(np.concatenate(rows), segments)


def replace_record(record: Record, source: str, treaty: str | None, party: str | None) -> Record:
    return record.model_copy(
        update={
            "id": record_id(source, str(record.position), record.text),
            "source": source,
            "treaty": treaty,
            "party": party,
        }
    )


def at_scale(
    base: Assistant, work: Path, sizes: Sequence[int], asked: list[str], port: int, say: Say
) -> list[dict[str, Any]]:
    """Store writes, index build, question latency and serve memory at each size."""
    indexes = base.indexes
    records = indexes.catalogue.records
    # Every record of the catalogue is indexed, so each has its segments.
    segments = [found for r in records if (found := indexes.segments_of(r)) is not None]
    vectors = RecordVectors(indexes.vectors, segments)
    rows = []
    for size in sizes:
        say(f"scale {size:,}: writing the store")
        data_dir = work / f"scale-{size}"
        settings = _settings(data_dir)
        assistant = Assistant(settings)
        many, many_vectors = replicated(records, vectors, size)
        started = time.perf_counter()
        assistant.store.add(many, many_vectors)
        assistant.store.touch()
        writes = time.perf_counter() - started
        started = time.perf_counter()
        assistant.indexes  # noqa: B018 - built on first use; timed here
        build = time.perf_counter() - started
        say(f"scale {size:,}: questions")
        row = {
            "records": size,
            "store_writes_per_s": round(size / writes, 1),
            "index_build_s": round(build, 1),
            "latency": latency(assistant, asked),
        }
        say(f"scale {size:,}: serve memory")
        row["serve"] = serve_memory(settings, asked[:50], port)
        rows.append(row)
        del assistant
    return rows


def extrapolate(rows: list[dict[str, Any]], size: int) -> dict[str, Any]:
    """A straight line through the measured sizes, read at `size`: an estimate."""
    sizes = [r["records"] for r in rows]

    def line(values: list[float]) -> float:
        slope, intercept = np.polyfit(sizes, values, 1)
        return round(float(slope * size + intercept), 1)

    return {
        "records": size,
        "extrapolated": True,
        "p95_ms": line([r["latency"]["treatyqa"]["p95_ms"] for r in rows]),
        "serve_rss_mb": line([r["serve"]["rss_mb"] for r in rows]),
    }


# --- one large document ----------------------------------------------------------------------

LARGE_MB = 20
# Reading a document must cost a small part of encoding it: ingest then runs at the encoder's speed.
LARGE_BUDGET = 0.1  # parse seconds per encoding second


def large_document(
    records: list[Record], texts_per_s: float, work: Path, megabytes: int = LARGE_MB
) -> dict[str, Any]:
    """A document of `megabytes` MB written as one line (text pulled from a PDF often is),
    made of the corpus's own texts: how long reading it into records takes, against how
    long the encoder takes to embed what it yields."""
    from ingest.pipeline import parse_file

    texts = [r.text for r in records if r.kind is not Kind.STATUS]
    size = megabytes * 1024 * 1024
    line: list[str] = texts * (size // max(1, sum(len(t) for t in texts)) + 1)
    document = work / "one-line.txt"
    document.write_text(" ".join(" ".join(t.split()) for t in line)[:size], encoding="utf-8")
    started = time.perf_counter()
    _, found, _ = parse_file(document, document.name)
    parse_s = time.perf_counter() - started
    encode_s = len(windows(found)) / texts_per_s
    return {
        "megabytes": megabytes,
        "records": len(found),
        "parse_s": round(parse_s, 1),
        "encode_s_at_encoder_speed": round(encode_s, 1),
        "parse_per_encode_s": round(parse_s / encode_s, 3),
        "within_budget": parse_s <= LARGE_BUDGET * encode_s,
    }


# --- the run -------------------------------------------------------------------------------


def run(
    out: Path,
    *,
    sizes: Sequence[int] = (50_000, 100_000),
    extrapolate_to: int = 1_000_000,
    sample: int = 3000,
    port: int = 7871,
    say: Say = print,
) -> dict[str, Any]:
    corpus = Settings().corpus_dir
    work = Path(tempfile.mkdtemp(prefix="treatyqa-bench-"))
    try:
        data_dir = work / "bundled"
        settings = _settings(data_dir)
        say("export of the embedding model for the ONNX backends")
        export_s = export(settings)
        say("ingest of the bundled corpus into an empty store")
        ingest_s, ingest_rss = _timed_process(_treatyqa("ingest", "--quiet", str(corpus)), _env(settings))
        say("ingest again, nothing changed")
        again_s, _ = _timed_process(_treatyqa("ingest", "--quiet", str(corpus)), _env(settings))
        assistant = Assistant(settings)
        records = assistant.store.records()
        texts = len(windows(records))
        say("each embedding backend alone")
        by_backend = backends(settings, records, sample)
        raw = by_backend[settings.embedding_backend]
        asked = questions()
        say("question latency")
        report: dict[str, Any] = {
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
            "embedding": assistant.embedder.signature,
            "bundled": {
                "records": len(records),
                "texts": texts,
                "model_export_s": export_s,
                "encoders": by_backend,
                "ingest": {
                    "seconds": round(ingest_s, 1),
                    "texts_per_s": round(texts / ingest_s, 1),
                    "ratio_to_encoder": round(texts / ingest_s / raw["texts_per_s"], 2),
                    "peak_rss_mb": round(ingest_rss, 1),
                },
                "reingest_unchanged_s": round(again_s, 1),
                "latency": latency(assistant, asked),
            },
        }
        say("the audit log's cost per answer")
        report["bundled"]["audit"] = audit_cost(assistant, asked)
        say(f"a {LARGE_MB} MB one-line document")
        report["large_document"] = large_document(records, raw["texts_per_s"], work)
        say("cold start")
        report["bundled"]["cold_start_s"] = cold_start(settings, asked[0])
        say("serve memory")
        report["bundled"]["serve"] = serve_memory(settings, asked[:50], port)
        report["scale"] = at_scale(assistant, work, sizes, asked, port, say)
        if len(set(sizes)) > 1:  # a line needs two sizes: one gives no slope
            report["scale"].append(extrapolate(report["scale"], extrapolate_to))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write(report, out)
    return report


def markdown(report: dict[str, Any]) -> str:
    b = report["bundled"]
    q, audit = b["latency"]["treatyqa"], b["audit"]
    lines = [
        "# TreatyQA benchmark",
        "",
        f"{report['machine']['cpus']} CPUs, Python {report['machine']['python']}; {report['embedding']}.",
        "",
        f"## Bundled corpus ({b['records']:,} records, {b['texts']:,} texts embedded)",
        "",
        "| | figure |",
        "|---|---|",
        f"| export of the model for ONNX (first start only) | {b['model_export_s']} s |",
        f"| ingest into an empty store | {b['ingest']['seconds']} s, {b['ingest']['texts_per_s']} texts/s "
        f"({b['ingest']['ratio_to_encoder']}x the encoder) |",
        f"| ingest again, nothing changed | {b['reingest_unchanged_s']} s |",
        f"| question, p50 / p95 | {q['p50_ms']} / {q['p95_ms']} ms |",
        f"| bare Chroma query + question embedding, p50 / p95 | {b['latency']['bare_chroma']['p50_ms']} / "
        f"{b['latency']['bare_chroma']['p95_ms']} ms |",
        f"| ratio, p50 / p95 | {b['latency']['ratio_p50']} / {b['latency']['ratio_p95']} |",
        f"| cold start (new process → first answer) | {b['cold_start_s']} s |",
        f"| peak RSS: ingest / serve | {b['ingest']['peak_rss_mb']} / {b['serve']['peak_rss_mb']} MB |",
        f"| question p50, audit log on / off | {audit['on']['p50_ms']} / {audit['off']['p50_ms']} ms "
        f"(+{audit['p50_added_ms']} ms; one write alone: p50 {audit['write']['p50_ms']} ms, "
        f"p95 {audit['write']['p95_ms']} ms) |",
        "",
        f"## A {report['large_document']['megabytes']} MB document on one line",
        "",
        f"{report['large_document']['records']:,} records: read in {report['large_document']['parse_s']} s, "
        f"embedded in about {report['large_document']['encode_s_at_encoder_speed']} s at the encoder's speed "
        f"({report['large_document']['parse_per_encode_s']} s of reading per second of encoding; budget "
        f"{LARGE_BUDGET}: {'met' if report['large_document']['within_budget'] else 'NOT met'}).",
        "",
        "## Embedding backends alone (the same texts, drawn from the corpus)",
        "",
        "| backend | texts/s | cosine to torch, mean / min |",
        "|---|---|---|",
        *(
            f"| {name} | {e['texts_per_s']} | {e['cosine_to_torch_mean']} / {e['cosine_to_torch_min']} |"
            for name, e in b["encoders"].items()
        ),
        "",
        "## At scale (records replicated under generated names)",
        "",
        "| records | store writes/s | index build | question p50 / p95 | serve RSS |",
        "|---|---|---|---|---|",
    ]
    for row in report["scale"]:
        if row.get("extrapolated"):
            lines.append(
                f"| {row['records']:,} (extrapolated) | | | p95 ≈ {row['p95_ms']} ms "
                f"| ≈ {row['serve_rss_mb']} MB |"
            )
        else:
            t = row["latency"]["treatyqa"]
            lines.append(
                f"| {row['records']:,} | {row['store_writes_per_s']} | {row['index_build_s']} s | "
                f"{t['p50_ms']} / {t['p95_ms']} ms | {row['serve']['rss_mb']} MB |"
            )
    return "\n".join(lines) + "\n"


def write(report: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(markdown(report), encoding="utf-8")
