"""report.json, report.md and report.png for an evaluation run."""

from __future__ import annotations

import json
from pathlib import Path

from evals.metrics import COUNTS, METRICS
from evals.runner import EvalRun, Outcome


def _fmt(value: object) -> str:
    return "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in body])


def _failure(o: Outcome) -> str:
    expected = (
        "decline (not in the sources)" if not o.answerable else "; ".join(" or ".join(g) for g in o.expected)
    )
    got = "declined: " if o.abstained else ""
    cited = f" — cited: {', '.join(o.cited)}" if o.cited else ""
    answer = o.answer.replace("\n", " ")[:400]
    lines = [f"- **{o.id}** ({o.split}, {o.category}) {o.question}", f"  - expected: {expected}"]
    lines.append(f"  - got: {got}{answer}{cited}")
    return "\n".join(lines)


def _columns(run: EvalRun) -> list[tuple[str, dict[str, float | int | None]]]:
    """(heading, summary) per system and split, "treatyqa test" beside "baseline test"."""
    splits = run.systems[0].splits
    if len(splits) < 2:
        return [(s.name, s.summary()) for s in run.systems]
    return [(f"{s.name} {split}", s.summary(split)) for split in splits for s in run.systems]


def markdown(run: EvalRun) -> str:
    columns = _columns(run)
    rows = [["metric", *(name for name, _ in columns)]]
    for metric in [*METRICS, "latency_p50", "latency_p95", "questions"]:
        rows.append([metric, *(_fmt(summary[metric]) for _, summary in columns)])
    parts = [
        "# TreatyQA evaluation",
        "",
        f"Settings: {', '.join(f'{k}={v}' for k, v in run.settings.items())}.",
        "",
        _table(rows),
        "",
        "Lower is better for false_declines and latency (seconds per question); higher for the rest.",
    ]
    summaries = [s.summary() for s in run.systems]
    if len(summaries) > 1 and summaries[1]["latency_p50"]:
        first, second = (s["latency_p50"] or 0.0 for s in summaries[:2])
        names = [s.name for s in run.systems]
        parts += ["", f"Latency p50, {names[0]} / {names[1]}: {first / second:.1f} times."]
    if run.skipped:
        parts += [
            "",
            f"Skipped ({len(run.skipped)}, gold records not in the store): {', '.join(run.skipped)}",
        ]
    for system in run.systems:
        by_category = system.by_category()
        rows = [["category", "n", "recall@5", "citation_recall", "key_facts", "correct_declines"]]
        for category, summary in by_category.items():
            rows.append(
                [
                    category,
                    str(summary["questions"]),
                    *(
                        _fmt(summary[m])
                        for m in ("recall@5", "citation_recall", "key_facts", "correct_declines")
                    ),
                ]
            )
        failures = sorted((o for o in system.outcomes if o.failed), key=lambda o: o.split)
        parts += [
            "",
            f"## {system.name}: by category",
            "",
            _table(rows),
            "",
            f"## {system.name}: failures ({len(failures)})",
            "",
        ]
        parts += [_failure(o) for o in failures] or ["None."]
    return "\n".join(parts) + "\n"


def chart(run: EvalRun, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shares = [m for m in METRICS if m not in COUNTS]  # counts do not fit a 0-1 axis
    width = 0.8 / len(run.systems)
    fig, ax = plt.subplots(figsize=(12, 4.5))
    for i, system in enumerate(run.systems):
        summary = system.summary()
        values = [summary[m] or 0.0 for m in shares]
        xs = [x + i * width for x in range(len(shares))]
        bars = ax.bar(xs, values, width, label=system.name)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7, padding=1)
    ax.set_xticks(
        [x + width * (len(run.systems) - 1) / 2 for x in range(len(shares))],
        shares,
        rotation=30,
        ha="right",
    )
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("share (false_declines: lower is better)")
    ax.set_title(f"TreatyQA evaluation, {run.systems[0].summary()['questions']} questions")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write(run: EvalRun, directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": directory / "report.json",
        "md": directory / "report.md",
        "png": directory / "report.png",
    }
    data = {
        "settings": run.settings,
        "skipped": run.skipped,
        "systems": {s.name: s.to_json() for s in run.systems},
    }
    paths["json"].write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    paths["md"].write_text(markdown(run), encoding="utf-8")
    chart(run, paths["png"])
    return paths
