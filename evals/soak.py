"""`treatyqa soak`: many clients asking `treatyqa serve` over loopback for a long time;
questions per second, latency, status codes, and the server's memory over time.

The server is started in a child process on the configured store (ingested first if
empty); the clients are threads here, each asking the bundled questions in turn."""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.config import Settings
from evals.bench import percentile, questions, serving

Say = Callable[[str], None]


@dataclass
class Load:
    seconds: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status == 200:
                self.seconds.append(seconds)


def _ask(port: int, question: str) -> int:
    body = json.dumps({"question": question}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/ask", body, {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0  # no answer at all: refused or timed out


def _client(port: int, asked: list[str], offset: int, stop: threading.Event, load: Load) -> None:
    n = offset
    while not stop.is_set():
        started = time.perf_counter()
        status = _ask(port, asked[n % len(asked)])
        load.record(status, time.perf_counter() - started)
        n += 1


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def run(
    settings: Settings,
    out: Path,
    *,
    clients: int = 50,
    minutes: float = 20,
    sample_every: float = 30,
    port: int = 7872,
    say: Say = print,
) -> dict[str, Any]:
    asked = questions()
    load, stop = Load(), threading.Event()
    rss: list[tuple[float, float]] = []
    with serving(settings, port) as pid:
        say(f"serving (RSS {_rss_mb(pid)} MB); {clients} clients for {minutes:g} min")
        threads = [
            threading.Thread(target=_client, args=(port, asked, i * 7, stop, load), daemon=True)
            for i in range(clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while (elapsed := time.monotonic() - started) < minutes * 60:
            time.sleep(min(sample_every, minutes * 60 - elapsed))
            rss.append((round(time.monotonic() - started), _rss_mb(pid)))
            say(f"{rss[-1][0]:5.0f} s  RSS {rss[-1][1]} MB  {sum(load.statuses.values())} answers")
        stop.set()
        for thread in threads:
            thread.join(150)
        duration = time.monotonic() - started
    total = sum(load.statuses.values())
    warm = [mb for t, mb in rss if t >= duration / 4]  # after the first quarter
    report = {
        "clients": clients,
        "seconds": round(duration),
        "questions": total,
        "questions_per_s": round(total / duration, 1),
        "p50_s": round(statistics.median(load.seconds), 3) if load.seconds else None,
        "p95_s": round(percentile(load.seconds, 0.95), 3) if load.seconds else None,
        "statuses": {str(code): n for code, n in sorted(load.statuses.items())},
        "rss_mb": rss,
        "rss_after_warm_up_mb": {"min": min(warm), "max": max(warm)} if warm else None,
    }
    write(report, out)
    return report


def markdown(report: dict[str, Any]) -> str:
    statuses = ", ".join(f"{code}: {n}" for code, n in report["statuses"].items())
    warm = report["rss_after_warm_up_mb"]
    lines = [
        "# TreatyQA soak",
        "",
        f"{report['clients']} clients on loopback for {report['seconds']} s: {report['questions']} "
        f"questions, {report['questions_per_s']}/s; p50 {report['p50_s']} s, p95 {report['p95_s']} s.",
        f"Status codes: {statuses}.",
        f"Server RSS after the first quarter: {warm['min']} to {warm['max']} MB." if warm else "",
        "",
        "| seconds | RSS (MB) |",
        "|---|---|",
        *(f"| {t} | {mb} |" for t, mb in report["rss_mb"]),
    ]
    return "\n".join(lines) + "\n"


def write(report: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "soak.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "soak.md").write_text(markdown(report), encoding="utf-8")
